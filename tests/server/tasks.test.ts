import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { type Task, TASKS_EXTENSION } from "../../protocol/tasks.ts";
import type { ServerOptions } from "../../server/options.ts";
import { McpServer } from "../../server/server.ts";
import { createLegacySession } from "../../transports/session.ts";
import { createMemoryTaskStore } from "../../server/tasks.ts";
import { modern } from "./helpers.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";

const WITH_TASKS = { extensions: { [TASKS_EXTENSION]: {} }, elicitation: {} };

type Reply = { result?: JsonObject; error?: { code: number; message: string; data?: unknown } };

/** A promise with its resolver, to hold a handler until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

function serverWith(options: ServerOptions = { tasks: true }): McpServer {
  return new McpServer({ name: "tasks", version: "1.0.0" }, options);
}

async function call(
  server: McpServer,
  method: string,
  params: JsonObject = {},
  capabilities: JsonObject = WITH_TASKS,
  auth?: { token: string; subject: string; scopes: string[] },
): Promise<Reply> {
  return await server.handleRequest(modern(method, params, capabilities), { auth }) as Reply;
}

function ok(reply: Reply): JsonObject {
  assert.ok(reply.result, JSON.stringify(reply));
  return reply.result;
}

function failure(reply: Reply): { code: number; message: string; data?: unknown } {
  assert.ok(reply.error, JSON.stringify(reply));
  return reply.error;
}

/** Polls tasks/get until `done` holds, within a bounded number of tries. */
async function pollUntil(
  server: McpServer,
  taskId: string,
  done: (task: JsonObject) => boolean,
): Promise<JsonObject> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const task = ok(await call(server, "tasks/get", { taskId }));
    if (done(task)) return task;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`task ${taskId} never reached the expected state`);
}

const terminal = (task: JsonObject) =>
  ["completed", "failed", "cancelled"].includes(task.status as string);

describe("tasks extension: capability", () => {
  test("server/discover advertises the extension only when tasks are enabled", async () => {
    const on = ok(await call(serverWith(), "server/discover"));
    const off = ok(await call(serverWith({}), "server/discover"));
    const extensionsOf = (r: JsonObject) => (r.capabilities as JsonObject).extensions as JsonObject;
    assert.deepEqual(extensionsOf(on), { [TASKS_EXTENSION]: {} });
    assert.equal(extensionsOf(off), undefined);
    assert.equal((on.capabilities as JsonObject).tasks, undefined);
  });

  test("tasks/* without the extension on the request are -32021", async () => {
    const server = serverWith();
    for (const method of ["tasks/get", "tasks/update", "tasks/cancel"]) {
      const e = failure(await call(server, method, { taskId: "x", inputResponses: {} }, {}));
      assert.equal(e.code, ErrorCode.MissingRequiredClientCapability, method);
    }
  });

  test("tasks/* are unknown methods when tasks are disabled, and in the legacy era", async () => {
    assert.equal(failure(await call(serverWith({}), "tasks/get", { taskId: "x" })).code, -32601);
    const server = serverWith();
    const session = createLegacySession(() => {});
    await server.handleRequest({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-11-25",
        capabilities: {},
        clientInfo: { name: "c", version: "1" },
      },
    }, { session });
    const reply = await server.handleRequest(
      { jsonrpc: "2.0", id: 2, method: "tasks/get", params: { taskId: "x" } },
      { session },
    ) as Reply;
    assert.equal(failure(reply).code, -32601);
  });
});

