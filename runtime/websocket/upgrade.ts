/**
 * `upgradeWebSocket`: turns an incoming WebSocket handshake, seen by a plain web-standard
 * handler, into a {@link ServerWebSocket} and the response to return, on every runtime. Deno
 * upgrades natively (`Deno.upgradeWebSocket`, in any fetch handler); under `serveHttp` Bun
 * upgrades through `server.upgrade` and Node through our RFC 6455 implementation on the `http`
 * server's `upgrade` event. Each adapter registers how to upgrade the requests it hands out.
 *
 * @example
 * ```ts
 * import { isWebSocketUpgrade, upgradeWebSocket } from "./upgrade.ts";
 * const handler = (request: Request): Response => {
 *   if (!isWebSocketUpgrade(request)) return new Response("WebSocket only", { status: 426 });
 *   const { socket, response } = upgradeWebSocket(request);
 *   socket.onmessage = (data) => void socket.send(data);
 *   return response;
 * };
 * ```
 *
 * @module
 */
import { WebSocketCloseCode } from "./frame.ts";
import {
  type ServerWebSocket,
  type ServerWebSocketLimits,
  ServerWebSocketPort,
} from "./server_socket.ts";

/** Options of {@link upgradeWebSocket}. */
export interface UpgradeWebSocketOptions extends ServerWebSocketLimits {
  /** The subprotocol to confirm; it must be one the client offered. Default none. */
  protocol?: string;
  /**
   * Pings the peer this often, ms (on Deno: after this long without a frame from it); 0
   * disables. Default: the runtime's own (30 s under `serveHttp` on Node, Deno's ping after 60 s
   * of its 120 s `idleTimeout`, Bun's server-wide 120 s idle pings). Always WebSocket ping
   * frames: our own on Node (NodeWebSocket) and on Bun (over Bun's `ServerWebSocket.ping`),
   * Deno's native `idleTimeout` on Deno.
   */
  pingIntervalMs?: number;
  /**
   * After a ping, how long the peer may stay silent before the socket is closed (1001, then
   * dropped, reported as 1006 or 1001), ms; at most `pingIntervalMs`. Default `pingIntervalMs`.
   * Deno has one knob only: its native socket pings after `(pingIntervalMs + pongTimeoutMs) / 2`
   * of silence and closes after both together.
   */
  pongTimeoutMs?: number;
}

/** What {@link upgradeWebSocket} returns: the socket, and the response the handler returns. */
export interface WebSocketUpgrade {
  /** The socket; it opens once `response` has been returned from the handler. */
  socket: ServerWebSocket;
  /** The handshake answer: return it from the handler unchanged. */
  response: Response;
}

/** How a runtime adapter upgrades one request it handed to a handler. */
export type NativeUpgrade = (options: UpgradeWebSocketOptions) => WebSocketUpgrade;

const nativeUpgrades = new WeakMap<Request, NativeUpgrade>();

/** Called by a runtime adapter for each handshake request it passes to a handler. */
export function registerNativeUpgrade(request: Request, upgrade: NativeUpgrade): void {
  nativeUpgrades.set(request, upgrade);
}

/**
 * Whether `request` asks for a WebSocket: `GET` with `Upgrade: websocket`.
 *
 * @example
 * ```ts
 * import { isWebSocketUpgrade } from "./upgrade.ts";
 * isWebSocketUpgrade(new Request("http://localhost/", { headers: { upgrade: "websocket" } })); // true
 * ```
 */
export function isWebSocketUpgrade(request: Request): boolean {
  return request.method === "GET" &&
    (request.headers.get("upgrade") ?? "").toLowerCase().split(/\s*,\s*/).includes("websocket");
}

/** The subprotocols a handshake offers, in the client's order. */
export function offeredProtocols(request: Request): string[] {
  const header = request.headers.get("sec-websocket-protocol");
  if (header === null) return [];
  return header.split(",").map((entry) => entry.trim()).filter((entry) => entry !== "");
}

