/**
 * Server-to-client requests and cancellation across two instances of one endpoint, on the
 * in-memory bus and on Redis: a tool on A asks the client (elicitation on the POST's stream,
 * roots on a GET stream held by B) and the client answers on B; a `notifications/cancelled`
 * sent to B aborts the handler running on A; a request stream A closed (SEP-1699 polling) is
 * resumed on B, which streams what A sends next; a GET stream opened on B closes the one A held.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject, LegacySession } from "../../protocol/mod.ts";
import type { McpServer } from "../../server/server.ts";
import { redisStore } from "../../store/redis_store.ts";
import { createMemoryEventStore } from "../../transports/http/event_store.ts";
import { createMemoryMessageBus } from "../../transports/http/message_bus.ts";
import { createHttpHandler, type HttpHandler } from "../../transports/http/server.ts";
import { createMemorySessionDirectory } from "../../transports/http/session_directory.ts";
import type { LegacyHttpOptions } from "../../transports/http/server.ts";
import {
  capturingServer,
  ENDPOINT,
  getStream,
  numbered,
  sseReader,
} from "../hardening/sse_legacy_helpers.ts";
import { type Deferred, deferred, within } from "../async.ts";
import { type RedisServer, startRedis } from "../redis_server.ts";

const VERSION = "2025-11-25";
let redis: RedisServer;
let prefixes = 0;
const closers: { close(): void | Promise<void> }[] = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const closer of closers) await closer.close();
  await redis?.stop();
});

/** One instance: its server (whose `wait` tool reports its start and abort) and handler. */
interface Instance {
  handler: HttpHandler;
  sessions: LegacySession[];
  started: Deferred<void>;
  aborted: Deferred<unknown>;
  /** Lets the `poll` tool go on once its stream is closed. */
  release: Deferred<void>;
}

type Shared = Pick<LegacyHttpOptions, "eventStore" | "sessionDirectory" | "messageBus">;

function instance(shared: Shared): Instance {
  const { server, sessions } = capturingServer();
  closers.push(server);
  const made: Instance = {
    handler: createHttpHandler(server, { legacy: { ...shared } }),
    sessions,
    started: deferred(),
    aborted: deferred(),
    release: deferred(),
  };
  tools(server, made);
  return made;
}

function tools(server: McpServer, made: Instance): void {
  server.tool({
    name: "ask",
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      });
      return `hello ${String(answer.content?.name)}`;
    },
  });
  server.tool({
    name: "poll",
    handler: async (_args, context) => {
      context.log("info", "before");
      context.closeStream();
      await made.release.promise;
      context.log("info", "after");
      return "polled";
    },
  });
  server.tool({
    name: "wait",
    handler: (_args, context) => {
      const signal = context.signal;
      made.started.resolve();
      return new Promise<string>((resolve) => {
        signal.addEventListener("abort", () => {
          made.aborted.resolve(signal.reason);
          resolve("aborted");
        }, { once: true });
      });
    },
  });
}

function memoryPair(): Promise<[Instance, Instance]> {
  const shared: Shared = {
    eventStore: createMemoryEventStore(),
    sessionDirectory: createMemorySessionDirectory(),
    messageBus: createMemoryMessageBus(),
  };
  return Promise.resolve([instance(shared), instance(shared)]);
}

async function redisPair(): Promise<[Instance, Instance]> {
  const prefix = `cross-instance-${prefixes++}:`;
  const [a, b] = await Promise.all([
    redisStore({ url: redis.url, prefix }),
    redisStore({ url: redis.url, prefix }),
  ]);
  closers.push(a, b);
  return [instance(a), instance(b)];
}

async function post(target: Instance, body: JsonObject, session?: string): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  if (session) {
    headers["mcp-session-id"] = session;
    headers["mcp-protocol-version"] = VERSION;
  }
  return await target.handler(
    new Request(ENDPOINT, {
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", ...body }),
    }),
  );
}

/** Initializes a session on `target` whose client can answer elicitation and roots. */
async function initialize(target: Instance): Promise<string> {
  const response = await post(target, {
    id: "init",
    method: "initialize",
    params: {
      protocolVersion: VERSION,
      capabilities: { elicitation: {}, roots: {} },
      clientInfo: { name: "cross", version: "1" },
    },
  });
  await response.body?.cancel();
  const id = response.headers.get("mcp-session-id");
  assert.ok(id, `initialize gave no session id (status ${response.status})`);
  const done = await post(target, { method: "notifications/initialized" }, id);
  assert.equal(done.status, 202);
  return id;
}

function call(id: number, name: string): JsonObject {
  return { id, method: "tools/call", params: { name, arguments: {} } };
}

function resultText(message: JsonObject): string {
  const result = message.result as { content?: { text?: string }[] } | undefined;
  assert.ok(result, JSON.stringify(message));
  return String(result.content?.[0]?.text);
}

