/**
 * The small cryptographic helpers of the authorization server, on Web Crypto:
 * random opaque tokens, their SHA-256 digests (what the store keeps instead
 * of the tokens), HMAC seals and comparison in constant time.
 *
 * @module
 */
import { base64UrlDecode, base64UrlEncode, sha256Base64Url } from "../jws.ts";

const encoder = new TextEncoder();

/** Base64url and SHA-256 helpers, one implementation for the whole of auth/ (in ../jws.ts). */
export { base64UrlDecode, base64UrlEncode, sha256Base64Url };

/**
 * An unguessable opaque token: `bytes` random bytes (default 32, i.e. 256
 * bits) in base64url.
 *
 * @example
 * ```ts
 * import { randomToken } from "./secrets.ts";
 * const code = randomToken(); // 43 characters
 * ```
 */
export function randomToken(bytes: number = 32): string {
  return base64UrlEncode(crypto.getRandomValues(new Uint8Array(bytes)));
}

/**
 * Whether two strings are equal, in a time that depends only on their
 * lengths, so comparing a guess with a secret digest leaks nothing.
 *
 * @example
 * ```ts
 * import { constantTimeEqual } from "./secrets.ts";
 * constantTimeEqual("abc", "abc"); // → true
 * ```
 */
export function constantTimeEqual(a: string, b: string): boolean {
  const left = encoder.encode(a);
  const right = encoder.encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < left.length; i++) difference |= left[i] ^ (right[i] ?? 0);
  return difference === 0;
}

/**
 * Seals and opens small JSON values with HMAC-SHA-256, so state can travel
 * through a browser (the consent form) without being forged.
 */
export interface Sealer {
  /** `payload` as `base64url(json).base64url(mac)`. */
  seal(payload: unknown): Promise<string>;
  /** The payload of a sealed text, or `undefined` when it was not sealed by this key. */
  open(sealed: string): Promise<unknown>;
}

/**
 * A {@link Sealer} with a fresh random key, or with `secret` (at least 32
 * bytes) so sealed values survive a restart.
 *
 * @example
 * ```ts
 * import { createSealer } from "./secrets.ts";
 * const sealer = await createSealer();
 * const sealed = await sealer.seal({ n: 1 });
 * await sealer.open(sealed); // → { n: 1 }
 * ```
 */
export async function createSealer(secret?: Uint8Array): Promise<Sealer> {
  if (secret !== undefined && secret.length < 32) {
    throw new TypeError("The sealing secret has at least 32 bytes");
  }
  const keyBytes = secret ?? crypto.getRandomValues(new Uint8Array(32));
  const key = await crypto.subtle.importKey(
    "raw",
    keyBytes as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
  return {
    async seal(payload: unknown): Promise<string> {
      const body = base64UrlEncode(encoder.encode(JSON.stringify(payload)));
      const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(body));
      return `${body}.${base64UrlEncode(new Uint8Array(mac))}`;
    },
    async open(sealed: string): Promise<unknown> {
      const dot = sealed.indexOf(".");
      if (dot < 0) return undefined;
      const body = sealed.slice(0, dot);
      const mac = base64UrlDecode(sealed.slice(dot + 1));
      const bytes = base64UrlDecode(body);
      if (mac === undefined || bytes === undefined) return undefined;
      const valid = await crypto.subtle.verify(
        "HMAC",
        key,
        mac as Uint8Array<ArrayBuffer>,
        encoder.encode(body),
      );
      if (!valid) return undefined;
      try {
        return JSON.parse(new TextDecoder().decode(bytes));
      } catch {
        return undefined;
      }
    },
  };
}
