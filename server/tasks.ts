/**
 * The tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): a
 * `tools/call` may be answered with a task handle (`resultType: "task"`) that
 * the client polls with `tasks/get`, feeds input with `tasks/update` and stops
 * with `tasks/cancel`. The handler keeps running in the background; input it
 * needs parks the task in `input_required`, and it is replayed with the
 * answers exactly like a multi round-trip request. `subscriptions/listen`
 * with `taskIds` streams `notifications/tasks` with each new state.
 *
 * @module
 */
import {
  isTerminalTaskStatus,
  type Task,
  TASKS_EXTENSION,
  type TaskStatus,
} from "../protocol/tasks.ts";
import { ErrorCode, McpError, toErrorObject } from "../protocol/errors.ts";
import type { JsonObject } from "../protocol/jsonrpc.ts";
import type { ClientCapabilities, InputRequests } from "../protocol/mod.ts";
import type { AuthInfo } from "../protocol/server_endpoint.ts";
import {
  clientDeclares,
  type ExtensionRequest,
  type HandedOffCall,
  type HandlerCall,
  type HandOffPlan,
  type InputAnswers,
  type ServerExtension,
} from "./extension.ts";
import { isObject } from "../protocol/jsonrpc.ts";

/** A task with what `tasks/get` reports for its status. */
export interface TaskRecord {
  /** The task. */
  task: Task;
  /** Outstanding input requests, while `input_required`. */
  inputRequests?: InputRequests;
  /** The handler's result, once `completed`. */
  result?: JsonObject;
  /** The JSON-RPC error, once `failed`. */
  error?: JsonObject;
  /** Who created it (auth subject or client id); nobody else sees it. */
  owner: string;
}

/**
 * Keeps task records. Implementations decide retention; they must keep a task
 * at least `ttlMs` after its creation and may drop it afterwards.
 */
export interface TaskStore {
  /** Stores a new task; resolves once `get` finds it. Rejects when the store is full. */
  create(record: TaskRecord): Promise<void>;
  /** The task with this id, unless unknown or expired. */
  get(taskId: string): Promise<TaskRecord | undefined>;
  /**
   * Replaces the record with `change(record)` atomically, and resolves with
   * the stored record; `undefined` when the task is unknown or expired.
   */
  update(
    taskId: string,
    change: (record: TaskRecord) => TaskRecord,
  ): Promise<TaskRecord | undefined>;
}

