/**
 * Reading one JSON-RPC message from a request body, with the size cap and the
 * answers every HTTP transport gives: 413 past the cap (without reading the
 * body whole), 400 with the JSON-RPC error for anything unparseable.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import { type Classified, parseMessage } from "../../protocol/jsonrpc.ts";
import { isFramedBody } from "../../runtime/framed_body.ts";
import { json, rpcError } from "./responses.ts";

/** A message that parsed and classified as a request, notification or response. */
export type ReceivedMessage = Exclude<Classified, { kind: "invalid" }>;

const utf8 = new TextDecoder();

/** The 413 answer to a body over `limit` bytes; the rest of the body is discarded. */
function tooLarge(limit: number, body: { cancel(): Promise<void> } | null): Response {
  body?.cancel().catch(() => {});
  return rpcError(413, ErrorCode.InvalidRequest, `Request body exceeds ${limit} bytes`);
}

/**
 * Reads and parses the body of `request`, at most `limit` bytes: the message,
 * or the Response that refuses it (413 too large, 400 not a JSON-RPC message).
 *
 * @example
 * ```ts
 * import { readMessage } from "./body.ts";
 * const request = new Request("http://127.0.0.1/mcp", { method: "POST", body: "{" });
 * const outcome = await readMessage(request, 1024);
 * outcome instanceof Response; // true: 400 with -32700
 * ```
 */
export async function readMessage(
  request: Request,
  limit: number,
): Promise<ReceivedMessage | Response> {
  const text = await readBody(request, limit);
  if (text instanceof Response) return text;
  const incoming = parseMessage(text);
  return incoming.kind === "invalid" ? json(400, incoming.error) : incoming;
}

/**
 * Reads the body of `request` as text, at most `limit` bytes, or the response that refuses it:
 * 413 when it is too large, 400 when it cannot be read (broken chunked framing, a body deadline
 * passed, the client gone) — the client's fault, never a 5xx.
 */
export async function readBody(request: Request, limit: number): Promise<string | Response> {
  try {
    return await readBodyText(request, limit);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return rpcError(400, ErrorCode.ParseError, `The request body could not be read: ${reason}`);
  }
}

async function readBodyText(request: Request, limit: number): Promise<string | Response> {
  const declared = request.headers.get("content-length");
  const size = declared === null ? NaN : Number(declared);
  if (size > limit) return tooLarge(limit, request.body);
  // A body framed by the server's HTTP parser is no longer than declared: one within the limit
  // is read whole, without a stream reader and a promise per chunk. (UTF-8 has at least a byte
  // per UTF-16 unit, so a longer text would be over.) Any other body is counted as it comes.
  if (size >= 0 && isFramedBody(request)) {
    const text = await request.text();
    return text.length > limit ? tooLarge(limit, null) : text;
  }
  let text = "";
  if (request.body) {
    const reader = request.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    while (true) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) return tooLarge(limit, reader);
      chunks.push(value);
    }
    const bytes = chunks.length === 1 ? chunks[0] : new Uint8Array(size);
    if (chunks.length !== 1) {
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
    }
    text = utf8.decode(bytes);
  }
  return text;
}
