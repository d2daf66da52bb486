/**
 * Tasks on Redis across two instances (read, cancel, lease expiry after an instance died), one
 * `store` given once to the server and picked up by its HTTP handler, and the answers while
 * Redis is away: 503 with `Retry-After` and the request's id, then service again once it is back.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { TASKS_EXTENSION } from "../../protocol/tasks.ts";
import { McpServer } from "../../server/server.ts";
import { type RedisStore, redisStore } from "../../store/redis_store.ts";
import { createHttpHandler, type HttpHandler } from "../../transports/http/server.ts";
import { createMemorySessionDirectory } from "../../transports/http/session_directory.ts";
import { type RedisServer, startRedis } from "../redis_server.ts";
import { modernMeta } from "../server/helpers.ts";
import {
  answerOnAnother,
  cancelOnAnother,
  dying,
  failedAfterDeath,
  instance,
  readOnAnother,
} from "./task_contract.ts";

let server: RedisServer;
const closers: { close(): void }[] = [];

async function store(url = server.url): Promise<RedisStore> {
  // Short waits, so a request while Redis is away fails fast and one after it comes back works.
  const made = await redisStore({ url, reconnectWaitMs: 300, reconnectMaxDelayMs: 20 });
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

describe("tasks on Redis, two instances", () => {
  test("a task started on A is read on B, and completes there", async () => {
    const [a, b] = await Promise.all([store(), store()]);
    await readOnAnother(instance({ store: a.taskStore }), instance({ store: b.taskStore }));
  });

  test("input asked on A is answered on B", async () => {
    const [a, b] = await Promise.all([store(), store()]);
    await answerOnAnother(instance({ store: a.taskStore }), instance({ store: b.taskStore }));
  });

  test("a task cancelled on B stops running on A", async () => {
    const [a, b] = await Promise.all([store(), store()]);
    await cancelOnAnother(
      instance({ store: a.taskStore, leaseMs: 60 }),
      instance({ store: b.taskStore }),
    );
  });

  test("a task whose instance died is failed on B after the lease, with the reason", async () => {
    const [a, b] = await Promise.all([store(), store()]);
    const dead = dying(a.taskStore);
    let offset = 0;
    await failedAfterDeath(
      instance({ store: dead.store, leaseMs: 2_000 }),
      () => {
        dead.kill();
        a.close();
      },
      instance({ store: b.taskStore, leaseMs: 2_000, now: () => Date.now() + offset }),
      (ms) => (offset += ms),
      2_000,
    );
  });

  test("the record on Redis holds the lease and a digest of the owner", async () => {
    const shared = await store();
    const a = instance({ store: shared.taskStore, leaseMs: 5_000 });
    const { taskId } = (await a.server.handleRequest({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name: "hold", arguments: {}, _meta: modernMeta(WITH_TASKS) },
    }, { auth: { token: "secret-token", scopes: [] } }) as { result: JsonObject }).result;
    await a.started;
    const raw = await shared.redis.get(`emcee:task:${String(taskId)}`);
    assert.ok(raw !== null);
    assert.ok(!raw.includes("secret-token"));
    const record = JSON.parse(raw);
    assert.equal(typeof record.lease.holder, "string");
    assert.ok(record.lease.expiresAt > Date.now());
    const ttl = await shared.redis.send(["PTTL", `emcee:task:${String(taskId)}`]) as number;
    assert.ok(ttl > 0 && ttl <= 3_600_000, `ttl ${ttl}`);
    a.release();
  });
});

const WITH_TASKS = { extensions: { [TASKS_EXTENSION]: {} } };
const ENDPOINT = "http://127.0.0.1/mcp";
let nextId = 100;

/** A 2026-07-28 POST of `method`, answered as JSON. */
function modernPost(method: string, params: JsonObject = {}): { id: number; request: Request } {
  const id = nextId++;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json",
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": method,
  };
  if (method === "tools/call") headers["mcp-name"] = String(params.name);
  if (method.startsWith("tasks/")) headers["mcp-name"] = String(params.taskId);
  const body = { jsonrpc: "2.0", id, method, params: { ...params, _meta: modernMeta(WITH_TASKS) } };
  return {
    id,
    request: new Request(ENDPOINT, { method: "POST", headers, body: JSON.stringify(body) }),
  };
}

async function send(
  handler: HttpHandler,
  method: string,
  params?: JsonObject,
): Promise<{ id: number; response: Response; body: JsonObject }> {
  const { id, request } = modernPost(method, params);
  const response = await handler(request);
  return { id, response, body: await response.json() };
}

describe("one store, given once", () => {
  test("the handler of a server built with { store } uses its pieces", async () => {
    const shared = await store();
    const mcp = new McpServer({ name: "s", version: "1" }, { store: shared, tasks: true });
    const handler = createHttpHandler(mcp);
    const init = await handler(initializeRequest());
    assert.equal(init.status, 200);
    const sessionId = init.headers.get("mcp-session-id")!;
    // The session went to the store's directory on Redis.
    const exists = await shared.redis.send(["EXISTS", `emcee:session:${sessionId}`]);
    assert.equal(exists, 1);
  });
});

function initializeRequest(): Request {
  return new Request(ENDPOINT, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "t", version: "1" },
      },
    }),
  });
}

