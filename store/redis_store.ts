/**
 * One object for the state emcee instances share through Redis: the legacy SSE event store, the
 * legacy session directory, the message bus and the MRTR signing key, on one connection (and
 * one more for pub/sub once the bus has a subscriber).
 *
 * @module
 */
import { connectRedis, type RedisClient, type RedisOptions } from "./redis/client.ts";
import {
  createRedisEventStore,
  type RedisEventStore,
  type RedisEventStoreOptions,
} from "./redis_event_store.ts";
import { createRedisMessageBus } from "./redis_message_bus.ts";
import {
  createRedisSessionDirectory,
  type RedisSessionDirectoryOptions,
} from "./redis_session_directory.ts";
import { sharedSecret } from "./shared_secret.ts";
import type { MessageBus } from "../transports/http/message_bus.ts";
import type { SessionDirectory } from "../transports/http/session_directory.ts";

/** Options for {@linkcode redisStore}. */
export interface RedisStoreOptions extends RedisOptions {
  /** `redis://[user:password@]host[:port][/db]`, or `rediss://` for TLS. */
  url: string;
  /** Prefix of every key written. Default `"emcee:"`. */
  prefix?: string;
  /** Limits of the event store. */
  events?: Omit<RedisEventStoreOptions, "prefix">;
  /** Name of the shared MRTR signing key. Default `"request-state"`. */
  secretName?: string;
  /** Expiry and caps of the session directory. */
  sessions?: Omit<RedisSessionDirectoryOptions, "prefix">;
}

/** Shared state on Redis; pass its parts to the server and the HTTP handler. */
export interface RedisStore {
  /** The connection everything here uses. */
  readonly redis: RedisClient;
  /** For `createHttpHandler(server, { legacy: { eventStore } })`. */
  readonly eventStore: RedisEventStore;
  /** For `createHttpHandler(server, { legacy: { sessionDirectory, eventStore } })`. */
  readonly sessionDirectory: SessionDirectory;
  /** For `legacy: { messageBus }`, beside `sessionDirectory`; pub/sub on a second connection. */
  readonly messageBus: MessageBus;
  /** For `new McpServer(info, { requestStateSecret })`. */
  readonly requestStateSecret: Uint8Array;
  /** Closes the connection. */
  close(): void;
}

/**
 * Connects to Redis and prepares the shared state. Until the server and handler options take a
 * `store`, pass its parts where the options already accept them.
 *
 * @example
 * ```ts
 * import { redisStore } from "./redis_store.ts";
 * import { McpServer } from "../server/server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * const store = await redisStore({ url: "redis://127.0.0.1:6379" });
 * const server = new McpServer({ name: "demo", version: "1.0.0" }, {
 *   requestStateSecret: store.requestStateSecret,
 * });
 * const handler = createHttpHandler(server, {
 *   legacy: {
 *     eventStore: store.eventStore,
 *     sessionDirectory: store.sessionDirectory,
 *     messageBus: store.messageBus,
 *   },
 * });
 * // ... and on shutdown:
 * store.close();
 * ```
 */
export async function redisStore(options: RedisStoreOptions): Promise<RedisStore> {
  const { url, prefix = "emcee:", events, secretName = "request-state", sessions, ...client } =
    options;
  const redis = await connectRedis(url, client);
  try {
    const requestStateSecret = await sharedSecret(redis, secretName, { prefix });
    const eventStore = createRedisEventStore(redis, { ...events, prefix });
    const sessionDirectory = createRedisSessionDirectory(redis, { ...sessions, prefix });
    return {
      redis,
      eventStore,
      sessionDirectory,
      messageBus: createRedisMessageBus(redis, { prefix }),
      requestStateSecret,
      close() {
        redis.close();
      },
    };
  } catch (error) {
    redis.close();
    throw error;
  }
}
