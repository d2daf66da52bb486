/**
 * A `fetch` for Node on `node:http` with a keep-alive agent: a request/response exchange costs
 * far less than Node's `fetch` (undici), which matters to a client making many small calls.
 * It covers what the MCP client transports send (plain `http:`, a string or byte body, redirects
 * followed); any other request is handed to the global `fetch`, so the answer is always one
 * `fetch` would give. The body of the `Response` streams, so SSE works.
 *
 * @module
 */

/** The subset of Node's `http.IncomingMessage` used here. */
export interface NodeIncomingLike {
  /** The response status. */
  statusCode?: number;
  /** The response reason phrase. */
  statusMessage?: string;
  /** Header names and values, alternating, as received. */
  rawHeaders: string[];
  /** Subscribes to stream events. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Stops `data` events until `resume()`. */
  pause(): unknown;
  /** Starts or restarts `data` events. */
  resume(): unknown;
  /** Releases the socket. */
  destroy(error?: Error): unknown;
}

/** The subset of Node's `http.ClientRequest` used here. */
export interface NodeClientRequestLike {
  /** Whether the request went out on a kept-alive socket used before. */
  reusedSocket?: boolean;
  /** Subscribes to request events. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Sends the body and ends the request. */
  end(body?: string | Uint8Array): unknown;
  /** Abandons the request. */
  destroy(error?: Error): unknown;
}

/** The subset of `node:http` used here. */
export interface NodeHttpClientModule {
  /** The connection pool. */
  Agent: new (options: { keepAlive: boolean; noDelay: boolean }) => unknown;
  /** Starts a request. */
  request(
    url: URL,
    options: { method: string; headers: Record<string, string>; agent: unknown },
  ): NodeClientRequestLike;
}

/** A `fetch`, as {@link createNodeHttpFetch} makes it. */
export type NodeHttpFetch = (
  input: string | URL | Request,
  init?: RequestInit,
) => Promise<Response>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Statuses whose responses carry no body; `new Response` refuses one for them. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);
/** Bytes buffered ahead of the reader of a response body. */
const READ_AHEAD_BYTES = 64 * 1024;
/**
 * A body announced this long or shorter, and not an event stream, is read whole before the
 * `Response` is made: a web stream per small JSON answer costs more than the answer.
 */
const WHOLE_BODY_BYTES = 256 * 1024;

function globalFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  return globalThis.fetch(input, init);
}

/** The request's URL when it is a plain `http:` one this client can send, else undefined. */
function plainHttpUrl(input: string | URL | Request): URL | undefined {
  if (typeof input !== "string" && !(input instanceof URL)) return undefined;
  let url: URL;
  try {
    url = typeof input === "string" ? new URL(input) : input;
  } catch {
    return undefined; // `fetch` gives the error for a bad URL.
  }
  return url.protocol === "http:" && url.username === "" && url.password === "" ? url : undefined;
}

/** A request body this client sends. */
type SendableBody = string | Uint8Array | null;

/** The body to send, `null` without one, or undefined for a kind left to `fetch` (streams, forms). */
function sendableBody(body: RequestInit["body"]): SendableBody | undefined {
  if (body === undefined || body === null || body === "") return null;
  if (typeof body === "string") return body;
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  return undefined;
}

/**
 * The request headers as Node takes them, with what `fetch` would add that matters to a server
 * (`accept`, the `content-type` of a string body, `content-length`); undefined when the caller
 * asks for compression, which only `fetch` decodes. Node itself sets the `content-length` of a
 * string body given to `end()`, and then writes head and body at once.
 */
function requestHeaders(
  init: RequestInit,
  method: string,
  body: SendableBody,
): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => (headers[name] = value));
  if (headers["accept-encoding"] !== undefined) return undefined;
  headers.accept ??= "*/*";
  if (typeof init.body === "string") headers["content-type"] ??= "text/plain;charset=UTF-8";
  // Like `fetch`, which forbids the header: the length is the body's.
  delete headers["content-length"];
  if (body instanceof Uint8Array) headers["content-length"] = String(body.byteLength);
  else if (body === null && (method === "POST" || method === "PUT" || method === "PATCH")) {
    headers["content-length"] = "0";
  }
  return headers;
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException("This operation was aborted", "AbortError");
}

function asError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}

/** A web stream over a response that reads ahead at most {@link READ_AHEAD_BYTES}. */
function webBody(response: NodeIncomingLike, done: () => void): ReadableStream<Uint8Array> {
  let settled = false;
  const settle = (): boolean => {
    if (settled) return false;
    settled = true;
    done();
    return true;
  };
  return new ReadableStream<Uint8Array>({
    start(controller): void {
      // Listening at once, not at the first read, so an abort before any read still errors it.
      response.on("data", (chunk: Uint8Array) => {
        if (settled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) response.pause();
      });
      response.on("end", () => settle() && controller.close());
      response.on("error", (error: Error) => settle() && controller.error(error));
      response.on("close", () => settle() && controller.error(new TypeError("terminated")));
    },
    pull(): void {
      response.resume();
    },
    cancel(): void {
      if (settle()) response.destroy();
    },
  }, { highWaterMark: READ_AHEAD_BYTES, size: (chunk) => chunk.byteLength });
}

/** Whether the body of a response with these headers is small and bounded. */
function smallBody(headers: Headers): boolean {
  const length = headers.get("content-length");
  if (length === null || !/^\d+$/.test(length) || Number(length) > WHOLE_BODY_BYTES) return false;
  return !(headers.get("content-type") ?? "").includes("text/event-stream");
}