interface DenoWebSocketLike {
  readyState: number;
  bufferedAmount?: number;
  binaryType: string;
  onopen: (() => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
  send(data: string | Uint8Array): void;
  close(code?: number, reason?: string): void;
}

/** `Deno.upgradeWebSocket`, declared locally so that nothing needs Deno's types. */
export type DenoUpgradeWebSocket = (
  request: Request,
  options?: { protocol?: string; idleTimeout?: number },
) => { socket: unknown; response: Response };

/** Deno's `idleTimeout` (seconds) for the keep-alive options; Deno pings at its half. */
function denoIdleTimeout(options: UpgradeWebSocketOptions): { idleTimeout?: number } {
  const interval = options.pingIntervalMs;
  if (interval === undefined) return {};
  if (interval <= 0) return { idleTimeout: 0 };
  return { idleTimeout: (interval + (options.pongTimeoutMs ?? interval)) / 1000 };
}

/** Upgrades `request` with Deno's native WebSocket server. */
export function upgradeOnDeno(
  upgrade: DenoUpgradeWebSocket,
  request: Request,
  options: UpgradeWebSocketOptions,
): WebSocketUpgrade {
  // Deno splits the offered list on ", " only, so a client that joins it with "," (ws does)
  // would be refused: the protocol was already checked by the caller, so name it here.
  const native = upgrade(request, denoIdleTimeout(options));
  if (options.protocol) native.response.headers.set("sec-websocket-protocol", options.protocol);
  const socket = native.socket as DenoWebSocketLike;
  const port = new ServerWebSocketPort(options.protocol ?? "", options);
  socket.binaryType = "arraybuffer";
  socket.onopen = () =>
    port.attach({
      send(data) {
        if (socket.readyState !== 1) return false;
        socket.send(data);
        return true;
      },
      close: (code, reason) => socket.close(code, reason),
      bufferedAmount: () => socket.bufferedAmount ?? 0,
    });
  socket.onmessage = ({ data }) =>
    port.receive(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
  socket.onclose = ({ code, reason, wasClean }) => port.ended({ code, reason, wasClean });
  return { socket: port, response: native.response };
}

/**
 * Upgrades a WebSocket handshake request to a {@link ServerWebSocket}; return `response` from the
 * handler. Works on Deno in any fetch handler, and on every runtime under `serveHttp` (and the
 * mounting helpers `bunWebSocketServe` and `nodeWebSocketUpgrade`). Throws `TypeError` when the
 * request is not a handshake or its runtime cannot upgrade it.
 *
 * @example
 * ```ts
 * import { serveHttp } from "../runtime.ts";
 * import { upgradeWebSocket } from "./upgrade.ts";
 * const http = await serveHttp((request) => {
 *   const { socket, response } = upgradeWebSocket(request, { protocol: "mcp" });
 *   socket.onmessage = (data) => void socket.send(data);
 *   return response;
 * });
 * await http.close();
 * ```
 */
export function upgradeWebSocket(
  request: Request,
  options: UpgradeWebSocketOptions = {},
): WebSocketUpgrade {
  if (!isWebSocketUpgrade(request)) {
    throw new TypeError("Not a WebSocket handshake: GET with Upgrade: websocket expected");
  }
  if (options.protocol !== undefined && !offeredProtocols(request).includes(options.protocol)) {
    throw new TypeError(`The client did not offer the subprotocol ${options.protocol}`);
  }
  const native = nativeUpgrades.get(request);
  if (native !== undefined) {
    nativeUpgrades.delete(request);
    return native(options);
  }
  const deno = (globalThis as { Deno?: { upgradeWebSocket?: DenoUpgradeWebSocket } }).Deno;
  if (typeof deno?.upgradeWebSocket === "function") {
    return upgradeOnDeno(deno.upgradeWebSocket, request, options);
  }
  throw new TypeError(
    "This request cannot be upgraded here: serve it with serveHttp, or mount the handler with " +
      "bunWebSocketServe (Bun) or nodeWebSocketUpgrade (Node)",
  );
}

/** The open sockets of one server, closed with 1001 when it shuts down. */
export interface SocketRegistry {
  /** Tracks a socket until it closes. */
  add(socket: ServerWebSocket): void;
  /** Closes every tracked socket with 1001 and resolves once they have closed. */
  closeAll(): Promise<void>;
}

/** A new {@link SocketRegistry}. */
export function createSocketRegistry(): SocketRegistry {
  const open = new Set<ServerWebSocket>();
  return {
    add(socket) {
      open.add(socket);
      socket.closed.then(() => open.delete(socket));
    },
    async closeAll() {
      const closing = [...open];
      for (const socket of closing) {
        socket.close(WebSocketCloseCode.goingAway, "Server shutting down");
      }
      await Promise.all(closing.map((socket) => socket.closed));
    },
  };
}
