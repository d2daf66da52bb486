/**
 * Three instances sharing Redis behind a round-robin proxy, so each HTTP request lands on
 * another instance than the one before: a task started on one is polled and cancelled through
 * the others (raw JSON-RPC: the official 2.x client has no tasks API, and refuses a `tools/call`
 * answered with a task), an MRTR round trip of the official 2.x client whose retry lands
 * elsewhere, and a legacy GET stream cut at the proxy 100 times, each resume with
 * `Last-Event-ID` on another instance, losing no event and repeating none.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import type { JsonObject, LegacySession } from "../../protocol/mod.ts";
import { TASKS_EXTENSION } from "../../protocol/tasks.ts";
import { type HttpServerHandle, serveHttp } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import { redisStore } from "../../store/redis_store.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { getStream, initialize, sseReader } from "../hardening/sse_legacy_helpers.ts";
import { type Deferred, deferred, within } from "../async.ts";
import { type RedisServer, startRedis } from "../redis_server.ts";
import { type RoundRobin, serveRoundRobin } from "./fixtures/round_robin.ts";

const TIMEOUT = 10_000;
const LEGACY = "2025-11-25";
const MODERN = "2026-07-28";
const CUTS = 100;

let redis: RedisServer;
let proxy: RoundRobin;
let url: URL;
const closers: { close(): void | Promise<void> }[] = [];

/** One instance: its legacy sessions, and the runs of its `hold` task tool. */
interface Instance {
  sessions: LegacySession[];
  /** Each `hold` run started here, with its abort signal. */
  holds: AbortSignal[];
  /** Resolved when a `hold` run starts here. */
  held: Deferred<AbortSignal>;
}

const instances: Instance[] = [];

function instanceServer(store: Awaited<ReturnType<typeof redisStore>>, made: Instance): McpServer {
  const server = new McpServer({ name: "resume", version: "1.0.0" }, {
    store,
    tasks: { leaseMs: 300, pollIntervalMs: 5 },
  });
  const attach = server.attachSession.bind(server);
  server.attachSession = (session) => {
    made.sessions.push(session);
    return attach(session);
  };
  server.tool({
    name: "hold",
    execution: { taskSupport: "required" },
    handler: (_args, context) => {
      made.holds.push(context.signal);
      made.held.resolve(context.signal);
      return new Promise<string>((resolve) => {
        context.signal.addEventListener("abort", () => resolve("aborted"), { once: true });
      });
    },
  });
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
  closers.push(server);
  return server;
}

before(async () => {
  redis = await startRedis();
  const stores = await Promise.all([0, 1, 2].map(() => redisStore({ url: redis.url })));
  const served: HttpServerHandle[] = [];
  for (const store of stores) {
    closers.push(store);
    const made: Instance = { sessions: [], holds: [], held: deferred() };
    instances.push(made);
    const handler = createHttpHandler(instanceServer(store, made));
    served.push(await serveHttp(handler, { port: 0, hostname: "127.0.0.1" }));
  }
  proxy = await serveRoundRobin(served.map((http) => http.url));
  url = new URL(`${proxy.server.url}/mcp`);
  closers.push(proxy.server, ...served);
});

after(async () => {
  for (const closer of closers.reverse()) await closer.close();
  await redis?.stop();
});

function modernClient(): Client {
  return new Client(
    { name: "resume-2x", version: "1.0.0" },
    {
      capabilities: { elicitation: {}, extensions: { [TASKS_EXTENSION]: {} } },
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    },
  );
}

let nextId = 0;

/**
 * A 2026-07-28 request of the tasks extension as raw JSON-RPC through the proxy (the official
 * 2.x client refuses a `tools/call` answered with a task: tasks are a separate package's); its
 * result, or fails the test on an error.
 */
async function call(method: string, params: JsonObject): Promise<JsonObject> {
  nextId += 1;
  const name = method === "tools/call" ? params.name : params.taskId;
  const response = await fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": MODERN,
      "mcp-method": method,
      "mcp-name": String(name),
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: nextId,
      method,
      params: {
        ...params,
        _meta: {
          "io.modelcontextprotocol/protocolVersion": MODERN,
          "io.modelcontextprotocol/clientCapabilities": { extensions: { [TASKS_EXTENSION]: {} } },
          "io.modelcontextprotocol/clientInfo": { name: "resume-raw", version: "1" },
        },
      },
    }),
  });
  let reply: JsonObject;
  if (response.headers.get("content-type")?.includes("text/event-stream")) {
    const events = sseReader(response.body!);
    do reply = JSON.parse((await events.next(TIMEOUT)).data) as JsonObject; while (
      reply.id !== nextId
    );
    await events.cancel();
  } else {
    reply = await response.json() as JsonObject;
  }
  assert.ok(reply.result, `${method}: ${JSON.stringify(reply)}`);
  return reply.result as JsonObject;
}

