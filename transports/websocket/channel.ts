/**
 * The message channel of one MCP session over WebSocket: a {@link Transport} that outlives the
 * socket under it. While no socket is attached (the client lost its connection and may resume,
 * SEP-1288), what the session sends waits, bounded in count and bytes; a new socket gets it in
 * order. `connectServer` serves the session over this channel, unaware of the sockets.
 *
 * @module
 */
import type { Classified, JsonRpcMessage } from "../../protocol/jsonrpc.ts";
import type { Transport, TransportSink } from "../../protocol/transport.ts";
import type { ServerWebSocket } from "../../runtime/websocket/server_socket.ts";

/** How much a detached session may hold for its client. */
export interface PendingLimits {
  /** Messages held; one more ends the session. */
  maxPendingMessages: number;
  /** Bytes held (UTF-16 code units of the JSON text); more ends the session. */
  maxPendingBytes: number;
}

/** A session's channel: its transport side and the socket it currently runs on. */
export class SessionChannel implements Transport {
  /** Rewrites each outgoing message (the initialize answer gains its session id). */
  outgoing: (message: JsonRpcMessage) => JsonRpcMessage = (message) => message;
  /** Called once when the session ends, for whatever reason. */
  onEnd: () => void = () => {};

  readonly #limits: PendingLimits;
  #sink: TransportSink | undefined;
  #socket: ServerWebSocket | undefined;
  #pending: string[] = [];
  #pendingBytes = 0;
  #ended = false;

  /** A channel without a socket yet. */
  constructor(limits: PendingLimits) {
    this.#limits = limits;
  }

  /** The socket the session runs on, if any. */
  get socket(): ServerWebSocket | undefined {
    return this.#socket;
  }

  /** Whether the session has ended. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Part of {@link Transport}: where incoming messages go. */
  start(sink: TransportSink): void {
    this.#sink = sink;
  }

  /** Part of {@link Transport}: sends, or holds while detached. */
  send(message: JsonRpcMessage): Promise<void> {
    if (this.#ended) return Promise.reject(new Error("Session ended"));
    const text = JSON.stringify(this.outgoing(message));
    const socket = this.#socket;
    if (socket !== undefined && socket.readyState <= 1) {
      socket.send(text); // a refusal (send buffer full) closes the socket: the session then waits
      return Promise.resolve();
    }
    if (
      this.#pending.length >= this.#limits.maxPendingMessages ||
      this.#pendingBytes + text.length > this.#limits.maxPendingBytes
    ) {
      this.end();
      return Promise.reject(new Error("Too much held for a disconnected client; session ended"));
    }
    this.#pending.push(text);
    this.#pendingBytes += text.length;
    return Promise.resolve();
  }

  /** Part of {@link Transport}: ends the session (see {@link SessionChannel.end}). */
  close(): Promise<void> {
    this.end();
    return Promise.resolve();
  }

  /** Hands an incoming message to the session. */
  deliver(incoming: Classified): void {
    if (!this.#ended) this.#sink?.message(incoming);
  }

  /** Runs the session on `socket`, first sending `first` (if any) and then what was held. */
  attach(socket: ServerWebSocket, first?: JsonRpcMessage): void {
    this.#socket = socket;
    if (first !== undefined) socket.send(JSON.stringify(first));
    for (const text of this.#pending) socket.send(text);
    this.#pending = [];
    this.#pendingBytes = 0;
  }

  /** The socket went away; messages are held from now on. */
  detach(socket: ServerWebSocket): void {
    if (this.#socket === socket) this.#socket = undefined;
  }

  /**
   * Ends the session: in-flight handlers are cancelled (their signal aborts), the server
   * forgets the session, and the socket, if any, closes with 1000.
   */
  end(code: number = 1000, reason: string = "MCP session ended"): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#pending = [];
    const socket = this.#socket;
    this.#socket = undefined;
    socket?.close(code, reason);
    this.#sink?.close();
    this.onEnd();
  }
}
