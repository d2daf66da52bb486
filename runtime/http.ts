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

/** Where and how a runtime adapter serves; `serveHttp` has filled in every default. */
export interface NativeServeOptions {
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
  return async (request: Request): Promise<Response> => {
    if (!wellAddressed(request)) return badRequest();
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
