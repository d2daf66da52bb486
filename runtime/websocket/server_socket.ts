/**
 * One shape for a server-side WebSocket on every runtime: the socket `upgradeWebSocket` hands
 * back, whether Deno's native `WebSocket`, Bun's `ServerWebSocket` or our own
 * {@link NodeWebSocket} carries it. Shaped like the web `WebSocket` (`send`, `close`,
 * `protocol`, `bufferedAmount`, `readyState`, `onmessage`/`onclose`), with the same limits on
 * every runtime: the largest incoming message (1009) and the largest send buffer (1008).
 *
 * @example
 * ```ts
 * import type { ServerWebSocket } from "./server_socket.ts";
 * function echo(socket: ServerWebSocket): void {
 *   socket.onmessage = (data) => void socket.send(data);
 *   socket.onclose = ({ code }) => console.log("closed with", code);
 * }
 * ```
 *
 * @module
 */
import { WebSocketCloseCode } from "./frame.ts";
import type {
  NodeWebSocket,
  WebSocketCloseInfo,
  WebSocketMessageData,
  WebSocketReadyState,
} from "./node_websocket.ts";

export type { WebSocketCloseInfo, WebSocketMessageData, WebSocketReadyState };

/** A server-side WebSocket after `upgradeWebSocket`, the same on Deno, Bun and Node. */
export interface ServerWebSocket {
  /** The subprotocol confirmed in the handshake, `""` when none. */
  readonly protocol: string;
  /** `0` until the handshake is answered, then `1` (open), `2` (closing), `3` (closed). */
  readonly readyState: WebSocketReadyState;
  /** Bytes queued by `send` and not yet handed to the operating system (where known). */
  readonly bufferedAmount: number;
  /** Settles once the socket closed, with how. */
  readonly closed: Promise<WebSocketCloseInfo>;
  /** Whether this side started the close (by `close`, or a limit that closed the socket). */
  readonly closedHere: boolean;
  /**
   * Called with each message: a string for a text message, bytes for a binary one. Messages
   * that arrive before it is set wait for it.
   */
  onmessage: ((data: WebSocketMessageData) => void) | null;
  /** Called once, when the socket has closed. */
  onclose: ((info: WebSocketCloseInfo) => void) | null;
  /**
   * Sends a message; queued until the handshake is answered. Returns `false`, sending nothing,
   * once the socket is closing, or when the send buffer would pass its limit: then the
   * connection is closed with 1008, so a peer that stops reading cannot make memory grow.
   */
  send(data: WebSocketMessageData): boolean;
  /** Starts the close handshake (1000 when no code is given). Does nothing once closing. */
  close(code?: number, reason?: string): void;
}

/** The limits every {@link ServerWebSocket} enforces, whatever carries it. */
export interface ServerWebSocketLimits {
  /** The largest incoming message in bytes; larger closes with 1009. Default 4 MiB. */
  maxMessageSize?: number;
  /** The most bytes that may wait in the send buffer; past it, 1008. Default 16 MiB. */
  maxBufferedAmount?: number;
}

/** What a runtime's socket provides to a {@link ServerWebSocketPort}. */
export interface SocketCarrier {
  /** Sends one message; `false` when the runtime dropped it. */
  send(data: WebSocketMessageData): boolean;
  /** Closes with a code and reason. */
  close(code: number, reason: string): void;
  /** Bytes waiting to be sent. */
  bufferedAmount(): number;
}

const DEFAULT_MAX_MESSAGE = 4 * 1024 * 1024;
const DEFAULT_MAX_BUFFERED = 16 * 1024 * 1024;
const encoder = new TextEncoder();

/** The UTF-8 size of a message, computed only when it might pass `limit`. */
function exceeds(data: WebSocketMessageData, limit: number): boolean {
  if (typeof data !== "string") return data.byteLength > limit;
  if (data.length > limit) return true; // a UTF-16 unit is at least one UTF-8 byte
  return data.length * 3 > limit && encoder.encode(data).byteLength > limit;
}

function sizeOf(data: WebSocketMessageData): number {
  return typeof data === "string" ? data.length : data.byteLength;
}

/**
 * The {@link ServerWebSocket} a runtime adapter returns: it queues what is sent before the
 * runtime's socket exists (`attach`), queues what arrives before `onmessage` is set, and
 * applies the limits. Adapters call `receive` and `ended` from their socket's events.
 */
export class ServerWebSocketPort implements ServerWebSocket {
  /** The subprotocol confirmed in the handshake. */
  readonly protocol: string;
  /** Settles once the socket closed. */
  readonly closed: Promise<WebSocketCloseInfo>;
  /** Called once, when the socket has closed. */
  onclose: ((info: WebSocketCloseInfo) => void) | null = null;

