/**
 * The Redis client: {@linkcode connectRedis} parses the URL, connects, and gives a
 * {@linkcode RedisClient} that sends commands on one pipelined connection, remade when it drops,
 * and makes pub/sub connections.
 *
 * @module
 */
import type { TcpTlsOptions } from "../../runtime/tcp.ts";
import type { SendOptions } from "./connection.ts";
import { connectSubscriber, type RedisSubscriber } from "./pubsub.ts";
import { ReconnectingConnection, type ReconnectOptions } from "./reconnect.ts";
import type { RedisArgument, RespValue } from "./resp.ts";
import { parseRedisUrl, type RedisAddress } from "./url.ts";

/** Options for {@linkcode connectRedis}. */
export interface RedisOptions extends ReconnectOptions {
  /** Extra TLS settings for `rediss://` (a private CA, the certificate's name). */
  tls?: TcpTlsOptions;
  /** Milliseconds for the TCP connect and the handshake together; 10 000 by default. */
  connectTimeoutMs?: number;
  /** Default per-command timeout in milliseconds; 10 000 by default, 0 for none. */
  commandTimeoutMs?: number;
  /** Sent as `CLIENT SETNAME` on every connection. */
  clientName?: string;
  /** Receives what a pub/sub listener throws; `console.error` by default. */
  onError?: (error: unknown) => void;
}

/** A connected Redis client. */
export class RedisClient {
  #link: ReconnectingConnection;
  #address: RedisAddress;
  #options: RedisOptions;
  #subscribers = new Set<RedisSubscriber>();

  /** Does not connect; use {@linkcode connectRedis}. */
  constructor(address: RedisAddress, options: RedisOptions = {}) {
    this.#address = address;
    this.#options = options;
    this.#link = new ReconnectingConnection({ ...options, address });
  }

  /** Makes the first connection; rejects with a `RedisConnectionError` when it cannot. */
  start(): Promise<void> {
    return this.#link.start();
  }

  /** The protocol of the current connection: 3, or 2 where the server has no `HELLO 3`. */
  get protocol(): 2 | 3 | undefined {
    return this.#link.current?.protocol;
  }

  /** How many times the connection was remade after a drop. */
  get reconnects(): number {
    return this.#link.reconnects;
  }

  /**
   * Sends a command and resolves with its decoded reply: text for strings (bytes with
   * `{ bytes: true }`), numbers, arrays, `Map`s (RESP3 maps), `null`. An error reply rejects
   * with a `RedisError`, no reply in time with a `RedisTimeoutError`, a dropped connection with
   * a `RedisConnectionError`. Commands are pipelined: send many, then await them.
   *
   * @example
   * ```ts
   * import { connectRedis } from "./client.ts";
   * const redis = await connectRedis("redis://127.0.0.1:6379");
   * await redis.send(["SET", "visits", 0]);
   * const [a, b] = await Promise.all([redis.send(["INCR", "visits"]), redis.send(["INCR", "visits"])]);
   * console.log(a, b); // 1 2
   * redis.close();
   * ```
   */
  send(args: readonly RedisArgument[], options?: SendOptions): Promise<RespValue> {
    const current = this.#link.current;
    if (current) return current.send(args, options);
    return this.#link.connection().then((connection) => connection.send(args, options));
  }

  /** `GET key` as text, or `null` when the key does not exist. */
  async get(key: string): Promise<string | null> {
    return (await this.send(["GET", key])) as string | null;
  }

  /** `SET key value`, with `PX ttlMs` when given. */
  async set(key: string, value: RedisArgument, options: { ttlMs?: number } = {}): Promise<void> {
    const args: RedisArgument[] = ["SET", key, value];
    if (options.ttlMs !== undefined) args.push("PX", options.ttlMs);
    await this.send(args);
  }

  /**
   * A new pub/sub connection with this client's address and options; closed with the client.
   *
   * @example
   * ```ts
   * import { connectRedis } from "./client.ts";
   * const redis = await connectRedis("redis://127.0.0.1:6379");
   * const subscriber = await redis.subscriber();
   * await subscriber.subscribe("events", (message) => console.log(message));
   * ```
   */
  async subscriber(): Promise<RedisSubscriber> {
    const subscriber = await connectSubscriber({ ...this.#options, address: this.#address });
    this.#subscribers.add(subscriber);
    return subscriber;
  }

  /** Closes the connection and every subscriber made from this client; pending commands reject. */
  close(): void {
    this.#link.close();
    for (const subscriber of this.#subscribers) subscriber.close();
    this.#subscribers.clear();
  }
}

/**
 * Connects to the Redis server at `url` (`redis://[user:password@]host[:port][/db]`,
 * `rediss://` for TLS): `HELLO 3` with the credentials (or RESP2 with `AUTH`), then `SELECT db`.
 * Rejects with a `RedisConnectionError` saying where and why when that fails.
 *
 * @example
 * ```ts
 * import { connectRedis } from "./client.ts";
 * const redis = await connectRedis("redis://:secret@127.0.0.1:6379/1", { commandTimeoutMs: 2_000 });
 * await redis.set("greeting", "hello", { ttlMs: 60_000 });
 * console.log(await redis.get("greeting")); // "hello"
 * redis.close();
 * ```
 */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<RedisClient> {
  const client = new RedisClient(parseRedisUrl(url), options);
  await client.start();
  return client;
}