/** Reads a small body whole, then settles with the `Response`. */
function readWhole(
  response: NodeIncomingLike,
  init: ResponseInit,
  settle: (outcome: { response: Response } | { error: unknown }) => void,
): void {
  // Node's chunks are Buffers over plain ArrayBuffers.
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  let length = 0;
  response.on("data", (chunk: Uint8Array<ArrayBuffer>) => {
    chunks.push(chunk);
    length += chunk.byteLength;
  });
  response.on("end", () => {
    let bytes: Uint8Array<ArrayBuffer>;
    if (chunks.length === 1) bytes = chunks[0];
    else {
      bytes = new Uint8Array(length);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
    }
    settle({ response: new Response(bytes, init) });
  });
  response.on(
    "error",
    (error: Error) => settle({ error: new TypeError("terminated", { cause: error }) }),
  );
  response.on("close", () => settle({ error: new TypeError("terminated") }));
}

function responseHeaders(raw: string[]): Headers {
  const headers = new Headers();
  for (let index = 0; index + 1 < raw.length; index += 2) {
    headers.append(raw[index], raw[index + 1]);
  }
  return headers;
}

interface Exchange {
  http: NodeHttpClientModule;
  agent: unknown;
  input: string | URL | Request;
  init: RequestInit;
  url: URL;
  method: string;
  headers: Record<string, string>;
  body: SendableBody;
}

/**
 * Sends one exchange. A request that fails on a reused keep-alive socket before any answer (the
 * server closed it while idle) is sent once more on a fresh one.
 */
function send(exchange: Exchange, retryOnStaleSocket: boolean): Promise<Response> {
  const { http, agent, url, method, headers, body } = exchange;
  const signal = exchange.init.signal ?? undefined;
  return new Promise<Response>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    // `settled`: the promise is; `finished`: the exchange is, and the abort listener is gone.
    let settled = false;
    let finished = false;
    let response: NodeIncomingLike | undefined;
    const finish = (): void => {
      finished = true;
      signal?.removeEventListener("abort", onAbort);
    };
    const settle = (outcome: { response: Response } | { error: unknown }): void => {
      if (settled) return;
      settled = true;
      if ("response" in outcome) resolve(outcome.response);
      else reject(outcome.error);
    };
    const onAbort = (): void => {
      const reason = abortReason(signal!);
      finish();
      if (response !== undefined) response.destroy(asError(reason));
      else request.destroy();
      settle({ error: reason });
    };
    const request = http.request(url, { method, headers, agent });
    signal?.addEventListener("abort", onAbort, { once: true });
    request.on("error", (error: Error & { code?: string }) => {
      if (finished || response !== undefined) return; // A broken body errors the body.
      finish();
      const stale = request.reusedSocket === true && retryOnStaleSocket &&
        (error.code === "ECONNRESET" || error.code === "EPIPE");
      if (stale) {
        settled = true;
        resolve(send(exchange, false));
      } else settle({ error: new TypeError("fetch failed", { cause: error }) });
    });
    request.on("response", (incoming: NodeIncomingLike) => {
      if (finished) return void incoming.destroy();
      response = incoming;
      const status = incoming.statusCode ?? 0;
      const received = responseHeaders(incoming.rawHeaders);
      if (REDIRECTS.has(status) && received.has("location")) {
        // Following redirects has rules (method changes, headers dropped across origins): the
        // rare redirected request is sent again by `fetch`, which knows them.
        finish();
        incoming.resume();
        settled = true;
        return resolve(globalFetch(exchange.input, exchange.init));
      }
      const init = { status, statusText: incoming.statusMessage ?? "", headers: received };
      if (method === "HEAD" || NULL_BODY.has(status)) {
        finish();
        incoming.resume();
        return settle({ response: new Response(null, init) });
      }
      if (smallBody(received)) {
        return readWhole(incoming, init, (outcome) => {
          if (finished) return;
          finish();
          settle(outcome);
        });
      }
      settle({ response: new Response(webBody(incoming, finish), init) });
    });
    request.end(body ?? undefined);
  });
}

/**
 * A `fetch` on `node:http`, loading the module with `load` at the first request (undefined:
 * none, so every request goes to the global `fetch`).
 *
 * @example
 * ```ts
 * import { createNodeHttpFetch, type NodeHttpClientModule } from "./node_http_client.ts";
 * const fetchOnNodeHttp = createNodeHttpFetch(() =>
 *   process.getBuiltinModule("node:http") as unknown as NodeHttpClientModule
 * );
 * ```
 */
export function createNodeHttpFetch(
  load: () => NodeHttpClientModule | undefined,
): NodeHttpFetch {
  let http: NodeHttpClientModule | undefined | null;
  let agent: unknown;
  return (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = plainHttpUrl(input);
    const body = sendableBody(init.body);
    if (url === undefined || body === undefined || (init.redirect ?? "follow") !== "follow") {
      return globalFetch(input, init);
    }
    if (http === undefined) {
      http = load() ?? null;
      if (http !== null) agent = new http.Agent({ keepAlive: true, noDelay: true });
    }
    const method = (init.method ?? "GET").toUpperCase();
    let headers: Record<string, string> | undefined;
    try {
      headers = http === null ? undefined : requestHeaders(init, method, body);
    } catch {
      headers = undefined; // Headers `fetch` refuses: let it refuse them, asynchronously.
    }
    if (http === null || headers === undefined) return globalFetch(input, init);
    return send({ http, agent, input, init, url, method, headers, body }, true);
  };
}