describe("tasks extension: creation", () => {
  test("an opted-in tool answers a declaring client with a flat CreateTaskResult", async () => {
    const server = serverWith({ tasks: { ttlMs: 60_000, pollIntervalMs: 250 } });
    server.tool({ name: "job", execution: { taskSupport: "optional" }, handler: () => "done" });
    const created = ok(await call(server, "tools/call", { name: "job" }));
    assert.equal(created.resultType, "task");
    assert.equal(typeof created.taskId, "string");
    assert.equal(created.status, "working");
    assert.equal(created.ttlMs, 60_000);
    assert.equal(created.pollIntervalMs, 250);
    assert.ok(!Number.isNaN(Date.parse(created.createdAt as string)));
    assert.ok(!Number.isNaN(Date.parse(created.lastUpdatedAt as string)));
    for (const key of ["task", "result", "error", "inputRequests", "requestState"]) {
      assert.equal(key in created, false, key);
    }
  });

  test("an optional tool runs in the request for a client without the extension", async () => {
    const server = serverWith();
    server.tool({ name: "job", execution: { taskSupport: "optional" }, handler: () => "done" });
    const r = ok(await call(server, "tools/call", { name: "job" }, {}));
    assert.equal(r.resultType, "complete");
    assert.deepEqual(r.content, [{ type: "text", text: "done" }]);
  });

  test("a required tool refuses a client without the extension with -32021", async () => {
    const server = serverWith();
    let ran = false;
    server.tool({
      name: "job",
      execution: { taskSupport: "required" },
      handler: () => {
        ran = true;
        return "done";
      },
    });
    const e = failure(await call(server, "tools/call", { name: "job" }, {}));
    assert.equal(e.code, ErrorCode.MissingRequiredClientCapability);
    assert.deepEqual(e.data, { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } });
    assert.equal(ran, false);
  });

  test("a tool without execution settings never becomes a task", async () => {
    const server = serverWith();
    server.tool({ name: "plain", handler: () => "now" });
    assert.equal(ok(await call(server, "tools/call", { name: "plain" })).resultType, "complete");
  });

  test("tools/list does not publish execution settings", async () => {
    const server = serverWith();
    server.tool({ name: "job", execution: { taskSupport: "optional" }, handler: () => "done" });
    const tools = ok(await call(server, "tools/list")).tools as JsonObject[];
    assert.equal("execution" in tools[0], false);
  });
});

