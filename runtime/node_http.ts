/**
 * The bridge between Node's `http` module and web-standard handlers: `toNodeHandler` turns an
 * {@linkcode HttpHandler} into a Node request listener, streaming both bodies with backpressure
 * and aborting `request.signal` when the client goes away.
 *
 * @module
 */
import { setClientAddress } from "./client_address.ts";
import { guardHandler, type HttpHandler, isBufferable } from "./http.ts";
import { NodeRequest } from "./node_request.ts";
import { wholeParts } from "./whole_response.ts";

export type { HttpHandler };

/** The parts of Node's `http.IncomingMessage` that {@linkcode toNodeHandler} uses. */
export interface NodeIncomingMessageLike {
  /** Request method, e.g. `"POST"`. */
  method?: string;
  /** Request target (path and query). */
  url?: string;
  /** Parsed headers, used when `rawHeaders` is absent. */
  headers: Record<string, string | string[] | undefined>;
  /** Alternating header names and values, preserving repeats. */
  rawHeaders?: string[];
  /** The connection; a TLS socket has `encrypted: true`. */
  socket?: unknown;
  /** Subscribes to stream events. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Pauses the body stream. */
  pause(): unknown;
  /** Resumes the body stream. */
  resume(): unknown;
  /** Destroys the request stream. */
  destroy(error?: Error): unknown;
}

/** The parts of Node's `http.ServerResponse` that {@linkcode toNodeHandler} uses. */
export interface NodeServerResponseLike {
  /** Status code to send. */
  statusCode: number;
  /** Reason phrase to send. */
  statusMessage: string;
  /** Whether the head was already sent. */
  headersSent: boolean;
  /** Whether the whole response was handed to the OS. */
  writableFinished: boolean;
  /** Sets a response header. */
  setHeader(name: string, value: string | string[]): unknown;
  /** Sends status and headers at once (Node's fast path for a whole response). */
  writeHead?(status: number, headers: Record<string, string | string[]>): unknown;
  /** Sends the head now, before any body bytes. */
  flushHeaders(): void;
  /** Writes body bytes; `false` means wait for `drain`. */
  write(chunk: Uint8Array): boolean;
  /** Finishes the response. */
  end(chunk?: Uint8Array | string): unknown;
  /** Subscribes to stream events. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Destroys the connection. */
  destroy(error?: Error): unknown;
}

/**
 * The web `Request` for a Node request; its body streams, `signal` is its signal. (The bridge
 * itself hands handlers a lazier stand-in, {@linkcode NodeRequest}.)
 */
export function toWebRequest(request: NodeIncomingMessageLike, signal: AbortSignal): Request {
  const lazy = new NodeRequest(request);
  const url = lazy.url;
  if (!URL.canParse(url)) throw new TypeError(`Invalid URL: ${url}`);
  const headers = lazy.headers;
  const method = lazy.method;
  const init: RequestInit & { duplex?: "half" } = { method, headers: [...headers], signal };
  const body = lazy.body;
  if (body) {
    init.body = body;
    init.duplex = "half"; // Required by Fetch for a streaming request body.
  }
  const web = new Request(url, init);
  setClientAddress(web, lazy.peer);
  return web;
}

/** UTF-8 length of `text` without encoding it: Node writes the string to the socket itself. */
function byteLength(text: string): number {
  let bytes = text.length;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) continue;
    const pair = code >= 0xd800 && code < 0xdc00 &&
      (text.charCodeAt(index + 1) & 0xfc00) === 0xdc00;
    // 2 bytes below U+0800, 4 for a surrogate pair (two units), 3 otherwise (a lone one is U+FFFD).
    bytes += code < 0x800 ? 1 : 2;
    if (pair) index++;
  }
  return bytes;
}

/**
 * Writes a {@linkcode wholeResponse} in one go: status and headers with `writeHead`, the body
 * with `end`. Returns false when `response` is not one (or was already read).
 */
function writeWholeResponse(
  response: Response,
  target: NodeServerResponseLike,
  isHead: boolean,
): boolean {
  const parts = wholeParts(response);
  if (parts === undefined) return false;
  const headers: Record<string, string | string[]> = {};
  const given = parts.headers;
  if (given instanceof Headers) {
    const cookies = given.getSetCookie();
    for (const [name, value] of given) if (name !== "set-cookie") headers[name] = value;
    if (cookies.length > 0) headers["set-cookie"] = cookies;
  } else {
    // Lower-cased as Headers would, so a given Content-Length is replaced, not doubled.
    for (const name in given) headers[name.toLowerCase()] = given[name];
  }
  const body = parts.body;
  if (body !== null && !isHead) {
    headers["content-length"] = String(
      typeof body === "string" ? byteLength(body) : body.byteLength,
    );
  }
  if (parts.statusText) target.statusMessage = parts.statusText;
  if (target.writeHead) target.writeHead(parts.status, headers);
  else {
    target.statusCode = parts.status;
    for (const name in headers) target.setHeader(name, headers[name]);
  }
  if (body === null || isHead) target.end();
  else target.end(body);
  return true;
}

