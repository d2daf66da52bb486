/**
 * The Redis event store: the event store contract (which the memory store passes too), its
 * Redis bounds (TTL on every key), instances sharing events, and a failed write.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connectRedis, type RedisClient } from "../../store/redis/mod.ts";
import { createRedisEventStore } from "../../store/redis_event_store.ts";
import { createMemoryEventStore } from "../../transports/http/event_store.ts";
import { type RedisServer, startRedis } from "../redis_server.ts";
import { eventStoreContract, freshSession, note, replay } from "./event_store_contract.ts";

let server: RedisServer;
const clients: RedisClient[] = [];

async function client(): Promise<RedisClient> {
  const redis = await connectRedis(server.url);
  clients.push(redis);
  return redis;
}

before(async () => {
  server = await startRedis();
});

after(async () => {
  for (const redis of clients) redis.close();
  await server?.stop();
});

describe("the event store contract", () => {
  eventStoreContract("memory", (options) => createMemoryEventStore(options), true);
  eventStoreContract(
    "redis",
    async (options) => createRedisEventStore(await client(), options),
    false,
  );
});

describe("the Redis event store", () => {
  test("every key it writes expires within ttlMs", async () => {
    const redis = await client();
    const store = createRedisEventStore(redis, { ttlMs: 60_000, prefix: "ttl:" });
    const session = freshSession();
    await store.append(`${session}-get`, note(1));
    for (const key of [`ttl:events:${session}-get`, `ttl:event-streams:${session}`]) {
      const ttl = (await redis.send(["PTTL", key])) as number;
      assert.ok(ttl > 0 && ttl <= 60_000, `${key} expires in ${ttl} ms`);
    }
  });

  test("a stream gone from Redis (expired, evicted) is unknown", async () => {
    const redis = await client();
    const store = createRedisEventStore(redis);
    const stream = `${freshSession()}-get`;
    const id = await store.append(stream, note(1));
    await store.append(stream, note(2));
    // What expiry or eviction leaves, without waiting for it.
    assert.equal(await redis.send(["DEL", `emcee:events:${stream}`]), 1);
    assert.equal((await replay(store, id)).stream, undefined);
  });

  test("events one instance stores are replayed by another", async () => {
    const a = createRedisEventStore(await client());
    const b = createRedisEventStore(await client());
    const stream = `${freshSession()}-get`;
    const first = await a.append(stream, note(1));
    await a.append(stream, note(2));
    await a.append(stream, note(3));
    const { stream: named, events } = await replay(b, first);
    assert.equal(named, stream);
    assert.deepEqual(events.map(([, m]) => m), [note(2), note(3)]);
    await b.forgetSession(stream.slice(0, stream.indexOf("-")));
    assert.equal((await replay(a, first)).stream, undefined);
  });

  test("appends pipelined without awaiting keep their order", async () => {
    const store = createRedisEventStore(await client());
    const stream = `${freshSession()}-get`;
    // The HTTP layer writes each standalone event when its own append settles: they must
    // settle in the order they were made, or the live stream would reorder them.
    const settled: number[] = [];
    const ids = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        store.append(stream, note(n)).then((id) => {
          settled.push(n);
          return id;
        })),
    );
    assert.deepEqual(settled, Array.from({ length: 200 }, (_, n) => n));
    const { events } = await replay(store, ids[0]);
    assert.deepEqual(events.map(([id]) => id), ids.slice(1));
  });

  test("a write that fails reports it and gives an id resumption refuses", async () => {
    const redis = await connectRedis(server.url);
    const errors: unknown[] = [];
    const store = createRedisEventStore(redis, { onError: (error) => errors.push(error) });
    redis.close();
    const stream = `${freshSession()}-get`;
    const id = await store.append(stream, note(1));
    assert.equal(id.slice(0, id.lastIndexOf(".")), stream);
    assert.equal(errors.length, 1);
    assert.match(String(errors[0]), /could not store an event/);
    assert.ok((errors[0] as Error).cause, "the Redis error is kept as the cause");
    const other = createRedisEventStore(await client());
    assert.equal((await replay(other, id)).stream, undefined);
  });
});
