/**
 * Serving HTTP on Bun with `Bun.serve`, WebSocket upgrades included: `serveHttp`'s
 * `engine: "native"`, for deployments behind a reverse proxy that bounds slow and idle clients
 * itself. `Bun.serve` keeps connections that never finish a head for ~12 s whatever its
 * `idleTimeout` and has no connection cap; in return it costs about a third less CPU per
 * request than our HTTP/1.1 server on `Bun.listen` (`bun_serve.ts`). Loaded only when chosen.
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
export function serveBunNativeHttp(
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
