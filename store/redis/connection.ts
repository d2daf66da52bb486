/**
 * One connection to a Redis server: the handshake (`HELLO 3`, falling back to RESP2 with
 * `AUTH`, then `SELECT`), pipelined commands whose replies are matched in order, per-command
 * timeouts, and push frames handed to a listener. It does not reconnect; `reconnect.ts` does.
 *
 * @module
 */
import {
  connectTcp,
  tcpAddress,
  type TcpConnection,
  type TcpTlsOptions,
} from "../../runtime/tcp.ts";
import { RedisConnectionError, RedisError, RedisTimeoutError } from "./errors.ts";
import { encodeCommand, type RedisArgument, RespParser, type RespValue } from "./resp.ts";
import type { RedisAddress } from "./url.ts";

/** Options for one command. */
export interface SendOptions {
  /** Bulk strings in the reply as `Uint8Array` instead of UTF-8 text. */
  bytes?: boolean;
  /**
   * Milliseconds to wait for the reply before rejecting with a `RedisTimeoutError` (and
   * resetting the connection); overrides the connection's `commandTimeoutMs`; 0 waits forever.
   */
  timeoutMs?: number;
}

/** Options for {@linkcode openRedisConnection}. */
export interface RedisConnectionOptions {
  /** Where to connect, with the credentials and database. */
  address: RedisAddress;
  /** Extra TLS settings for `rediss://` (a private CA, the certificate's name). */
  tls?: TcpTlsOptions;
  /** Milliseconds for the TCP connect and the handshake together; 10 000 by default. */
  connectTimeoutMs?: number;
  /** Default per-command timeout in milliseconds; 10 000 by default, 0 for none. */
  commandTimeoutMs?: number;
  /** Sent as `CLIENT SETNAME`, to recognise the connection in `CLIENT LIST`. */
  clientName?: string;
  /** Receives RESP3 push frames, and with `pubsub` the RESP2 pub/sub message arrays. */
  onPush?: (frame: RespValue[]) => void;
  /** This connection subscribes: RESP2 arrays of kind `message`, `subscribe`, … are pushes. */
  pubsub?: boolean;
}

interface Pending {
  resolve(value: RespValue): void;
  reject(error: unknown): void;
  bytes: boolean;
  timer?: ReturnType<typeof setTimeout>;
}

const PUBSUB_KINDS = new Set([
  "message",
  "pmessage",
  "subscribe",
  "unsubscribe",
  "psubscribe",
  "punsubscribe",
]);

/** A connected, handshaken Redis connection. */
export class RedisConnection {
  #tcp: TcpConnection;
  #options: RedisConnectionOptions;
  #parser = new RespParser();
  #pending: Pending[] = [];
  #head = 0;
  #outgoing: Uint8Array[] = [];
  #error: unknown;
  #resolveClosed!: (reason: unknown) => void;
  /** `2` or `3`: the protocol the server agreed to speak. */
  protocol: 2 | 3 = 2;
  /** `host:port` of the server. */
  readonly address: string;
  /** Resolves, with the reason, once the connection has ended; never rejects. */
  readonly closed: Promise<unknown>;

  /** Use {@linkcode openRedisConnection}, which connects and handshakes. */
  constructor(tcp: TcpConnection, options: RedisConnectionOptions) {
    this.#tcp = tcp;
    this.#options = options;
    this.address = tcpAddress(options.address.hostname, options.address.port);
    this.closed = new Promise((resolve) => (this.#resolveClosed = resolve));
    void this.#readLoop();
  }

  /** `false` once the connection has failed or been closed. */
  get isOpen(): boolean {
    return this.#error === undefined;
  }

  /** Commands sent and not yet answered. */
  get pendingCount(): number {
    return this.#pending.length - this.#head;
  }

  /**
   * Sends a command and resolves with its reply; an error reply rejects with a `RedisError`.
   * Commands are written without waiting for earlier replies (pipelining).
   */
  send(args: readonly RedisArgument[], options: SendOptions = {}): Promise<RespValue> {
    if (this.#error !== undefined) return Promise.reject(this.#closedError());
    return new Promise<RespValue>((resolve, reject) => {
      const pending: Pending = { resolve, reject, bytes: options.bytes ?? false };
      const timeoutMs = options.timeoutMs ?? this.#options.commandTimeoutMs ?? 10_000;
      if (timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          const error = new RedisTimeoutError(String(args[0]).toUpperCase(), timeoutMs);
          pending.reject(error);
          pending.reject = () => {};
          pending.resolve = () => {};
          // A reply may still come, and would be taken for the next command's: start afresh.
          this.#fail(
            new RedisConnectionError("connection reset after a command timed out", {
              cause: error,
            }),
          );
        }, timeoutMs);
      }
      this.#pending.push(pending);
      this.#write(encodeCommand(args));
    });
  }

  /** Writes a command whose answers come as push frames (`SUBSCRIBE` and friends). */
  sendWithoutReply(args: readonly RedisArgument[]): void {
    if (this.#error !== undefined) throw this.#closedError();
    this.#write(encodeCommand(args));
  }

  /** Closes the connection; pending commands reject with a `RedisConnectionError`. */
  close(): void {
    this.#fail(new RedisConnectionError(`connection to ${this.address} closed by the client`));
  }

  #closedError(): RedisConnectionError {
    return new RedisConnectionError(`connection to ${this.address} is closed`, {
      cause: this.#error,
    });
  }

