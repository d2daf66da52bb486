/**
 * Plugs the WebSocket server into a `node:http` (or `node:https`) server through its `upgrade`
 * event: checks the handshake, lets the caller refuse it (Origin, auth) and pick a subprotocol,
 * answers `101`, and hands over a {@link NodeWebSocket}. Works on Node, Deno and Bun.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { websocketUpgradeListener } from "./node_upgrade.ts";
 * const server = createServer();
 * server.on(
 *   "upgrade",
 *   websocketUpgradeListener((socket) => {
 *     socket.onmessage = (data) => void socket.send(data);
 *   }, {
 *     selectProtocol: (offered) => offered.includes("mcp") ? "mcp" : undefined,
 *     verify: (request) =>
 *       request.headers.origin === undefined ? undefined : { status: 403, body: "Origin refused" },
 *   }),
 * );
 * server.listen(0, "127.0.0.1", () => server.close());
 * ```
 *
 * @module
 */
import {
  acceptResponse,
  checkUpgradeRequest,
  computeAcceptKey,
  refusalResponse,
  type WebSocketHandshakeRefusal,
  type WebSocketUpgradeRequestLike,
} from "./handshake.ts";
import type { WebSocketDuplexLike } from "./duplex.ts";
import {
  DEFAULT_CLOSE_TIMEOUT_MS,
  NodeWebSocket,
  type NodeWebSocketOptions,
} from "./node_websocket.ts";
import { WebSocketCloseCode } from "./frame.ts";
import { backgroundTimeout } from "../timers.ts";

/** How {@link websocketUpgradeListener} decides on a handshake, plus the options of each socket. */
export interface WebSocketUpgradeOptions<UpgradeRequest extends WebSocketUpgradeRequestLike>
  extends Omit<NodeWebSocketOptions, "protocol" | "head"> {
  /**
   * Runs once the request is a well-formed handshake, before anything is answered: return a
   * refusal (such as 401 with `WWW-Authenticate`, or 403 for a foreign Origin) to turn it down,
   * or nothing to go on. `offered` are the client's subprotocols, in its order (where MCP carries
   * `mcp.version.*` and `mcp.auth.*`). A throw or rejection answers 500 and goes to `onError`.
   */
  verify?: (
    request: UpgradeRequest,
    offered: readonly string[],
  ) => WebSocketHandshakeRefusal | undefined | PromiseLike<WebSocketHandshakeRefusal | undefined>;
  /**
   * Picks the subprotocol to confirm, one of `offered`, or `undefined` for none (RFC 6455 leaves
   * it to the client to give up then). Anything not offered answers 500 and goes to `onError`.
   */
  selectProtocol?: (offered: readonly string[], request: UpgradeRequest) => string | undefined;
  /** Where errors of the hooks, of `onSocket` and of writing answers go. Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** The `upgrade` listener {@link websocketUpgradeListener} returns. */
export type WebSocketUpgradeListener<UpgradeRequest extends WebSocketUpgradeRequestLike> = (
  request: UpgradeRequest,
  socket: WebSocketDuplexLike,
  head: Uint8Array,
) => void;

const ignore = (): void => {};

/** Writes a refusal and ends the connection; a peer that lingers is cut off after a timeout. */
export function refuse(
  socket: WebSocketDuplexLike,
  refusal: WebSocketHandshakeRefusal,
  onError: (error: unknown) => void,
  timeoutMs: number,
): void {
  let response: Uint8Array;
  try {
    response = refusalResponse(refusal);
  } catch (error) {
    onError(error);
    response = refusalResponse({ status: 500 });
  }
  if (socket.destroyed) return;
  socket.write(response);
  socket.end();
  socket.resume(); // read on, discarding, to see the peer's FIN: then the socket closes itself
  const timer = backgroundTimeout(() => socket.destroy(), timeoutMs);
  socket.on("close", () => clearTimeout(timer));
}

/**
 * Makes a listener for a `node:http` server's `upgrade` event that accepts WebSocket handshakes
 * and calls `onSocket` with each open socket and its request. Requests that are not valid
 * handshakes get 400 (405 for a method other than GET, 426 for a version other than 13); `verify`
 * can refuse any other with its own status. Until the `101` is written the socket is paused, so
 * nothing is read while `verify` runs.
 *
 * @example
 * ```ts
 * import { createServer, type IncomingMessage } from "node:http";
 * import { websocketUpgradeListener } from "./node_upgrade.ts";
 * const server = createServer();
 * server.on(
 *   "upgrade",
 *   websocketUpgradeListener((socket, request: IncomingMessage) => {
 *     console.log("open", request.url, socket.protocol);
 *     socket.onclose = ({ code }) => console.log("closed", code);
 *   }, { maxMessageSize: 1024 * 1024, pingIntervalMs: 30_000 }),
 * );
 * ```
 */
export function websocketUpgradeListener<UpgradeRequest extends WebSocketUpgradeRequestLike>(
  onSocket: (socket: NodeWebSocket, request: UpgradeRequest) => void,
  options: WebSocketUpgradeOptions<UpgradeRequest> = {},
): WebSocketUpgradeListener<UpgradeRequest> {
  const { verify, selectProtocol, onError = console.error, ...socketOptions } = options;
  const timeoutMs = socketOptions.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS;

  async function handshake(
    request: UpgradeRequest,
    socket: WebSocketDuplexLike,
    head: Uint8Array,
  ): Promise<void> {
    const check = checkUpgradeRequest(request);
    if (!check.ok) return refuse(socket, check.refusal, onError, timeoutMs);
    let refusal: WebSocketHandshakeRefusal | undefined;
    let protocol: string | undefined;
    try {
      refusal = verify === undefined ? undefined : await verify(request, check.protocols);
      if (refusal === undefined) protocol = selectProtocol?.(check.protocols, request);
      if (protocol !== undefined && !check.protocols.includes(protocol)) {
        throw new Error(`selectProtocol chose ${JSON.stringify(protocol)}, which was not offered`);
      }
    } catch (error) {
      onError(error);
      refusal = { status: 500 };
    }
    if (refusal !== undefined) return refuse(socket, refusal, onError, timeoutMs);
    const accept = await computeAcceptKey(check.key);
    if (socket.destroyed) return; // the client gave up while we were deciding
    socket.write(acceptResponse(accept, protocol));
    const websocket = new NodeWebSocket(socket, { ...socketOptions, protocol, head });
    socket.removeListener("error", ignore);
    try {
      onSocket(websocket, request);
    } catch (error) {
      onError(error);
      websocket.close(WebSocketCloseCode.internalError, "Internal error");
    }
  }

  return (request: UpgradeRequest, socket: WebSocketDuplexLike, head: Uint8Array): void => {
    socket.on("error", ignore); // a reset during the handshake must not crash the process
    socket.pause();
    handshake(request, socket, head).catch((error: unknown) => {
      onError(error);
      socket.destroy();
    });
  };
}
