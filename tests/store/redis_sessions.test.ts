/**
 * Legacy sessions across two instances sharing Redis: a session opened on A is adopted by B
 * through the Redis session directory, its state (log level) follows it, DELETE on one ends
 * it on the other, the session cap holds across both, and B resumes A's GET stream.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject, LegacySession } from "../../protocol/mod.ts";
import type { McpServer } from "../../server/server.ts";
import { type RedisStore, redisStore, type RedisStoreOptions } from "../../store/redis_store.ts";
import { createHttpHandler, type HttpHandler } from "../../transports/http/server.ts";
import { createMemorySessionDirectory } from "../../transports/http/session_directory.ts";
import {
  capturingServer,
  direct,
  ENDPOINT,
  getStream,
  initialize,
  numbered,
  sseReader,
} from "../hardening/sse_legacy_helpers.ts";
import { type RedisServer, startRedis } from "../redis_server.ts";

const VERSION = "2025-06-18";
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

/** One instance: its own McpServer (same tools as the others) and handler. */
interface Instance {
  handler: HttpHandler;
  sessions: LegacySession[];
  server: McpServer;
}

function instance(
  store: Pick<RedisStore, "eventStore" | "sessionDirectory" | "messageBus">,
): Instance {
  const { server, sessions } = capturingServer();
  server.tool({ name: "echo", handler: () => "echoed" });
  closers.push(server);
  const handler = createHttpHandler(server, {
    legacy: {
      eventStore: store.eventStore,
      sessionDirectory: store.sessionDirectory,
      messageBus: store.messageBus,
    },
  });
  return { handler, sessions, server };
}

/** Two instances on two connections to Redis, under a prefix of their own. */
async function pair(sessions?: RedisStoreOptions["sessions"]): Promise<[Instance, Instance]> {
  const prefix = `sessions-test-${prefixes++}:`;
  const [a, b] = await Promise.all([
    redisStore({ url: redis.url, prefix, sessions }),
    redisStore({ url: redis.url, prefix, sessions }),
  ]);
  closers.push(a, b);
  return [instance(a), instance(b)];
}

/** POSTs `body` in session `id`; resolves with the status and the JSON-RPC answer, if any. */
async function rpc(
  target: Instance,
  id: string,
  body: JsonObject,
): Promise<{ status: number; message?: JsonObject }> {
  const response = await target.handler(
    new Request(ENDPOINT, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-session-id": id,
        "mcp-protocol-version": VERSION,
      },
      body: JSON.stringify({ jsonrpc: "2.0", ...body }),
    }),
  );
  const type = response.headers.get("content-type") ?? "";
  if (type.includes("text/event-stream")) {
    const events = sseReader(response.body!);
    const message = JSON.parse((await events.next()).data) as JsonObject;
    await events.cancel();
    return { status: response.status, message };
  }
  const text = await response.text();
  return { status: response.status, message: text ? JSON.parse(text) as JsonObject : undefined };
}

const echo = (n: number): JsonObject => ({
  id: n,
  method: "tools/call",
  params: { name: "echo", arguments: {} },
});

function text(answer: { message?: JsonObject }): string {
  const result = answer.message?.result as { content?: { text?: string }[] } | undefined;
  assert.ok(result, JSON.stringify(answer.message));
  return String(result.content?.[0]?.text);
}

