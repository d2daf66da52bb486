import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  connectRedis,
  type RedisClient,
  RedisConnectionError,
  type RedisOptions,
} from "../../../store/redis/mod.ts";
import { deferred, within } from "../../async.ts";
import { type RedisServer, startRedis } from "../../redis_server.ts";

let server: RedisServer;
const clients: RedisClient[] = [];

async function client(options: RedisOptions = {}): Promise<RedisClient> {
  const redis = await connectRedis(server.url, { reconnectBaseDelayMs: 20, ...options });
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

describe("reconnecting", () => {
  test("after CLIENT KILL: the blocked command rejects with the cause, the next one works", async () => {
    const redis = await client({ clientName: "victim" });
    const killer = await client();
    await redis.send(["SET", "survives", "yes"]);
    await redis.send(["DEL", "never-filled"]);
    const blocked = redis.send(["BLPOP", "never-filled", "0"], { timeoutMs: 0 });
    // Checked from now on: the drop may be seen before the reply to CLIENT KILL.
    const rejected = assert.rejects(blocked, (error: unknown) => {
      assert.ok(error instanceof RedisConnectionError);
      assert.ok(error.cause !== undefined, "the cause is kept");
      return true;
    });
    // The BLPOP is written before the kill: both go out on their connections in this tick.
    await killer.send(["PING"]);
    assert.equal(await killer.send(["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"]), 1);
    await rejected;
    assert.equal(await redis.get("survives"), "yes");
    assert.equal(redis.reconnects, 1);
    // The new connection is handshaken again, its name included.
    assert.equal(await redis.send(["CLIENT", "GETNAME"]), "victim");
  });

  test("a subscriber resubscribes after CLIENT KILL TYPE pubsub", async () => {
    const redis = await client();
    const subscriber = await redis.subscriber();
    const before = deferred<string>();
    const afterwards = deferred<string>();
    await subscriber.subscribe("events", (message) => {
      if (message === "before") before.resolve(message);
      else afterwards.resolve(message);
    });
    await redis.send(["PUBLISH", "events", "before"]);
    await within(before.promise, 5_000, "the message before the kill");
    assert.equal(await redis.send(["CLIENT", "KILL", "TYPE", "pubsub"]), 1);
    // Publish until the resubscribed connection hears it: PUBLISH counts the receivers.
    for (let i = 0; i < 200; i++) {
      if (
        subscriber.reconnects === 1 &&
        (await redis.send(["PUBSUB", "NUMSUB", "events"]) as unknown[])[1] === 1
      ) break;
      await redis.send(["PING"]);
    }
    assert.equal(await redis.send(["PUBLISH", "events", "after"]), 1);
    assert.equal(await within(afterwards.promise, 5_000, "the message after the kill"), "after");
  });

  test("after a server restart: commands sent while it is down wait and then run", async () => {
    // The client and its subscriber both see the drop; commands sent after that wait.
    const dropped = deferred<void>();
    let drops = 0;
    const onDisconnect = (): void => {
      if (++drops === 2) dropped.resolve();
    };
    const redis = await client({ reconnectWaitMs: 10_000, onDisconnect });
    const subscriber = await redis.subscriber();
    const heard = deferred<string>();
    await subscriber.psubscribe("restart:*", (message) => heard.resolve(message));
    await redis.set("before-restart", "1");
    await server.stop();
    await within(dropped.promise, 5_000, "both connections to notice the stop");
    const duringOutage = redis.send(["SET", "after-restart", "2"]);
    // Awaited below; a rejection meanwhile must fail that assertion, not the run as unhandled.
    duringOutage.catch(() => {});
    await server.restart();
    assert.equal(await duringOutage, "OK");
    // The restarted server has no data (no persistence) but the client carries on.
    assert.equal(await redis.get("before-restart"), null);
    assert.equal(await redis.get("after-restart"), "2");
    for (let i = 0; i < 500 && (await redis.send(["PUBSUB", "NUMPAT"])) !== 1; i++) {
      await redis.send(["PING"]);
    }
    assert.equal(await redis.send(["PUBLISH", "restart:done", "back"]), 1);
    assert.equal(await within(heard.promise, 5_000, "the pattern message"), "back");
  });

  test("a command waits no longer than reconnectWaitMs, and says why", async () => {
    const dropped = deferred<void>();
    const redis = await client({
      reconnectWaitMs: 300,
      reconnectMaxDelayMs: 100,
      onDisconnect: () => dropped.resolve(),
    });
    await server.stop();
    try {
      await within(dropped.promise, 5_000, "the client to notice the stop");
      await assert.rejects(redis.send(["PING"]), (error: unknown) => {
        assert.ok(error instanceof RedisConnectionError);
        assert.match(error.message, /no connection to redis within 300 ms/);
        assert.ok(error.cause instanceof Error);
        return true;
      });
    } finally {
      await server.restart();
    }
    assert.equal(await within(redis.send(["PING"]), 10_000, "PING after the restart"), "PONG");
  });

  test("close() rejects what is pending and what comes after", async () => {
    const redis = await client();
    const blocked = redis.send(["BLPOP", "nothing-here", "0"], { timeoutMs: 0 });
    redis.close();
    await assert.rejects(blocked, RedisConnectionError);
    await assert.rejects(redis.send(["PING"]), /closed/);
  });
});
