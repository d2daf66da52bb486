/**
 * PKCE (RFC 7636) with the S256 method, the only one the client uses (OAuth
 * 2.1 §4.1.1): a fresh verifier per authorization and its challenge.
 *
 * @module
 */
import { randomToken, sha256Base64Url } from "./jws.ts";

/** A code verifier and its S256 challenge. */
export interface PkcePair {
  /** Sent with the token request; 43 characters of the unreserved set. */
  verifier: string;
  /** Sent with the authorization request: BASE64URL(SHA256(verifier)). */
  challenge: string;
  /** Always `S256`. */
  method: "S256";
}

/**
 * A fresh verifier (32 random bytes) and its challenge.
 *
 * @example
 * ```ts
 * import { createPkcePair } from "./pkce.ts";
 * const { verifier, challenge } = await createPkcePair();
 * // verifier.length → 43; challenge is BASE64URL(SHA256(verifier))
 * ```
 */
export async function createPkcePair(): Promise<PkcePair> {
  const verifier = randomToken(32);
  return { verifier, challenge: await sha256Base64Url(verifier), method: "S256" };
}

/** Whether authorization server metadata advertises S256 (MCP clients refuse otherwise). */
export function supportsS256(methods: readonly string[] | undefined): boolean {
  return Array.isArray(methods) && methods.includes("S256");
}
