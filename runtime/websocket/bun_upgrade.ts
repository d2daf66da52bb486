/**
 * WebSocket upgrades on Bun: `server.upgrade` with the server-wide `websocket` handlers that
 * `Bun.serve` takes, feeding each socket's {@link ServerWebSocketPort}. `serveHttp` uses this on
 * Bun; {@link bunWebSocketServe} gives the same two pieces to those who call `Bun.serve` themselves.
 *
 * @example
 * ```ts
 * import { bunWebSocketServe } from "./bun_upgrade.ts";
 * import { upgradeWebSocket } from "./upgrade.ts";
 * const { fetch, websocket } = bunWebSocketServe((request) => {
 *   const { socket, response } = upgradeWebSocket(request);
 *   socket.onmessage = (data) => void socket.send(data);
 *   return response;
 * });
 * // Bun.serve({ port: 3000, fetch, websocket });
 * ```
 *
 * @module
 */
import { setClientAddress } from "../client_address.ts";
import { guardHandler, type HttpHandler } from "../http.ts";
import { WebSocketCloseCode } from "./frame.ts";
import { KeepAlive } from "./keep_alive.ts";
import { ServerWebSocketPort } from "./server_socket.ts";
import {
  isWebSocketUpgrade,
  registerNativeUpgrade,
  type SocketRegistry,
  type UpgradeWebSocketOptions,
  type WebSocketUpgrade,
} from "./upgrade.ts";

/** The per-socket data `serveHttp` stores in each of Bun's sockets. */
export interface BunSocketData {
  /** The port the socket's events feed. */
  readonly port: ServerWebSocketPort;
  /** Our own keep-alive of this socket (`pingIntervalMs`, `pongTimeoutMs`), if asked for. */
  readonly keepAlive?: { readonly intervalMs: number; readonly timeoutMs: number };
  /** The running keep-alive, once open: told of each sign of life, stopped on close. */
  pinger?: { heard(): void; stop(): void };
}

/** The parts of Bun's `ServerWebSocket` that are used; declared here so no Bun types are needed. */
export interface BunServerWebSocketLike {
  /** What `server.upgrade` stored. */
  readonly data: BunSocketData;
  /** Sends; negative for queued under backpressure, 0 for dropped, else bytes sent. */
  send(data: string | Uint8Array): number;
  /** Closes with a code and reason. */
  close(code?: number, reason?: string): void;
  /** Sends a ping frame; like `send`'s answer. */
  ping?(data?: string | Uint8Array): number;
  /** Drops the connection without a close handshake. */
  terminate?(): void;
  /** Bytes waiting to be sent (newer Bun versions). */
  getBufferedAmount?(): number;
}

/** The parts of Bun's `Server` that upgrading needs. */
export interface BunUpgradeServerLike {
  /** Upgrades a handshake request; `false` when it is not one. */
  upgrade(
    request: Request,
    options: { data: BunSocketData; headers?: Record<string, string> },
  ): boolean;
  /** The peer address of a request (Bun 1.0.4 and later). */
  requestIP?(request: Request): { address: string } | null;
}

/** The `websocket` option of `Bun.serve`, feeding each socket's port. */
export interface BunWebSocketHandlers {
  /** The largest message Bun accepts at all; each socket applies its own smaller limit. */
  readonly maxPayloadLength: number;
  /** The socket opened. */
  open(socket: BunServerWebSocketLike): void;
  /** A message arrived. */
  message(socket: BunServerWebSocketLike, message: string | Uint8Array): void;
  /** A pong arrived (a sign of life for the keep-alive). */
  pong(socket: BunServerWebSocketLike): void;
  /** The socket closed. */
  close(socket: BunServerWebSocketLike, code: number, reason: string): void;
}

// Bun's `ping` answers the payload bytes it sent, so an empty ping would read as dropped.
const KEEP_ALIVE_PAYLOAD = new Uint8Array([0x6b]);

/** Pings `socket` as its data asks, closing it (1001, then dropped) when the peer goes silent. */
function startKeepAlive(socket: BunServerWebSocketLike): void {
  const wanted = socket.data.keepAlive;
  if (wanted === undefined || !(wanted.intervalMs > 0) || socket.ping === undefined) return;
  const ping = socket.ping.bind(socket);
  socket.data.pinger = new KeepAlive(wanted.intervalMs, wanted.timeoutMs, {
    ping: () => ping(KEEP_ALIVE_PAYLOAD) !== 0,
    excused: () => false,
    dead: () => {
      socket.data.port.close(
        WebSocketCloseCode.goingAway,
        `No answer to a ping within ${wanted.timeoutMs} ms`,
      );
      // A peer that answers no ping will not answer the close frame either.
      socket.terminate?.();
    },
  });
}

