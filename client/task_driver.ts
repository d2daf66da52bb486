/**
 * Driving a task (the tasks extension) through a connected client: the
 * client's requests and input handlers become the {@link TaskDriver} that
 * `awaitTask` polls and answers with.
 *
 * @module
 */
import type { JsonObject } from "../protocol/jsonrpc.ts";
import type { DetailedTask } from "../protocol/tasks.ts";
import type { CallOptions } from "./options.ts";
import { request } from "./request.ts";
import { answerInputRequest } from "./round_trips.ts";
import type { ClientState } from "./state.ts";
import { awaitTask, type TaskDriver } from "./tasks.ts";

/**
 * Follows a task, given by handle or by id (fetched with `tasks/get`), to its
 * end and returns the result of the request it stands for.
 */
export async function driveTask(
  state: ClientState,
  task: string | DetailedTask | JsonObject,
  options: CallOptions,
): Promise<JsonObject> {
  const handle = typeof task === "string"
    ? await request(state, "tasks/get", { taskId: task }, options)
    : task as JsonObject;
  const perRequest = { timeoutMs: options.timeoutMs, maxTotalTimeoutMs: options.maxTotalTimeoutMs };
  const driver: TaskDriver = {
    get: (taskId, signal) => request(state, "tasks/get", { taskId }, { ...perRequest, signal }),
    update: (taskId, inputResponses, signal) =>
      request(state, "tasks/update", { taskId, inputResponses }, { ...perRequest, signal }),
    cancel: (taskId) => request(state, "tasks/cancel", { taskId }, perRequest),
    answer: (inputRequest, signal) => answerInputRequest(state, inputRequest, signal),
  };
  const tasks = typeof state.options.tasks === "object" ? state.options.tasks : {};
  return await awaitTask(handle, driver, {
    signal: options.signal,
    onTask: options.onTask,
    defaultPollIntervalMs: tasks.defaultPollIntervalMs,
  });
}
