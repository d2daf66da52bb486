/**
 * Our HTTP/1.1 server on a listener: the accept loop (connection cap, shedding the connection
 * idle longest, deadline sweep) serving each connection with {@linkcode Http1Connection} and
 * WebSocket handshakes with our RFC 6455 layer. Shared by Deno (`Deno.listen`) and Bun
 * (`Bun.listen`).
 *
 * @module
 */
import { type DenoTcpListenerLike, startAcceptLoop } from "../deno_listener.ts";
import { connectionsUnderLimit } from "../descriptor_limit.ts";
import { guardThrows, type HttpHandler, type NativeServeOptions } from "../http.ts";
import { nodeWebSocketUpgrade } from "../websocket/node_serve_upgrade.ts";
import { createSocketRegistry } from "../websocket/upgrade.ts";
import type { DuplexConnection } from "./conn_duplex.ts";
import { Http1Connection } from "./connection.ts";
import { errorResponseBytes } from "./response.ts";

/** The largest request head; larger is answered 431 (Node's limit is 16 KiB). */
const MAX_HEAD_BYTES = 64 * 1024;

/** An accepted connection and its peer's address. */
export interface AcceptedConnection extends DuplexConnection {
  /** The peer's IP address, if known. */
  readonly remoteAddress: string | undefined;
}

/**
 * Serves `handler` on the connections `listener` accepts until the returned `stop`, which
 * closes the listener, ends idle connections, lets busy ones answer and closes WebSockets.
 * `descriptorLimit` is the process's `ulimit -n`, if known.
 */
export function serveOnListener<Connection extends AcceptedConnection>(
  listener: DenoTcpListenerLike<Connection>,
  handler: HttpHandler,
  options: NativeServeOptions,
  descriptorLimit: number | undefined,
): () => Promise<void> {
  const sockets = createSocketRegistry();
  const context = {
    handler: guardThrows(handler, options.onError),
    upgrade: nodeWebSocketUpgrade(handler, { onError: options.onError, registry: sockets }),
    limits: {
      headTimeoutMs: options.headTimeoutMs,
      bodyTimeoutMs: options.bodyTimeoutMs,
      maxHeadBytes: MAX_HEAD_BYTES,
    },
  };
  const loop = startAcceptLoop(listener, {
    maxConnections: connectionsUnderLimit(options.maxConnections, descriptorLimit),
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
      return new Http1Connection(conn, conn.remoteAddress, context, onClosed);
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
  return async () => {
    await Promise.all([sockets.closeAll(), loop.stop()]);
  };
}
