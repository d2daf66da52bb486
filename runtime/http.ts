/**
 * What serving HTTP means on every runtime: the web-standard handler type, the handle of a
 * listening server, and the guard that turns a throwing handler into a 500.
 *
 * @module
 */

/**
 * A web-standard request handler: it mounts unchanged in `Deno.serve`, `Bun.serve({ fetch })`,
 * Hono and `serveHttp`, and in Node's `http` through `toNodeHandler`.
 *
 * @example
 * ```ts
 * import type { HttpHandler } from "./http.ts";
 * const hello: HttpHandler = (request) => new Response(`hello from ${new URL(request.url).pathname}`);
 * ```
 */
export type HttpHandler = (request: Request) => Promise<Response> | Response;

/** A listening HTTP server started by `serveHttp`. */
export interface HttpServerHandle {
  /** The bound hostname. */
  hostname: string;
  /** The bound port (the real one when `0` was requested). */
  port: number;
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Stops listening and ends open connections, including long-lived streams. Idempotent. */
  close(): Promise<void>;
}

/**
 * How much a server lets slow or idle clients hold, so that a flood of connections that never
 * finish a request cannot stop it answering others (or, at the descriptor limit, end it).
 */
export interface ServeLimits {
  /**
   * How long a client may take to send a request head, ms, counted from the connection (or, on
   * a kept-alive connection, from the previous answer): a keep-alive connection idle for as long
   * is closed too. Default {@link DEFAULT_HEAD_TIMEOUT_MS}.
   */
  headTimeoutMs: number;
  /**
   * How long a request body may take to arrive, ms: on Deno and Bun from the end of the head
   * for a body of up to 64 KiB with a `Content-Length` (read before the handler runs), else from
   * the handler's first read; on Node (its `requestTimeout`, head and body together) from the
   * connection plus `headTimeoutMs`. Default {@link DEFAULT_BODY_TIMEOUT_MS}.
   */
  bodyTimeoutMs: number;
  /**
   * The most connections served at once: past it, the connection idle longest (waiting for a
   * request head) is closed for the new one; with none idle, the new one is refused. Where the
   * descriptor limit (`ulimit -n`) can be read (Linux), the cap is kept an eighth of it (at
   * least 64) below it. Default {@link DEFAULT_MAX_CONNECTIONS}.
   */
  maxConnections: number;
}

/** Default {@link ServeLimits.headTimeoutMs}: 10 s. */
export const DEFAULT_HEAD_TIMEOUT_MS = 10_000;
/** Default {@link ServeLimits.bodyTimeoutMs}: 30 s. */
export const DEFAULT_BODY_TIMEOUT_MS = 30_000;
/** Default {@link ServeLimits.maxConnections}: 900, under the common 1024 descriptor limit. */
export const DEFAULT_MAX_CONNECTIONS = 900;

/** `limits` with every default filled in. */
export function serveLimits(limits: Partial<ServeLimits> = {}): ServeLimits {
  return {
    headTimeoutMs: limits.headTimeoutMs ?? DEFAULT_HEAD_TIMEOUT_MS,
    bodyTimeoutMs: limits.bodyTimeoutMs ?? DEFAULT_BODY_TIMEOUT_MS,
    maxConnections: limits.maxConnections ?? DEFAULT_MAX_CONNECTIONS,
  };
}

/**
 * Which HTTP server `serveHttp` runs. `"guarded"` (the default): our HTTP/1.1 server on
 * `Deno.listen` or `Bun.listen` on Deno and Bun, `node:http` on Node, each with the
 * {@linkcode ServeLimits}.
 * `"native"`: `Deno.serve`, `Bun.serve` or `node:http` without our connection guard (no
 * connection cap; on Deno and Bun no head deadline either): on Bun about a third less CPU
 * per request, on Deno about the same, for deployments behind a reverse proxy that bounds
 * slow and idle clients itself.
 */
export type ServeEngine = "guarded" | "native";

/** Where and how a runtime adapter serves; `serveHttp` has filled in every default. */
export interface NativeServeOptions extends ServeLimits {
  /** Which server to run. */
  engine: ServeEngine;
  /** TCP port; `0` picks a free one. */
  port: number;
  /** Interface to bind. */
  hostname: string;
  /** Receives errors thrown by the handler, which is answered with 500. */
  onError: (error: unknown) => void;
}

function internalServerError(): Response {
  return new Response("Internal Server Error", {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

function badRequest(): Response {
  return new Response("Bad Request", {
    status: 400,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/**
 * Whether the request names one well-formed host. Deno and Bun build
 * `request.url` from the Host header unchecked (`[::1]evil.example`, an empty
 * Host on Bun), so it may not parse, and Bun joins duplicate Host lines with
 * a comma. RFC 9112 §3.2 has a server refuse those, and an http URI's empty
 * Host, with 400.
 */
function wellAddressed(request: Request): boolean {
  const host = request.headers.get("host");
  return URL.canParse(request.url) && host !== "" && !(host ?? "").includes(",");
}

/**
 * Runs the handler so that a throw becomes a 500 instead of a runtime-specific error page,
 * and answers a request whose Host makes its URL malformed with 400 before the handler,
 * which could not parse `request.url`, sees it.
 */
export function guardHandler(
  handler: HttpHandler,
  onError: (error: unknown) => void,
): (request: Request) => Promise<Response> {
  const guarded = guardThrows(handler, onError);
  return (request: Request): Promise<Response> =>
    wellAddressed(request) ? guarded(request) : Promise.resolve(badRequest());
}

/**
 * Runs the handler so that a throw becomes a 500, for a server that has checked the Host of
 * each request itself (our HTTP/1.1 server, once per distinct Host).
 */
export function guardThrows(
  handler: HttpHandler,
  onError: (error: unknown) => void,
): (request: Request) => Promise<Response> {
  return async (request: Request): Promise<Response> => {
    try {
      return await handler(request);
    } catch (error) {
      onError(error);
      return internalServerError();
    }
  };
}

/** Whether a response body is a whole JSON document rather than a stream to relay as it comes. */
export function isBufferable(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").startsWith("application/json");
}

/** The handle of a server bound to `hostname:port`, whose `close` runs `stop` only once. */
export function serverHandle(
  hostname: string,
  port: number,
  stop: () => Promise<void>,
): HttpServerHandle {
  let stopped: Promise<void> | undefined;
  return {
    hostname,
    port,
    url: `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`,
    close: (): Promise<void> => (stopped ??= stop()),
  };
}
