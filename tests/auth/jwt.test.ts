/**
 * jwtVerifier: RS256, ES256 and HS256 tokens signed with keys generated here;
 * each refusal (alg none, unknown kid, bad signature, iss, aud, exp, nbf) pinned.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bearerAuth, InvalidTokenError, type VerifiedToken } from "../../auth/bearer.ts";
import { jwtVerifier, type JwtVerifierOptions } from "../../auth/jwt.ts";
import {
  encodeJson,
  generateKey,
  goodClaims,
  ISSUER,
  requestWith,
  RESOURCE,
  signJwt,
  type TestKey,
} from "./helpers.ts";

const REQUEST = requestWith();

async function refusal(verified: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(verified, (error: unknown) => {
    assert.ok(error instanceof InvalidTokenError, String(error));
    assert.match(error.message, pattern);
    return true;
  });
}

describe("jwtVerifier", () => {
  let rsa: TestKey;
  let ec: TestKey;
  let hmac: TestKey;
  let stranger: TestKey;

  before(async () => {
    [rsa, ec, hmac, stranger] = await Promise.all([
      generateKey("RS256"),
      generateKey("ES256"),
      generateKey("HS256"),
      generateKey("ES256", "ES256-1"),
    ]);
  });

  function verifier(options: Partial<JwtVerifierOptions> = {}) {
    return jwtVerifier({
      jwks: { keys: [rsa.jwk, ec.jwk, hmac.jwk] },
      issuer: ISSUER,
      audience: RESOURCE,
      algorithms: ["RS256", "ES256", "HS256"],
      ...options,
    });
  }

  for (const alg of ["RS256", "ES256", "HS256"] as const) {
    test(`${alg}: a good token yields subject, client, scopes, expiry, audience`, async () => {
      const key = { RS256: rsa, ES256: ec, HS256: hmac }[alg];
      const claims = goodClaims();
      const token = await signJwt(key, claims);
      const verified = await verifier()(token, REQUEST) as VerifiedToken;
      assert.equal(verified.token, token);
      assert.equal(verified.subject, "ada");
      assert.equal(verified.clientId, "client-1");
      assert.deepEqual(verified.scopes, ["mcp", "files:read"]);
      assert.equal(verified.audience, RESOURCE);
      assert.equal(verified.expiresAt, (claims.exp as number) + 30);
      assert.deepEqual(verified.extra?.claims, claims);
    });
  }

  test("scp as an array, azp as the client", async () => {
    const token = await signJwt(
      ec,
      goodClaims({ scope: undefined, scp: ["a", "b"], client_id: undefined, azp: "c2" }),
    );
    const verified = await verifier()(token, REQUEST) as VerifiedToken;
    assert.deepEqual(verified.scopes, ["a", "b"]);
    assert.equal(verified.clientId, "c2");
  });

  test("alg none is refused, signed or not", async () => {
    const body = encodeJson(goodClaims());
    await refusal(verifier()(`${encodeJson({ alg: "none" })}.${body}.`, REQUEST), /algorithm/);
    await refusal(verifier()(`${encodeJson({ alg: "none" })}.${body}.AAAA`, REQUEST), /algorithm/);
  });

  test("an algorithm outside the allowed list is refused", async () => {
    const token = await signJwt(hmac, goodClaims());
    await refusal(verifier({ algorithms: undefined })(token, REQUEST), /algorithm/);
  });

  test("an unknown kid is refused", async () => {
    const token = await signJwt(ec, goodClaims(), { kid: "rotated-away" });
    await refusal(verifier()(token, REQUEST), /key is unknown/);
  });

  test("a token signed by another key with a known kid fails the signature", async () => {
    const token = await signJwt(stranger, goodClaims());
    await refusal(verifier()(token, REQUEST), /signature/);
  });

  test("a token without kid is checked against the keys that fit its algorithm", async () => {
    const token = await signJwt(rsa, goodClaims(), { kid: undefined });
    assert.equal((await verifier()(token, REQUEST) as VerifiedToken).subject, "ada");
  });

  test("an RSA key cannot verify an HS256 token (no algorithm confusion)", async () => {
    const token = await signJwt(hmac, goodClaims(), { kid: rsa.kid });
    await refusal(verifier()(token, REQUEST), /key is unknown/);
  });

  test("a tampered payload fails the signature", async () => {
    const token = await signJwt(rsa, goodClaims());
    const [head, , signature] = token.split(".");
    const forged = `${head}.${encodeJson(goodClaims({ scope: "admin" }))}.${signature}`;
    await refusal(verifier()(forged, REQUEST), /signature/);
  });

  test("crit headers and malformed tokens are refused", async () => {
    await refusal(verifier()(await signJwt(rsa, goodClaims(), { crit: ["x"] }), REQUEST), /crit/);
    await refusal(verifier()("abc", REQUEST), /not a JWT/);
    await refusal(verifier()("a.b.c", REQUEST), /malformed/);
  });

  test("a wrong issuer is refused", async () => {
    const token = await signJwt(rsa, goodClaims({ iss: "https://evil.example.com" }));
    await refusal(verifier()(token, REQUEST), /issuer/);
  });

  test("a wrong audience is refused; an audience array naming this resource is accepted", async () => {
    await refusal(
      verifier()(await signJwt(rsa, goodClaims({ aud: "https://other.example/mcp" })), REQUEST),
      /not issued for this resource/,
    );
    const token = await signJwt(rsa, goodClaims({ aud: ["https://other.example/mcp", RESOURCE] }));
    assert.ok(await verifier()(token, REQUEST));
  });

  test("exp and nbf honour the clock tolerance", async () => {
    const now = Math.floor(Date.now() / 1000);
    const expired = await signJwt(rsa, goodClaims({ exp: now - 10 }));
    assert.ok(await verifier()(expired, REQUEST));
    await refusal(verifier({ clockToleranceSeconds: 5 })(expired, REQUEST), /expired/);
    const early = await signJwt(rsa, goodClaims({ nbf: now + 120 }));
    await refusal(verifier()(early, REQUEST), /not valid yet/);
    assert.ok(await verifier({ clockToleranceSeconds: 300 })(early, REQUEST));
  });

  test("a remembered token is still refused once expired, or once its key leaves the set", async () => {
    let clock = Date.now();
    let keys = [ec.jwk];
    let lookups = 0;
    const verify = verifier({
      now: () => clock,
      jwks: {
        keysFor: () => {
          lookups++;
          return Promise.resolve(keys);
        },
      },
    });
    const exp = Math.floor(clock / 1000) + 60;
    const token = await signJwt(ec, goodClaims({ exp }));
    assert.ok(await verify(token, REQUEST));
    assert.ok(await verify(token, REQUEST), "the second use is accepted from memory");
    clock = (exp + 31) * 1000;
    await refusal(verify(token, REQUEST), /expired/);
    clock = Date.now();
    keys = [rsa.jwk]; // rotated out
    await refusal(verify(token, REQUEST), /unknown/);
    assert.ok(lookups >= 3, "the key set is consulted on every use");
  });

  test("a tampered copy of a remembered token is not taken from memory", async () => {
    const verify = verifier();
    const token = await signJwt(rsa, goodClaims());
    assert.ok(await verify(token, REQUEST));
    const [header, , signature] = token.split(".");
    const forged = `${header}.${encodeJson(goodClaims({ sub: "mallory" }))}.${signature}`;
    await refusal(verify(forged, REQUEST), /signature/);
  });

  test("a token without exp is refused unless requireExpiry is false", async () => {
    const token = await signJwt(rsa, goodClaims({ exp: undefined }));
    await refusal(verifier()(token, REQUEST), /no expiry/);
    assert.ok(await verifier({ requireExpiry: false })(token, REQUEST));
  });

  test("behind bearerAuth: another audience is a 401 invalid_token", async () => {
    const authenticate = bearerAuth({
      resource: RESOURCE,
      verify: verifier({ audience: undefined }),
    });
    const token = await signJwt(rsa, goodClaims({ aud: "https://other.example/mcp" }));
    const outcome = await authenticate(requestWith(`Bearer ${token}`));
    assert.ok(outcome instanceof Response);
    assert.equal(outcome.status, 401);
    assert.match(outcome.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    await outcome.body?.cancel();
  });
});
