/**
 * JWS compact serialization on Web Crypto, shared by the access-token verifier
 * and the DPoP proof checks: base64url, which JWK may verify which algorithm,
 * key import (cached per key object) and signature verification.
 *
 * @module
 */

/** The signature algorithms supported. `none` never is. */
export type JwtAlgorithm = "RS256" | "PS256" | "ES256" | "EdDSA" | "HS256";

/** A JSON Web Key with its optional key id. */
export type JwkWithId = JsonWebKey & { kid?: string };

/** The asymmetric algorithms, the only ones a public key set or a DPoP proof may use. */
export const ASYMMETRIC_ALGORITHMS: readonly JwtAlgorithm[] = ["ES256", "RS256", "PS256", "EdDSA"];

interface AlgorithmSpec {
  kty: string;
  crv?: string;
  importParams: RsaHashedImportParams | EcKeyImportParams | HmacImportParams | Algorithm;
  verifyParams: Algorithm | EcdsaParams | RsaPssParams;
}

const SPECS: { [alg in JwtAlgorithm]: AlgorithmSpec } = {
  RS256: {
    kty: "RSA",
    importParams: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as RsaHashedImportParams,
    verifyParams: { name: "RSASSA-PKCS1-v1_5" },
  },
  PS256: {
    kty: "RSA",
    importParams: { name: "RSA-PSS", hash: "SHA-256" } as RsaHashedImportParams,
    // RFC 7518 §3.5: the salt is as long as the hash.
    verifyParams: { name: "RSA-PSS", saltLength: 32 } as RsaPssParams,
  },
  ES256: {
    kty: "EC",
    crv: "P-256",
    importParams: { name: "ECDSA", namedCurve: "P-256" },
    verifyParams: { name: "ECDSA", hash: "SHA-256" } as EcdsaParams,
  },
  EdDSA: {
    kty: "OKP",
    crv: "Ed25519",
    importParams: { name: "Ed25519" },
    verifyParams: { name: "Ed25519" },
  },
  HS256: {
    kty: "oct",
    importParams: { name: "HMAC", hash: "SHA-256" } as HmacImportParams,
    verifyParams: { name: "HMAC" },
  },
};

/** The public members of a JWK by key type; private members and `key_ops` never reach importKey. */
const PUBLIC_MEMBERS: { [kty: string]: readonly (keyof JsonWebKey)[] } = {
  RSA: ["kty", "n", "e"],
  EC: ["kty", "crv", "x", "y"],
  OKP: ["kty", "crv", "x"],
  oct: ["kty", "k"],
};

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** Whether `alg` names a supported algorithm. */
export function isJwtAlgorithm(alg: unknown): alg is JwtAlgorithm {
  return typeof alg === "string" && Object.hasOwn(SPECS, alg);
}

