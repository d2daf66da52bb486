/**
 * Compact JWS signing on Web Crypto for the client's own JWTs (client
 * assertions, DPoP proofs): base64url, SHA-256 digests, ES256/RS256
 * signatures, and importing a private key given as a `CryptoKey`, a JWK or a
 * PKCS#8 PEM.
 *
 * @module
 */
import { base64UrlEncode, sha256Base64Url } from "../jws.ts";
import { OAuthClientError } from "./errors.ts";

/** Base64url and SHA-256 helpers, shared with the resource and authorization servers. */
export { base64UrlEncode, sha256Base64Url };

/** The signature algorithms the client signs with. */
export type SigningAlgorithm = "ES256" | "RS256";

/** A private key as an application may hold it. */
export type PrivateKeyInput = CryptoKey | JsonWebKey | string;

const encoder = new TextEncoder();

/** Base64url of UTF-8 text. */
export function base64UrlText(text: string): string {
  return base64UrlEncode(encoder.encode(text));
}

/** `n` random bytes, base64url: state values, `jti`s, PKCE verifiers. */
export function randomToken(bytes = 32): string {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}

const SIGN_PARAMS: { [alg in SigningAlgorithm]: AlgorithmIdentifier | EcdsaParams } = {
  ES256: { name: "ECDSA", hash: "SHA-256" },
  RS256: { name: "RSASSA-PKCS1-v1_5" },
};

const IMPORT_PARAMS: { [alg in SigningAlgorithm]: EcKeyImportParams | RsaHashedImportParams } = {
  ES256: { name: "ECDSA", namedCurve: "P-256" },
  RS256: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
};

/**
 * Signs `payload` with `key`: the compact serialisation `header.payload.signature`.
 * Web Crypto's ECDSA output is already the JWS `r || s` form.
 */
export async function signJwt(
  header: { [member: string]: unknown },
  payload: { [claim: string]: unknown },
  key: CryptoKey,
  alg: SigningAlgorithm,
): Promise<string> {
  const input = `${base64UrlText(JSON.stringify({ ...header, alg }))}.${
    base64UrlText(JSON.stringify(payload))
  }`;
  const signature = await crypto.subtle.sign(SIGN_PARAMS[alg], key, encoder.encode(input));
  return `${input}.${base64UrlEncode(new Uint8Array(signature))}`;
}

function pemBytes(pem: string): Uint8Array<ArrayBuffer> {
  const match = /-----BEGIN PRIVATE KEY-----([\s\S]+?)-----END PRIVATE KEY-----/.exec(pem);
  if (!match) {
    throw new OAuthClientError(
      "invalid_key",
      "A PEM private key must be PKCS#8 (-----BEGIN PRIVATE KEY-----); convert SEC1/PKCS#1 keys first",
    );
  }
  const binary = atob(match[1].replace(/\s+/g, ""));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The signing `CryptoKey` of a key given as a CryptoKey, a private JWK or a PKCS#8 PEM. */
export async function importSigningKey(
  key: PrivateKeyInput,
  alg: SigningAlgorithm,
): Promise<CryptoKey> {
  if (typeof key === "object" && "type" in key && "algorithm" in key) {
    if (key.type !== "private") {
      throw new OAuthClientError("invalid_key", "The signing key must be a private key");
    }
    return key;
  }
  try {
    if (typeof key === "string") {
      return await crypto.subtle.importKey("pkcs8", pemBytes(key), IMPORT_PARAMS[alg], false, [
        "sign",
      ]);
    }
    if (typeof key.d !== "string") {
      throw new OAuthClientError("invalid_key", "The signing JWK has no private part (d)");
    }
    const { key_ops: _ops, use: _use, alg: _alg, ...jwk } = key;
    return await crypto.subtle.importKey("jwk", jwk, IMPORT_PARAMS[alg], false, ["sign"]);
  } catch (error) {
    if (error instanceof OAuthClientError) throw error;
    throw new OAuthClientError("invalid_key", `The private key cannot sign ${alg}`, {
      cause: error,
    });
  }
}