describe("legacy sessions across instances (Redis session directory)", () => {
  test("a session initialized on A answers tools/call on B, with A's log level", async () => {
    const [a, b] = await pair();
    const id = await initialize(direct(a.handler), VERSION);
    assert.equal(text(await rpc(b, id, echo(1))), "echoed");
    // The session B built has what initialize negotiated on A.
    const adopted = b.sessions.at(-1)!;
    assert.equal(adopted.id, id);
    assert.equal(adopted.protocolVersion, VERSION);
    assert.equal(adopted.initialized, true);
    assert.deepEqual(adopted.clientInfo, { name: "h", version: "1" });

    const level = await rpc(a, id, {
      id: 2,
      method: "logging/setLevel",
      params: { level: "error" },
    });
    assert.equal(level.status, 200, JSON.stringify(level.message));
    // B already holds its copy: the directory's newer state is taken in on B's next request.
    assert.equal(text(await rpc(b, id, echo(3))), "echoed");
    assert.equal(adopted.logLevel, "error");
    assert.equal(b.sessions.length, 1, "B adopted the session once");
  });

  test("setLevel on A is visible on an instance that adopts the session later", async () => {
    const [a, b] = await pair();
    const id = await initialize(direct(a.handler), VERSION);
    const level = await rpc(a, id, {
      id: 1,
      method: "logging/setLevel",
      params: { level: "error" },
    });
    assert.equal(level.status, 200, JSON.stringify(level.message));
    assert.equal(text(await rpc(b, id, echo(2))), "echoed");
    assert.equal(b.sessions.at(-1)!.logLevel, "error");
  });

  test("DELETE on B ends the session on A", async () => {
    const [a, b] = await pair();
    const id = await initialize(direct(a.handler), VERSION);
    assert.equal(text(await rpc(a, id, echo(1))), "echoed");
    const deleted = await b.handler(
      new Request(ENDPOINT, {
        method: "DELETE",
        headers: { "mcp-session-id": id, "mcp-protocol-version": VERSION },
      }),
    );
    assert.equal(deleted.status, 200);
    const onA = await rpc(a, id, echo(2));
    assert.equal(onA.status, 404);
    assert.match(JSON.stringify(onA.message), /Session ended/);
    const onB = await rpc(b, id, echo(3));
    assert.equal(onB.status, 404);
    assert.match(JSON.stringify(onB.message), /Session ended/);
  });

  test("the session cap holds across both instances", async () => {
    const [a, b] = await pair({ maxSessions: 2 });
    const first = await initialize(direct(a.handler), VERSION);
    const second = await initialize(direct(b.handler), VERSION);
    assert.equal(text(await rpc(a, second, echo(1))), "echoed");
    // A third session, wherever opened, ends the least recently used: `first`.
    const third = await initialize(direct(a.handler), VERSION);
    for (const target of [a, b]) {
      const gone = await rpc(target, first, echo(2));
      assert.equal(gone.status, 404);
      assert.match(JSON.stringify(gone.message), /Session ended/);
      assert.equal(text(await rpc(target, second, echo(3))), "echoed");
      assert.equal(text(await rpc(target, third, echo(4))), "echoed");
    }
  });

  test("B resumes with Last-Event-ID the GET stream A's events were stored for", async () => {
    const [a, b] = await pair();
    const id = await initialize(direct(a.handler), VERSION);
    const session = a.sessions.at(-1)!;
    const stream = sseReader((await a.handler(getStream(id, VERSION))).body!);
    session.sendStandalone(numbered(0));
    const seen = await stream.next();
    assert.match(seen.id!, new RegExp(`^${id}-get\\.`));
    await stream.cancel();
    session.sendStandalone(numbered(1));
    session.sendStandalone(numbered(2));
    // The appends are pipelined on A's connection: a round trip on it says they are stored.
    assert.equal(text(await rpc(a, id, echo(1))), "echoed");
    const resumed = await b.handler(getStream(id, VERSION, seen.id));
    assert.equal(resumed.status, 200);
    const again = sseReader(resumed.body!);
    assert.deepEqual(JSON.parse((await again.next()).data), numbered(1));
    assert.deepEqual(JSON.parse((await again.next()).data), numbered(2));
    // What B's copy of the session sends goes on the resumed stream.
    b.sessions.at(-1)!.sendStandalone(numbered(3));
    assert.deepEqual(JSON.parse((await again.next()).data), numbered(3));
    // A notification for the session sent on A, which holds no stream now, reaches B's stream
    // through the message bus, under the id the event store gave it.
    session.sendStandalone(numbered(4));
    const bused = await again.next();
    assert.deepEqual(JSON.parse(bused.data), numbered(4));
    assert.match(bused.id!, new RegExp(`^${id}-get\\.\\d+-\\d+$`));
    await again.cancel();
  });

  test("DELETE on B closes the GET stream A holds, through the message bus", async () => {
    const [a, b] = await pair();
    const id = await initialize(direct(a.handler), VERSION);
    const stream = sseReader((await a.handler(getStream(id, VERSION))).body!);
    const deleted = await b.handler(
      new Request(ENDPOINT, {
        method: "DELETE",
        headers: { "mcp-session-id": id, "mcp-protocol-version": VERSION },
      }),
    );
    assert.equal(deleted.status, 200);
    await assert.rejects(stream.next(), /the SSE stream ended/);
  });

  test("another principal cannot adopt a session by its id", async () => {
    const directory = createMemorySessionDirectory();
    const make = (who: string) => {
      const { server } = capturingServer();
      server.tool({ name: "echo", handler: () => "echoed" });
      closers.push(server);
      return createHttpHandler(server, {
        legacy: { sessionDirectory: directory },
        authenticate: () => ({ token: who, clientId: who, scopes: [] }),
      });
    };
    const a: Instance = { handler: make("alice"), sessions: [], server: undefined! };
    const b: Instance = { handler: make("mallory"), sessions: [], server: undefined! };
    const c: Instance = { handler: make("alice"), sessions: [], server: undefined! };
    const id = await initialize(direct(a.handler), VERSION);
    assert.equal((await rpc(b, id, echo(1))).status, 404);
    assert.equal(text(await rpc(c, id, echo(2))), "echoed");
  });
});
