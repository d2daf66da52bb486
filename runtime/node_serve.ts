/**
 * Serving HTTP on Node with `node:http`, WebSocket upgrades included, with head and body
 * deadlines and a connection cap (`node_connections.ts`). Loaded by the Node adapter
 * on the first `serve`, so that processes that never serve HTTP never load this layer.
 *
 * @module
 */
import {
  type HttpHandler,
  type HttpServerHandle,
  type NativeServeOptions,
  serverHandle,
} from "./http.ts";
import { connectionsUnderLimit, readDescriptorLimit } from "./descriptor_limit.ts";
import { limitNodeConnections } from "./node_connections.ts";
import { toNodeHandler } from "./node_http.ts";
import { nodeWebSocketUpgrade } from "./websocket/node_serve_upgrade.ts";
import { createSocketRegistry } from "./websocket/upgrade.ts";

interface NodeHttpServerLike {
  listen(port: number, hostname: string, callback: () => void): unknown;
  address(): { address: string; port: number } | string | null;
  close(callback?: (error?: Error) => void): unknown;
  closeAllConnections?(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
}

interface NodeFsPromisesLike {
  readFile(path: string, encoding: "utf8"): Promise<string>;
}

interface NodeServerOptions {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
}

interface NodeHttpModule {
  createServer(
    options: NodeServerOptions,
    listener: (request: never, response: never) => void,
  ): NodeHttpServerLike;
}

/** Node's own timeouts from the limits; Node checks them every `connectionsCheckingInterval`. */
function nodeServerOptions(options: NativeServeOptions): NodeServerOptions {
  const { headTimeoutMs, bodyTimeoutMs } = options;
  return {
    headersTimeout: headTimeoutMs,
    // Node's requestTimeout bounds head and body together.
    requestTimeout: headTimeoutMs + bodyTimeoutMs,
    keepAliveTimeout: Math.min(5000, headTimeoutMs),
    connectionsCheckingInterval: Math.max(25, Math.min(1000, headTimeoutMs / 4)),
  };
}

/** Serves `handler` with `node:http`, upgrading WebSocket requests. */
export async function serveNodeHttp(
  handler: HttpHandler,
  options: NativeServeOptions,
): Promise<HttpServerHandle> {
  const http = (await import("node:http")) as unknown as NodeHttpModule;
  const server = http.createServer(
    nodeServerOptions(options),
    toNodeHandler(handler, options.onError),
  );
  const { readFile } = (await import("node:fs/promises")) as unknown as NodeFsPromisesLike;
  const limit = await readDescriptorLimit((path) => readFile(path, "utf8"));
  // engine "native": a reverse proxy in front bounds connections (the timeouts stay).
  if (options.engine !== "native") {
    limitNodeConnections(server, connectionsUnderLimit(options.maxConnections, limit));
  }
  const sockets = createSocketRegistry();
  server.on(
    "upgrade",
    nodeWebSocketUpgrade(handler, { onError: options.onError, registry: sockets }),
  );
  await new Promise<void>((resolve, reject) => {
    server.on("error", reject);
    server.listen(options.port, options.hostname, resolve);
  });
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : options.port;
  return serverHandle(options.hostname, port, async () => {
    // Upgraded connections left the HTTP server: close them first.
    await sockets.closeAll();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Long-lived responses (SSE) would otherwise keep close() waiting forever.
      server.closeAllConnections?.();
    });
  });
}
