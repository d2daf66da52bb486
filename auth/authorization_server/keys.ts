/**
 * The authorization server's signing key: an ES256 (ECDSA P-256) key pair on
 * Web Crypto, its public JWK with an RFC 7638 thumbprint as `kid`, and JWS
 * compact signing of access tokens.
 *
 * @module
 */
import { jwkThumbprint } from "../jws.ts";
import type { JsonWebKeySet, JwkWithId } from "../jwt.ts";
import { base64UrlEncode } from "./secrets.ts";

/** A private signing key and the public JWK that verifies its signatures. */
export interface SigningKey {
  /** The JWS algorithm; only ES256. */
  alg: "ES256";
  /** The key id: the RFC 7638 thumbprint of the public key. */
  kid: string;
  /** The private key (not extractable when generated here). */
  privateKey: CryptoKey;
  /** The public key as a JWK, with `kid`, `alg` and `use`. */
  publicJwk: JwkWithId;
}

const EC_P256: EcKeyImportParams = { name: "ECDSA", namedCurve: "P-256" };
const encoder = new TextEncoder();

/** The RFC 7638 thumbprint, by the one implementation the resource server and client use too. */
async function thumbprint(jwk: JsonWebKey): Promise<string> {
  const kid = await jwkThumbprint({ kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y });
  if (kid === undefined) throw new TypeError("The signing key is not a public EC P-256 JWK");
  return kid;
}

async function describe(privateKey: CryptoKey, publicJwk: JsonWebKey): Promise<SigningKey> {
  const kid = await thumbprint(publicJwk);
  return {
    alg: "ES256",
    kid,
    privateKey,
    publicJwk: {
      kty: "EC",
      crv: "P-256",
      x: publicJwk.x,
      y: publicJwk.y,
      kid,
      alg: "ES256",
      use: "sig",
    },
  };
}

/**
 * A fresh ES256 key pair whose private half cannot be exported. Tokens it
 * signs stop verifying when the process ends; pass a stored key to
 * {@link importSigningKey} to keep them valid across restarts.
 *
 * @example
 * ```ts
 * import { generateSigningKey } from "./keys.ts";
 * const key = await generateSigningKey();
 * // key.publicJwk → { kty: "EC", crv: "P-256", x, y, kid, alg: "ES256", use: "sig" }
 * ```
 */
export async function generateSigningKey(): Promise<SigningKey> {
  const pair = await crypto.subtle.generateKey(EC_P256, false, ["sign", "verify"]);
  return describe(pair.privateKey, await crypto.subtle.exportKey("jwk", pair.publicKey));
}

/**
 * The signing key of a private EC P-256 JWK (with `d`).
 *
 * @example
 * ```ts
 * import { importSigningKey } from "./keys.ts";
 * declare const stored: JsonWebKey; // { kty: "EC", crv: "P-256", x, y, d }
 * const key = await importSigningKey(stored);
 * ```
 */
export async function importSigningKey(privateJwk: JsonWebKey): Promise<SigningKey> {
  if (privateJwk.kty !== "EC" || privateJwk.crv !== "P-256" || typeof privateJwk.d !== "string") {
    throw new TypeError("The signing key is a private EC P-256 JWK (kty EC, crv P-256, with d)");
  }
  const { kty, crv, x, y, d } = privateJwk;
  let privateKey: CryptoKey;
  try {
    privateKey = await crypto.subtle.importKey("jwk", { kty, crv, x, y, d }, EC_P256, false, [
      "sign",
    ]);
  } catch (error) {
    throw new TypeError("The signing key could not be imported", { cause: error });
  }
  return describe(privateKey, { kty, crv, x, y });
}

/**
 * The JSON Web Key Set served at `jwks_uri`: the public keys, current first.
 *
 * @example
 * ```ts
 * import { generateSigningKey, publicKeySet } from "./keys.ts";
 * const jwks = publicKeySet([await generateSigningKey()]); // { keys: [{ kty: "EC", … }] }
 * ```
 */
export function publicKeySet(keys: readonly SigningKey[]): JsonWebKeySet {
  return { keys: keys.map((key) => ({ ...key.publicJwk })) };
}

/**
 * A JWS compact serialization of `claims` signed with `key`; `typ` names the
 * token type (RFC 9068 access tokens are `at+jwt`).
 *
 * @example
 * ```ts
 * import { generateSigningKey, signJwt } from "./keys.ts";
 * const key = await generateSigningKey();
 * const jwt = await signJwt(key, { iss: "https://auth.example.com", sub: "ada" }, "at+jwt");
 * ```
 */
export async function signJwt(
  key: SigningKey,
  claims: { [claim: string]: unknown },
  typ: string,
): Promise<string> {
  const header = { alg: key.alg, typ, kid: key.kid };
  const head = base64UrlEncode(encoder.encode(JSON.stringify(header)));
  const body = base64UrlEncode(encoder.encode(JSON.stringify(claims)));
  // Web Crypto's ECDSA signature is already r || s, the JWS form (RFC 7518 §3.4).
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    key.privateKey,
    encoder.encode(`${head}.${body}`),
  );
  return `${head}.${body}.${base64UrlEncode(new Uint8Array(signature))}`;
}