  #carrier: SocketCarrier | undefined;
  #closedHere = false;
  #state: WebSocketReadyState = 0;
  #onmessage: ((data: WebSocketMessageData) => void) | null = null;
  #inbox: WebSocketMessageData[] = [];
  #outbox: WebSocketMessageData[] = [];
  #outboxBytes = 0;
  #pendingClose: { code: number; reason: string } | undefined;
  #resolveClosed: (info: WebSocketCloseInfo) => void = () => {};
  readonly #maxMessage: number;
  readonly #maxBuffered: number;

  /** A port for a socket whose handshake confirms `protocol`. */
  constructor(protocol: string, limits: ServerWebSocketLimits = {}) {
    this.protocol = protocol;
    this.#maxMessage = limits.maxMessageSize ?? DEFAULT_MAX_MESSAGE;
    this.#maxBuffered = limits.maxBufferedAmount ?? DEFAULT_MAX_BUFFERED;
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
  }

  /** `0` until attached, then open, closing, closed. */
  get readyState(): WebSocketReadyState {
    return this.#state;
  }

  /** Whether this side started the close. */
  get closedHere(): boolean {
    return this.#closedHere;
  }

  /** Bytes queued and not yet sent. */
  get bufferedAmount(): number {
    return this.#carrier === undefined ? this.#outboxBytes : this.#carrier.bufferedAmount();
  }

  /** Called with each message; earlier messages wait for it. */
  get onmessage(): ((data: WebSocketMessageData) => void) | null {
    return this.#onmessage;
  }

  set onmessage(handler: ((data: WebSocketMessageData) => void) | null) {
    this.#onmessage = handler;
    while (handler !== null && this.#inbox.length > 0 && this.#onmessage === handler) {
      this.#dispatch(this.#inbox.shift()!);
    }
  }

  /** Sends, or queues until attached; see {@link ServerWebSocket.send}. */
  send(data: WebSocketMessageData): boolean {
    if (this.#state > 1 || this.#pendingClose !== undefined) return false;
    if (this.bufferedAmount + sizeOf(data) > this.#maxBuffered) {
      this.close(
        WebSocketCloseCode.policyViolation,
        "Send buffer over its limit: the peer is not reading",
      );
      return false;
    }
    if (this.#carrier === undefined) {
      this.#outbox.push(data);
      this.#outboxBytes += sizeOf(data);
      return true;
    }
    return this.#carrier.send(data);
  }

  /** Closes; before attaching, the close is sent right after the handshake. */
  close(code: number = WebSocketCloseCode.normal, reason: string = ""): void {
    if (this.#state > 1 || this.#pendingClose !== undefined) return;
    this.#closedHere = true;
    if (this.#carrier === undefined) {
      this.#pendingClose = { code, reason };
      return;
    }
    this.#state = 2;
    this.#carrier.close(code, reason);
  }

  /** The runtime's socket is open: flush what waited. */
  attach(carrier: SocketCarrier): void {
    if (this.#state !== 0) return;
    this.#carrier = carrier;
    this.#state = 1;
    for (const data of this.#outbox) carrier.send(data);
    this.#outbox = [];
    this.#outboxBytes = 0;
    const pending = this.#pendingClose;
    if (pending !== undefined) {
      this.#pendingClose = undefined;
      this.close(pending.code, pending.reason);
    }
  }

  /** One incoming message from the runtime's socket. */
  receive(data: WebSocketMessageData): void {
    if (this.#state !== 1) return;
    if (exceeds(data, this.#maxMessage)) {
      this.close(WebSocketCloseCode.messageTooBig, "Message too big");
      return;
    }
    if (this.#onmessage === null) this.#inbox.push(data);
    else this.#dispatch(data);
  }

  /** The runtime's socket closed (or never opened). */
  ended(info: WebSocketCloseInfo): void {
    if (this.#state === 3) return;
    this.#state = 3;
    this.#inbox = [];
    this.#outbox = [];
    this.#resolveClosed(info);
    try {
      this.onclose?.(info);
    } catch (error) {
      console.error(error);
    }
  }

  #dispatch(data: WebSocketMessageData): void {
    try {
      this.#onmessage?.(data);
    } catch (error) {
      console.error(error);
    }
  }
}

/** A carrier over our own {@link NodeWebSocket}, whose events feed `port`. */
export function attachNodeWebSocket(port: ServerWebSocketPort, socket: NodeWebSocket): void {
  socket.onmessage = (data) => port.receive(data);
  socket.onclose = (info) => port.ended(info);
  port.attach({
    send: (data) => socket.send(data),
    close: (code, reason) => socket.close(code, reason),
    bufferedAmount: () => socket.bufferedAmount,
  });
}
