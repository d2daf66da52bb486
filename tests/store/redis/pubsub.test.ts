import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connectRedis, type RedisClient } from "../../../store/redis/mod.ts";
import { deferred, within } from "../../async.ts";
import { type RedisServer, startRedis } from "../../redis_server.ts";

let server: RedisServer;
let legacy: RedisServer;
const clients: RedisClient[] = [];

async function client(url: string): Promise<RedisClient> {
  const redis = await connectRedis(url);
  clients.push(redis);
  return redis;
}

/** Collects messages and resolves when `count` have arrived. */
function collector<T>(count: number): { items: T[]; add(item: T): void; done: Promise<void> } {
  const items: T[] = [];
  const done = deferred();
  return {
    items,
    add(item: T): void {
      items.push(item);
      if (items.length === count) done.resolve();
    },
    done: done.promise,
  };
}

before(async () => {
  [server, legacy] = await Promise.all([
    startRedis(),
    startRedis({ args: ["--rename-command", "HELLO", ""] }),
  ]);
});

after(async () => {
  for (const redis of clients) redis.close();
  await Promise.all([server?.stop(), legacy?.stop()]);
});

for (const protocol of [3, 2]) {
  describe(`pub/sub over RESP${protocol}`, () => {
    const url = (): string => (protocol === 3 ? server.url : legacy.url);

    test("delivers messages on a subscribed channel, in order, and stops after unsubscribe", async () => {
      const redis = await client(url());
      const subscriber = await redis.subscriber();
      const received = collector<[string, string]>(3);
      const listener = (message: string, channel: string): void => received.add([message, channel]);
      await subscriber.subscribe("news", listener);
      assert.deepEqual(subscriber.channels, ["news"]);
      for (const message of ["one", "two", "three"]) {
        assert.equal(await redis.send(["PUBLISH", "news", message]), 1);
      }
      await within(received.done, 5_000, "three messages");
      assert.deepEqual(received.items, [["one", "news"], ["two", "news"], ["three", "news"]]);
      await subscriber.unsubscribe("news", listener);
      assert.deepEqual(subscriber.channels, []);
      assert.equal(await redis.send(["PUBLISH", "news", "unheard"]), 0);
    });

    test("two listeners on one channel both hear, and removing one keeps the other", async () => {
      const redis = await client(url());
      const subscriber = await redis.subscriber();
      const first = deferred<string>();
      const second = collector<string>(2);
      const firstListener = (message: string): void => first.resolve(message);
      await Promise.all([
        subscriber.subscribe("shared", firstListener),
        subscriber.subscribe("shared", (message) => second.add(message)),
      ]);
      await redis.send(["PUBLISH", "shared", "a"]);
      assert.equal(await within(first.promise, 5_000, "the first listener"), "a");
      await subscriber.unsubscribe("shared", firstListener);
      assert.equal(await redis.send(["PUBLISH", "shared", "b"]), 1);
      await within(second.done, 5_000, "the second listener");
      assert.deepEqual(second.items, ["a", "b"]);
    });

    test("pattern subscriptions get the channel and the pattern", async () => {
      const redis = await client(url());
      const subscriber = await redis.subscriber();
      const received = collector<[string, string, string]>(2);
      await subscriber.psubscribe(
        "session:*",
        (message, channel, pattern) => received.add([message, channel, pattern]),
      );
      await redis.send(["PUBLISH", "session:1", "created"]);
      await redis.send(["PUBLISH", "other", "ignored"]);
      await redis.send(["PUBLISH", "session:2", "closed"]);
      await within(received.done, 5_000, "two pattern messages");
      assert.deepEqual(received.items, [
        ["created", "session:1", "session:*"],
        ["closed", "session:2", "session:*"],
      ]);
      await subscriber.punsubscribe("session:*");
      assert.equal(await redis.send(["PUBLISH", "session:3", "unheard"]), 0);
    });

    test("a throwing listener is reported and delivery goes on", async () => {
      const errors: unknown[] = [];
      const redis = await connectRedis(url(), { onError: (error) => errors.push(error) });
      clients.push(redis);
      const subscriber = await redis.subscriber();
      const received = collector<string>(2);
      await subscriber.subscribe("faulty", (message) => {
        received.add(message);
        throw new Error(`listener failed on ${message}`);
      });
      await redis.send(["PUBLISH", "faulty", "x"]);
      await redis.send(["PUBLISH", "faulty", "y"]);
      await within(received.done, 5_000, "both messages");
      assert.deepEqual(errors.map((error) => (error as Error).message), [
        "listener failed on x",
        "listener failed on y",
      ]);
    });
  });
}
