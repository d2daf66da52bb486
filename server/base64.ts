/**
 * Base64 (RFC 4648 §4, with padding) for binary content: Web-standard only
 * (`btoa`), no Node `Buffer`, so it runs the same on Deno, Bun and Node.
 *
 * @module
 */

/** What binary data may be given as. */
export type Bytes = ArrayBufferView | ArrayBufferLike;

// `String.fromCharCode` takes its bytes as arguments, and engines bound the argument count; a
// chunk that is a multiple of 3 bytes encodes to whole base64 quanta, so chunks just concatenate.
const CHUNK = 3 * 8192;

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function asUint8Array(bytes: Bytes): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  if (
    bytes instanceof ArrayBuffer ||
    (typeof SharedArrayBuffer === "function" && bytes instanceof SharedArrayBuffer)
  ) {
    return new Uint8Array(bytes);
  }
  if (ArrayBuffer.isView(bytes)) {
    return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  throw new TypeError(
    `expected bytes (a Uint8Array, another typed array or an ArrayBuffer), got ${describe(bytes)}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "an object";
  return typeof value;
}

/**
 * Encodes bytes as base64.
 *
 * @example
 * ```ts
 * import { encodeBase64 } from "./base64.ts";
 * encodeBase64(new TextEncoder().encode("hé")); // "aMOp"
 * ```
 */
export function encodeBase64(bytes: Bytes): string {
  const view = asUint8Array(bytes);
  let encoded = "";
  for (let start = 0; start < view.length; start += CHUNK) {
    const chunk = view.subarray(start, start + CHUNK);
    encoded += btoa(String.fromCharCode.apply(null, chunk as unknown as number[]));
  }
  return encoded;
}

/** Whether `text` is padded base64 (the alphabet of RFC 4648 §4, length a multiple of 4). */
export function isBase64(text: string): boolean {
  return BASE64.test(text);
}

/**
 * `data` as base64: bytes are encoded, a string must already be base64.
 * `what` names the caller in the error a bad value gets.
 */
export function base64Of(data: Bytes | string, what: string): string {
  if (typeof data === "string") {
    if (isBase64(data)) return data;
    throw new TypeError(`${what}: the string is not base64; pass the bytes to have them encoded`);
  }
  try {
    return encodeBase64(data);
  } catch (error) {
    throw new TypeError(`${what}: ${(error as Error).message}`, { cause: error });
  }
}