  #write(bytes: Uint8Array): void {
    this.#outgoing.push(bytes);
    // Everything sent in one tick goes out in one write: a pipeline costs one system call.
    if (this.#outgoing.length === 1) queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    const chunks = this.#outgoing;
    this.#outgoing = [];
    if (this.#error !== undefined || chunks.length === 0) return;
    let bytes = chunks[0];
    if (chunks.length > 1) {
      bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.length;
      }
    }
    this.#tcp.write(bytes).catch((error) => {
      this.#fail(new RedisConnectionError(`writing to ${this.address} failed`, { cause: error }));
    });
  }

  async #readLoop(): Promise<void> {
    const reader = this.#tcp.readable.getReader();
    try {
      while (this.#error === undefined) {
        const { done, value } = await reader.read();
        if (done) throw new Error("the server closed the connection");
        this.#parser.push(value);
        this.#drain();
      }
    } catch (error) {
      this.#fail(
        error instanceof RedisConnectionError
          ? error
          : new RedisConnectionError(`connection to ${this.address} lost: ${messageOf(error)}`, {
            cause: error,
          }),
      );
    } finally {
      reader.releaseLock();
    }
  }

  #drain(): void {
    while (this.#error === undefined) {
      const head = this.#pending[this.#head];
      const frame = this.#parser.read(head?.bytes ?? false);
      if (frame === undefined) return;
      const { value } = frame;
      if (frame.push || (this.#options.pubsub && this.protocol === 2 && isPubsubArray(value))) {
        this.#options.onPush?.(value as RespValue[]);
        continue;
      }
      if (head === undefined) {
        throw new RedisConnectionError(`${this.address} sent a reply to no command`);
      }
      this.#pending[this.#head++] = undefined as unknown as Pending;
      if (this.#head > 1024 && this.#head * 2 > this.#pending.length) {
        this.#pending = this.#pending.slice(this.#head);
        this.#head = 0;
      }
      clearTimeout(head.timer);
      if (value instanceof RedisError) head.reject(value);
      else head.resolve(value);
    }
  }

  #fail(error: unknown): void {
    if (this.#error !== undefined) return;
    this.#error = error;
    this.#tcp.close();
    const pending = this.#pending.slice(this.#head);
    this.#pending = [];
    this.#head = 0;
    for (const entry of pending) {
      clearTimeout(entry.timer);
      entry.reject(error);
    }
    this.#resolveClosed(error);
  }
}

function isPubsubArray(value: RespValue): boolean {
  return Array.isArray(value) && typeof value[0] === "string" &&
    PUBSUB_KINDS.has(value[0].toLowerCase());
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Connects and handshakes: `HELLO 3` (with `AUTH` and `SETNAME` folded in), or where the server
 * refuses it, RESP2 with separate `AUTH` and `CLIENT SETNAME`; then `SELECT` for a database
 * other than 0. Rejects with a `RedisConnectionError` naming the address, the reason as `cause`.
 *
 * @example
 * ```ts
 * import { openRedisConnection } from "./connection.ts";
 * import { parseRedisUrl } from "./url.ts";
 * const connection = await openRedisConnection({ address: parseRedisUrl("redis://127.0.0.1:6379") });
 * console.log(await connection.send(["PING"])); // "PONG"
 * connection.close();
 * ```
 */
export async function openRedisConnection(
  options: RedisConnectionOptions,
): Promise<RedisConnection> {
  const { address } = options;
  const where = tcpAddress(address.hostname, address.port);
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const abort = new AbortController();
  const timer = setTimeout(
    () => abort.abort(new Error(`no connection within ${timeoutMs} ms`)),
    timeoutMs,
  );
  let connection: RedisConnection | undefined;
  try {
    const tcp = await connectTcp({
      hostname: address.hostname,
      port: address.port,
      tls: address.tls ? (options.tls ?? true) : false,
      signal: abort.signal,
    });
    connection = new RedisConnection(tcp, options);
    const aborted = new Promise<never>((_, reject) => {
      abort.signal.addEventListener("abort", () => reject(abort.signal.reason), { once: true });
    });
    await Promise.race([handshake(connection, options, timeoutMs), aborted]);
    return connection;
  } catch (error) {
    connection?.close();
    throw new RedisConnectionError(`cannot connect to redis at ${where}: ${messageOf(error)}`, {
      cause: error,
    });
  } finally {
    clearTimeout(timer);
  }
}

async function handshake(
  connection: RedisConnection,
  options: RedisConnectionOptions,
  timeoutMs: number,
): Promise<void> {
  const { username, password, db } = options.address;
  const send = { timeoutMs };
  const hello: RedisArgument[] = ["HELLO", "3"];
  if (password !== undefined) hello.push("AUTH", username ?? "default", password);
  if (options.clientName !== undefined) hello.push("SETNAME", options.clientName);
  try {
    await connection.send(hello, send);
    connection.protocol = 3;
  } catch (error) {
    // A wrong password is wrong in RESP2 too; anything else means no HELLO 3 here (Redis < 6).
    if (!(error instanceof RedisError) || error.code === "WRONGPASS") throw error;
    if (password !== undefined) {
      await connection.send(
        username === undefined ? ["AUTH", password] : ["AUTH", username, password],
        send,
      );
    }
    if (options.clientName !== undefined) {
      await connection.send(["CLIENT", "SETNAME", options.clientName], send);
    }
  }
  if (db !== 0) await connection.send(["SELECT", db], send);
}
