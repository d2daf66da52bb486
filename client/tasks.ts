/**
 * The client side of the tasks extension (`io.modelcontextprotocol/tasks`,
 * SEP-2663): recognising a task handle in a result, and driving a task to its
 * end by polling `tasks/get` at the server's suggested interval, answering
 * `input_required` rounds with `tasks/update`, and sending `tasks/cancel` when
 * the caller gives up.
 *
 * @module
 */
import { type DetailedTask, isTerminalTaskStatus } from "../protocol/tasks.ts";
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { JsonObject } from "../protocol/jsonrpc.ts";
import type { InputResponses } from "../protocol/types.ts";
import { ClientError } from "./errors.ts";
import { isObject } from "../protocol/jsonrpc.ts";

/** What {@link awaitTask} needs from a connected client. */
export interface TaskDriver {
  /** Sends `tasks/get`. */
  get(taskId: string, signal: AbortSignal | undefined): Promise<JsonObject>;
  /** Sends `tasks/update` with answers to input requests. */
  update(taskId: string, inputResponses: InputResponses, signal?: AbortSignal): Promise<unknown>;
  /** Sends `tasks/cancel`. */
  cancel(taskId: string): Promise<unknown>;
  /** Answers one input request with the client's handlers. */
  answer(request: unknown, signal: AbortSignal | undefined): Promise<JsonObject>;
}

/** Options of {@link awaitTask}. */
export interface AwaitTaskOptions {
  /** Aborting sends `tasks/cancel` and rejects. */
  signal?: AbortSignal;
  /** Polling interval when the server suggests none. Default 1000 ms. */
  defaultPollIntervalMs?: number;
  /** Receives every state observed, the handle first (e.g. to persist the task id). */
  onTask?: (task: DetailedTask) => void;
}

/** Whether a result is a task handle (`CreateTaskResult`) rather than the request's own result. */
export function isTaskHandle(result: JsonObject): boolean {
  return result.resultType === "task";
}

/** Checks the shape a task must have; a malformed one is a protocol violation by the server. */
function toTaskState(value: JsonObject, method: string): DetailedTask {
  if (typeof value.taskId !== "string" || typeof value.status !== "string") {
    throw new ClientError(
      ErrorCode.InternalError,
      `The server answered ${method} with a task that has no taskId or status`,
    );
  }
  return value as unknown as DetailedTask;
}

function cancelledError(reason: unknown): McpError {
  return new McpError(ErrorCode.RequestTimeout, "Request tools/call was cancelled", {
    reason: String(reason),
  });
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts. */
function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(cancelledError(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(cancelledError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/** The terminal state's outcome: the result, or the error the task failed with. */
function outcomeOf(task: DetailedTask): JsonObject {
  if (task.status === "completed") {
    if (!isObject(task.result)) {
      throw new ClientError(
        ErrorCode.InternalError,
        `Task ${task.taskId} completed without a result`,
      );
    }
    return task.result;
  }
  if (task.status === "failed") {
    const error = isObject(task.error) ? task.error : {};
    throw new McpError(
      typeof error.code === "number" ? error.code : ErrorCode.InternalError,
      typeof error.message === "string"
        ? error.message
        : task.statusMessage ?? `Task ${task.taskId} failed`,
      error.data,
    );
  }
  throw new ClientError(
    ErrorCode.InternalError,
    `Task ${task.taskId} was cancelled${task.statusMessage ? `: ${task.statusMessage}` : ""}`,
    { taskId: task.taskId },
  );
}

/**
 * Drives a task from its handle to the end: polls `tasks/get` at the server's
 * `pollIntervalMs`, answers each input request once with `tasks/update`, and
 * resolves with the final result (`completed`). Rejects with the task's
 * JSON-RPC error (`failed`), a `ClientError` (`cancelled`), or a cancellation
 * error after sending `tasks/cancel` when `options.signal` aborts.
 *
 * @example
 * ```ts
 * import { awaitTask, type TaskDriver } from "./tasks.ts";
 * import type { JsonObject } from "../protocol/jsonrpc.ts";
 * declare const handle: JsonObject; // a tools/call result with resultType "task"
 * declare const driver: TaskDriver;
 * const seen: string[] = [];
 * const result = await awaitTask(handle, driver, { onTask: (task) => seen.push(task.status) });
 * ```
 */
export async function awaitTask(
  handle: JsonObject,
  driver: TaskDriver,
  options: AwaitTaskOptions = {},
): Promise<JsonObject> {
  const { signal } = options;
  let task = toTaskState(handle, "tools/call");
  const taskId = task.taskId;
  // Keys are unique over a task's life; each is answered once however often polls repeat it.
  const answered = new Set<string>();
  try {
    for (;;) {
      options.onTask?.(task);
      if (isTerminalTaskStatus(task.status)) return outcomeOf(task);
      if (task.status === "input_required" && isObject(task.inputRequests)) {
        const responses: InputResponses = {};
        let count = 0;
        for (const [key, request] of Object.entries(task.inputRequests)) {
          if (answered.has(key)) continue;
          responses[key] = await driver.answer(request, signal);
          answered.add(key);
          count += 1;
        }
        if (count > 0) await driver.update(taskId, responses, signal);
      }
      const interval = typeof task.pollIntervalMs === "number" && task.pollIntervalMs >= 0
        ? task.pollIntervalMs
        : options.defaultPollIntervalMs ?? 1000;
      await wait(interval, signal);
      task = toTaskState(await driver.get(taskId, signal), "tasks/get");
    }
  } catch (error) {
    if (signal?.aborted) {
      // Cancellation is cooperative and acknowledged only; nobody waits for it to take effect.
      await driver.cancel(taskId).catch(() => {});
      throw cancelledError(signal.reason);
    }
    throw error;
  }
}
