/**
 * The session directory contract, on memory and on Redis: records round-trip, only live
 * sessions are updated, caps end the least recently used, deletion is remembered; the Redis one
 * also expires idle sessions. And the message bus, on memory and on Redis pub/sub.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connectRedis, type RedisClient } from "../../store/redis/mod.ts";
import {
  createRedisSessionDirectory,
  type RedisSessionDirectoryOptions,
} from "../../store/redis_session_directory.ts";
import { createRedisMessageBus } from "../../store/redis_message_bus.ts";
import {
  createMemorySessionDirectory,
  type DirectoryRecord,
  type SessionDirectory,
} from "../../transports/http/session_directory.ts";
import { createMemoryMessageBus, type MessageBus } from "../../transports/http/message_bus.ts";
import { deferred, within } from "../async.ts";
import { type RedisServer, startRedis } from "../redis_server.ts";

let server: RedisServer;
let redis: RedisClient;
let prefixes = 0;

before(async () => {
  server = await startRedis();
  redis = await connectRedis(server.url);
});

after(async () => {
  redis?.close();
  await server?.stop();
});

function record(id: string, owner = "alice"): DirectoryRecord {
  return {
    id,
    principal: owner === "" ? "" : `{"sub":"${owner}"}`,
    owner,
    session: {
      protocolVersion: "2025-06-18",
      clientCapabilities: { roots: {} },
      clientInfo: { name: "c", version: "1" },
      initialized: true,
      subscriptions: ["file:///a"],
    },
  };
}

type Make = (
  limits: { maxSessions?: number; maxSessionsPerPrincipal?: number },
) => SessionDirectory;

const kinds: [string, Make][] = [
  ["memory", (limits) => createMemorySessionDirectory(limits)],
  [
    "redis",
    (limits: RedisSessionDirectoryOptions) =>
      createRedisSessionDirectory(redis, { ...limits, prefix: `dir-${prefixes++}:` }),
  ],
];

for (const [kind, make] of kinds) {
  describe(`the ${kind} session directory`, () => {
    test("keeps a record, updates it while live, and remembers it ended", async () => {
      const directory = make({});
      assert.deepEqual(await directory.create(record("s1")), []);
      assert.deepEqual(await directory.get("s1"), record("s1"));
      const changed = { ...record("s1").session, logLevel: "error" as const, subscriptions: [] };
      await directory.update("s1", changed);
      assert.deepEqual((await directory.touch("s1"))?.session, changed);
      assert.equal(await directory.ended("s1"), false);
      assert.equal(await directory.delete("s1"), true);
      assert.equal(await directory.delete("s1"), false);
      assert.equal(await directory.get("s1"), undefined);
      assert.equal(await directory.touch("s1"), undefined);
      assert.equal(await directory.ended("s1"), true);
      // An ended session is not brought back by a late update.
      await directory.update("s1", changed);
      assert.equal(await directory.get("s1"), undefined);
      assert.equal(await directory.ended("never"), false);
    });

    test("an anonymous principal round-trips as the empty string", async () => {
      const directory = make({});
      await directory.create(record("anon", ""));
      assert.equal((await directory.get("anon"))?.principal, "");
    });

    test("past an owner's quota its least recently used session ends", async () => {
      const directory = make({ maxSessionsPerPrincipal: 2 });
      await directory.create(record("a1"));
      await directory.create(record("a2"));
      await directory.create(record("b1", "bob"));
      assert.ok(await directory.touch("a1"));
      assert.deepEqual(await directory.create(record("a3")), ["a2"]);
      assert.ok(await directory.get("a1"));
      assert.ok(await directory.get("b1"));
      assert.equal(await directory.ended("a2"), true);
    });

    test("past the global cap a session ends to make room", async () => {
      const directory = make({ maxSessions: 2 });
      await directory.create(record("a1"));
      await directory.create(record("b1", "bob"));
      const evicted = await directory.create(record("c1", "carol"));
      assert.equal(evicted.length, 1);
      assert.equal(await directory.get(evicted[0]), undefined);
      assert.ok(await directory.get("c1"));
    });
  });
}

describe("the Redis session directory's expiry", () => {
  test("an idle session expires and no longer takes a place under the cap", async () => {
    const directory = createRedisSessionDirectory(redis, {
      prefix: `dir-${prefixes++}:`,
      ttlMs: 30,
      maxSessions: 1,
    });
    await directory.create(record("old"));
    // Bounded polling of the server's own clock: expiry is Redis's, not a timer here.
    let left: DirectoryRecord | undefined = record("old");
    for (let i = 0; i < 100_000 && left !== undefined; i++) left = await directory.get("old");
    assert.equal(left, undefined);
    assert.deepEqual(await directory.create(record("new")), []);
  });
});

const buses: [string, () => MessageBus][] = [
  ["memory", createMemoryMessageBus],
  ["redis", () => createRedisMessageBus(redis, { prefix: `bus-${prefixes++}:` })],
];

for (const [kind, make] of buses) {
  test(`the ${kind} message bus delivers to subscribers until they unsubscribe`, async () => {
    const bus = make();
    const first = deferred<string>();
    const seen: string[] = [];
    const stop = await bus.subscribe("c", (message) => {
      seen.push(message);
      first.resolve(message);
    });
    const other = deferred<string>();
    const stopOther = await bus.subscribe("c", (message) => other.resolve(message));
    await bus.publish("elsewhere", "not for c");
    await bus.publish("c", "hello");
    assert.equal(await within(first.promise, 5_000, "the first message"), "hello");
    assert.equal(await within(other.promise, 5_000, "the second subscriber's"), "hello");
    await stop();
    const after = deferred<string>();
    await stopOther();
    const stopAfter = await bus.subscribe("c", (message) => after.resolve(message));
    await bus.publish("c", "again");
    assert.equal(await within(after.promise, 5_000, "a message after"), "again");
    assert.deepEqual(seen, ["hello"]);
    await stopAfter();
  });
}
