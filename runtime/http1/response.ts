/**
 * Writing a web `Response` as HTTP/1.1 (RFC 9112 §4, §6-§7): a whole body in one write with
 * `Content-Length`, a streamed body chunk by chunk (`chunked`, or until close for HTTP/1.0), each
 * chunk sent as soon as the handler produces it, the next read only once it was written.
 *
 * @module
 */
import { isBufferable } from "../http.ts";
import { wholeParts } from "../whole_response.ts";
import type { ByteConnection } from "./reader.ts";

/** How the response is to be written. */
export interface ResponseFraming {
  /** The request was `HEAD`: headers only. */
  head: boolean;
  /** The client speaks HTTP/1.0 (no chunked encoding). */
  http10: boolean;
  /** Keep the connection open afterwards. */
  keepAlive: boolean;
  /** Aborted when the client left or the server shuts down: a streamed body is cancelled. */
  signal?: AbortSignal;
  /**
   * A buffer a whole answer may be built in: the connection's own, free again once this write
   * is done, so that a small answer allocates nothing.
   */
  scratch?: Uint8Array;
}

/** What happened to a response while it was written. */
export type WriteOutcome = "complete" | "complete-close" | "failed";

const encoder = new TextEncoder();
const EMPTY = new Uint8Array();
const REASONS: Record<number, string> = {
  200: "OK",
  201: "Created",
  202: "Accepted",
  204: "No Content",
  206: "Partial Content",
  301: "Moved Permanently",
  302: "Found",
  304: "Not Modified",
  307: "Temporary Redirect",
  308: "Permanent Redirect",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  406: "Not Acceptable",
  408: "Request Timeout",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  502: "Bad Gateway",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};
const FRAMING_HEADERS = new Set([
  "content-length",
  "transfer-encoding",
  "connection",
  "keep-alive",
]);

let dateSecond = 0;
let dateLine = "";
/** The `Date` header line, formatted once a second. */
function dateHeader(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateLine = `date: ${new Date(now).toUTCString()}\r\n`;
  }
  return dateLine;
}

/** Writes all of `bytes`. */
export async function writeAll(connection: ByteConnection, bytes: Uint8Array): Promise<void> {
  let offset = await connection.write(bytes);
  while (offset < bytes.length) offset += await connection.write(bytes.subarray(offset));
}

function headerLines(headers: Headers | Record<string, string>): string {
  let lines = "";
  if (headers instanceof Headers) {
    // forEach rather than the iterator: on Deno it skips building an entry array per header.
    headers.forEach((value, name) => {
      if (!FRAMING_HEADERS.has(name)) lines += `${name}: ${value}\r\n`;
    });
    return lines;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (!FRAMING_HEADERS.has(name.toLowerCase())) lines += `${name}: ${value}\r\n`;
  }
  return lines;
}

function statusLine(status: number, statusText: string): string {
  return `HTTP/1.1 ${status} ${statusText || (REASONS[status] ?? "")}\r\n`;
}

/** A complete error answer that closes the connection, for heads that cannot be served. */
export function errorResponseBytes(status: number): Uint8Array {
  const text = REASONS[status] ?? "Error";
  return encoder.encode(
    `${statusLine(status, "")}content-type: text/plain; charset=utf-8\r\n` +
      `content-length: ${text.length}\r\nconnection: close\r\n${dateHeader()}\r\n${text}`,
  );
}

const NON_ASCII = /[\u0080-\uffff]/;

/**
 * `head` followed by `body` as the bytes of one write, in `scratch` when they fit. A body
 * string comes ASCII-only (its length is its byte length) or is encoded by {@link asBytes}.
 */
function withHead(head: string, body: string | Uint8Array, scratch?: Uint8Array): Uint8Array {
  const size = (head.length + body.length) * (typeof body === "string" ? 3 : 1) +
    (typeof body === "string" ? 0 : head.length * 2);
  const bytes = scratch !== undefined && size <= scratch.length ? scratch : new Uint8Array(size);
  if (typeof body === "string") {
    return bytes.subarray(0, encoder.encodeInto(head + body, bytes).written);
  }
  const { written } = encoder.encodeInto(head, bytes);
  bytes.set(body, written);
  return bytes.subarray(0, written + body.length);
}

/** `body` as a string whose length is its UTF-8 byte length (ASCII), or as its bytes. */
function asBytes(body: string): string | Uint8Array {
  return NON_ASCII.test(body) ? encoder.encode(body) : body;
}

/** Whether a response with `status` never has a body (RFC 9110 §6.4.1). */
function bodiless(status: number): boolean {
  return status === 204 || status === 304 || (status >= 100 && status < 200);
}

/** A body to send whole, or `undefined` for one to stream as it comes. */
async function wholeBody(response: Response): Promise<string | Uint8Array | undefined> {
  const parts = wholeParts(response);
  if (parts !== undefined) {
    const body = parts.body;
    if (body === null) return EMPTY;
    return typeof body === "string" ? asBytes(body) : body;
  }
  // JSON is UTF-8 (RFC 8259 §8.1), and `text()` of a body made from a string is that string,
  // where `arrayBuffer()` copies it through a stream. Before `body`, which would make one.
  if (isBufferable(response)) return asBytes(await response.text());
  if (response.body === null) return EMPTY;
  return undefined;
}

