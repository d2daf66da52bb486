import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { connectRedis, type RedisClient } from "../../../store/redis/mod.ts";
import { defineScript } from "../../../store/redis/script.ts";
import { type RedisServer, startRedis } from "../../redis_server.ts";

let server: RedisServer;
let redis: RedisClient;

before(async () => {
  server = await startRedis();
  redis = await connectRedis(server.url);
});

after(async () => {
  redis?.close();
  await server?.stop();
});

/** How many times Redis ran `EVAL` and `EVALSHA` so far. */
async function evalCalls(): Promise<{ eval: number; evalsha: number }> {
  const info = String(await redis.send(["INFO", "commandstats"]));
  const calls = (name: string) =>
    Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
  return { eval: calls("eval"), evalsha: calls("evalsha") };
}

test("a script runs by its SHA-1 once loaded, and again after SCRIPT FLUSH", async () => {
  const increment = defineScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");

  const start = await evalCalls();
  assert.equal(await increment.run(redis, ["counter"], [2]), 2);
  const loaded = await evalCalls();
  assert.equal(loaded.eval - start.eval, 1, "the first run sends the source");

  assert.equal(await increment.run(redis, ["counter"], [3]), 5);
  const cached = await evalCalls();
  assert.equal(cached.evalsha - loaded.evalsha, 1);
  assert.equal(cached.eval, loaded.eval, "a later run sends only the SHA-1");

  assert.equal(await redis.send(["SCRIPT", "FLUSH"]), "OK");
  assert.equal(await increment.run(redis, ["counter"], [4]), 9);
  const reloaded = await evalCalls();
  assert.equal(reloaded.eval - cached.eval, 1, "NOSCRIPT falls back to EVAL");

  assert.equal(await increment.run(redis, ["counter"], [1]), 10);
  const again = await evalCalls();
  assert.equal(again.eval, reloaded.eval);
  assert.equal(again.evalsha - reloaded.evalsha, 1);
});

test("the SHA-1 is the one Redis computes", async () => {
  const source = "return 'héllo'";
  const sha = await redis.send(["SCRIPT", "LOAD", source]);
  const before = await evalCalls();
  assert.equal(await defineScript(source).run(redis, [], []), "héllo");
  const after = await evalCalls();
  assert.equal(after.eval, before.eval);
  assert.equal(after.evalsha - before.evalsha, 1);
  assert.match(String(sha), /^[0-9a-f]{40}$/);
});

test("a script's own errors reject without a retry", async () => {
  const failing = defineScript("return redis.error_reply('BOOM no luck')");
  await failing.run(redis, [], []).catch(() => {});
  const before = await evalCalls();
  await assert.rejects(failing.run(redis, [], []), { name: "RedisError", code: "BOOM" });
  const after = await evalCalls();
  assert.equal(after.eval, before.eval);
  assert.equal(after.evalsha - before.evalsha, 1);
});