describe("tasks extension: lifecycle", () => {
  test("working until the handler returns, then completed with the result inlined", async () => {
    const server = serverWith();
    const held = gate();
    server.tool({
      name: "job",
      execution: { taskSupport: "optional" },
      handler: async () => {
        await held.promise;
        return "finished";
      },
    });
    const { taskId } = ok(await call(server, "tools/call", { name: "job" })) as { taskId: string };
    const working = ok(await call(server, "tasks/get", { taskId }));
    assert.equal(working.status, "working");
    assert.equal(working.resultType, "complete");
    assert.equal("result" in working, false);
    held.open();
    const done = await pollUntil(server, taskId, terminal);
    assert.equal(done.status, "completed");
    assert.deepEqual((done.result as JsonObject).content, [{ type: "text", text: "finished" }]);
  });

  test("a tool error completes the task with isError; a JSON-RPC error fails it", async () => {
    const server = serverWith();
    server.tool({
      name: "tool_error",
      execution: { taskSupport: "optional" },
      handler: () => {
        throw new Error("bad input");
      },
    });
    server.tool({
      name: "protocol_error",
      execution: { taskSupport: "optional" },
      handler: () => {
        throw new McpError(ErrorCode.InternalError, "crashed");
      },
    });
    const first = ok(await call(server, "tools/call", { name: "tool_error" }));
    const completed = await pollUntil(server, first.taskId as string, terminal);
    assert.equal(completed.status, "completed");
    assert.equal((completed.result as JsonObject).isError, true);

    const second = ok(await call(server, "tools/call", { name: "protocol_error" }));
    const failed = await pollUntil(server, second.taskId as string, terminal);
    assert.equal(failed.status, "failed");
    assert.deepEqual(failed.error, { code: ErrorCode.InternalError, message: "crashed" });
    assert.equal("result" in failed, false);
    assert.equal(typeof failed.statusMessage, "string");
  });

  test("tasks/cancel acks, cancels the task and aborts the handler", async () => {
    const server = serverWith();
    let aborted = false;
    server.tool({
      name: "job",
      execution: { taskSupport: "optional" },
      handler: (_args, context) =>
        new Promise<string>((resolve) => {
          context.signal.addEventListener("abort", () => {
            aborted = true;
            resolve("stopped");
          });
        }),
    });
    const { taskId } = ok(await call(server, "tools/call", { name: "job" })) as { taskId: string };
    const ack = ok(await call(server, "tasks/cancel", { taskId }));
    assert.equal(ack.resultType, "complete");
    for (const key of ["taskId", "status", "result", "error", "inputRequests"]) {
      assert.equal(key in ack, false, key);
    }
    assert.equal(ok(await call(server, "tasks/get", { taskId })).status, "cancelled");
    assert.equal(aborted, true);
  });

  test("tasks/cancel on a finished task acks and leaves it as it was", async () => {
    const server = serverWith();
    server.tool({ name: "job", execution: { taskSupport: "optional" }, handler: () => "done" });
    const { taskId } = ok(await call(server, "tools/call", { name: "job" })) as { taskId: string };
    await pollUntil(server, taskId, terminal);
    assert.equal(ok(await call(server, "tasks/cancel", { taskId })).resultType, "complete");
    assert.equal(ok(await call(server, "tasks/get", { taskId })).status, "completed");
  });

  test("an unknown taskId is -32602 on tasks/get, tasks/update and tasks/cancel", async () => {
    const server = serverWith();
    for (const method of ["tasks/get", "tasks/update", "tasks/cancel"]) {
      const e = failure(await call(server, method, { taskId: "nope", inputResponses: {} }));
      assert.equal(e.code, ErrorCode.InvalidParams, method);
    }
  });

  test("a task is invisible to another authenticated subject", async () => {
    const server = serverWith();
    server.tool({ name: "job", execution: { taskSupport: "optional" }, handler: () => "done" });
    const alice = { token: "a", subject: "alice", scopes: [] };
    const bob = { token: "b", subject: "bob", scopes: [] };
    const created = ok(await call(server, "tools/call", { name: "job" }, WITH_TASKS, alice));
    const taskId = created.taskId as string;
    assert.equal(ok(await call(server, "tasks/get", { taskId }, WITH_TASKS, alice)).taskId, taskId);
    const e = failure(await call(server, "tasks/get", { taskId }, WITH_TASKS, bob));
    assert.equal(e.code, ErrorCode.InvalidParams);
  });
});