/** Options of {@link createMemoryTaskStore}. */
export interface MemoryTaskStoreOptions {
  /** Most tasks kept at once. Default 1000. */
  maxTasks?: number;
  /** Clock, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * An in-process task store with a size bound: expired tasks go first, then the
 * oldest finished ones; when every kept task is still running, creation fails.
 *
 * @example
 * ```ts
 * import { createMemoryTaskStore } from "./tasks.ts";
 * const store = createMemoryTaskStore({ maxTasks: 100 });
 * ```
 */
export function createMemoryTaskStore(options: MemoryTaskStoreOptions = {}): TaskStore {
  const maxTasks = options.maxTasks ?? 1000;
  const now = options.now ?? Date.now;
  const records = new Map<string, TaskRecord>();
  // Measured on this store's clock from when it received the task, which is after createdAt.
  const expiries = new Map<string, number>();
  const live = (taskId: string) => {
    const record = records.get(taskId);
    if (record && now() >= expiries.get(taskId)!) {
      records.delete(taskId);
      expiries.delete(taskId);
      return undefined;
    }
    return record;
  };
  const makeRoom = () => {
    for (const id of [...records.keys()]) live(id);
    if (records.size < maxTasks) return true;
    for (const [id, record] of records) {
      if (isTerminalTaskStatus(record.task.status)) {
        records.delete(id);
        expiries.delete(id);
        return true;
      }
    }
    return false;
  };
  return {
    create(record) {
      if (records.size >= maxTasks && !makeRoom()) {
        return Promise.reject(new McpError(ErrorCode.InternalError, "Too many tasks in progress"));
      }
      const ttlMs = record.task.ttlMs;
      records.set(record.task.taskId, record);
      expiries.set(record.task.taskId, ttlMs === null ? Infinity : now() + ttlMs);
      return Promise.resolve();
    },
    get: (taskId) => Promise.resolve(live(taskId)),
    update(taskId, change) {
      const record = live(taskId);
      if (!record) return Promise.resolve(undefined);
      const next = change(record);
      records.set(taskId, next);
      return Promise.resolve(next);
    },
  };
}

/** Options of the tasks extension. */
export interface TasksOptions {
  /** Where tasks are kept. Default: {@link createMemoryTaskStore}. */
  store?: TaskStore;
  /** How long tasks are kept after creation, in ms; `null` for ever. Default one hour. */
  ttlMs?: number | null;
  /** Polling interval suggested to clients, in ms. Default 500. */
  pollIntervalMs?: number;
}

/** A `subscriptions/listen` stream watching some tasks. */
interface Watcher {
  taskIds: Set<string>;
  owner: string;
  send: (method: string, params: JsonObject) => void;
}

/** What runs a task in this process. */
interface Run {
  controller: AbortController;
  answers: InputAnswers;
  /** Set when every outstanding input got its answer. */
  answered: boolean;
  wake?: () => void;
}

function missingCapability(): McpError {
  return new McpError(
    ErrorCode.MissingRequiredClientCapability,
    `Missing required client capability: extension ${TASKS_EXTENSION}`,
    { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
  );
}

function ownerOf(auth: AuthInfo | undefined): string {
  return auth?.subject ?? auth?.clientId ?? "";
}

/** The `tasks/get` view of a record: the task with its status's payload. */
function detailedTask(record: TaskRecord): JsonObject {
  const view: JsonObject = { ...record.task } as unknown as JsonObject;
  if (record.task.status === "input_required") view.inputRequests = record.inputRequests ?? {};
  if (record.task.status === "completed" && record.result) view.result = record.result;
  if (record.task.status === "failed" && record.error) view.error = record.error;
  return view;
}

/**
 * Creates the tasks extension for `McpServer` (which does this itself for its
 * `tasks` option). Tools opt in with `execution.taskSupport`; a call becomes a
 * task only when the client declared the extension on that request, and a
 * `"required"` tool refuses other clients with -32021.
 *
 * @example
 * ```ts
 * import { McpServer } from "./server.ts";
 * const server = new McpServer({ name: "jobs", version: "1.0.0" }, { tasks: { ttlMs: 60_000 } });
 * server.tool({
 *   name: "build",
 *   execution: { taskSupport: "optional" },
 *   handler: async () => {
 *     await new Promise((resolve) => setTimeout(resolve, 5_000));
 *     return "built";
 *   },
 * });
 * ```
 */
export function createTasksExtension(options: TasksOptions = {}): ServerExtension {
  const store = options.store ?? createMemoryTaskStore();
  const ttlMs = options.ttlMs === undefined ? 3_600_000 : options.ttlMs;
  const pollIntervalMs = options.pollIntervalMs ?? 500;
  const runs = new Map<string, Run>();
  const watchers = new Set<Watcher>();

  /** Sends the task's new state to the streams watching it. */
  const publish = (record: TaskRecord | undefined) => {
    if (!record) return;
    for (const watcher of watchers) {
      if (watcher.owner === record.owner && watcher.taskIds.has(record.task.taskId)) {
        watcher.send("notifications/tasks", detailedTask(record));
      }
    }
  };

  const stamp = (
    record: TaskRecord,
    status: TaskStatus,
    payload: Partial<Pick<TaskRecord, "inputRequests" | "result" | "error">> = {},
    statusMessage?: string,
  ): TaskRecord => {
    const task: Task = { ...record.task, status, lastUpdatedAt: new Date().toISOString() };
    delete task.statusMessage;
    if (statusMessage !== undefined) task.statusMessage = statusMessage;
    return { task, owner: record.owner, ...payload };
  };

  /** Moves a task to a terminal status unless it already has one. */
  const settle = async (
    taskId: string,
    status: TaskStatus,
    payload: Partial<Pick<TaskRecord, "result" | "error">>,
    statusMessage?: string,
  ) => {
    runs.delete(taskId);
    let changed = false;
    const record = await store.update(taskId, (current) => {
      if (isTerminalTaskStatus(current.task.status)) return current;
      changed = true;
      return stamp(current, status, payload, statusMessage);
    });
    if (changed) publish(record);
  };

  /** Drives a handed-off call round after round until it ends or is cancelled. */
  const drive = async (taskId: string, call: HandedOffCall, run: Run) => {
    const signal = run.controller.signal;
    let round = call.resume(signal);
    for (;;) {
      let outcome;
      try {
        outcome = await round;
      } catch (error) {
        if (signal.aborted) return;
        const failure = toErrorObject(error);
        await settle(
          taskId,
          "failed",
          { error: failure as unknown as JsonObject },
          `Tool execution failed: ${failure.message}`,
        );
        return;
      }
      if (signal.aborted) return;
      if ("result" in outcome) {
        await settle(taskId, "completed", { result: outcome.result });
        return;
      }
      run.answered = false;
      const parked = await store.update(
        taskId,
        (record) =>
          isTerminalTaskStatus(record.task.status)
            ? record
            : stamp(record, "input_required", { inputRequests: outcome.inputRequests }),
      );
      if (!parked || isTerminalTaskStatus(parked.task.status)) {
        run.controller.abort("task ended");
        runs.delete(taskId);
        return;
      }
      publish(parked);
      if (!run.answered) {
        await new Promise<void>((resolve) => {
          run.wake = resolve;
          signal.addEventListener("abort", () => resolve(), { once: true });
        });
      }
      run.wake = undefined;
      if (signal.aborted) return;
      round = call.replay({ ...run.answers }, signal);
    }
  };

  const start = async (call: HandedOffCall, owner: string): Promise<JsonObject> => {
    const created = new Date().toISOString();
    const task: Task = {
      taskId: crypto.randomUUID(),
      status: "working",
      createdAt: created,
      lastUpdatedAt: created,
      ttlMs,
      pollIntervalMs,
    };
    for (const [id, run] of runs) {
      // A run whose task expired has nobody left to answer or poll it.
      if (!(await store.get(id))) {
        run.controller.abort("task expired");
        runs.delete(id);
      }
    }
    await store.create({ task, owner });
    const run: Run = {
      controller: new AbortController(),
      answers: { ...call.answers },
      answered: false,
    };
    runs.set(task.taskId, run);
    void drive(task.taskId, call, run);
    return { resultType: "task", ...task } as unknown as JsonObject;
  };

  /** The caller's task named by `params.taskId`, or -32602. */
  const find = async (request: ExtensionRequest): Promise<TaskRecord> => {
    if (!clientDeclares(request.clientCapabilities, TASKS_EXTENSION)) throw missingCapability();
    const taskId = request.params.taskId;
    if (typeof taskId !== "string") {
      throw new McpError(ErrorCode.InvalidParams, `${request.method} needs a taskId string`);
    }
    const record = await store.get(taskId);
    if (!record || record.owner !== ownerOf(request.auth)) {
      throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
    }
    return record;
  };

  const plan = (call: HandlerCall): HandOffPlan | undefined => {
    const support = call.execution?.taskSupport ?? "forbidden";
    if (call.method !== "tools/call" || support === "forbidden") return undefined;
    if (!clientDeclares(call.clientCapabilities as ClientCapabilities, TASKS_EXTENSION)) {
      if (support === "required") throw missingCapability();
      return undefined;
    }
    return {
      when: call.execution?.taskStart === "handler" ? "onStartTask" : "now",
      take: (handed) => start(handed, ownerOf(call.auth)),
    };
  };

  return {
    id: TASKS_EXTENSION,
    settings: {},
    planHandlerCall: plan,
    listen(request, send) {
      const filter = request.params.notifications;
      const requested = isObject(filter) ? filter.taskIds : undefined;
      if (requested === undefined) return undefined;
      if (!clientDeclares(request.clientCapabilities, TASKS_EXTENSION)) throw missingCapability();
      const taskIds = Array.isArray(requested)
        ? requested.filter((id): id is string => typeof id === "string")
        : [];
      const watcher: Watcher = { taskIds: new Set(taskIds), owner: ownerOf(request.auth), send };
      watchers.add(watcher);
      return { honoured: { taskIds }, stop: () => watchers.delete(watcher) };
    },
    methods: {
      "tasks/get": async (request) => ({
        ...detailedTask(await find(request)),
        resultType: "complete",
      }),
      "tasks/update": async (request) => {
        const responses = request.params.inputResponses;
        if (!isObject(responses)) {
          throw new McpError(
            ErrorCode.InvalidParams,
            "tasks/update needs an inputResponses object",
          );
        }
        const record = await find(request);
        const run = runs.get(record.task.taskId);
        if (!run || record.task.status !== "input_required") return { resultType: "complete" };
        // Keys not outstanding (never asked, answered already) are ignored.
        const updated = await store.update(record.task.taskId, (current) => {
          const outstanding = { ...current.inputRequests };
          if (current.task.status !== "input_required") return current;
          for (const [key, value] of Object.entries(responses)) {
            if (!(key in outstanding) || !isObject(value)) continue;
            run.answers[key] = value;
            delete outstanding[key];
          }
          return Object.keys(outstanding).length > 0
            ? { ...current, inputRequests: outstanding }
            : stamp(current, "working");
        });
        if (updated?.task.status === "working") {
          run.answered = true;
          run.wake?.();
          publish(updated);
        }
        return { resultType: "complete" };
      },
      "tasks/cancel": async (request) => {
        const record = await find(request);
        const taskId = record.task.taskId;
        if (!isTerminalTaskStatus(record.task.status)) {
          runs.get(taskId)?.controller.abort("task cancelled");
          await settle(taskId, "cancelled", {}, "Cancelled by the client");
        }
        return { resultType: "complete" };
      },
    },
  };
}
