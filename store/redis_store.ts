/**
 * One object for the state emcee instances share through Redis: the legacy SSE event store, the
 * legacy session directory, the message bus, the task store and the MRTR signing key, on one
 * connection (and one more for pub/sub once the bus has a subscriber). It is a `SharedStore`:
 * pass it once, as `new McpServer(info, { store })`.
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
import { createRedisTaskStore } from "./redis_task_store.ts";
import type { SharedStore } from "../server/shared_store.ts";
import type { TaskStore } from "../server/task_store.ts";
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

/**
 * Shared state on Redis: `new McpServer(info, { store })`, and the server's HTTP handler uses
 * it too.
 */
export interface RedisStore extends SharedStore {
  /** The connection everything here uses. */
  readonly redis: RedisClient;
  /** Legacy SSE events, for `Last-Event-ID` on any instance. */
  readonly eventStore: RedisEventStore;
  /** Legacy sessions, adopted by any instance, under caps that hold across instances. */
  readonly sessionDirectory: SessionDirectory;
  /** Pub/sub between instances, on a second connection. */
  readonly messageBus: MessageBus;
  /** Tasks of the tasks extension, with the leases of the instances running them. */
  readonly taskStore: TaskStore;
  /** The MRTR signing key every instance on this Redis and prefix shares. */
  readonly requestStateSecret: Uint8Array;
  /** Closes the connection. */
  close(): void;
}

/**
 * Connects to Redis and prepares the shared state. Give it to the server once; the server's
 * HTTP handler takes it from there (an explicit handler or server option still wins).
 *
 * @example
 * ```ts
 * import { redisStore } from "./redis_store.ts";
 * import { McpServer } from "../server/server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * const store = await redisStore({ url: "redis://127.0.0.1:6379" });
 * const server = new McpServer({ name: "demo", version: "1.0.0" }, { store, tasks: true });
 * const handler = createHttpHandler(server);
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
      taskStore: createRedisTaskStore(redis, { prefix }),
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
