/**
 * Attacks on JWT access-token verification, each refused: alg none, an HMAC token "signed"
 * with the RSA public key as secret, wrong audience, expired, not yet valid, tampered
 * signature; and the algorithms that must work (ES256, RS256, PS256, EdDSA).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { jwtVerifier, type JwtVerifierOptions } from "../../auth/jwt.ts";
import { base64UrlEncode, type JwkWithId } from "../../auth/jws.ts";
import { encodeJson, generateKey, goodClaims, ISSUER, RESOURCE, signJwt } from "./helpers.ts";

const encoder = new TextEncoder();

/** A PS256 or EdDSA key (helpers.ts makes RS256, ES256 and HS256 ones). */
async function extraKey(alg: "PS256" | "EdDSA", kid: string) {
  const generate = alg === "PS256"
    ? {
      name: "RSA-PSS",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    }
    : { name: "Ed25519" };
  const pair = await crypto.subtle.generateKey(generate, true, ["sign", "verify"]) as CryptoKeyPair;
  const jwk: JwkWithId = { ...(await crypto.subtle.exportKey("jwk", pair.publicKey)), kid };
  const params = alg === "PS256" ? { name: "RSA-PSS", saltLength: 32 } : { name: "Ed25519" };
  return {
    alg,
    kid,
    jwk,
    sign: async (data: Uint8Array<ArrayBuffer>) =>
      new Uint8Array(await crypto.subtle.sign(params, pair.privateKey, data)),
  };
}

async function hs256With(secret: Uint8Array<ArrayBuffer>, header: object, claims: object) {
  const key = await crypto.subtle.importKey(
    "raw",
    secret,
    { name: "HMAC", hash: "SHA-256" },
    false,
    [
      "sign",
    ],
  );
  const signed = `${encodeJson(header)}.${encodeJson(claims)}`;
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(signed)));
  return `${signed}.${base64UrlEncode(mac)}`;
}

function verifierFor(keys: JwkWithId[], extra: Partial<JwtVerifierOptions> = {}) {
  return jwtVerifier({ jwks: { keys }, issuer: ISSUER, audience: RESOURCE, ...extra });
}

describe("JWT verification attacks", () => {
  for (const alg of ["ES256", "RS256"] as const) {
    test(`${alg} verifies`, async () => {
      const key = await generateKey(alg);
      const verified = await verifierFor([key.jwk])(await signJwt(key, goodClaims()));
      assert.equal(verified.subject, "ada");
    });
  }

  for (const alg of ["PS256", "EdDSA"] as const) {
    test(`${alg} verifies`, async () => {
      const key = await extraKey(alg, alg + "-1");
      const token = await signJwt(key as never, goodClaims(), { alg });
      const verified = await verifierFor([key.jwk])(token);
      assert.deepEqual(verified.scopes, ["mcp", "files:read"]);
    });
  }

  test("alg none is refused", async () => {
    const key = await generateKey("ES256");
    const token = `${encodeJson({ alg: "none", typ: "at+jwt" })}.${encodeJson(goodClaims())}.`;
    await assert.rejects(verifierFor([key.jwk])(token), /algorithm is not accepted/);
  });

  test("an HMAC token keyed with the RSA public key is refused, even with HS256 allowed", async () => {
    const rsa = await generateKey("RS256");
    const asSecret = encoder.encode(JSON.stringify(rsa.jwk));
    const rawModulus = encoder.encode(rsa.jwk.n ?? "");
    for (const secret of [asSecret, rawModulus]) {
      const token = await hs256With(secret, { alg: "HS256", kid: rsa.kid }, goodClaims());
      await assert.rejects(verifierFor([rsa.jwk])(token), /algorithm is not accepted/);
      await assert.rejects(
        verifierFor([rsa.jwk], { algorithms: ["RS256", "HS256"] })(token),
        /key is unknown/,
      );
    }
  });

  test("a token for another audience is refused", async () => {
    const key = await generateKey("ES256");
    const token = await signJwt(key, goodClaims({ aud: "https://other.example.com/mcp" }));
    await assert.rejects(verifierFor([key.jwk])(token), /not issued for this resource/);
  });

  test("an expired token is refused, within the leeway it is not", async () => {
    const key = await generateKey("ES256");
    const now = Date.now();
    const exp = Math.floor(now / 1000) - 10;
    const token = await signJwt(key, goodClaims({ exp }));
    await assert.rejects(verifierFor([key.jwk], { clockToleranceSeconds: 5 })(token), /expired/);
    await verifierFor([key.jwk], { clockToleranceSeconds: 30 })(token);
  });

  test("a token not yet valid is refused, within the leeway it is not", async () => {
    const key = await generateKey("ES256");
    const nbf = Math.floor(Date.now() / 1000) + 120;
    const token = await signJwt(key, goodClaims({ nbf }));
    await assert.rejects(verifierFor([key.jwk])(token), /not valid yet/);
    await verifierFor([key.jwk], { clockToleranceSeconds: 300 })(token);
  });

  test("a tampered payload or signature is refused", async () => {
    const key = await generateKey("RS256");
    const token = await signJwt(key, goodClaims());
    const [head, , signature] = token.split(".");
    const forged = `${head}.${encodeJson(goodClaims({ scope: "admin" }))}.${signature}`;
    await assert.rejects(verifierFor([key.jwk])(forged), /signature is invalid/);
    const flipped = signature.slice(0, 10) + (signature[10] === "A" ? "B" : "A") +
      signature.slice(11);
    await assert.rejects(
      verifierFor([key.jwk])(`${head}.${token.split(".")[1]}.${flipped}`),
      /signature is invalid/,
    );
  });

  test("cnf.jkt becomes the token's DPoP binding", async () => {
    const key = await generateKey("ES256");
    const token = await signJwt(key, goodClaims({ cnf: { jkt: "thumbprint" } }));
    assert.equal((await verifierFor([key.jwk])(token)).jkt, "thumbprint");
  });
});
