import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";
import { createDpopKey, dpopHtu, DpopNonces, dpopProof } from "../../../auth/oauth_client/dpop.ts";
import { setup } from "./fixtures.ts";

async function athOf(token: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(token));
  return jose.base64url.encode(new Uint8Array(digest));
}

describe("DPoP proofs", () => {
  test("have the RFC 9449 shape and verify with the embedded key", async () => {
    const key = await createDpopKey();
    assert.equal(key.privateKey.extractable, false);
    const proof = await dpopProof(key, {
      method: "post",
      url: "https://mcp.example.com/mcp?session=1#frag",
      accessToken: "token-abc",
      nonce: "n-1",
    });
    const header = jose.decodeProtectedHeader(proof);
    assert.equal(header.typ, "dpop+jwt");
    assert.equal(header.alg, "ES256");
    assert.deepEqual(Object.keys(header.jwk!).sort(), ["crv", "kty", "x", "y"]);
    assert.equal(await jose.calculateJwkThumbprint(header.jwk!), key.thumbprint);
    const { payload } = await jose.jwtVerify(proof, await jose.importJWK(header.jwk!, "ES256"), {
      typ: "dpop+jwt",
    });
    assert.equal(payload.htm, "POST");
    assert.equal(payload.htu, "https://mcp.example.com/mcp");
    assert.ok(Math.abs(payload.iat! - Date.now() / 1000) < 5);
    assert.equal(payload.ath, await athOf("token-abc"));
    assert.equal(payload.nonce, "n-1");
    assert.equal(typeof payload.jti, "string");
    const other = jose.decodeJwt(await dpopProof(key, { method: "GET", url: "https://a.example" }));
    assert.notEqual(other.jti, payload.jti);
    assert.equal(other.ath, undefined);
    assert.equal(other.nonce, undefined);
    assert.equal(dpopHtu("https://A.example.com:443/x/?q#f"), "https://a.example.com/x/");
    assert.equal(dpopHtu("wss://a.example.com/mcp?t=1"), "https://a.example.com/mcp");
    assert.equal(dpopHtu("ws://127.0.0.1:8080/mcp"), "http://127.0.0.1:8080/mcp");
    const nonces = new DpopNonces();
    nonces.set("https://a.example.com/token", "n");
    assert.equal(nonces.get("wss://a.example.com/mcp"), "n");
    assert.equal(nonces.get("https://b.example.com/"), undefined);
  });
});

describe("DPoP with servers", () => {
  test("auto: a DPoP challenge and an ES256 server give a bound token and a fresh proof per request", async () => {
    const s = await setup({ dpopAlgs: ["ES256"] }, { scheme: "DPoP" });
    try {
      for (let i = 0; i < 3; i++) assert.equal((await s.call("tools/list")).status, 200);
      assert.deepEqual(s.rs.proofErrors, []);
      assert.equal(s.provider.tokens?.tokenType, "DPoP");
      assert.ok(s.as.tokenRequests[0].headers.get("dpop"));
      const authenticated = s.rs.log.filter((entry) => entry.authorization !== null);
      assert.equal(authenticated.length, 3);
      for (const entry of authenticated) assert.match(entry.authorization!, /^DPoP at-/);
      const jtis = new Set(authenticated.map((entry) => jose.decodeJwt(entry.dpop!).jti));
      assert.equal(jtis.size, 3);
    } finally {
      await s.close();
    }
  });

  test("server nonces: the token request and the resource request are retried with them", async () => {
    const s = await setup({ dpopAlgs: ["ES256"], dpopNonce: "as-nonce" }, {
      scheme: "DPoP",
      dpopNonce: "rs-nonce",
    });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      const tokenNonces = s.as.tokenRequests.map(({ headers }) =>
        jose.decodeJwt(headers.get("dpop")!).nonce
      );
      assert.deepEqual(tokenNonces, [undefined, "as-nonce"]);
      const resourceNonces = s.rs.log.filter((entry) => entry.dpop !== null).map((entry) =>
        jose.decodeJwt(entry.dpop!).nonce
      );
      assert.deepEqual(resourceNonces, [undefined, "rs-nonce"]);
      // The nonce is remembered: the next request needs no challenge.
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(jose.decodeJwt(s.rs.log.at(-1)!.dpop!).nonce, "rs-nonce");
      assert.equal(s.rs.log.length, 4);
    } finally {
      await s.close();
    }
  });

  test("a refresh of a bound token carries a proof of the same key", async () => {
    let now = Date.now();
    const s = await setup({ dpopAlgs: ["ES256"], expiresIn: 60 }, { scheme: "DPoP" }, {
      now: () => now,
    });
    try {
      await s.call("tools/list");
      now += 60_000;
      assert.equal((await s.call("tools/list")).status, 200);
      const refresh = s.as.tokenRequests[1];
      assert.equal(refresh.params.get("grant_type"), "refresh_token");
      const [first, second] = s.as.tokenRequests.map(({ headers }) =>
        jose.decodeProtectedHeader(headers.get("dpop")!).jwk
      );
      assert.deepEqual(first, second);
    } finally {
      await s.close();
    }
  });

  test("auto stays Bearer when the resource does not ask; false never binds", async () => {
    const bearerResource = await setup({ dpopAlgs: ["ES256"] });
    const disabled = await setup({ dpopAlgs: ["ES256"] }, { scheme: "DPoP" }, { dpop: false });
    try {
      for (const s of [bearerResource, disabled]) {
        assert.equal((await s.call("tools/list")).status, 200);
        assert.equal(s.provider.tokens?.tokenType, "Bearer");
        assert.equal(s.as.tokenRequests[0].headers.get("dpop"), null);
      }
    } finally {
      await bearerResource.close();
      await disabled.close();
    }
  });

  test("true binds whenever the authorization server accepts ES256", async () => {
    const s = await setup({ dpopAlgs: ["ES256"] }, {}, { dpop: true });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(s.provider.tokens?.tokenType, "DPoP");
    } finally {
      await s.close();
    }
  });
});
