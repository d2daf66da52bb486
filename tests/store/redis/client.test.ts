import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  connectRedis,
  type RedisClient,
  RedisConnectionError,
  RedisError,
  RedisTimeoutError,
} from "../../../store/redis/mod.ts";
import { type RedisServer, startRedis } from "../../redis_server.ts";

let server: RedisServer;
let secured: RedisServer;
let legacy: RedisServer;
const clients: RedisClient[] = [];

async function client(url = server.url, options = {}): Promise<RedisClient> {
  const redis = await connectRedis(url, options);
  clients.push(redis);
  return redis;
}

before(async () => {
  [server, secured, legacy] = await Promise.all([
    startRedis(),
    startRedis({ password: "s3cret p@ss" }),
    // No HELLO here, as on Redis 5: the client must fall back to RESP2.
    startRedis({ args: ["--rename-command", "HELLO", ""] }),
  ]);
});

after(async () => {
  for (const redis of clients) redis.close();
  await Promise.all([server?.stop(), secured?.stop(), legacy?.stop()]);
});

describe("commands", () => {
  test("SET, GET and INCR, over RESP3", async () => {
    const redis = await client();
    assert.equal(redis.protocol, 3);
    assert.equal(await redis.send(["SET", "greeting", "héllo"]), "OK");
    assert.equal(await redis.send(["GET", "greeting"]), "héllo");
    assert.equal(await redis.get("missing"), null);
    await redis.set("counter", 41);
    assert.equal(await redis.send(["INCR", "counter"]), 42);
    await redis.set("short", "lived", { ttlMs: 60_000 });
    const ttl = (await redis.send(["PTTL", "short"])) as number;
    assert.ok(ttl > 0 && ttl <= 60_000);
  });

  test("error replies reject with a RedisError and the connection goes on", async () => {
    const redis = await client();
    await redis.set("text", "abc");
    await assert.rejects(redis.send(["INCR", "text"]), (error: unknown) => {
      assert.ok(error instanceof RedisError);
      assert.equal(error.code, "ERR");
      return true;
    });
    await redis.send(["RPUSH", "list", "a"]);
    await assert.rejects(redis.send(["GET", "list"]), { name: "RedisError", code: "WRONGTYPE" });
    assert.equal(await redis.send(["PING"]), "PONG");
  });

  test("RESP3 maps come back as Map, and bytes on request", async () => {
    const redis = await client();
    await redis.send(["HSET", "hash", "a", "1", "b", "2"]);
    assert.deepEqual(await redis.send(["HGETALL", "hash"]), new Map([["a", "1"], ["b", "2"]]));
    const binary = new Uint8Array([0, 1, 2, 253, 254, 255, 13, 10]);
    await redis.send(["SET", "binary", binary]);
    assert.deepEqual(await redis.send(["GET", "binary"], { bytes: true }), binary);
  });

  test("1000 pipelined commands in flight get their replies in order", async () => {
    const redis = await client();
    await redis.send(["DEL", "pipelined"]);
    const replies = await Promise.all(
      Array.from(
        { length: 1000 },
        (_, i) =>
          i % 2 === 0 ? redis.send(["INCR", "pipelined"]) : redis.send(["ECHO", `echo-${i}`]),
      ),
    );
    replies.forEach((reply, i) => assert.equal(reply, i % 2 === 0 ? i / 2 + 1 : `echo-${i}`));
  });

  test("8 MiB values go both ways intact", async () => {
    const redis = await client();
    const size = 8 * 1024 * 1024;
    const value = new Uint8Array(size);
    for (let i = 0; i < size; i++) value[i] = (i * 31) % 251;
    const [, small, big] = await Promise.all([
      redis.send(["SET", "big", value]),
      redis.send(["ECHO", "between"]),
      redis.send(["GET", "big"], { bytes: true }),
    ]);
    assert.equal(small, "between");
    assert.deepEqual(big, value);
    const textValue = "x".repeat(size);
    await redis.set("big-text", textValue);
    assert.equal(await redis.get("big-text"), textValue);
  });

  test("a command without a reply in time rejects, and the client works after", async () => {
    const redis = await client(server.url, { commandTimeoutMs: 5_000 });
    await redis.send(["DEL", "empty-list"]);
    const started = Date.now();
    await assert.rejects(
      redis.send(["BLPOP", "empty-list", "0"], { timeoutMs: 200 }),
      (error: unknown) => {
        assert.ok(error instanceof RedisTimeoutError);
        assert.equal(error.command, "BLPOP");
        assert.match(error.message, /BLPOP had no reply within 200 ms/);
        return true;
      },
    );
    assert.ok(Date.now() - started < 4_000);
    assert.equal(await redis.send(["ECHO", "after"]), "after");
    assert.equal(redis.reconnects, 1);
  });

  test("a refused connection says where and why", async () => {
    const probe = await startRedis();
    const url = probe.url;
    await probe.stop();
    await assert.rejects(connectRedis(url), (error: unknown) => {
      assert.ok(error instanceof RedisConnectionError);
      assert.match(error.message, new RegExp(`127\\.0\\.0\\.1:${probe.port}`));
      assert.ok(error.cause instanceof Error);
      return true;
    });
  });
});

describe("AUTH and SELECT", () => {
  test("the password and database from the URL are used", async () => {
    const redis = await client(`${secured.url}/3`);
    assert.equal(await redis.send(["SET", "in-db-3", "yes"]), "OK");
    const other = await client(secured.url);
    assert.equal(await other.get("in-db-3"), null);
    await other.send(["SELECT", "3"]);
    assert.equal(await other.get("in-db-3"), "yes");
    assert.equal(await redis.send(["ACL", "WHOAMI"]), "default");
  });

  test("a wrong or missing password is refused with the server's reason", async () => {
    const wrongUrl = secured.url.replace(/:[^:@]*@/, ":wrong@");
    await assert.rejects(connectRedis(wrongUrl), (error: unknown) => {
      assert.ok(error instanceof RedisConnectionError);
      assert.ok(error.cause instanceof RedisError);
      assert.equal(error.cause.code, "WRONGPASS");
      return true;
    });
    const redis = await client(secured.url.replace(/:[^:@]*@/, ""));
    await assert.rejects(redis.send(["GET", "x"]), { name: "RedisError", code: "NOAUTH" });
  });

  test("an ACL user name and password", async () => {
    const admin = await client(secured.url);
    await admin.send(["ACL", "SETUSER", "app", "on", ">apppass", "~*", "+@all"]);
    const redis = await client(`redis://app:apppass@127.0.0.1:${secured.port}/1`);
    assert.equal(await redis.send(["ACL", "WHOAMI"]), "app");
  });
});

describe("a server without HELLO", () => {
  test("falls back to RESP2: flat arrays, AUTH-less SELECT, everything else the same", async () => {
    const redis = await client(`${legacy.url}/2`);
    assert.equal(redis.protocol, 2);
    await redis.send(["HSET", "hash", "a", "1"]);
    assert.deepEqual(await redis.send(["HGETALL", "hash"]), ["a", "1"]);
    assert.equal(await redis.send(["INCR", "n"]), 1);
    const replies = await Promise.all(Array.from({ length: 100 }, () => redis.send(["INCR", "n"])));
    assert.deepEqual(replies, Array.from({ length: 100 }, (_, i) => i + 2));
  });
});
