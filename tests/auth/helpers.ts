/** Shared fixtures for auth tests: JWT signing with keys generated in the test. */
import type { JwkWithId } from "../../auth/jwt.ts";

export const RESOURCE = "http://127.0.0.1/mcp";
export const ISSUER = "https://auth.example.com";

const encoder = new TextEncoder();

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Base64url of a JSON value. */
export function encodeJson(value: unknown): string {
  return base64Url(encoder.encode(JSON.stringify(value)));
}

/** A signing key and the public JWK that verifies it. */
export interface TestKey {
  alg: "RS256" | "ES256" | "HS256";
  kid: string;
  sign: (data: Uint8Array<ArrayBuffer>) => Promise<Uint8Array>;
  jwk: JwkWithId;
}

/** A fresh key pair (or secret) for `alg`. */
export async function generateKey(alg: TestKey["alg"], kid: string = alg + "-1"): Promise<TestKey> {
  if (alg === "HS256") {
    const key = await crypto.subtle.generateKey({ name: "HMAC", hash: "SHA-256" }, true, [
      "sign",
      "verify",
    ]);
    const jwk = await crypto.subtle.exportKey("jwk", key);
    return {
      alg,
      kid,
      jwk: { kty: "oct", k: jwk.k, kid },
      sign: async (data) => new Uint8Array(await crypto.subtle.sign("HMAC", key, data)),
    };
  }
  const params = alg === "RS256"
    ? {
      name: "RSASSA-PKCS1-v1_5",
      modulusLength: 2048,
      publicExponent: new Uint8Array([1, 0, 1]),
      hash: "SHA-256",
    }
    : { name: "ECDSA", namedCurve: "P-256" };
  const pair = await crypto.subtle.generateKey(params, true, ["sign", "verify"]) as CryptoKeyPair;
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  const signParams = alg === "RS256"
    ? { name: "RSASSA-PKCS1-v1_5" }
    : { name: "ECDSA", hash: "SHA-256" };
  return {
    alg,
    kid,
    jwk: { ...jwk, kid, use: "sig" },
    sign: async (data) =>
      new Uint8Array(await crypto.subtle.sign(signParams, pair.privateKey, data)),
  };
}

/** A signed JWT; `header` overrides the default `{ alg, kid, typ }`. */
export async function signJwt(
  key: TestKey,
  claims: { [claim: string]: unknown },
  header: { [name: string]: unknown } = {},
): Promise<string> {
  const head = encodeJson({ alg: key.alg, kid: key.kid, typ: "at+jwt", ...header });
  const body = encodeJson(claims);
  const signature = await key.sign(encoder.encode(`${head}.${body}`));
  return `${head}.${body}.${base64Url(signature)}`;
}

/** Claims of a token good for {@link RESOURCE} for an hour. */
export function goodClaims(extra: { [claim: string]: unknown } = {}): { [claim: string]: unknown } {
  const now = Math.floor(Date.now() / 1000);
  return {
    iss: ISSUER,
    aud: RESOURCE,
    sub: "ada",
    client_id: "client-1",
    scope: "mcp files:read",
    iat: now,
    exp: now + 3600,
    ...extra,
  };
}

/** A request to the MCP endpoint with optional `Authorization` header. */
export function requestWith(authorization?: string, url: string = RESOURCE): Request {
  const headers: Record<string, string> = {};
  if (authorization !== undefined) headers.authorization = authorization;
  return new Request(url, { method: "POST", headers, body: "{}" });
}