/** The handlers `serveHttp` passes to `Bun.serve` (the same for every server). */
export const bunWebSocketHandlers: BunWebSocketHandlers = {
  maxPayloadLength: 64 * 1024 * 1024,
  open(socket) {
    socket.data.port.attach({
      send: (data) => socket.send(data) !== 0,
      close: (code, reason) => socket.close(code, reason),
      bufferedAmount: () => socket.getBufferedAmount?.() ?? 0,
    });
    startKeepAlive(socket);
  },
  message(socket, message) {
    socket.data.pinger?.heard();
    socket.data.port.receive(message);
  },
  pong(socket) {
    socket.data.pinger?.heard();
  },
  close(socket, code, reason) {
    socket.data.pinger?.stop();
    // Bun reports 1006 for a connection lost without a close frame, as the web does.
    socket.data.port.ended({ code, reason, wasClean: code !== WebSocketCloseCode.abnormal });
  },
};

/** What `Bun.serve` takes as `fetch`: a handler that may upgrade, answering nothing then. */
export type BunFetch = (
  request: Request,
  server: BunUpgradeServerLike,
) => Promise<Response | undefined>;

/**
 * Wraps `handler` as Bun's `fetch`: a handler that calls `upgradeWebSocket` gets the request
 * upgraded through `server.upgrade` once it returns.
 */
export function bunFetchWithUpgrade(
  handler: HttpHandler,
  onError: (error: unknown) => void,
  registry?: SocketRegistry,
): BunFetch {
  const guarded = guardHandler(handler, onError);
  return async (request, server) => {
    setClientAddress(request, server.requestIP?.(request)?.address);
    let pending: { port: ServerWebSocketPort; options: UpgradeWebSocketOptions } | undefined;
    if (isWebSocketUpgrade(request)) {
      registerNativeUpgrade(request, (options: UpgradeWebSocketOptions): WebSocketUpgrade => {
        const port = new ServerWebSocketPort(options.protocol ?? "", options);
        pending = { port, options };
        // Never sent: Bun answers the handshake itself once `fetch` returns nothing.
        return { socket: port, response: new Response(null, { status: 204 }) };
      });
    }
    const response = await guarded(request);
    if (pending === undefined) return response;
    const { port, options } = pending;
    const { protocol, pingIntervalMs, pongTimeoutMs } = options;
    const headers = protocol === undefined ? undefined : { "sec-websocket-protocol": protocol };
    const keepAlive = pingIntervalMs === undefined
      ? undefined
      : { intervalMs: pingIntervalMs, timeoutMs: pongTimeoutMs ?? pingIntervalMs };
    if (!server.upgrade(request, { data: { port, keepAlive }, headers })) {
      port.ended({ code: WebSocketCloseCode.abnormal, reason: "Upgrade failed", wasClean: false });
      return new Response("WebSocket upgrade failed", { status: 400 });
    }
    registry?.add(port);
    return undefined;
  };
}

/** The two options of `Bun.serve` that serve `handler` with WebSocket upgrades. */
export interface BunWebSocketServe {
  /** Bun's `fetch`. */
  fetch: BunFetch;
  /** Bun's `websocket`. */
  websocket: BunWebSocketHandlers;
}

/**
 * `fetch` and `websocket` for `Bun.serve`, for mounting a handler that calls `upgradeWebSocket`
 * (such as the MCP WebSocket handler) in a Bun server of one's own.
 *
 * @example
 * ```ts
 * import { bunWebSocketServe } from "./bun_upgrade.ts";
 * const options = bunWebSocketServe(() => new Response("no WebSocket here"));
 * // Bun.serve({ port: 3000, ...options });
 * ```
 */
export function bunWebSocketServe(
  handler: HttpHandler,
  onError: (error: unknown) => void = console.error,
): BunWebSocketServe {
  return { fetch: bunFetchWithUpgrade(handler, onError), websocket: bunWebSocketHandlers };
}