describe("tasks extension: input", () => {
  function confirmServer(): McpServer {
    const server = serverWith();
    const schema = { type: "object" as const, properties: { name: { type: "string" as const } } };
    server.tool({
      name: "two",
      execution: { taskSupport: "optional" },
      handler: async (_args, context) => {
        const answers = await context.input({
          first: {
            method: "elicitation/create",
            params: { message: "1?", requestedSchema: schema },
          },
          second: {
            method: "elicitation/create",
            params: { message: "2?", requestedSchema: schema },
          },
        });
        const name = (key: string) => String((answers[key].content as JsonObject).name);
        return `${name("first")}+${name("second")}`;
      },
    });
    return server;
  }

  test("input parks the task in input_required with its inputRequests", async () => {
    const server = confirmServer();
    const { taskId } = ok(await call(server, "tools/call", { name: "two" })) as { taskId: string };
    const parked = await pollUntil(server, taskId, (t) => t.status !== "working");
    assert.equal(parked.status, "input_required");
    assert.deepEqual(Object.keys(parked.inputRequests as JsonObject).sort(), ["first", "second"]);
    assert.equal("requestState" in parked, false);
    await call(server, "tasks/cancel", { taskId });
  });

  test("tasks/update answers by key; partial answers keep the rest outstanding", async () => {
    const server = confirmServer();
    const { taskId } = ok(await call(server, "tools/call", { name: "two" })) as { taskId: string };
    await pollUntil(server, taskId, (t) => t.status === "input_required");
    const answer = (name: string) => ({ action: "accept", content: { name } });
    const ack = ok(
      await call(server, "tasks/update", {
        taskId,
        inputResponses: { first: answer("Ada"), unknown: answer("ignored") },
      }),
    );
    assert.deepEqual(Object.keys(ack), ["resultType", "_meta"]);
    const still = ok(await call(server, "tasks/get", { taskId }));
    assert.equal(still.status, "input_required");
    assert.deepEqual(Object.keys(still.inputRequests as JsonObject), ["second"]);
    await call(server, "tasks/update", { taskId, inputResponses: { second: answer("Lin") } });
    const done = await pollUntil(server, taskId, terminal);
    assert.equal(done.status, "completed");
    assert.deepEqual((done.result as JsonObject).content, [{ type: "text", text: "Ada+Lin" }]);
  });

  test("tasks/update without an inputResponses object is -32602", async () => {
    const server = confirmServer();
    const { taskId } = ok(await call(server, "tools/call", { name: "two" })) as { taskId: string };
    const e = failure(await call(server, "tasks/update", { taskId, inputResponses: 5 }));
    assert.equal(e.code, ErrorCode.InvalidParams);
    await call(server, "tasks/cancel", { taskId });
  });

  test("taskStart 'handler': MRTR input first, then context.startTask() makes the task", async () => {
    const server = serverWith();
    server.tool({
      name: "hello",
      execution: { taskSupport: "required", taskStart: "handler" },
      handler: async (_args, context) => {
        const answer = await context.elicit({
          message: "Name?",
          requestedSchema: { type: "object", properties: { name: { type: "string" } } },
        }, { key: "name" });
        await context.startTask();
        return `Hello, ${String(answer.content?.name)}!`;
      },
    });
    const first = ok(await call(server, "tools/call", { name: "hello" }));
    assert.equal(first.resultType, "input_required");
    assert.equal("taskId" in first, false);
    const second = ok(
      await call(server, "tools/call", {
        name: "hello",
        requestState: first.requestState as string,
        inputResponses: { name: { action: "accept", content: { name: "Ada" } } },
      }),
    );
    assert.equal(second.resultType, "task");
    assert.equal("requestState" in second, false);
    const done = await pollUntil(server, second.taskId as string, terminal);
    assert.deepEqual((done.result as JsonObject).content, [{ type: "text", text: "Hello, Ada!" }]);
  });
});

describe("tasks extension: status notifications", () => {
  test("subscriptions/listen with taskIds streams notifications/tasks", async () => {
    const server = serverWith();
    const held = gate();
    server.tool({
      name: "job",
      execution: { taskSupport: "optional" },
      handler: async () => {
        await held.promise;
        return "finished";
      },
    });
    const { taskId } = ok(await call(server, "tools/call", { name: "job" })) as { taskId: string };
    const sent: JsonObject[] = [];
    const stream = new AbortController();
    const listening = server.handleRequest(
      modern("subscriptions/listen", { notifications: { taskIds: [taskId] } }, WITH_TASKS),
      { notify: (message) => sent.push(message as unknown as JsonObject), signal: stream.signal },
    );
    const ack = sent[0].params as JsonObject;
    assert.deepEqual(ack.notifications, { taskIds: [taskId] });
    held.open();
    await pollUntil(server, taskId, terminal);
    stream.abort();
    await listening;
    const update = sent.find((m) => m.method === "notifications/tasks")?.params as JsonObject;
    assert.equal(update.taskId, taskId);
    assert.equal(update.status, "completed");
    assert.deepEqual((update.result as JsonObject).content, [{ type: "text", text: "finished" }]);
  });

  test("subscriptions/listen with taskIds but without the extension is -32021", async () => {
    const reply = await serverWith().handleRequest(
      modern("subscriptions/listen", { notifications: { taskIds: ["x"] } }, {}),
      { notify: () => {} },
    ) as Reply;
    assert.equal(failure(reply).code, ErrorCode.MissingRequiredClientCapability);
  });
});