/** The bytes of a base64url text (no padding), or `undefined` when it is not base64url. */
export function base64UrlDecode(text: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return undefined;
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Base64url without padding. */
export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** Base64url of the SHA-256 of `text` (UTF-8): DPoP `ath`, RFC 7638 thumbprints. */
export async function sha256Base64Url(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", encoder.encode(text));
  return base64UrlEncode(new Uint8Array(digest));
}

/** A JSON object from a base64url segment, or `undefined` when the segment is not one. */
export function jsonSegment(segment: string): { [member: string]: unknown } | undefined {
  const bytes = base64UrlDecode(segment);
  if (bytes === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
    return value as { [member: string]: unknown };
  } catch {
    return undefined;
  }
}

/** A compact JWS split into its parsed parts, or `undefined` when it is not one. */
export interface ParsedJws {
  /** The protected header. */
  header: { [member: string]: unknown };
  /** The payload as a JSON object. */
  payload: { [member: string]: unknown };
  /** The bytes the signature covers (`header.payload`). */
  signed: Uint8Array;
  /** The signature bytes. */
  signature: Uint8Array;
}

/** Splits and decodes a compact JWS whose payload is a JSON object. */
export function parseJws(compact: string): ParsedJws | undefined {
  const parts = compact.split(".");
  if (parts.length !== 3) return undefined;
  const header = jsonSegment(parts[0]);
  const payload = jsonSegment(parts[1]);
  const signature = base64UrlDecode(parts[2]);
  if (header === undefined || payload === undefined || signature === undefined) return undefined;
  return { header, payload, signature, signed: encoder.encode(`${parts[0]}.${parts[1]}`) };
}

/**
 * Whether a JWK may verify `alg`: the key type (and curve) the algorithm
 * needs, and `alg`, `use` and `key_ops` when the key states them. This is
 * what stops an RSA public key from being used as an HMAC secret.
 */
export function keyFits(jwk: JwkWithId, alg: JwtAlgorithm): boolean {
  const spec = SPECS[alg];
  if (jwk.kty !== spec.kty) return false;
  if (spec.crv !== undefined && jwk.crv !== spec.crv) return false;
  // RFC 9864 names the Ed25519 key's algorithm "Ed25519"; Web Crypto exports it so.
  const sameAlg = jwk.alg === alg || (alg === "EdDSA" && jwk.alg === "Ed25519");
  if (jwk.alg !== undefined && !sameAlg) return false;
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (jwk.key_ops !== undefined && !jwk.key_ops.includes("verify")) return false;
  return true;
}

/** The public members of `jwk` for its key type (RFC 7638 §3.2 order does not matter here). */
export function publicPart(jwk: JsonWebKey): JsonWebKey {
  const part: { [member: string]: unknown } = {};
  for (const member of PUBLIC_MEMBERS[jwk.kty ?? ""] ?? []) part[member] = jwk[member];
  return part as JsonWebKey;
}

// Imported keys per JWK object: a refreshed key set brings new objects, dropped ones are collected.
const importedKeys = new WeakMap<object, Map<JwtAlgorithm, Promise<CryptoKey | undefined>>>();

/** `jwk` imported for verifying `alg`, or `undefined` when Web Crypto refuses it. Cached. */
export function importVerifyKey(jwk: JwkWithId, alg: JwtAlgorithm): Promise<CryptoKey | undefined> {
  let byAlg = importedKeys.get(jwk);
  if (byAlg === undefined) {
    byAlg = new Map();
    importedKeys.set(jwk, byAlg);
  }
  let key = byAlg.get(alg);
  if (key === undefined) {
    key = crypto.subtle
      .importKey("jwk", publicPart(jwk), SPECS[alg].importParams, false, ["verify"])
      .catch(() => undefined);
    byAlg.set(alg, key);
  }
  return key;
}

/**
 * Whether `signature` over `signed` verifies with `jwk` under `alg`. False
 * for a key that does not fit the algorithm, cannot be imported, or a
 * signature of the wrong shape.
 */
export async function verifySignature(
  alg: JwtAlgorithm,
  jwk: JwkWithId,
  signature: Uint8Array,
  signed: Uint8Array,
): Promise<boolean> {
  if (!keyFits(jwk, alg)) return false;
  const key = await importVerifyKey(jwk, alg);
  if (key === undefined) return false;
  try {
    return await crypto.subtle.verify(
      SPECS[alg].verifyParams,
      key,
      signature as Uint8Array<ArrayBuffer>,
      signed as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}

/**
 * The RFC 7638 JWK thumbprint (SHA-256, base64url) of a public key: the
 * required members in lexicographic order, no whitespace. `undefined` for a
 * key type it does not know.
 *
 * @example
 * ```ts
 * import { jwkThumbprint } from "./jws.ts";
 * declare const publicJwk: JsonWebKey;
 * const jkt = await jwkThumbprint(publicJwk); // compare with a token's cnf.jkt
 * ```
 */
export async function jwkThumbprint(jwk: JsonWebKey): Promise<string | undefined> {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ""];
  if (members === undefined) return undefined;
  const sorted = [...members].sort();
  const entries: string[] = [];
  for (const member of sorted) {
    const value = jwk[member];
    if (typeof value !== "string") return undefined;
    entries.push(`${JSON.stringify(member)}:${JSON.stringify(value)}`);
  }
  return await sha256Base64Url(`{${entries.join(",")}}`);
}
