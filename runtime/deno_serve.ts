/**
 * Serving HTTP on Deno, WebSocket upgrades included, with our own HTTP/1.1 server (`http1/`)
 * on `Deno.listen` rather than `Deno.serve`: `Deno.serve` has no header-read timeout and no
 * connection count, and at the descriptor limit its accept loop fails with "Too many open
 * files" and takes the process with it (catching that leaves a server that never accepts
 * again). Our accept loop (`deno_listener.ts`) sheds the connection idle longest instead.
 * Loaded by the Deno adapter on the first `serve`, so that processes that never serve HTTP never
 * load this layer.
 *
 * @module
 */
import type { DenoLike, DenoNetAddr } from "./deno.ts";
import { type DenoTcpListenerLike, startAcceptLoop } from "./deno_listener.ts";
import { connectionsUnderLimit, readDescriptorLimit } from "./descriptor_limit.ts";
import {
  guardHandler,
  type HttpHandler,
  type HttpServerHandle,
  type NativeServeOptions,
  serverHandle,
} from "./http.ts";
import type { DuplexConnection } from "./http1/conn_duplex.ts";
import { Http1Connection } from "./http1/connection.ts";
import { errorResponseBytes } from "./http1/response.ts";
import { nodeWebSocketUpgrade } from "./websocket/node_serve_upgrade.ts";
import { createSocketRegistry } from "./websocket/upgrade.ts";

/** A TCP connection of `Deno.listen`. */
interface DenoTcpConnLike extends DuplexConnection {
  readonly remoteAddr: Partial<DenoNetAddr>;
}

/** The part of the `Deno` namespace serving needs beyond {@linkcode DenoLike}. */
interface DenoListenLike {
  listen(options: { port: number; hostname: string; transport: "tcp" }): DenoTcpListenerLike<
    DenoTcpConnLike
  >;
}

interface DenoPermissionsLike {
  permissions?: {
    querySync?(descriptor: { name: "read"; path: string }): { state: string };
  };
}

/** Reads `path` if reading it is already allowed: never a permission prompt for it. */
function readWithoutPrompt(deno: DenoLike & DenoPermissionsLike, path: string): Promise<string> {
  const state = deno.permissions?.querySync?.({ name: "read", path }).state;
  if (state !== "granted") return Promise.reject(new Error(`no read permission for ${path}`));
  return deno.readTextFile(path);
}

/** The largest request head; larger is answered 431 (Node's limit is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;
const ignoreSignal = (): void => {};

/**
 * Deno sets up its signal handling on the first signal listener, which needs a descriptor: at
 * the descriptor limit that panics the process (an unwrap in ext/signals). Registering one
 * before any descriptor pressure makes later listeners (a shutdown handler) safe. SIGWINCH is
 * ignored by default, so listening to it changes nothing else.
 */
function prepareSignals(deno: DenoLike): () => void {
  try {
    deno.addSignalListener("SIGWINCH" as never, ignoreSignal);
    return () => deno.removeSignalListener("SIGWINCH" as never, ignoreSignal);
  } catch {
    return () => {}; // no signals here (Windows)
  }
}

/** Serves `handler` on Deno with our HTTP/1.1 server, upgrading WebSocket requests. */
export async function serveDenoHttp(
  deno: DenoLike,
  handler: HttpHandler,
  options: NativeServeOptions,
): Promise<HttpServerHandle> {
  const limit = await readDescriptorLimit((path) => readWithoutPrompt(deno, path));
  const releaseSignals = prepareSignals(deno);
  const listener = (deno as DenoLike & DenoListenLike).listen({
    port: options.port,
    hostname: options.hostname,
    transport: "tcp",
  });
  const sockets = createSocketRegistry();
  const context = {
    handler: guardHandler(handler, options.onError),
    upgrade: nodeWebSocketUpgrade(handler, { onError: options.onError, registry: sockets }),
    limits: {
      headTimeoutMs: options.headTimeoutMs,
      bodyTimeoutMs: options.bodyTimeoutMs,
      maxHeadBytes: MAX_HEAD_BYTES,
    },
  };
  const loop = startAcceptLoop(listener, {
    maxConnections: connectionsUnderLimit(options.maxConnections, limit),
    sweepIntervalMs: Math.max(
      25,
      Math.min(1000, Math.min(options.headTimeoutMs, options.bodyTimeoutMs) / 4),
    ),
    track: (conn, onClosed) => {
      try {
        conn.setNoDelay?.(true);
      } catch {
        // Not TCP.
      }
      return new Http1Connection(conn, conn.remoteAddr.hostname, context, onClosed);
    },
    refuse: (conn) => {
      conn.write(errorResponseBytes(503)).catch(() => {}).finally(() => {
        try {
          conn.close();
        } catch {
          // Already closed.
        }
      });
    },
    onError: options.onError,
  });
  return serverHandle(listener.addr.hostname, listener.addr.port, async () => {
    await Promise.all([sockets.closeAll(), loop.stop()]);
    releaseSignals();
  });
}
