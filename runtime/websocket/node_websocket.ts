/**
 * A server-side WebSocket over a Node byte stream (`net.Socket`, or any `stream.Duplex`) after the
 * handshake, shaped like the web `WebSocket`: `send`, `close`, `readyState`, `bufferedAmount`,
 * `protocol` and `onmessage`/`onclose`/`onerror`. It answers pings, can keep the connection alive
 * and detect a dead peer, runs the close handshake with a timeout, and bounds memory both ways.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * import { websocketUpgradeListener } from "./node_upgrade.ts";
 * const server = createServer();
 * server.on("upgrade", websocketUpgradeListener((socket) => {
 *   socket.onmessage = (data) => void socket.send(data); // echo
 * }));
 * ```
 *
 * @module
 */
import {
  encodeCloseFrame,
  encodeFrame,
  encodeTextFrame,
  truncateCloseReason,
  WebSocketCloseCode,
  WebSocketOpcode,
} from "./frame.ts";
import { type WebSocketFrameEvent, WebSocketFrameParser } from "./frame_parser.ts";
import type { WebSocketDuplexLike } from "./duplex.ts";
import { KeepAlive } from "./keep_alive.ts";
import { backgroundTimeout, type BackgroundTimer } from "../timers.ts";

/** How a {@link NodeWebSocket} closed, as the web `CloseEvent` tells it. */
export interface WebSocketCloseInfo {
  /**
   * The code of the peer's close frame; without one, the code this side failed the connection
   * with (1002, 1007, 1008, 1009); else 1006 (abnormal: the TCP connection just ended).
   */
  readonly code: number;
  /** The reason that goes with `code`, or an explanation of an abnormal close. */
  readonly reason: string;
  /** Whether both close frames were exchanged before the TCP connection closed. */
  readonly wasClean: boolean;
}

/** Limits and timers of a {@link NodeWebSocket}. */
export interface NodeWebSocketOptions {
  /** The subprotocol chosen in the handshake; `""` when none. */
  protocol?: string;
  /** Bytes that arrived after the handshake, before the socket took over (Node's `head`). */
  head?: Uint8Array;
  /** The largest incoming message (summed over fragments); larger fails with 1009. Default 4 MiB. */
  maxMessageSize?: number;
  /**
   * The most bytes that may wait in the send buffer. A `send` (or an automatic pong) that would
   * pass it is refused and fails the connection with 1008 (policy violation): a peer that stops
   * reading cannot make memory grow. Callers that respect backpressure await `drained()` first.
   * Default 16 MiB.
   */
  maxBufferedAmount?: number;
  /** How long to wait for the peer's close frame and then for the TCP close. Default 10 s. */
  closeTimeoutMs?: number;
  /** Sends a ping this often; 0 (the default) disables keep-alive. */
  pingIntervalMs?: number;
  /**
   * After a keep-alive ping, how long the peer may stay silent before it is taken as dead: a 1001
   * close frame is sent and the connection destroyed (reported as 1006). At most `pingIntervalMs`,
   * which is also the default.
   */
  pongTimeoutMs?: number;
}

/** An incoming message: a string for a text message, bytes for a binary one. */
export type WebSocketMessageData = string | Uint8Array;

/** The default {@link NodeWebSocketOptions.maxBufferedAmount}: 16 MiB. */
export const DEFAULT_MAX_BUFFERED_AMOUNT = 16 * 1024 * 1024;
/** The default {@link NodeWebSocketOptions.closeTimeoutMs}: 10 s. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

/** One of `CONNECTING` (0, never seen: the socket exists once open), `OPEN`, `CLOSING`, `CLOSED`. */
export type WebSocketReadyState = 0 | 1 | 2 | 3;

interface CloseRecord {
  readonly code: number;
  readonly reason: string;
}

function nonNegativeInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer, not ${value}`);
  }
  return value;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}

/**
 * A server-side WebSocket over a Node duplex whose handshake is done (see
 * `websocketUpgradeListener`). Differences from the web `WebSocket`: callbacks get the data or
 * close record directly rather than events; binary messages are `Uint8Array`; `send` returns
 * whether the frame was queued. Backpressure runs both ways: an `onmessage` that returns a promise
 * pauses reading until it settles, and messages wait (reading paused) while no `onmessage` is set.
 *
 * @example
 * ```ts
 * import { NodeWebSocket } from "./node_websocket.ts";
 * function serve(socket: NodeWebSocket): void {
 *   socket.onmessage = async (data) => {
 *     if (!socket.send(typeof data === "string" ? data.toUpperCase() : data)) return;
 *     await socket.drained(); // no further message is read until the peer has taken this one
 *   };
 *   socket.onclose = ({ code, reason }) => console.log("closed", code, reason);
 * }
 * ```
 */
export class NodeWebSocket {
  /** The `readyState` before the handshake completes (never observed here). */
  static readonly CONNECTING: 0 = CONNECTING;
  /** The `readyState` while messages flow. */
  static readonly OPEN: 1 = OPEN;
  /** The `readyState` once a close frame was sent or received. */
  static readonly CLOSING: 2 = CLOSING;
  /** The `readyState` once the TCP connection closed. */
  static readonly CLOSED: 3 = CLOSED;

  /** The subprotocol chosen in the handshake, `""` when none. */
  readonly protocol: string;
  /** Negotiated extensions: always `""`, none are supported. */
  readonly extensions: string = "";
  /** Settles once the socket is closed, with how it closed. */
  readonly closed: Promise<WebSocketCloseInfo>;
  /**
   * Called with each error a handler threw (without it, those go to `console.error`) or the
   * stream reported (such as a reset connection; without it, those are only in `onclose`).
   */
  onerror: ((error: unknown) => void) | null = null;
  /** Called once, when the TCP connection has closed. */
  onclose: ((info: WebSocketCloseInfo) => void) | null = null;

  readonly #duplex: WebSocketDuplexLike;
  readonly #parser: WebSocketFrameParser;
  readonly #maxBufferedAmount: number;
  readonly #closeTimeoutMs: number;
  #state: WebSocketReadyState = OPEN;
  #onmessage: ((data: WebSocketMessageData) => void | PromiseLike<void>) | null = null;
  #resolveClosed: (info: WebSocketCloseInfo) => void = () => {};

  #held: WebSocketFrameEvent | undefined; // a message that waits for an onmessage handler
  #waitingForApp = false;
  #readPaused = false;
  #pumping = false;

  #sentClose = false;
  #ended = false;
  #received: CloseRecord | undefined;
  #failure: CloseRecord | undefined;
  #closeTimer: BackgroundTimer | undefined;
  #keepAlive: KeepAlive | undefined;
  #drainWaiters: (() => void)[] = [];

  /**
   * Takes over `duplex` right after the `101` answer was written. Throws `RangeError` for an
   * option that is not a non-negative integer.
   */
  constructor(duplex: WebSocketDuplexLike, options: NodeWebSocketOptions = {}) {
    this.#duplex = duplex;
    this.protocol = options.protocol ?? "";
    this.#parser = new WebSocketFrameParser({ maxMessageSize: options.maxMessageSize });
    this.#maxBufferedAmount = nonNegativeInteger(
      "maxBufferedAmount",
      options.maxBufferedAmount ?? DEFAULT_MAX_BUFFERED_AMOUNT,
    );
    this.#closeTimeoutMs = nonNegativeInteger(
      "closeTimeoutMs",
      options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS,
    );
    const pingIntervalMs = options.pingIntervalMs ?? 0;
    if (pingIntervalMs !== 0) {
      const pongTimeoutMs = options.pongTimeoutMs ?? pingIntervalMs;
      this.#keepAlive = new KeepAlive(pingIntervalMs, pongTimeoutMs, {
        ping: () => this.ping(),
        excused: () => this.#readPaused,
        dead: () =>
          this.#fail(
            WebSocketCloseCode.abnormal,
            `No answer to a ping within ${pongTimeoutMs} ms`,
            WebSocketCloseCode.goingAway,
            true,
          ),
      });
    }
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));

    duplex.setNoDelay?.(true); // one message is often one small frame: do not hold it back
    duplex.setTimeout?.(0);
    duplex.on("data", this.#onData);
    duplex.on("end", this.#onEnd);
    duplex.on("error", this.#onStreamError);
    duplex.on("drain", this.#onDrain);
    duplex.on("close", this.#onStreamClose);
    duplex.resume(); // the upgrade may have paused it during an asynchronous check
    if (options.head !== undefined && options.head.length > 0) {
      this.#parser.push(options.head);
      queueMicrotask(() => this.#pump());
    }
    if (duplex.destroyed) queueMicrotask(this.#onStreamClose);
  }

  /** `OPEN`, `CLOSING` or `CLOSED` (see the static constants). */
  get readyState(): WebSocketReadyState {
    return this.#state;
  }

  /** Bytes queued by `send` and not yet handed to the operating system. */
  get bufferedAmount(): number {
    return this.#duplex.writableLength;
  }

  /**
   * Called with each message. If it returns a promise, no further message is read until the
   * promise settles (TCP backpressure reaches the peer); a rejection goes to `onerror`.
   */
  get onmessage(): ((data: WebSocketMessageData) => void | PromiseLike<void>) | null {
    return this.#onmessage;
  }

  set onmessage(handler: ((data: WebSocketMessageData) => void | PromiseLike<void>) | null) {
    this.#onmessage = handler;
    const held = this.#held;
    if (handler === null || held === undefined) return;
    this.#held = undefined;
    this.#waitingForApp = false;
    this.#deliver(held);
    this.#pump();
  }

  /**
   * Sends a text (string) or binary (bytes) message. Returns `false`, sending nothing, when the
   * socket is not open, or when the frame would push `bufferedAmount` over `maxBufferedAmount`:
   * then the connection is failed with 1008 (see {@link NodeWebSocketOptions.maxBufferedAmount}).
   */
  send(data: WebSocketMessageData): boolean {
    if (this.#state !== OPEN || this.#duplex.destroyed) return false;
    const frame = typeof data === "string"
      ? encodeTextFrame(data)
      : encodeFrame(WebSocketOpcode.binary, data);
    return this.#write(frame);
  }

  /**
   * Sends a ping; the peer's pong needs no handling. `false` as for `send`; throws `RangeError`
   * for a payload over 125 bytes.
   */
  ping(data: Uint8Array = new Uint8Array(0)): boolean {
    if (this.#state !== OPEN || this.#duplex.destroyed) return false;
    return this.#write(encodeFrame(WebSocketOpcode.ping, data));
  }

  /** Resolves once the send buffer has drained (at once if it is not full) or the socket closed. */
  drained(): Promise<void> {
    if (!this.#duplex.writableNeedDrain || this.#state === CLOSED) return Promise.resolve();
    return new Promise((resolve) => this.#drainWaiters.push(resolve));
  }

  /**
   * Starts the close handshake: sends a close frame, waits for the peer's (up to
   * `closeTimeoutMs`), then ends the TCP connection. Without a code the frame has no body; a
   * reason alone implies 1000. Throws `RangeError` for a code one may not send or a reason over
   * 123 UTF-8 bytes. Does nothing once closing.
   */
  close(code?: number, reason?: string): void {
    const frame = encodeCloseFrame(code, reason);
    if (this.#state !== OPEN) return;
    this.#sendClose(frame);
  }

  /** Destroys the connection at once, without a close handshake (reported as 1006). */
  terminate(): void {
    this.#failure ??= { code: WebSocketCloseCode.abnormal, reason: "Terminated" };
    if (this.#state !== CLOSED) this.#state = CLOSING;
    this.#duplex.destroy();
  }

  #write(frame: Uint8Array): boolean {
    if (this.#duplex.writableLength + frame.length > this.#maxBufferedAmount) {
      this.#fail(
        WebSocketCloseCode.policyViolation,
        `Send buffer over ${this.#maxBufferedAmount} bytes: the peer is not reading`,
      );
      return false;
    }
    this.#duplex.write(frame);
    return true;
  }

  #sendClose(frame: Uint8Array): void {
    this.#sentClose = true;
    this.#state = CLOSING;
    this.#duplex.write(frame); // exempt from the limit: it is tiny and ends the stream
    this.#keepAlive?.stop();
    this.#closeTimer ??= backgroundTimeout(this.#onCloseTimeout, this.#closeTimeoutMs);
    this.#releaseApp(); // read on, to see the peer's close frame
  }

  /** Fails the connection: a close frame with `code`, then the end of the TCP connection. */
  #fail(code: number, reason: string, wireCode: number = code, destroy: boolean = false): void {
    if (this.#state === CLOSED) return;
    this.#failure ??= { code, reason };
    if (!this.#sentClose) this.#sendClose(encodeCloseFrame(wireCode, truncateCloseReason(reason)));
    if (destroy) this.#duplex.destroy();
    else this.#end();
  }

  #end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#duplex.end();
  }

  #releaseApp(): void {
    this.#held = undefined;
    if (!this.#waitingForApp) return;
    this.#waitingForApp = false;
    this.#pump();
  }

  #report(error: unknown): void {
    if (this.onerror === null) console.error(error);
    else {
      try {
        this.onerror(error);
      } catch (thrown) {
        console.error(thrown);
      }
    }
  }

  /** Runs parsed events until the parser needs bytes or the application is busy. */
  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (!this.#waitingForApp) {
        const event = this.#parser.next();
        if (event === undefined) break;
        this.#dispatch(event);
      }
    } finally {
      this.#pumping = false;
    }
    if (this.#waitingForApp && !this.#readPaused) {
      this.#readPaused = true;
      this.#duplex.pause();
    } else if (!this.#waitingForApp && this.#readPaused) {
      this.#readPaused = false;
      this.#duplex.resume();
    }
  }

  #dispatch(event: WebSocketFrameEvent): void {
    switch (event.kind) {
      case "text":
      case "binary":
        if (this.#state !== OPEN) return; // closing: messages are dropped, as the web API does
        if (this.#onmessage === null) {
          this.#held = event;
          this.#waitingForApp = true;
        } else {
          this.#deliver(event);
        }
        return;
      case "ping":
        if (this.#state === OPEN) this.#write(encodeFrame(WebSocketOpcode.pong, event.data));
        return;
      case "pong":
        return; // any byte from the peer already counts as a sign of life
      case "close":
        this.#received = { code: event.code, reason: event.reason };
        if (this.#state === OPEN) {
          const code = event.code === WebSocketCloseCode.noStatus ? undefined : event.code;
          this.#sendClose(encodeCloseFrame(code));
        }
        this.#end(); // both close frames are out: the server closes TCP first (RFC 6455 §7.1.1)
        return;
      case "error":
        this.#fail(event.code, event.reason);
        return;
    }
  }

  #deliver(event: WebSocketFrameEvent): void {
    if (event.kind !== "text" && event.kind !== "binary") return;
    const handler = this.#onmessage;
    if (handler === null) return;
    // A Node Buffer (the stream's chunk type) becomes a plain view: callers get what they'd get
    // from the web API, and `instanceof Buffer` tricks cannot leak in.
    const data = typeof event.data === "string"
      ? event.data
      : new Uint8Array(event.data.buffer, event.data.byteOffset, event.data.byteLength);
    let result: void | PromiseLike<void>;
    try {
      result = handler(data);
    } catch (error) {
      this.#report(error);
      return;
    }
    if (!isThenable(result)) return;
    this.#waitingForApp = true;
    result.then(
      () => this.#releaseApp(),
      (error: unknown) => {
        this.#report(error);
        this.#releaseApp();
      },
    );
  }

  readonly #onData = (chunk: Uint8Array): void => {
    this.#keepAlive?.heard();
    if (this.#parser.finished) return;
    this.#parser.push(chunk);
    this.#pump();
  };

  readonly #onEnd = (): void => {
    this.#failure ??= {
      code: WebSocketCloseCode.abnormal,
      reason: "The peer closed the connection without a close frame",
    };
    if (this.#state === OPEN) this.#state = CLOSING;
    this.#end();
  };

  readonly #onStreamError = (error: Error): void => {
    this.#failure ??= { code: WebSocketCloseCode.abnormal, reason: error.message };
    if (this.#state === OPEN) this.#state = CLOSING;
    // A reset peer is routine for a server: worth telling a listener, not the console.
    if (this.onerror !== null) this.#report(error);
    this.#duplex.destroy();
  };

  readonly #onDrain = (): void => {
    const waiters = this.#drainWaiters;
    if (waiters.length === 0) return;
    this.#drainWaiters = [];
    for (const resolve of waiters) resolve();
  };

  readonly #onCloseTimeout = (): void => {
    this.#failure ??= {
      code: WebSocketCloseCode.abnormal,
      reason: `The close handshake took over ${this.#closeTimeoutMs} ms`,
    };
    this.#duplex.destroy();
  };

  readonly #onStreamClose = (): void => {
    if (this.#state === CLOSED) return;
    this.#state = CLOSED;
    this.#keepAlive?.stop();
    clearTimeout(this.#closeTimer);
    this.#held = undefined;
    this.#onDrain();
    const duplex = this.#duplex;
    duplex.removeListener("data", this.#onData);
    duplex.removeListener("drain", this.#onDrain);
    const record = this.#received ?? this.#failure ??
      { code: WebSocketCloseCode.abnormal, reason: "" };
    const info: WebSocketCloseInfo = {
      code: record.code,
      reason: record.reason,
      wasClean: this.#sentClose && this.#received !== undefined,
    };
    if (this.onclose !== null) {
      try {
        this.onclose(info);
      } catch (error) {
        this.#report(error);
      }
    }
    this.#resolveClosed(info);
  };
}