describe("tasks extension: store", () => {
  test("tasks expire after ttlMs", async () => {
    let now = Date.now();
    const store = createMemoryTaskStore({ now: () => now });
    const server = serverWith({ tasks: { store, ttlMs: 1_000 } });
    server.tool({ name: "job", execution: { taskSupport: "optional" }, handler: () => "done" });
    const { taskId } = ok(await call(server, "tools/call", { name: "job" })) as { taskId: string };
    now += 999;
    assert.equal(ok(await call(server, "tasks/get", { taskId })).taskId, taskId);
    now += 1;
    assert.equal(
      failure(await call(server, "tasks/get", { taskId })).code,
      ErrorCode.InvalidParams,
    );
  });

  test("a full store drops the oldest finished task, and refuses when all are running", async () => {
    const store = createMemoryTaskStore({ maxTasks: 2 });
    const task = (taskId: string, status: Task["status"]): Task => ({
      taskId,
      status,
      createdAt: new Date().toISOString(),
      lastUpdatedAt: new Date().toISOString(),
      ttlMs: null,
    });
    await store.create({ task: task("a", "completed"), owner: "" });
    await store.create({ task: task("b", "working"), owner: "" });
    await store.create({ task: task("c", "working"), owner: "" });
    assert.equal(await store.get("a"), undefined);
    assert.equal((await store.get("b"))?.task.status, "working");
    await assert.rejects(store.create({ task: task("d", "working"), owner: "" }), McpError);
  });
});

describe("tasks extension: owners", () => {
  const job = () => {
    const server = serverWith();
    server.tool({ name: "job", execution: { taskSupport: "optional" }, handler: () => "done" });
    return server;
  };
  const as = async (server: McpServer, method: string, params: JsonObject, auth?: AuthInfo) =>
    await server.handleRequest(modern(method, params, WITH_TASKS), { auth }) as Reply;

  test("tokens without identity never share tasks, with each other or with anonymous", async () => {
    const server = job();
    const first: AuthInfo = { token: "first", scopes: [] };
    const second: AuthInfo = { token: "second", scopes: [] };
    const { taskId } = ok(await as(server, "tools/call", { name: "job" }, first));
    assert.equal(ok(await as(server, "tasks/get", { taskId }, first)).taskId, taskId);
    for (const other of [second, undefined]) {
      const e = failure(await as(server, "tasks/get", { taskId }, other));
      assert.equal(e.code, ErrorCode.InvalidParams);
    }
  });

  test("a subject and a client id of the same text are different owners", async () => {
    const server = job();
    const subject: AuthInfo = { token: "t1", subject: "x", scopes: [] };
    const client: AuthInfo = { token: "t2", clientId: "x", scopes: [] };
    const { taskId } = ok(await as(server, "tools/call", { name: "job" }, subject));
    assert.equal(failure(await as(server, "tasks/get", { taskId }, client)).code, -32602);
    // The same subject with a refreshed token still owns it.
    const refreshed: AuthInfo = { token: "t3", subject: "x", scopes: [] };
    assert.equal(ok(await as(server, "tasks/get", { taskId }, refreshed)).taskId, taskId);
  });

  test("the stored owner is a digest, not the token", async () => {
    const store = createMemoryTaskStore();
    const server = serverWith({ tasks: { store } });
    server.tool({ name: "job", execution: { taskSupport: "optional" }, handler: () => "done" });
    const secret: AuthInfo = { token: "very-secret-token", scopes: [] };
    const { taskId } = ok(await as(server, "tools/call", { name: "job" }, secret));
    const record = await store.get(taskId as string);
    assert.ok(record && !record.owner.includes("very-secret-token"));
  });
});
