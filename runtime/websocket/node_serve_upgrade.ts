/**
 * WebSocket upgrades on Node (and on Deno and Bun through their `node:http`): the `upgrade`
 * event of an `http` server runs the same web-standard handler as its `request` event, and a
 * handler that calls `upgradeWebSocket` gets the connection upgraded with our RFC 6455
 * implementation once it returns. Any other response is written as the HTTP answer.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { toNodeHandler } from "../node_http.ts";
 * import { nodeWebSocketUpgrade } from "./node_serve_upgrade.ts";
 * import { upgradeWebSocket } from "./upgrade.ts";
 * const handler = (request: Request): Response => {
 *   const { socket, response } = upgradeWebSocket(request);
 *   socket.onmessage = (data) => void socket.send(data);
 *   return response;
 * };
 * const server = createServer(toNodeHandler(handler));
 * server.on("upgrade", nodeWebSocketUpgrade(handler));
 * ```
 *
 * @module
 */
import { guardHandler, type HttpHandler } from "../http.ts";
import { type NodeIncomingMessageLike, toWebRequest } from "../node_http.ts";
import type { WebSocketDuplexLike } from "./duplex.ts";
import { WebSocketCloseCode } from "./frame.ts";
import {
  acceptResponse,
  checkUpgradeRequest,
  computeAcceptKey,
  type WebSocketUpgradeRequestLike,
} from "./handshake.ts";
import { refuse } from "./node_upgrade.ts";
import { DEFAULT_CLOSE_TIMEOUT_MS, NodeWebSocket } from "./node_websocket.ts";
import { attachNodeWebSocket, ServerWebSocketPort } from "./server_socket.ts";
import {
  registerNativeUpgrade,
  type SocketRegistry,
  type UpgradeWebSocketOptions,
  type WebSocketUpgrade,
} from "./upgrade.ts";

/** Options of {@link nodeWebSocketUpgrade}. */
export interface NodeWebSocketUpgradeOptions {
  /** Where errors of the handler and of the handshake go. Default `console.error`. */
  onError?: (error: unknown) => void;
  /** Sends a ping this often, closing a peer silent for as long (Deno and Bun do the same). Default 30 s; 0 disables. */
  pingIntervalMs?: number;
  /** How long the close handshake may take. Default 10 s. */
  closeTimeoutMs?: number;
  /** Tracks the open sockets, so that a server shutting down can close them. */
  registry?: SocketRegistry;
}

/** The request an `http` server's `upgrade` event passes. */
export type NodeUpgradeRequestLike = NodeIncomingMessageLike & WebSocketUpgradeRequestLike;

/** The listener {@link nodeWebSocketUpgrade} returns, for an `http` server's `upgrade` event. */
export type NodeUpgradeListener = (
  request: NodeUpgradeRequestLike,
  socket: WebSocketDuplexLike,
  head: Uint8Array,
) => void;

const encoder = new TextEncoder();
const ignore = (): void => {};

/** A handler's answer that did not upgrade, as raw HTTP/1.1 bytes ending the connection. */
async function rawResponse(response: Response): Promise<Uint8Array> {
  const body = new Uint8Array(await response.arrayBuffer());
  let head = `HTTP/1.1 ${response.status} ${response.statusText}\r\nConnection: close\r\n`;
  for (const [name, value] of response.headers) {
    if (name !== "content-length" && name !== "connection") head += `${name}: ${value}\r\n`;
  }
  head += `Content-Length: ${body.byteLength}\r\n\r\n`;
  const headBytes = encoder.encode(head);
  const bytes = new Uint8Array(headBytes.byteLength + body.byteLength);
  bytes.set(headBytes);
  bytes.set(body, headBytes.byteLength);
  return bytes;
}

/**
 * Makes the `upgrade` listener that serves WebSocket handshakes with `handler`, the same handler
 * the server's `request` event serves (through `toNodeHandler`).
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { nodeWebSocketUpgrade } from "./node_serve_upgrade.ts";
 * const server = createServer();
 * server.on("upgrade", nodeWebSocketUpgrade(() => new Response("not here", { status: 404 })));
 * ```
 */
export function nodeWebSocketUpgrade(
  handler: HttpHandler,
  options: NodeWebSocketUpgradeOptions = {},
): NodeUpgradeListener {
  const onError = options.onError ?? console.error;
  const guarded = guardHandler(handler, onError);
  const closeTimeoutMs = options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;

  async function serve(
    request: NodeUpgradeRequestLike,
    socket: WebSocketDuplexLike,
    head: Uint8Array,
  ): Promise<void> {
    const check = checkUpgradeRequest(request);
    if (!check.ok) return refuse(socket, check.refusal, onError, closeTimeoutMs);
    const gone = new AbortController();
    socket.on("close", () => gone.abort(new Error("Client disconnected")));
    const webRequest = toWebRequest(request, gone.signal);
    let pending: { port: ServerWebSocketPort; options: UpgradeWebSocketOptions } | undefined;
    registerNativeUpgrade(webRequest, (upgrade: UpgradeWebSocketOptions): WebSocketUpgrade => {
      const port = new ServerWebSocketPort(upgrade.protocol ?? "", upgrade);
      pending = { port, options: upgrade };
      // Never sent: the 101 is written below, once the handler has returned.
      return { socket: port, response: new Response(null, { status: 204 }) };
    });
    const response = await guarded(webRequest);
    if (pending === undefined) {
      const bytes = await rawResponse(response);
      if (socket.destroyed) return;
      socket.write(bytes);
      socket.end();
      socket.resume();
      return;
    }
    const { port, options: upgrade } = pending;
    const accept = await computeAcceptKey(check.key);
    if (socket.destroyed) {
      port.ended({ code: WebSocketCloseCode.abnormal, reason: "Client left", wasClean: false });
      return;
    }
    socket.write(acceptResponse(accept, upgrade.protocol));
    const websocket = new NodeWebSocket(socket, {
      protocol: upgrade.protocol,
      head,
      maxMessageSize: upgrade.maxMessageSize,
      maxBufferedAmount: upgrade.maxBufferedAmount,
      pingIntervalMs: upgrade.pingIntervalMs ?? options.pingIntervalMs ?? 30_000,
      pongTimeoutMs: upgrade.pongTimeoutMs,
      closeTimeoutMs,
    });
    socket.removeListener("error", ignore);
    attachNodeWebSocket(port, websocket);
    options.registry?.add(port);
  }

  return (request, socket, head) => {
    socket.on("error", ignore); // a reset during the handshake must not crash the process
    socket.pause();
    serve(request, socket, head).catch((error: unknown) => {
      onError(error);
      socket.destroy();
    });
  };
}