describe("one store, explicit options", () => {
  test("the handler's own store serves a server built without one", async () => {
    const shared = await store();
    const handler = createHttpHandler(new McpServer({ name: "s", version: "1" }), {
      store: shared,
    });
    const sessionId = (await handler(initializeRequest())).headers.get("mcp-session-id")!;
    assert.equal(await shared.redis.send(["EXISTS", `emcee:session:${sessionId}`]), 1);
  });

  test("an explicit legacy.sessionDirectory wins over the server's store", async () => {
    const shared = await store();
    const mcp = new McpServer({ name: "s", version: "1" }, { store: shared });
    const handler = createHttpHandler(mcp, {
      legacy: { sessionDirectory: createMemorySessionDirectory() },
    });
    const sessionId = (await handler(initializeRequest())).headers.get("mcp-session-id")!;
    assert.equal(await shared.redis.send(["EXISTS", `emcee:session:${sessionId}`]), 0);
  });

  test("MRTR state sealed by one { store } server opens on another", async () => {
    const [one, two] = await Promise.all([store(), store()]);
    const asking = (shared: RedisStore) => {
      const mcp = new McpServer({ name: "s", version: "1" }, { store: shared });
      mcp.tool({
        name: "greet",
        handler: async (_args, context) => {
          const answer = await context.elicit({
            message: "Name?",
            requestedSchema: { type: "object", properties: { name: { type: "string" } } },
          });
          return `hello ${String(answer.content?.name)}`;
        },
      });
      return mcp;
    };
    const greet = (extra: JsonObject = {}) => ({
      jsonrpc: "2.0" as const,
      id: 1,
      method: "tools/call",
      params: { name: "greet", arguments: {}, ...extra, _meta: modernMeta({ elicitation: {} }) },
    });
    const [a, b] = [asking(one), asking(two)];
    const first = (await a.handleRequest(greet()) as { result: JsonObject }).result;
    const [key] = Object.keys(first.inputRequests as JsonObject);
    const done = await b.handleRequest(greet({
      inputResponses: { [key]: { action: "accept", content: { name: "Ada" } } },
      requestState: first.requestState as string,
    })) as { result?: JsonObject };
    assert.deepEqual(done.result?.content, [{ type: "text", text: "hello Ada" }]);
  });
});

describe("Redis away", () => {
  test("503 with Retry-After and the request id, other requests served, then recovery", async () => {
    const own = await startRedis();
    try {
      const shared = await store(own.url);
      const mcp = new McpServer({ name: "s", version: "1" }, { store: shared, tasks: true });
      mcp.tool({ name: "job", execution: { taskSupport: "optional" }, handler: () => "done" });
      const handler = createHttpHandler(mcp);
      const started = await send(handler, "tools/call", { name: "job", arguments: {} });
      assert.equal(started.response.status, 200);
      const taskId = (started.body.result as JsonObject).taskId as string;
      assert.equal((await send(handler, "tasks/get", { taskId })).response.status, 200);

      await own.stop();
      for (
        const [method, params] of [
          ["tasks/get", { taskId }],
          ["tools/call", { name: "job", arguments: {} }],
        ] as const
      ) {
        const { id, response, body } = await send(handler, method, params);
        assert.equal(response.status, 503, method);
        assert.equal(response.headers.get("retry-after"), "1");
        assert.equal(body.id, id);
        assert.equal((body.error as JsonObject).code, -32603);
        assert.match(String((body.error as JsonObject).message), /unreachable/);
      }
      // What needs no store is still served.
      assert.equal((await send(handler, "tools/list")).response.status, 200);

      await own.restart();
      // The restarted server kept nothing (no persistence): a new task, read back.
      let again = await send(handler, "tools/call", { name: "job", arguments: {} });
      for (let attempt = 0; attempt < 20 && again.response.status === 503; attempt++) {
        again = await send(handler, "tools/call", { name: "job", arguments: {} });
      }
      assert.equal(again.response.status, 200);
      const fresh = (again.body.result as JsonObject).taskId as string;
      const read = await send(handler, "tasks/get", { taskId: fresh });
      assert.equal(read.response.status, 200);
      assert.equal((read.body.result as JsonObject).taskId, fresh);
    } finally {
      await own.stop();
    }
  });

  test("a legacy session's request while Redis is away is 503 with its id", async () => {
    const own = await startRedis();
    try {
      const shared = await store(own.url);
      const mcp = new McpServer({ name: "s", version: "1" }, { store: shared });
      const handler = createHttpHandler(mcp);
      const headers = { "content-type": "application/json", accept: "application/json" };
      const init = await handler(initializeRequest());
      const sessionId = init.headers.get("mcp-session-id")!;
      await own.stop();
      const response = await handler(
        new Request(ENDPOINT, {
          method: "POST",
          headers: {
            ...headers,
            "mcp-session-id": sessionId,
            "mcp-protocol-version": "2025-06-18",
          },
          body: JSON.stringify({ jsonrpc: "2.0", id: 77, method: "ping" }),
        }),
      );
      assert.equal(response.status, 503);
      assert.equal(response.headers.get("retry-after"), "1");
      assert.equal((await response.json()).id, 77);
    } finally {
      await own.stop();
    }
  });
});
