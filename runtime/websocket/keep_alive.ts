/**
 * Keep-alive and dead-peer detection for a WebSocket: a ping every interval, and a verdict when
 * nothing at all came back within the timeout after one. Knows nothing of frames or sockets.
 *
 * @example
 * ```ts
 * import { KeepAlive } from "./keep_alive.ts";
 * const keepAlive = new KeepAlive(30_000, 10_000, {
 *   ping: () => true, // send a ping frame; false when it could not be sent
 *   excused: () => false, // true while the silence is not the peer's fault
 *   dead: () => console.log("the peer is gone"),
 * });
 * keepAlive.heard(); // on every chunk from the peer
 * keepAlive.stop();
 * ```
 *
 * @module
 */
import { backgroundInterval, backgroundTimeout, type BackgroundTimer } from "../timers.ts";

// Runs `callback` once pending I/O has been handled: `setImmediate` where it exists (Node, Deno,
// Bun: the check phase follows the poll phase), else the next timer turn.
const afterIo: (callback: () => void) => void = typeof setImmediate === "function"
  ? (callback) => void setImmediate(callback)
  : (callback) => void setTimeout(callback, 0);

/** What {@link KeepAlive} drives. */
export interface KeepAliveHooks {
  /** Sends a ping; `false` when it could not be sent (no verdict follows then). */
  ping(): boolean;
  /** Whether silence is excused now, e.g. while reading is paused and a pong may sit unread. */
  excused(): boolean;
  /** The peer answered nothing within the timeout after a ping. Called at most once. */
  dead(): void;
}

/** Pings on an interval; a peer silent for `timeoutMs` after a ping is declared dead. */
export class KeepAlive {
  readonly #timeoutMs: number;
  readonly #hooks: KeepAliveHooks;
  #interval: BackgroundTimer | undefined;
  #verdict: BackgroundTimer | undefined;
  #heard = true;

  /**
   * Starts pinging every `intervalMs`; `timeoutMs` may not exceed it, so that at most one verdict
   * is pending. Throws `RangeError` otherwise.
   */
  constructor(intervalMs: number, timeoutMs: number, hooks: KeepAliveHooks) {
    if (!(intervalMs > 0) || !(timeoutMs > 0) || timeoutMs > intervalMs) {
      throw new RangeError(
        `Keep-alive needs 0 < pongTimeoutMs (${timeoutMs}) <= pingIntervalMs (${intervalMs})`,
      );
    }
    this.#timeoutMs = timeoutMs;
    this.#hooks = hooks;
    this.#interval = backgroundInterval(this.#tick, intervalMs);
  }

  /** Records a sign of life: any bytes from the peer, not only a pong. */
  heard(): void {
    this.#heard = true;
  }

  /** Stops pinging and drops a pending verdict. */
  stop(): void {
    clearInterval(this.#interval);
    clearTimeout(this.#verdict);
    this.#interval = undefined;
    this.#verdict = undefined;
  }

  readonly #tick = (): void => {
    this.#heard = false;
    if (!this.#hooks.ping()) return;
    clearTimeout(this.#verdict);
    this.#verdict = backgroundTimeout(this.#judge, this.#timeoutMs);
  };

  readonly #judge = (): void => {
    this.#verdict = undefined;
    if (this.#silent()) afterIo(this.#confirm);
  };

  // After a stall (a long GC pause, a busy event loop) the timer and the pong are ready together,
  // and timers run before I/O: the verdict waits for one I/O turn so a pong already here counts.
  readonly #confirm = (): void => {
    if (!this.#silent()) return;
    this.stop();
    this.#hooks.dead();
  };

  #silent(): boolean {
    return !this.#heard && this.#interval !== undefined && !this.#hooks.excused();
  }
}
