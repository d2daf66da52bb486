/**
 * An {@linkcode EventStore} on Redis streams, so a legacy SSE stream's events can be replayed
 * with `Last-Event-ID` by any instance that shares the Redis server.
 *
 * Each SSE stream is one Redis stream, bounded with `XADD … MAXLEN ~` and expiring `ttlMs`
 * after its last event. Event ids are `<streamId>.<redis entry id>` (e.g. `ab12-get.1717-0`):
 * the HTTP layer reads the stream id as what comes before the last dot, as it does for the
 * memory store's `<streamId>.<sequence>`.
 *
 * @module
 */
import type { JsonRpcMessage } from "../protocol/jsonrpc.ts";
import type { RedisClient } from "./redis/client.ts";
import { guarded } from "./unavailable.ts";
import type { EventStore } from "../transports/http/event_store.ts";

/** Options for {@linkcode createRedisEventStore}. */
export interface RedisEventStoreOptions {
  /** Prefix of every key this store writes. Default `"emcee:"`. */
  prefix?: string;
  /**
   * Events kept per stream, trimmed approximately (`MAXLEN ~`), so a few more may stay.
   * Default 1 000.
   */
  maxEventsPerStream?: number;
  /** Milliseconds a stream is kept after its last event. Default one hour. */
  ttlMs?: number;
  /**
   * Receives a failed write. The event is still sent live, under an id no store knows, so a
   * resumption from it is refused rather than the stream broken. Default `console.error`.
   */
  onError?: (error: unknown) => void;
}

/** The Redis event store; {@linkcode EventStore.forgetSession} is always there. */
export interface RedisEventStore extends EventStore {
  /** Stores a message sent on a stream; resolves with its event id. */
  append(streamId: string, message: JsonRpcMessage | null): Promise<string>;
  /** Replays the events after `lastEventId`; resolves with its stream id, or `undefined`. */
  replayAfter(
    lastEventId: string,
    send: (eventId: string, message: JsonRpcMessage) => void,
  ): Promise<string | undefined>;
  /** Deletes every stream of the session (ids beginning `<sessionId>-`). */
  forgetSession(sessionId: string): Promise<void>;
}

const ENTRY_ID = /^\d+-\d+$/;

/** The session a stream belongs to: the HTTP layer names streams `<sessionId>-<suffix>`. */
function sessionOf(streamId: string): string | undefined {
  const dash = streamId.indexOf("-");
  return dash > 0 ? streamId.slice(0, dash) : undefined;
}

/**
 * Creates an event store on `redis`. Streams of a session are listed in a set per session,
 * so {@linkcode RedisEventStore.forgetSession} deletes them without scanning the keyspace.
 *
 * @example
 * ```ts
 * import { connectRedis } from "./redis/mod.ts";
 * import { createRedisEventStore } from "./redis_event_store.ts";
 * import { McpServer } from "../server/server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 * const eventStore = createRedisEventStore(redis, { ttlMs: 10 * 60_000 });
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const handler = createHttpHandler(server, { legacy: { eventStore } });
 * ```
 */
export function createRedisEventStore(
  redis: RedisClient,
  options: RedisEventStoreOptions = {},
): RedisEventStore {
  const prefix = options.prefix ?? "emcee:";
  const perStream = options.maxEventsPerStream ?? 1000;
  const ttlMs = options.ttlMs ?? 60 * 60_000;
  const onError = options.onError ?? ((error: unknown) => console.error(error));
  const streamKey = (streamId: string) => `${prefix}events:${streamId}`;
  const indexKey = (sessionId: string) => `${prefix}event-streams:${sessionId}`;
  let unstored = 0;

  return {
    async append(streamId, message) {
      const key = streamKey(streamId);
      const data = message ? JSON.stringify(message) : "";
      // Pipelined on one connection: sent together, answered in order.
      const writes = [
        redis.send(["XADD", key, "MAXLEN", "~", perStream, "*", "d", data]),
        redis.send(["PEXPIRE", key, ttlMs]),
      ];
      const session = sessionOf(streamId);
      if (session !== undefined) {
        writes.push(
          redis.send(["SADD", indexKey(session), key]),
          redis.send(["PEXPIRE", indexKey(session), ttlMs]),
        );
      }
      try {
        const [entryId] = await Promise.all(writes);
        return `${streamId}.${entryId as string}`;
      } catch (error) {
        onError(new Error(`could not store an event of stream ${streamId}`, { cause: error }));
        // Not an entry id, so replayAfter refuses it: the client's resumption fails cleanly.
        return `${streamId}.unstored${unstored++}`;
      }
    },

    async replayAfter(lastEventId, send) {
      const dot = lastEventId.lastIndexOf(".");
      if (dot <= 0) return undefined;
      const streamId = lastEventId.slice(0, dot);
      const after = lastEventId.slice(dot + 1);
      if (!ENTRY_ID.test(after)) return undefined;
      const key = streamKey(streamId);
      const [exists, entries] = await guarded(() =>
        Promise.all([
          redis.send(["EXISTS", key]),
          redis.send(["XRANGE", key, `(${after}`, "+"]),
        ])
      );
      if (exists !== 1) return undefined;
      for (const entry of entries as [string, string[]][]) {
        const [entryId, fields] = entry;
        const data = fields[fields.indexOf("d") + 1];
        if (data) send(`${streamId}.${entryId}`, JSON.parse(data) as JsonRpcMessage);
      }
      return streamId;
    },

    async forgetSession(sessionId) {
      const index = indexKey(sessionId);
      const keys = (await redis.send(["SMEMBERS", index])) as string[];
      await redis.send(["DEL", index, ...keys]);
    },
  };
}
