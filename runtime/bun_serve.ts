/**
 * Serving HTTP on Bun with `Bun.serve`, WebSocket upgrades included. Loaded by the Bun adapter on
 * the first `serve`, so that processes that never serve HTTP never load this layer.
 *
 * @module
 */
import type { BunLike } from "./bun.ts";
import {
  type HttpHandler,
  type HttpServerHandle,
  type NativeServeOptions,
  serverHandle,
} from "./http.ts";
import { bunFetchWithUpgrade, bunWebSocketHandlers } from "./websocket/bun_upgrade.ts";
import { createSocketRegistry } from "./websocket/upgrade.ts";

/** Serves `handler` with `bun.serve`, upgrading WebSocket requests. */
export function serveBunHttp(
  bun: BunLike,
  handler: HttpHandler,
  options: NativeServeOptions,
): HttpServerHandle {
  const sockets = createSocketRegistry();
  const server = bun.serve({
    port: options.port,
    hostname: options.hostname,
    // Bun cuts connections idle for 10 s by default, which kills quiet SSE streams; 0 disables.
    idleTimeout: 0,
    fetch: bunFetchWithUpgrade(handler, options.onError, sockets),
    websocket: bunWebSocketHandlers,
  });
  return serverHandle(server.hostname, server.port, async () => {
    await sockets.closeAll();
    await server.stop(true);
  });
}
