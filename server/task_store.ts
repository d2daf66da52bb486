/**
 * Where the tasks extension keeps its tasks: the {@linkcode TaskStore} interface, shared by every
 * instance when it is backed by a shared database (`store/redis_task_store.ts`), and its
 * in-process implementation.
 *
 * @module
 */
import { isTerminalTaskStatus, type Task } from "../protocol/tasks.ts";
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { JsonObject } from "../protocol/jsonrpc.ts";
import type { InputRequests } from "../protocol/mod.ts";

/** Which instance runs a task, until when: renewed while it runs (see `TasksOptions.leaseMs`). */
export interface TaskLease {
  /** The running instance's id. */
  holder: string;
  /** When the lease ends unless renewed, in ms since the epoch. */
  expiresAt: number;
}

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
  /** A digest of the principal that created it (see `principalOf`); nobody else sees it. */
  owner: string;
  /** The lease of the instance running it, while it is not terminal. */
  lease?: TaskLease;
  /** Input responses given on an instance that does not run it, for the running one to take. */
  answers?: { [key: string]: JsonObject };
}

/**
 * Keeps task records. Implementations decide retention; they must keep a task
 * at least `ttlMs` after its creation and may drop it afterwards. A store
 * that cannot be reached rejects with a `StoreUnavailableError`.
 */
export interface TaskStore {
  /** Stores a new task; resolves once `get` finds it. Rejects when the store is full. */
  create(record: TaskRecord): Promise<void>;
  /** The task with this id, unless unknown or expired. */
  get(taskId: string): Promise<TaskRecord | undefined>;
  /**
   * Replaces the record with `change(record)` atomically, and resolves with
   * the stored record; `undefined` when the task is unknown or expired.
   * `change` may be called more than once (a shared store retries it when
   * another instance changed the record meanwhile), so it must be pure.
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
 * import { createMemoryTaskStore } from "./task_store.ts";
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
