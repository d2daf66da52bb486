/**
 * Reading a body that must stay small (OAuth forms, fetched metadata documents) without holding
 * more than the limit in memory, whatever `Content-Length` claims.
 *
 * @module
 */

const utf8 = new TextDecoder();

/**
 * The body's text, or `undefined` when it is longer than `maxBytes` (declared or actual); the
 * rest of an oversized body is cancelled, not read.
 *
 * @example
 * ```ts
 * import { readTextAtMost } from "./bounded_read.ts";
 * const response = new Response("hello");
 * await readTextAtMost(response, 4); // undefined: 5 bytes
 * ```
 */
export async function readTextAtMost(
  message: Request | Response,
  maxBytes: number,
): Promise<string | undefined> {
  const body = message.body;
  if (Number(message.headers.get("content-length") ?? 0) > maxBytes) {
    await body?.cancel().catch(() => {});
    return undefined;
  }
  if (body === null) return "";
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return utf8.decode(chunks[0]);
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return utf8.decode(bytes);
}
