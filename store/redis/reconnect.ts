/**
 * A connection that comes back: when it drops, it is remade with bounded exponential backoff,
 * and whoever needs it meanwhile waits for the new one, up to a limit.
 *
 * @module
 */
import {
  openRedisConnection,
  type RedisConnection,
  type RedisConnectionOptions,
} from "./connection.ts";
import { RedisConnectionError } from "./errors.ts";

/** How a dropped connection is remade. */
export interface ReconnectOptions {
  /** Delay before the second attempt, doubled after each failure; 50 ms by default. */
  reconnectBaseDelayMs?: number;
  /** The longest delay between attempts; 2 000 ms by default. Attempts go on until `close()`. */
  reconnectMaxDelayMs?: number;
  /**
   * How long a command issued while disconnected waits for the connection to come back before
   * it rejects with a `RedisConnectionError` (the last failure as `cause`); 5 000 ms by default.
   */
  reconnectWaitMs?: number;
  /**
   * Called with the reason each time the connection drops, before it is remade (not after
   * `close()`). From then on commands wait for the new connection. A client passes it on to
   * its subscribers, so it hears their drops too.
   */
  onDisconnect?: (reason: unknown) => void;
}

interface Waiter {
  resolve(connection: RedisConnection): void;
  reject(error: unknown): void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Owns the current connection and remakes it. `onConnected` runs on every new connection
 * before anyone else gets it (a subscriber resubscribes there).
 */
export class ReconnectingConnection {
  #options: RedisConnectionOptions & ReconnectOptions;
  #onConnected: (connection: RedisConnection) => void | Promise<void>;
  #current: RedisConnection | undefined;
  #waiters: Waiter[] = [];
  #reconnecting = false;
  #closed = false;
  #lastError: unknown;
  #delayTimer: ReturnType<typeof setTimeout> | undefined;
  #wakeDelay: (() => void) | undefined;
  /** How many times the connection has been remade after a drop. */
  reconnects = 0;

  /** Does not connect; call {@linkcode ReconnectingConnection.start}. */
  constructor(
    options: RedisConnectionOptions & ReconnectOptions,
    onConnected: (connection: RedisConnection) => void | Promise<void> = () => {},
  ) {
    this.#options = options;
    this.#onConnected = onConnected;
  }

  /** The first connection; rejects, without retrying, when it cannot be made. */
  async start(): Promise<void> {
    this.#adopt(await this.#open());
  }

  /** The open connection, if there is one now. */
  get current(): RedisConnection | undefined {
    return this.#current?.isOpen ? this.#current : undefined;
  }

  /** The open connection, waiting for a reconnection if it dropped. */
  connection(): Promise<RedisConnection> {
    const current = this.current;
    if (current) return Promise.resolve(current);
    if (this.#closed) return Promise.reject(new RedisConnectionError("the redis client is closed"));
    this.#reconnect();
    const waitMs = this.#options.reconnectWaitMs ?? 5_000;
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: setTimeout(() => {
          this.#waiters = this.#waiters.filter((other) => other !== waiter);
          reject(
            new RedisConnectionError(
              `no connection to redis within ${waitMs} ms: ${messageOf(this.#lastError)}`,
              { cause: this.#lastError },
            ),
          );
        }, waitMs),
      };
      this.#waiters.push(waiter);
    });
  }

  /** Closes the connection and stops reconnecting; waiting commands reject. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    clearTimeout(this.#delayTimer);
    this.#wakeDelay?.();
    this.#current?.close();
    const error = new RedisConnectionError("the redis client is closed");
    for (const waiter of this.#waiters.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }

  async #open(): Promise<RedisConnection> {
    const connection = await openRedisConnection(this.#options);
    try {
      await this.#onConnected(connection);
    } catch (error) {
      connection.close();
      throw error;
    }
    return connection;
  }

  #adopt(connection: RedisConnection): void {
    if (this.#closed) {
      connection.close();
      return;
    }
    this.#current = connection;
    void connection.closed.then((reason) => {
      if (this.#current !== connection || this.#closed) return;
      this.#lastError = reason;
      this.#reconnect();
      this.#options.onDisconnect?.(reason);
    });
  }

  #reconnect(): void {
    if (this.#reconnecting || this.#closed) return;
    this.#reconnecting = true;
    void this.#reconnectLoop();
  }

  async #reconnectLoop(): Promise<void> {
    const base = this.#options.reconnectBaseDelayMs ?? 50;
    const max = this.#options.reconnectMaxDelayMs ?? 2_000;
    // The first attempt is immediate: a killed connection to a healthy server comes back at once.
    for (let attempt = 0; !this.#closed; attempt++) {
      if (attempt > 0) await this.#delay(Math.min(max, base * 2 ** (attempt - 1)));
      if (this.#closed) break;
      try {
        const connection = await this.#open();
        this.#reconnecting = false;
        this.reconnects++;
        this.#adopt(connection);
        for (const waiter of this.#waiters.splice(0)) {
          clearTimeout(waiter.timer);
          waiter.resolve(connection);
        }
        return;
      } catch (error) {
        this.#lastError = error;
      }
    }
    this.#reconnecting = false;
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.#wakeDelay = resolve;
      this.#delayTimer = setTimeout(resolve, ms);
    });
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