/** The upstream of each request routed since `from`. */
function upstreamsSince(from: number): number[] {
  return proxy.routed.slice(from).map((route) => route.upstream);
}

describe("through a round-robin proxy to three instances on Redis", () => {
  test("a task started on one instance is polled and cancelled through the others", async () => {
    const from = proxy.routed.length;
    const created = await call("tools/call", { name: "hold", arguments: {} });
    assert.equal(created.resultType, "task", JSON.stringify(created));
    const taskId = String(created.taskId);
    const started = instances.findIndex((made) => made.holds.length > 0);
    const signal = await within(
      Promise.race(instances.map((made) => made.held.promise)),
      TIMEOUT,
      "the task to start",
    );
    const startedOn = upstreamsSince(from)[0];
    assert.equal(started === -1 ? startedOn : started, startedOn);
    const polledFrom = proxy.routed.length;
    const polled = await call("tasks/get", { taskId });
    assert.equal(polled.status, "working", JSON.stringify(polled));
    const cancelled = await call("tasks/cancel", { taskId });
    assert.equal(cancelled.resultType, "complete", JSON.stringify(cancelled));
    // Polled and cancelled on the two other instances.
    const elsewhere = upstreamsSince(polledFrom);
    assert.equal(new Set([startedOn, ...elsewhere]).size, 3, `${startedOn}, then ${elsewhere}`);
    const after = await call("tasks/get", { taskId });
    assert.equal(after.status, "cancelled", JSON.stringify(after));
    // The run on the starting instance stops: it learns of the cancellation from the store.
    const aborted = new Promise<void>((resolve) => {
      if (signal.aborted) resolve();
      signal.addEventListener("abort", () => resolve(), { once: true });
    });
    await within(aborted, TIMEOUT, "the cancelled run to stop");
  });

  test("an MRTR round trip: the retry with the answer lands on another instance", async () => {
    const client = modernClient();
    const asked: string[] = [];
    client.setRequestHandler("elicitation/create", (request) => {
      asked.push(String((request.params as { message?: unknown }).message));
      return Promise.resolve({ action: "accept", content: { name: "Ada" } });
    });
    await within(client.connect(new StreamableHTTPClientTransport(url)), TIMEOUT, "connect");
    try {
      for (let round = 0; round < 3; round += 1) {
        const from = proxy.routed.length;
        const result = await client.callTool({ name: "ask", arguments: {} });
        const content = (result as { content?: { text?: string }[] }).content;
        assert.equal(content?.[0]?.text, "hello Ada");
        const posts = upstreamsSince(from);
        assert.ok(posts.length >= 2, `the call and its retry: ${posts}`);
        assert.notEqual(posts[0], posts[1]);
      }
      assert.deepEqual(asked, ["Name?", "Name?", "Name?"]);
    } finally {
      await client.close();
    }
  });

  test(`a GET stream cut ${CUTS} times resumes on another instance, losing no event`, async () => {
    const send = async (request: Request) => await fetch(request);
    const session = await initialize(send, LEGACY, url.href);
    const sender = instances.flatMap((made) => made.sessions).find((one) => one.id === session)!;
    assert.ok(sender, "the session is attached where it was opened");
    const emit = (n: number) =>
      sender.sendStandalone({ jsonrpc: "2.0", method: "notifications/message", params: { n } });
    const seen: number[] = [];
    const holders: number[] = [];
    let lastEventId: string | undefined;
    let sent = 0;
    for (let cut = 0; cut <= CUTS; cut += 1) {
      holders.push(proxy.next);
      const response = await fetch(getStream(session, LEGACY, lastEventId, url.href));
      assert.equal(response.status, 200, `resume ${cut}`);
      const events = sseReader(response.body!);
      // Three events a round: one read, then the connection cut with the others in flight
      // or not yet sent; each resume gets them back from the event store.
      for (let i = 0; i < 3; i += 1) emit(sent++);
      const event = await events.next(TIMEOUT);
      seen.push(Number((JSON.parse(event.data) as { params: { n: number } }).params.n));
      lastEventId = event.id;
      if (cut === CUTS) {
        // The last round reads what is left.
        while (seen.length < sent) {
          const rest = await events.next(TIMEOUT);
          seen.push(Number((JSON.parse(rest.data) as { params: { n: number } }).params.n));
          lastEventId = rest.id;
        }
        await events.cancel();
        break;
      }
      assert.ok(proxy.cut() >= 1, `round ${cut}: the stream to cut`);
      await events.cancel();
    }
    assert.deepEqual(seen, Array.from({ length: sent }, (_, n) => n));
    for (let round = 1; round < holders.length; round += 1) {
      assert.notEqual(holders[round], holders[round - 1], `resume ${round} on another instance`);
    }
  });
});
