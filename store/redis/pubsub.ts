/**
 * Pub/sub on a connection of its own (a subscribed RESP2 connection can run nothing else):
 * channel and pattern subscriptions with listeners, confirmed by the server before they
 * resolve, and made again on every new connection after a drop.
 *
 * @module
 */
import type { RedisConnection, RedisConnectionOptions } from "./connection.ts";
import { RedisTimeoutError } from "./errors.ts";
import { ReconnectingConnection, type ReconnectOptions } from "./reconnect.ts";
import type { RespValue } from "./resp.ts";

/** Receives a message published to a subscribed channel. */
export type MessageListener = (message: string, channel: string) => void;

/** Receives a message published to a channel matching a subscribed pattern. */
export type PatternListener = (message: string, channel: string, pattern: string) => void;

/** Options for {@linkcode RedisSubscriber}. */
export interface RedisSubscriberOptions
  extends Omit<RedisConnectionOptions, "onPush" | "pubsub">, ReconnectOptions {
  /** Receives what a listener throws; `console.error` by default. Delivery goes on either way. */
  onError?: (error: unknown) => void;
}

interface Subscription<L> {
  listeners: Set<L>;
  ready: Promise<void>;
}

type Kind = "subscribe" | "psubscribe" | "unsubscribe" | "punsubscribe";

interface Confirmation {
  resolve(): void;
  reject(error: unknown): void;
  timer?: ReturnType<typeof setTimeout>;
}

/**
 * A pub/sub connection. Get one from `RedisClient.subscriber()`, or {@linkcode connectSubscriber}.
 *
 * @example
 * ```ts
 * import { connectRedis } from "./client.ts";
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 * const subscriber = await redis.subscriber();
 * await subscriber.subscribe("news", (message, channel) => console.log(channel, message));
 * await redis.send(["PUBLISH", "news", "hello"]);
 * ```
 */
export class RedisSubscriber {
  #link: ReconnectingConnection;
  #options: RedisSubscriberOptions;
  #channels = new Map<string, Subscription<MessageListener>>();
  #patterns = new Map<string, Subscription<PatternListener>>();
  #confirmations = new Map<string, Confirmation[]>();

  /** Does not connect; {@linkcode connectSubscriber} does both. */
  constructor(options: RedisSubscriberOptions) {
    this.#options = options;
    this.#link = new ReconnectingConnection(
      { ...options, pubsub: true, onPush: (frame) => this.#onPush(frame) },
      (connection) => this.#resubscribe(connection),
    );
  }

  /** Connects; rejects when the first connection cannot be made. */
  start(): Promise<void> {
    return this.#link.start();
  }

  /** How many times the connection was remade after a drop (and the subscriptions with it). */
  get reconnects(): number {
    return this.#link.reconnects;
  }

  /** Channels subscribed to. */
  get channels(): string[] {
    return [...this.#channels.keys()];
  }

  /** Patterns subscribed to. */
  get patterns(): string[] {
    return [...this.#patterns.keys()];
  }

  /** Calls `listener` with each message on `channel`; resolves once the server confirms. */
  subscribe(channel: string, listener: MessageListener): Promise<void> {
    return this.#add(this.#channels, "subscribe", channel, listener);
  }

  /** Calls `listener` with each message on a channel matching the glob `pattern`. */
  psubscribe(pattern: string, listener: PatternListener): Promise<void> {
    return this.#add(this.#patterns, "psubscribe", pattern, listener);
  }

  /** Removes `listener` (all listeners without one); the last one gone unsubscribes. */
  unsubscribe(channel: string, listener?: MessageListener): Promise<void> {
    return this.#remove(this.#channels, "unsubscribe", channel, listener);
  }

  /** Removes `listener` from `pattern` (all without one); the last one gone unsubscribes. */
  punsubscribe(pattern: string, listener?: PatternListener): Promise<void> {
    return this.#remove(this.#patterns, "punsubscribe", pattern, listener);
  }

  /** Closes the connection; nothing more is delivered. */
  close(): void {
    this.#link.close();
    for (const waiting of this.#confirmations.values()) {
      for (const confirmation of waiting) {
        clearTimeout(confirmation.timer);
        confirmation.reject(new Error("the redis subscriber is closed"));
      }
    }
    this.#confirmations.clear();
  }

  async #add<L>(
    map: Map<string, Subscription<L>>,
    kind: "subscribe" | "psubscribe",
    name: string,
    listener: L,
  ): Promise<void> {
    const existing = map.get(name);
    if (existing) {
      existing.listeners.add(listener);
      return existing.ready;
    }
    const ready = this.#expect(kind, name);
    const subscription = { listeners: new Set([listener]), ready };
    map.set(name, subscription);
    // Disconnected: the subscription is made with the others once the connection is back.
    this.#link.current?.sendWithoutReply([kind.toUpperCase(), name]);
    if (!this.#link.current) void this.#link.connection().catch(() => {});
    try {
      await ready;
    } catch (error) {
      if (map.get(name) === subscription) map.delete(name);
      throw error;
    }
  }

  async #remove<L>(
    map: Map<string, Subscription<L>>,
    kind: "unsubscribe" | "punsubscribe",
    name: string,
    listener?: L,
  ): Promise<void> {
    const subscription = map.get(name);
    if (!subscription) return;
    if (listener !== undefined) subscription.listeners.delete(listener);
    if (listener !== undefined && subscription.listeners.size > 0) return;
    map.delete(name);
    const connection = this.#link.current;
    if (!connection) return; // The next connection will not subscribe to it.
    const done = this.#expect(kind, name);
    connection.sendWithoutReply([kind.toUpperCase(), name]);
    await done;
  }

  #key(kind: Kind, name: string): string {
    return `${kind}\u0000${name}`;
  }