function chunkFrame(chunk: Uint8Array): Uint8Array {
  const size = encoder.encode(`${chunk.length.toString(16)}\r\n`);
  const frame = new Uint8Array(size.length + chunk.length + 2);
  frame.set(size);
  frame.set(chunk, size.length);
  frame[frame.length - 2] = 13;
  frame[frame.length - 1] = 10;
  return frame;
}

const NOT_YET = Symbol("not yet");

interface ReadyChunks {
  chunks: Uint8Array[];
  ended: boolean;
  /** The read still in flight when the body did not end at once. */
  pending?: Promise<ReadableStreamReadResult<Uint8Array>>;
}

/** Resolves after a few microtask turns: long enough for an in-memory body, never a timer. */
async function microtaskTurns(): Promise<typeof NOT_YET> {
  for (let turn = 0; turn < 8; turn++) await null;
  return NOT_YET;
}

/**
 * The chunks a body yields at once, and whether it ended with them: an in-memory body ends
 * within a few microtasks, a stream (SSE) is still open and its head must go out now.
 */
async function readyChunks(
  reader: ReadableStreamDefaultReader<Uint8Array>,
): Promise<ReadyChunks> {
  const chunks: Uint8Array[] = [];
  for (let reads = 0; reads < 4; reads++) {
    const pending = reader.read();
    const next = await Promise.race([pending, microtaskTurns()]);
    if (next === NOT_YET) return { chunks, ended: false, pending };
    if (next.done) return { chunks, ended: true };
    chunks.push(next.value);
  }
  return { chunks, ended: false };
}

function joinChunks(chunks: Uint8Array[]): Uint8Array {
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * Writes `response` to `connection`. A streamed body is read one chunk at a time, each written
 * before the next is read (backpressure); if the client goes, the body is cancelled and
 * `"failed"` returned.
 */
export async function writeResponse(
  connection: ByteConnection,
  response: Response,
  framing: ResponseFraming,
): Promise<WriteOutcome> {
  const parts = wholeParts(response);
  const status = parts?.status ?? response.status;
  const headers = parts?.headers ?? response.headers;
  let head = statusLine(status, parts?.statusText ?? response.statusText) + headerLines(headers) +
    dateHeader();
  const connectionLine = framing.keepAlive
    ? (framing.http10 ? "connection: keep-alive\r\n" : "")
    : "connection: close\r\n";
  const noBody = bodiless(status);
  const whole = noBody ? EMPTY : await wholeBody(response);
  if (whole !== undefined) {
    if (!noBody) head += `content-length: ${whole.length}\r\n`;
    head += connectionLine + "\r\n";
    if (noBody) await response.body?.cancel().catch(() => {});
    try {
      await writeAll(connection, withHead(head, framing.head ? EMPTY : whole, framing.scratch));
    } catch {
      return "failed";
    }
    return framing.keepAlive ? "complete" : "complete-close";
  }
  const chunked = !framing.http10;
  const keepAlive = framing.keepAlive && chunked;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const cancel = (): void => void reader.cancel(framing.signal?.reason).catch(() => {});
  framing.signal?.addEventListener("abort", cancel, { once: true });
  try {
    // A body already there in full (a `new Response("text")`) still gets a Content-Length.
    const { chunks: early, ended, pending } = await readyChunks(reader);
    if (ended) {
      const ready = early.length === 1 ? early[0] : joinChunks(early);
      head += `content-length: ${ready.length}\r\n${connectionLine}\r\n`;
      await writeAll(connection, withHead(head, framing.head ? EMPTY : ready));
      return framing.keepAlive ? "complete" : "complete-close";
    }
    head += chunked ? "transfer-encoding: chunked\r\n" : "";
    head += keepAlive ? "" : "connection: close\r\n";
    await writeAll(connection, encoder.encode(head + "\r\n"));
    if (framing.head) {
      await reader.cancel();
      return keepAlive ? "complete" : "complete-close";
    }
    for (const chunk of early) {
      if (chunk.length > 0) await writeAll(connection, chunked ? chunkFrame(chunk) : chunk);
    }
    let next = pending;
    while (true) {
      const { done, value } = await (next ?? reader.read());
      next = undefined;
      if (done) break;
      if (value.length === 0) continue;
      await writeAll(connection, chunked ? chunkFrame(value) : value);
    }
    if (framing.signal?.aborted) return "failed";
    if (chunked) await writeAll(connection, encoder.encode("0\r\n\r\n"));
  } catch {
    reader.cancel(new Error("Client disconnected")).catch(() => {});
    return "failed";
  } finally {
    framing.signal?.removeEventListener("abort", cancel);
  }
  return keepAlive ? "complete" : "complete-close";
}
