/**
 * The bridge between Node's `http` module and web-standard handlers: `toNodeHandler` turns an
 * {@linkcode HttpHandler} into a Node request listener, streaming both bodies with backpressure
 * and aborting `request.signal` when the client goes away.
 *
 * @module
 */
import { setClientAddress } from "./client_address.ts";
import { guardHandler, type HttpHandler, isBufferable } from "./http.ts";
import { nodeReadableToWeb, READ_AHEAD_BYTES } from "./node_streams.ts";

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
  /** Sends the head now, before any body bytes. */
  flushHeaders(): void;
  /** Writes body bytes; `false` means wait for `drain`. */
  write(chunk: Uint8Array): boolean;
  /** Finishes the response. */
  end(chunk?: Uint8Array): unknown;
  /** Subscribes to stream events. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Destroys the connection. */
  destroy(error?: Error): unknown;
}

function requestHeaders(request: NodeIncomingMessageLike): Headers {
  const headers = new Headers();
  const raw = request.rawHeaders;
  if (raw) {
    for (let index = 0; index + 1 < raw.length; index += 2) {
      // HTTP/2 pseudo-headers (":path") are not valid Fetch header names.
      if (!raw[index].startsWith(":")) headers.append(raw[index], raw[index + 1]);
    }
    return headers;
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

/** The web `Request` for a Node request; its body streams, `signal` is its signal. */
export function toWebRequest(request: NodeIncomingMessageLike, signal: AbortSignal): Request {
  const headers = requestHeaders(request);
  const socket = request.socket;
  const encrypted = typeof socket === "object" && socket !== null && "encrypted" in socket &&
    socket.encrypted === true;
  const protocol = encrypted ? "https" : "http";
  const url = new URL(request.url ?? "/", `${protocol}://${headers.get("host") ?? "localhost"}`);
  const method = request.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal };
  if (hasBody) {
    init.body = nodeReadableToWeb(request, { onCancel: "drain", highWaterMark: READ_AHEAD_BYTES });
    init.duplex = "half"; // Required by Fetch for a streaming request body.
  }
  const web = new Request(url, init);
  const peer = typeof socket === "object" && socket !== null && "remoteAddress" in socket
    ? socket.remoteAddress
    : undefined;
  setClientAddress(web, typeof peer === "string" ? peer : undefined);
  return web;
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

/**
 * Adapts a web-standard handler to Node's `http` request listener, for mounting emcee in an
 * existing Node server. The request body is streamed, not buffered; `request.signal` aborts
 * when the client disconnects; the response body is written chunk by chunk with backpressure,
 * and its reader is cancelled if the client goes away.
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
  return (request: NodeIncomingMessageLike, response: NodeServerResponseLike): void => {
    const disconnect = new AbortController();
    // `close` before the response finished means the client went away (or the server closed
    // the connection); the request's own `close` fires after a normal body read and is useless.
    response.on("close", () => {
      if (!response.writableFinished) disconnect.abort(new Error("Client disconnected"));
    });
    let webRequest: Request;
    try {
      webRequest = toWebRequest(request, disconnect.signal);
    } catch {
      response.statusCode = 400;
      response.end();
      return;
    }
    guarded(webRequest)
      .then((webResponse) =>
        writeWebResponse(webResponse, response, request.method === "HEAD", disconnect.signal)
      )
      .catch((error: unknown) => {
        onError(error);
        if (!response.headersSent) {
          response.statusCode = 500;
          response.end();
        } else {
          response.destroy();
        }
      });
  };
}
