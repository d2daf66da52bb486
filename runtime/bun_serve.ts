/**
 * Serving HTTP on Bun, WebSocket upgrades included, with Bun's `node:http` (the Node adapter's
 * server) rather than `Bun.serve`: `Bun.serve` gives no access to connections that have not
 * finished a request head and keeps them for a fixed ~12 s whatever its `idleTimeout`, so 300
 * stalled clients under `ulimit -n 256` kept every other client waiting that long (issue 15).
 * Bun's `node:http` reports connections and honours `headersTimeout` and `requestTimeout`, so
 * the head and body deadlines and the connection cap of `node_serve.ts` hold on Bun too, at
 * about half the requests per second of `Bun.serve` for a trivial handler. Loaded by the Bun
 * adapter on the first `serve`, so that processes that never serve HTTP never load this layer.
 *
 * @module
 */
import type { BunLike } from "./bun.ts";
import type { HttpHandler, HttpServerHandle, NativeServeOptions } from "./http.ts";
import { serveNodeHttp } from "./node_serve.ts";

/** Serves `handler` on Bun with its `node:http`, upgrading WebSocket requests. */
export function serveBunHttp(
  _bun: BunLike,
  handler: HttpHandler,
  options: NativeServeOptions,
): Promise<HttpServerHandle> {
  return serveNodeHttp(handler, options);
}