  #expect(kind: Kind, name: string): Promise<void> {
    const key = this.#key(kind, name);
    const timeoutMs = this.#options.commandTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const confirmation: Confirmation = { resolve, reject };
      if (timeoutMs > 0) {
        confirmation.timer = setTimeout(() => {
          const waiting = this.#confirmations.get(key) ?? [];
          waiting.splice(waiting.indexOf(confirmation), 1);
          reject(new RedisTimeoutError(kind.toUpperCase(), timeoutMs));
        }, timeoutMs);
      }
      const waiting = this.#confirmations.get(key);
      if (waiting) waiting.push(confirmation);
      else this.#confirmations.set(key, [confirmation]);
    });
  }

  #resubscribe(connection: RedisConnection): void {
    if (this.#channels.size > 0) {
      connection.sendWithoutReply(["SUBSCRIBE", ...this.#channels.keys()]);
    }
    if (this.#patterns.size > 0) {
      connection.sendWithoutReply(["PSUBSCRIBE", ...this.#patterns.keys()]);
    }
  }

  #onPush(frame: RespValue[]): void {
    const kind = String(frame[0]).toLowerCase();
    if (kind === "message") {
      const channel = String(frame[1]);
      this.#deliver(this.#channels.get(channel), (listener) => listener(String(frame[2]), channel));
    } else if (kind === "pmessage") {
      const pattern = String(frame[1]);
      const channel = String(frame[2]);
      this.#deliver(
        this.#patterns.get(pattern),
        (listener) => listener(String(frame[3]), channel, pattern),
      );
    } else if (
      kind === "subscribe" || kind === "psubscribe" || kind === "unsubscribe" ||
      kind === "punsubscribe"
    ) {
      const key = this.#key(kind, String(frame[1]));
      const confirmation = this.#confirmations.get(key)?.shift();
      if (this.#confirmations.get(key)?.length === 0) this.#confirmations.delete(key);
      if (confirmation) {
        clearTimeout(confirmation.timer);
        confirmation.resolve();
      }
    }
  }

  #deliver<L>(subscription: Subscription<L> | undefined, call: (listener: L) => void): void {
    for (const listener of subscription?.listeners ?? []) {
      try {
        call(listener);
      } catch (error) {
        (this.#options.onError ?? console.error)(error);
      }
    }
  }
}

/**
 * A connected {@linkcode RedisSubscriber}.
 *
 * @example
 * ```ts
 * import { connectSubscriber } from "./pubsub.ts";
 * import { parseRedisUrl } from "./url.ts";
 * const subscriber = await connectSubscriber({ address: parseRedisUrl("redis://127.0.0.1:6379") });
 * await subscriber.psubscribe("session:*", (message, channel) => console.log(channel, message));
 * ```
 */
export async function connectSubscriber(options: RedisSubscriberOptions): Promise<RedisSubscriber> {
  const subscriber = new RedisSubscriber(options);
  await subscriber.start();
  return subscriber;
}
