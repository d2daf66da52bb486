/**
 * The tasks extension (`io.modelcontextprotocol/tasks`, SEP-2663): a
 * `tools/call` may be answered with a task handle (`resultType: "task"`) that
 * the client polls with `tasks/get`, feeds input with `tasks/update` and stops
 * with `tasks/cancel`. The handler keeps running in the background; input it
 * needs parks the task in `input_required`, and it is replayed with the
 * answers exactly like a multi round-trip request. `subscriptions/listen`
 * with `taskIds` streams `notifications/tasks` with each new state.
 *
 * On a shared task store (`store/redis_task_store.ts`) every instance serves every task:
 * the running instance holds a lease it renews (`leaseMs`); `tasks/cancel` elsewhere ends the
 * task in the store and the running instance stops it at its next renewal; `tasks/update`
 * elsewhere leaves the answers in the record, taken by the running instance within a poll
 * interval; and a task whose instance died fails, with the reason, once its lease ran out.
 * `notifications/tasks` go out for the changes the listening instance makes or sees.
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
import type { ClientCapabilities } from "../protocol/mod.ts";
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
import { principalOf } from "../protocol/principal.ts";
import { digestOfText } from "./request_state.ts";
import { createLeaseKeeper, expireLease } from "./task_leases.ts";
import { backgroundTimeout } from "../runtime/timers.ts";
import { createMemoryTaskStore, type TaskRecord, type TaskStore } from "./task_store.ts";

export {
  createMemoryTaskStore,
  type MemoryTaskStoreOptions,
  type TaskLease,
  type TaskRecord,
  type TaskStore,
} from "./task_store.ts";

/** Options of the tasks extension. */
export interface TasksOptions {
  /** Where tasks are kept. Default: {@link createMemoryTaskStore}. */
  store?: TaskStore;
  /** How long tasks are kept after creation, in ms; `null` for ever. Default one hour. */
  ttlMs?: number | null;
  /**
   * Polling interval suggested to clients, in ms; also how often a run waiting for input
   * checks a given store for answers made on another instance. Default 500.
   */
  pollIntervalMs?: number;
  /**
   * How long the lease of this instance on a task it runs lasts, in ms; renewed every third of
   * it. A task whose lease ran out (its instance died) is failed when next read. Default 30 000.
   */
  leaseMs?: number;
  /** This instance's id in task leases. Default: a random UUID. */
  instanceId?: string;
  /** Clock of the leases, in ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** A `subscriptions/listen` stream watching some tasks. */
interface Watcher {
  taskIds: Set<string>;
  owner: Promise<string>;
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

/**
 * The owner of the tasks `auth` creates: a digest of its principal, unambiguous like the
 * sessions' (tokens without identity never share one) and safe to store outside the process.
 */
function ownerOf(auth: AuthInfo | undefined): Promise<string> {
  return digestOfText(principalOf(auth));
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
  const now = options.now ?? Date.now;
  const runs = new Map<string, Run>();
  const watchers = new Set<Watcher>();
  const leases = createLeaseKeeper({
    store,
    holder: options.instanceId ?? crypto.randomUUID(),
    leaseMs: options.leaseMs ?? 30_000,
    now,
    // Ended elsewhere (cancelled on another instance), expired, or failed for a lost lease.
    onLost: (taskId) => {
      runs.get(taskId)?.controller.abort("task ended");
      runs.delete(taskId);
    },
  });

  /** Sends the task's new state to the streams watching it. */
  const publish = (record: TaskRecord | undefined) => {
    if (!record) return;
    for (const watcher of watchers) {
      if (!watcher.taskIds.has(record.task.taskId)) continue;
      void watcher.owner.then((owner) => {
        if (owner === record.owner) watcher.send("notifications/tasks", detailedTask(record));
      });
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
    const next: TaskRecord = { task, owner: record.owner, ...payload };
    if (!isTerminalTaskStatus(status)) {
      if (record.lease) next.lease = record.lease;
      if (record.answers) next.answers = record.answers;
    }
    return next;
  };

  const forget = (taskId: string) => {
    runs.delete(taskId);
    leases.release(taskId);
  };

  /** Moves a task to a terminal status unless it already has one. */
  const settle = async (
    taskId: string,
    status: TaskStatus,
    payload: Partial<Pick<TaskRecord, "result" | "error">>,
    statusMessage?: string,
  ) => {
    forget(taskId);
    let changed = false;
    const record = await store.update(taskId, (current) => {
      // Reset on each call: a shared store may call this again with a newer record.
      changed = !isTerminalTaskStatus(current.task.status);
      return changed ? stamp(current, status, payload, statusMessage) : current;
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
        if (signal.aborted) return forget(taskId);
        const failure = toErrorObject(error);
        await settle(
          taskId,
          "failed",
          { error: failure as unknown as JsonObject },
          `Tool execution failed: ${failure.message}`,
        );
        return;
      }
      if (signal.aborted) return forget(taskId);
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
        return forget(taskId);
      }
      publish(parked);
      if (!run.answered) await answeredOrAborted(taskId, run);
      run.wake = undefined;
      if (signal.aborted) return forget(taskId);
      round = call.replay({ ...run.answers }, signal);
    }
  };

  /** Input responses left in the record by another instance, moved into `run`. */
  const takeAnswers = async (taskId: string, run: Run) => {
    let taken: InputAnswers = {};
    const record = await store.update(taskId, (current) => {
      taken = current.answers ?? {};
      if (current.answers === undefined) return current;
      const next = { ...current };
      delete next.answers;
      return next;
    });
    Object.assign(run.answers, taken);
    if (!record || isTerminalTaskStatus(record.task.status)) run.controller.abort("task ended");
    else if (record.task.status === "working") run.answered = true;
  };

  /**
   * Waits for the input a parked run needs: answered here (`tasks/update` wakes it), or, with a
   * store given (maybe shared), answered on another instance, seen in the record every poll
   * interval.
   */
  const answeredOrAborted = (taskId: string, run: Run) =>
    new Promise<void>((resolve) => {
      const signal = run.controller.signal;
      let timer: ReturnType<typeof backgroundTimeout> | undefined;
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      run.wake = done;
      signal.addEventListener("abort", done, { once: true });
      if (!options.store) return;
      const poll = () => {
        timer = backgroundTimeout(() => {
          void takeAnswers(taskId, run).catch(() => {}).then(() => {
            if (run.answered || signal.aborted) done();
            else poll();
          });
        }, pollIntervalMs);
      };
      poll();
    });

  const start = async (call: HandedOffCall, owner: Promise<string>): Promise<JsonObject> => {
    const created = new Date().toISOString();
    const task: Task = {
      taskId: crypto.randomUUID(),
      status: "working",
      createdAt: created,
      lastUpdatedAt: created,
      ttlMs,
      pollIntervalMs,
    };
    await store.create(leases.lease({ task, owner: await owner }));
    const run: Run = {
      controller: new AbortController(),
      answers: { ...call.answers },
      answered: false,
    };
    runs.set(task.taskId, run);
    leases.keep(task.taskId);
    // A store that fails now (unreachable) leaves the task to expire with its lease.
    void drive(task.taskId, call, run).catch(() => forget(task.taskId));
    return { resultType: "task", ...task } as unknown as JsonObject;
  };

  /** The caller's task named by `params.taskId`, or -32602; failed if its lease ran out. */
  const find = async (request: ExtensionRequest): Promise<TaskRecord> => {
    if (!clientDeclares(request.clientCapabilities, TASKS_EXTENSION)) throw missingCapability();
    const taskId = request.params.taskId;
    if (typeof taskId !== "string") {
      throw new McpError(ErrorCode.InvalidParams, `${request.method} needs a taskId string`);
    }
    const [record, owner] = await Promise.all([store.get(taskId), ownerOf(request.auth)]);
    if (!record || record.owner !== owner) {
      throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
    }
    if (expireLease(record, now()) === record) return record;
    let changed = false;
    const expired = await store.update(taskId, (current) => {
      const next = expireLease(current, now());
      changed = next !== current;
      return next;
    });
    if (changed) publish(expired);
    return expired ?? record;
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
        if (record.task.status !== "input_required") return { resultType: "complete" };
        // Run elsewhere, the answers wait in the record for the running instance.
        const run = runs.get(record.task.taskId);
        // Keys not outstanding (never asked, answered already) are ignored.
        let accepted: InputAnswers = {};
        const updated = await store.update(record.task.taskId, (current) => {
          accepted = {};
          const outstanding = { ...current.inputRequests };
          if (current.task.status !== "input_required") return current;
          for (const [key, value] of Object.entries(responses)) {
            if (!(key in outstanding) || !isObject(value)) continue;
            accepted[key] = value;
            delete outstanding[key];
          }
          const carried = run
            ? current
            : { ...current, answers: { ...current.answers, ...accepted } };
          return Object.keys(outstanding).length > 0
            ? { ...carried, inputRequests: outstanding }
            : stamp(carried, "working");
        });
        if (run) Object.assign(run.answers, accepted);
        if (updated?.task.status === "working") {
          if (run) {
            run.answered = true;
            run.wake?.();
          }
          publish(updated);
        }
        return { resultType: "complete" };
      },
      "tasks/cancel": async (request) => {
        const record = await find(request);
        const taskId = record.task.taskId;
        if (!isTerminalTaskStatus(record.task.status)) {
          // Running on another instance, it stops at its next lease renewal.
          runs.get(taskId)?.controller.abort("task cancelled");
          await settle(taskId, "cancelled", {}, "Cancelled by the client");
        }
        return { resultType: "complete" };
      },
    },
  };
}
