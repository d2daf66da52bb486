/**
 * Tasks seen from two instances on one task store: a task started on A is read on B, cancelled
 * on B (A's run stops), and failed on B once A died and its lease ran out. Run on the memory
 * store (tests/server/tasks.test.ts) and on Redis (tests/store/redis_tasks.test.ts).
 */
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { TASKS_EXTENSION } from "../../protocol/tasks.ts";
import { McpServer } from "../../server/server.ts";
import { LEASE_EXPIRED_MESSAGE } from "../../server/task_leases.ts";
import type { TaskStore } from "../../server/task_store.ts";
import { deferred, within } from "../async.ts";
import { modern } from "../server/helpers.ts";

const WITH_TASKS = { extensions: { [TASKS_EXTENSION]: {} }, elicitation: {} };

/** A store that fails every operation once `kill()`ed, as if its instance had died. */
export function dying(store: TaskStore): { store: TaskStore; kill: () => void } {
  let dead = false;
  const refuse = () => Promise.reject(new Error("this instance is dead"));
  return {
    store: {
      create: (record) => dead ? refuse() : store.create(record),
      get: (taskId) => dead ? refuse() : store.get(taskId),
      update: (taskId, change) => dead ? refuse() : store.update(taskId, change),
    },
    kill: () => (dead = true),
  };
}

/** One instance: a server whose `hold` tool runs as a task until released or aborted. */
export interface Instance {
  server: McpServer;
  /** Resolved when a `hold` run starts; its abort signal. */
  started: Promise<AbortSignal>;
  /** Lets the `hold` run finish with "held". */
  release: () => void;
}

/** Options of one instance of the contract. */
export interface InstanceOptions {
  store: TaskStore;
  leaseMs?: number;
  now?: () => number;
}

/** Builds an instance on `options.store`. */
export function instance(options: InstanceOptions): Instance {
  const server = new McpServer({ name: "tasks", version: "1.0.0" }, {
    tasks: { store: options.store, leaseMs: options.leaseMs, now: options.now, pollIntervalMs: 5 },
  });
  server.tool({
    name: "ask",
    execution: { taskSupport: "required" },
    handler: async (_args, context) => {
      const answers = await context.input({
        name: {
          method: "elicitation/create",
          params: {
            message: "Name?",
            requestedSchema: { type: "object", properties: { name: { type: "string" } } },
          },
        },
      });
      return `hello ${String((answers.name.content as JsonObject).name)}`;
    },
  });
  const started = deferred<AbortSignal>();
  const released = deferred();
  server.tool({
    name: "hold",
    execution: { taskSupport: "required" },
    handler: async (_args, context) => {
      started.resolve(context.signal);
      await released.promise;
      return "held";
    },
  });
  return { server, started: started.promise, release: () => released.resolve() };
}

/** A tasks request to `server`; the result, or fails the test on an error. */
export async function ask(
  server: McpServer,
  method: string,
  params: JsonObject = {},
): Promise<JsonObject> {
  const reply = await server.handleRequest(modern(method, params, WITH_TASKS)) as {
    result?: JsonObject;
    error?: unknown;
  };
  assert.ok(reply.result, JSON.stringify(reply));
  return reply.result;
}

/** Starts `hold` on `a` as a task; its id once its handler runs. */
export async function startHold(a: Instance): Promise<string> {
  const created = await ask(a.server, "tools/call", { name: "hold", arguments: {} });
  assert.equal(created.resultType, "task");
  await within(a.started, 5_000, "the task's handler to start");
  return created.taskId as string;
}

/** Polls `server` (boundedly) until the task's status is `status`. */
export async function statusOn(
  server: McpServer,
  taskId: string,
  status: string,
): Promise<JsonObject> {
  let task: JsonObject = {};
  for (let attempt = 0; attempt < 2_000; attempt++) {
    task = await ask(server, "tasks/get", { taskId });
    if (task.status === status) return task;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  assert.fail(`task ${taskId} is ${String(task.status)}, never ${status}`);
}

/** A task started on A is read on B, working, then completed with its result. */
export async function readOnAnother(a: Instance, b: Instance): Promise<void> {
  const taskId = await startHold(a);
  const seen = await ask(b.server, "tasks/get", { taskId });
  assert.equal(seen.status, "working");
  a.release();
  const done = await statusOn(b.server, taskId, "completed");
  assert.deepEqual((done.result as JsonObject).content, [{ type: "text", text: "held" }]);
}

/** A task started on A and cancelled on B: A's run is aborted, both report it cancelled. */
export async function cancelOnAnother(a: Instance, b: Instance): Promise<void> {
  const taskId = await startHold(a);
  const signal = await a.started;
  await ask(b.server, "tasks/cancel", { taskId });
  assert.equal((await ask(b.server, "tasks/get", { taskId })).status, "cancelled");
  // A learns it at its next lease renewal.
  const aborted = new Promise<void>((resolve) => {
    if (signal.aborted) resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
  });
  await within(aborted, 5_000, "instance A to stop the cancelled run");
  assert.equal((await ask(a.server, "tasks/get", { taskId })).status, "cancelled");
  a.release();
}

/**
 * A task whose instance died (its store stopped answering, so no renewal): on B, once the
 * lease is over by B's clock, it is failed with the reason, and stays so.
 */
export async function failedAfterDeath(
  a: Instance,
  kill: () => void,
  b: Instance,
  advance: (ms: number) => void,
  leaseMs: number,
): Promise<void> {
  const taskId = await startHold(a);
  kill();
  assert.equal((await ask(b.server, "tasks/get", { taskId })).status, "working");
  advance(leaseMs + 1);
  const failed = await ask(b.server, "tasks/get", { taskId });
  assert.equal(failed.status, "failed");
  assert.equal(failed.statusMessage, LEASE_EXPIRED_MESSAGE);
  assert.equal((failed.error as JsonObject).message, LEASE_EXPIRED_MESSAGE);
  a.release();
  assert.equal((await ask(b.server, "tasks/get", { taskId })).status, "failed");
}

/** A task started on A asks for input; B answers it, A's run takes the answer and completes. */
export async function answerOnAnother(a: Instance, b: Instance): Promise<void> {
  const created = await ask(a.server, "tools/call", { name: "ask", arguments: {} });
  const taskId = created.taskId as string;
  const parked = await statusOn(b.server, taskId, "input_required");
  assert.deepEqual(Object.keys(parked.inputRequests as JsonObject), ["name"]);
  await ask(b.server, "tasks/update", {
    taskId,
    inputResponses: { name: { action: "accept", content: { name: "Ada" } } },
  });
  const done = await statusOn(b.server, taskId, "completed");
  assert.deepEqual((done.result as JsonObject).content, [{ type: "text", text: "hello Ada" }]);
}