async function writeWebResponse(
  response: Response,
  target: NodeServerResponseLike,
  isHead: boolean,
  disconnected: AbortSignal,
): Promise<void> {
  target.statusCode = response.status;
  if (response.statusText) target.statusMessage = response.statusText;
  const cookies = response.headers.getSetCookie?.() ?? [];
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") target.setHeader(name, value);
  }
  if (cookies.length > 0) target.setHeader("set-cookie", cookies);
  const body = response.body;
  if (body === null || isHead) {
    await body?.cancel();
    target.end();
    return;
  }
  if (isBufferable(response)) {
    // JSON answers are small and whole: one write with a Content-Length beats a chunked loop.
    const bytes = new Uint8Array(await response.arrayBuffer());
    target.setHeader("content-length", String(bytes.byteLength));
    target.end(bytes);
    return;
  }
  // Send the head now: a streaming client (SSE) must see the response before the first event.
  target.flushHeaders();
  const reader = body.getReader();
  let wakeWriter: (() => void) | undefined;
  target.on("drain", () => wakeWriter?.());
  const stop = (): void => {
    wakeWriter?.();
    reader.cancel().catch(() => {});
  };
  if (disconnected.aborted) stop();
  else disconnected.addEventListener("abort", stop, { once: true });
  try {
    while (!disconnected.aborted) {
      const { done, value } = await reader.read();
      if (done || disconnected.aborted) break;
      if (!target.write(value)) {
        await new Promise<void>((resolve) => (wakeWriter = resolve));
        wakeWriter = undefined;
      }
    }
  } catch {
    // The body errored mid-stream; the status is already sent, so cut the connection below.
    target.destroy();
    return;
  } finally {
    disconnected.removeEventListener("abort", stop);
  }
  if (!disconnected.aborted) target.end();
}

const REQUEST = Symbol("emcee.nodeRequest");

/**
 * `close` before the response finished means the client went away (or the server closed the
 * connection); the request's own `close` fires after a normal body read and is useless. One
 * shared listener (Node calls it with the response as `this`) instead of a closure per request.
 */
function onResponseClose(this: NodeServerResponseLike & { [REQUEST]?: NodeRequest }): void {
  if (!this.writableFinished) this[REQUEST]?.disconnect();
}

/**
 * Adapts a web-standard handler to Node's `http` request listener, for mounting emcee in an
 * existing Node server. The handler gets a {@linkcode NodeRequest}, which passes as a web
 * `Request` and builds its URL, headers, body stream and signal only when asked; the body is
 * streamed, not buffered; `request.signal` aborts when the client disconnects. A
 * `wholeResponse` (emcee's JSON answers) is written at once with `writeHead`/`end`; any other
 * response body is written chunk by chunk with backpressure, and its reader is cancelled if the
 * client goes away.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * const server = createServer(toNodeHandler((request) => new Response("hi")));
 * server.listen(3000, "127.0.0.1");
 * ```
 */
export function toNodeHandler(
  handler: HttpHandler,
  onError: (error: unknown) => void = console.error,
): (request: NodeIncomingMessageLike, response: NodeServerResponseLike) => void {
  const guarded = guardHandler(handler, onError);
  const fail = (response: NodeServerResponseLike, error: unknown): void => {
    onError(error);
    if (!response.headersSent) {
      response.statusCode = 500;
      response.end();
    } else {
      response.destroy();
    }
  };
  return (request: NodeIncomingMessageLike, response: NodeServerResponseLike): void => {
    const webRequest = new NodeRequest(request);
    (response as NodeServerResponseLike & { [REQUEST]?: NodeRequest })[REQUEST] = webRequest;
    response.on("close", onResponseClose);
    const isHead = request.method === "HEAD";
    guarded(webRequest as unknown as Request).then((webResponse) => {
      if (writeWholeResponse(webResponse, response, isHead)) return;
      return writeWebResponse(webResponse, response, isHead, webRequest.signal);
    }).catch((error: unknown) => fail(response, error));
  };
}