for (const [bus, pair] of [["in-memory", memoryPair], ["Redis", redisPair]] as const) {
  describe(`server-to-client requests across instances (${bus} bus)`, () => {
    test("an elicitation sent by a tool on A is answered on B", async () => {
      const [a, b] = await pair();
      const session = await initialize(a);
      const stream = await post(a, call(1, "ask"), session);
      assert.equal(stream.headers.get("content-type"), "text/event-stream");
      const events = sseReader(stream.body!);
      try {
        const asked = JSON.parse((await events.next()).data) as JsonObject;
        assert.equal(asked.method, "elicitation/create", JSON.stringify(asked));
        const answered = await post(b, {
          id: asked.id,
          result: { action: "accept", content: { name: "Ada" } },
        }, session);
        assert.equal(answered.status, 202);
        const done = JSON.parse((await events.next()).data) as JsonObject;
        assert.equal(done.id, 1);
        assert.equal(resultText(done), "hello Ada");
      } finally {
        await events.cancel();
      }
    });

    test("a request from A on the GET stream B holds is answered on B", async () => {
      const [a, b] = await pair();
      const session = await initialize(a);
      // B adopts the session and holds its GET stream; A sends outside any request.
      const opened = await b.handler(getStream(session, VERSION));
      assert.equal(opened.status, 200);
      const events = sseReader(opened.body!);
      try {
        const roots = a.sessions.at(-1)!.engine.request("roots/list", {});
        const asked = JSON.parse((await events.next()).data) as JsonObject;
        assert.equal(asked.method, "roots/list", JSON.stringify(asked));
        const answered = await post(b, {
          id: asked.id,
          result: { roots: [{ uri: "file:///ada" }] },
        }, session);
        assert.equal(answered.status, 202);
        assert.deepEqual(await within(roots, 10_000, "the roots"), {
          roots: [{ uri: "file:///ada" }],
        });
      } finally {
        await events.cancel();
      }
    });

    test("requests of one session sent by A and by B have ids of their own", async () => {
      const [a, b] = await pair();
      const session = await initialize(a);
      const opened = await b.handler(getStream(session, VERSION));
      const events = sseReader(opened.body!);
      try {
        const fromA = a.sessions.at(-1)!.engine.request("roots/list", {});
        const fromB = b.sessions.at(-1)!.engine.request("roots/list", {});
        const asked = [await events.next(), await events.next()].map((event) =>
          JSON.parse(event.data) as JsonObject
        );
        assert.notEqual(asked[0].id, asked[1].id);
        // Both answered on A: one is A's own, the other goes to B.
        for (const request of asked) {
          const answered = await post(a, {
            id: request.id,
            result: { roots: [{ uri: `file:///${request.id}` }] },
          }, session);
          assert.equal(answered.status, 202);
        }
        const [gotA, gotB] = await within(Promise.all([fromA, fromB]), 10_000, "both answers");
        assert.deepEqual(
          new Set([gotA, gotB].map((got) => (got.roots as JsonObject[])[0].uri)),
          new Set(asked.map((request) => `file:///${request.id}`)),
        );
      } finally {
        await events.cancel();
      }
    });

    test("notifications/cancelled sent to B aborts the handler running on A", async () => {
      const [a, b] = await pair();
      const session = await initialize(a);
      const running = post(a, call(7, "wait"), session);
      await within(a.started.promise, 10_000, "the tool to start on A");
      const cancelled = await post(b, {
        method: "notifications/cancelled",
        params: { requestId: 7, reason: "changed my mind" },
      }, session);
      assert.equal(cancelled.status, 202);
      assert.equal(await within(a.aborted.promise, 10_000, "the abort on A"), "changed my mind");
      await (await running).body?.cancel();
    });

    test("a request stream closed on A, resumed on B, gets A's later events there", async () => {
      const [a, b] = await pair();
      const session = await initialize(a);
      const first = sseReader((await post(a, call(3, "poll"), session)).body!);
      const before = await first.next();
      assert.match(before.data, /before/);
      await first.cancel();
      const resumed = await b.handler(getStream(session, VERSION, before.id));
      assert.equal(resumed.status, 200);
      const events = sseReader(resumed.body!);
      try {
        a.release.resolve();
        assert.match((await events.next()).data, /after/);
        const done = JSON.parse((await events.next()).data) as JsonObject;
        assert.equal(done.id, 3);
        assert.equal(resultText(done), "polled");
      } finally {
        await events.cancel();
      }
    });

    test("a GET stream opened on B closes A's, whose next notification reaches B", async () => {
      const [a, b] = await pair();
      const session = await initialize(a);
      const onA = sseReader((await a.handler(getStream(session, VERSION))).body!);
      const onB = sseReader((await b.handler(getStream(session, VERSION))).body!);
      try {
        await assert.rejects(onA.next(), /the SSE stream ended/);
        a.sessions.at(-1)!.sendStandalone(numbered(1));
        assert.deepEqual(JSON.parse((await onB.next()).data).params, { n: 1 });
      } finally {
        await onA.cancel();
        await onB.cancel();
      }
    });
  });
}
