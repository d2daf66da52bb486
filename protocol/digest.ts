/**
 * Content digests in the `sha256:{hex}` form the skills extension (SEP-2640)
 * puts in skill manifests, computed with Web Crypto on every runtime.
 *
 * @module
 */

const encoder = new TextEncoder();

/** The raw bytes a digest and size cover: text as UTF-8, bytes as they are. */
export function contentBytes(content: string | Uint8Array): Uint8Array {
  return typeof content === "string" ? encoder.encode(content) : content;
}

/**
 * `sha256:` and 64 lowercase hex digits of the content's raw bytes.
 *
 * @example
 * ```ts
 * import { sha256Digest } from "./digest.ts";
 * const digest = await sha256Digest("hello\n");
 * console.log(digest.startsWith("sha256:"));
 * ```
 */
export async function sha256Digest(content: string | Uint8Array): Promise<string> {
  const bytes = contentBytes(content);
  // Copy into a plain ArrayBuffer: subtle.digest refuses views over shared buffers.
  const buffer = new Uint8Array(bytes.byteLength);
  buffer.set(bytes);
  const hash = new Uint8Array(await crypto.subtle.digest("SHA-256", buffer));
  let hex = "";
  for (const byte of hash) hex += byte.toString(16).padStart(2, "0");
  return `sha256:${hex}`;
}
