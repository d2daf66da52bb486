/**
 * State shared through Redis by two instances: the MRTR signing key (`sharedSecret`,
 * `redisStore`), and legacy SSE resumption with the Redis event store behind the HTTP handler.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject, JsonRpcRequest } from "../../protocol/mod.ts";
import { connectRedis, type RedisClient } from "../../store/redis/mod.ts";
import { type RedisStore, redisStore } from "../../store/redis_store.ts";
import { sharedSecret } from "../../store/shared_secret.ts";
import type { ServerOptions } from "../../server/options.ts";
import { McpServer } from "../../server/server.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import {
  capturingServer,
  direct,
  ENDPOINT,
  getStream,
  initialize,
  numbered,
  sseReader,
} from "../hardening/sse_legacy_helpers.ts";
import { modern } from "../server/helpers.ts";
import { type RedisServer, startRedis } from "../redis_server.ts";
import { replay } from "./event_store_contract.ts";

let server: RedisServer;
const closers: { close(): void }[] = [];

async function client(): Promise<RedisClient> {
  const redis = await connectRedis(server.url);
  closers.push(redis);
  return redis;
}

async function store(): Promise<RedisStore> {
  const made = await redisStore({ url: server.url });
  closers.push(made);
  return made;
}

before(async () => {
  server = await startRedis();
});

after(async () => {
  for (const closer of closers) closer.close();
  await server?.stop();
});

describe("a shared signing key", () => {
  test("concurrent first callers on five connections agree on one 32-byte key", async () => {
    const redis = await Promise.all(Array.from({ length: 5 }, client));
    const keys = await Promise.all(redis.map((r) => sharedSecret(r, "agree")));
    assert.equal(keys[0].length, 32);
    for (const key of keys) assert.deepEqual(key, keys[0]);
    const other = await sharedSecret(redis[0], "another");
    assert.notDeepEqual(other, keys[0]);
  });

  test("redisStore instances share a key per prefix, and close their connection", async () => {
    const [one, two, elsewhere] = await Promise.all([
      store(),
      store(),
      redisStore({ url: server.url, prefix: "other-deployment:" }),
    ]);
    closers.push(elsewhere);
    assert.deepEqual(one.requestStateSecret, two.requestStateSecret);
    assert.notDeepEqual(elsewhere.requestStateSecret, one.requestStateSecret);
    one.close();
    await assert.rejects(one.redis.send(["PING"]));
    assert.equal(await two.redis.send(["PING"]), "PONG");
  });

  test("a key not made here is refused, not used", async () => {
    const redis = await client();
    await redis.set("emcee:secret:foreign", "short");
    await assert.rejects(sharedSecret(redis, "foreign"), /does not hold a 32-byte hex secret/);
  });
});

/** A server whose `greet` tool asks the client for a name (one MRTR round). */
function askingServer(options: ServerOptions): McpServer {
  const server = new McpServer({ name: "asking", version: "1.0.0" }, options);
  server.tool({
    name: "greet",
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      });
      return `hello ${String(answer.content?.name)}`;
    },
  });
  return server;
}

function greet(extra: JsonObject = {}): JsonRpcRequest {
  return modern("tools/call", { name: "greet", arguments: {}, ...extra }, { elicitation: {} });
}

function field(response: unknown, name: "result" | "error"): JsonObject {
  assert.ok(response && typeof response === "object" && name in response, JSON.stringify(response));
  return (response as { [key: string]: JsonObject })[name];
}

describe("MRTR across instances", () => {
  test("state made by server A is accepted by server B with the redisStore secret", async () => {
    const [storeA, storeB] = await Promise.all([store(), store()]);
    assert.deepEqual(storeA.requestStateSecret, storeB.requestStateSecret);
    const a = askingServer({ requestStateSecret: storeA.requestStateSecret });
    const b = askingServer({ requestStateSecret: storeB.requestStateSecret });
    const lone = askingServer({});
    try {
      const first = field(await a.handleRequest(greet()), "result");
      assert.equal(first.resultType, "input_required");
      const [key] = Object.keys(first.inputRequests as JsonObject);
      const retry = {
        inputResponses: { [key]: { action: "accept", content: { name: "Ada" } } },
        requestState: first.requestState as string,
      };
      const done = field(await b.handleRequest(greet(retry)), "result");
      assert.deepEqual(done.content, [{ type: "text", text: "hello Ada" }]);
      // An instance with its own random key refuses the same state.
      const refused = field(await lone.handleRequest(greet(retry)), "error");
      assert.equal(refused.code, -32602);
      assert.match(String(refused.message), /Invalid requestState/);
    } finally {
      await Promise.all([a.close(), b.close(), lone.close()]);
    }
  });
});

const VERSION = "2025-06-18";

describe("legacy SSE resumption on the Redis event store", () => {
  test("a cut GET stream resumes with Last-Event-ID; another instance's store has the events", async () => {
    const [storeA, storeB] = await Promise.all([store(), store()]);
    const { server: mcp, sessions } = capturingServer();
    const handler = createHttpHandler(mcp, { legacy: { eventStore: storeA.eventStore } });
    const id = await initialize(direct(handler), VERSION);
    const session = sessions.at(-1)!;
    const stream = sseReader((await handler(getStream(id, VERSION))).body!);
    session.sendStandalone(numbered(0));
    const seen = await stream.next();
    assert.match(seen.id!, new RegExp(`^${id}-get\\.\\d+-\\d+$`));
    await stream.cancel();
    session.sendStandalone(numbered(1));
    session.sendStandalone(numbered(2));
    const resumed = await handler(getStream(id, VERSION, seen.id));
    assert.equal(resumed.status, 200);
    const again = sseReader(resumed.body!);
    assert.deepEqual(JSON.parse((await again.next()).data), numbered(1));
    assert.deepEqual(JSON.parse((await again.next()).data), numbered(2));
    session.sendStandalone(numbered(3));
    assert.deepEqual(JSON.parse((await again.next()).data), numbered(3));
    await again.cancel();
    // What instance B would replay once it can find the session (sessions are per process).
    // The events were stored before A replayed them, so B's connection sees them too.
    const fromB = await replay(storeB.eventStore, seen.id!);
    assert.equal(fromB.stream, `${id}-get`);
    assert.deepEqual(fromB.events.map(([, m]) => m), [numbered(1), numbered(2), numbered(3)]);

    const deleted = await handler(
      new Request(ENDPOINT, {
        method: "DELETE",
        headers: { "mcp-session-id": id, "mcp-protocol-version": VERSION },
      }),
    );
    assert.equal(deleted.status, 200);
    // forgetSession runs after the DELETE answers: wait for its keys to go, boundedly.
    let left = 1;
    for (let i = 0; i < 1000 && left > 0; i++) {
      left = (await storeA.redis.send(["EXISTS", `emcee:events:${id}-get`])) as number;
    }
    assert.equal(left, 0, "the session's events were deleted from Redis");
  });
});
