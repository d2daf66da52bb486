/**
 * Tasks of the remote (the tasks extension, `io.modelcontextprotocol/tasks`,
 * 2026-07-28) behind the proxy. A local caller that declared the extension
 * gets the remote's task handle as it came and follows it itself: the local
 * server's `tasks/get`, `tasks/update` and `tasks/cancel` go to the remote
 * ({@link createTaskPassthrough}). For any other caller (a legacy session, a
 * modern client without the extension) the proxy follows the task in the
 * call ({@link followRemoteTask}): it polls `tasks/get`, asks the caller for
 * the input the task needs, and answers with the task's result, so a tool
 * the remote runs only as a task works for every local client.
 *
 * Limits: a passthrough call the remote answers with `input_required` before
 * it becomes a task (`taskStart: "handler"`) cannot be retried through the
 * proxy (the local server cannot open the remote's `requestState`); and a
 * followed task whose local caller's run is replayed rather than resumed
 * (another instance, an evicted run) is started anew on the remote.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import { isObject, type JsonObject } from "../../protocol/jsonrpc.ts";
import { MetaKey } from "../../protocol/meta.ts";
import { isTerminalTaskStatus, TASKS_EXTENSION } from "../../protocol/tasks.ts";
import type { InputRequests } from "../../protocol/mod.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { clientDeclares, type ExtensionRequest, type ServerExtension } from "../extension.ts";

/** Sends one request to the current remote (declaring the tasks extension) and resolves with its result. */
export type RemoteRequest = (
  method: string,
  params: JsonObject,
  signal?: AbortSignal,
) => Promise<JsonObject>;

/** What {@link followRemoteTask} needs of the local call. */
export interface TaskFollower {
  /** Sends a request to the remote. */
  request: RemoteRequest;
  /** Asks the local caller for the input the task needs; resolves with the answers, by key. */
  input(requests: InputRequests): Promise<JsonObject>;
  /** The local call's signal: aborting cancels the remote task. */
  signal: AbortSignal;
  /** Polling interval when the remote suggests none. */
  defaultPollIntervalMs: number;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** The outcome of a terminal task: its result, or the error it failed with. */
function outcomeOf(task: JsonObject): JsonObject {
  if (task.status === "completed" && isObject(task.result)) return task.result;
  if (task.status === "failed") {
    const error = isObject(task.error) ? task.error : {};
    throw new McpError(
      typeof error.code === "number" ? error.code : ErrorCode.InternalError,
      typeof error.message === "string" ? error.message : `The remote task ${task.taskId} failed`,
      error.data,
    );
  }
  const detail = typeof task.statusMessage === "string" ? `: ${task.statusMessage}` : "";
  throw new McpError(
    ErrorCode.InternalError,
    `The remote task ${String(task.taskId)} ended ${String(task.status)}${detail}`,
    { taskId: task.taskId },
  );
}

/**
 * Follows the remote task `handle` to its end on behalf of a local caller
 * that cannot hold a task; resolves with the `tools/call` result. Each input
 * request is asked once, under the remote's key; aborting sends `tasks/cancel`.
 */
export async function followRemoteTask(
  handle: JsonObject,
  follower: TaskFollower,
): Promise<JsonObject> {
  const { request, signal } = follower;
  const taskId = handle.taskId;
  if (typeof taskId !== "string") {
    throw new McpError(ErrorCode.InternalError, "The remote answered with a task without a taskId");
  }
  const answered = new Set<string>();
  let task = handle;
  try {
    for (;;) {
      if (isTerminalTaskStatus(task.status)) return outcomeOf(task);
      if (task.status === "input_required" && isObject(task.inputRequests)) {
        const outstanding: JsonObject = {};
        for (const [key, value] of Object.entries(task.inputRequests)) {
          if (!answered.has(key)) outstanding[key] = value;
        }
        if (Object.keys(outstanding).length > 0) {
          const answers = await follower.input(outstanding as unknown as InputRequests);
          for (const key of Object.keys(outstanding)) answered.add(key);
          await request("tasks/update", { taskId, inputResponses: answers }, signal);
        }
      }
      const interval = typeof task.pollIntervalMs === "number" && task.pollIntervalMs >= 0
        ? task.pollIntervalMs
        : follower.defaultPollIntervalMs;
      await sleep(interval, signal);
      task = await request("tasks/get", { taskId }, signal);
    }
  } catch (error) {
    if (signal.aborted) {
      await request("tasks/cancel", { taskId }).catch(() => {});
    }
    throw error;
  }
}

/** The remote tasks a passthrough remembers the owner of. */
const MAX_OWNED_TASKS = 10_000;

function ownerOf(auth: AuthInfo | undefined): string {
  return auth?.subject ?? auth?.clientId ?? "";
}

/** Settings of {@link createTaskPassthrough}. */
export interface TaskPassthroughSettings {
  /** Sends a request to the current remote. */
  request: RemoteRequest;
  /** The extension's settings as the remote declared them. */
  settings: JsonObject;
  /** Whether a local tool of this name stands for a remote one. */
  proxies(name: string): boolean;
}

/**
 * The tasks extension of the local server, served by the remote: a
 * `tools/call` of a caller that declared the extension goes to the remote as
 * is (the remote decides whether it becomes a task) and its answer comes
 * back as is; `tasks/*` are forwarded for tasks the same local principal
 * created. Such calls skip the local server's tool middleware.
 */
export function createTaskPassthrough(passthrough: TaskPassthroughSettings): ServerExtension {
  const owners = new Map<string, string>();
  const remember = (taskId: string, owner: string) => {
    if (owners.size >= MAX_OWNED_TASKS) owners.delete(owners.keys().next().value!);
    owners.set(taskId, owner);
  };
  const forwardTaskMethod = async (request: ExtensionRequest): Promise<JsonObject> => {
    if (!clientDeclares(request.clientCapabilities, TASKS_EXTENSION)) {
      throw new McpError(
        ErrorCode.MissingRequiredClientCapability,
        `Missing required client capability: extension ${TASKS_EXTENSION}`,
        { requiredCapabilities: { extensions: { [TASKS_EXTENSION]: {} } } },
      );
    }
    const taskId = request.params.taskId;
    if (typeof taskId !== "string") {
      throw new McpError(ErrorCode.InvalidParams, `${request.method} needs a taskId string`);
    }
    if (owners.get(taskId) !== ownerOf(request.auth)) {
      throw new McpError(ErrorCode.InvalidParams, `Task not found: ${taskId}`);
    }
    return await request_(request.method, request.params);
  };
  const request_ = async (method: string, params: JsonObject) => {
    const { _meta: _local, ...rest } = params;
    const result = await passthrough.request(method, rest);
    // The remote's name is not the local server's.
    if (isObject(result._meta) && MetaKey.serverInfo in result._meta) {
      const { [MetaKey.serverInfo]: _info, ...meta } = result._meta;
      if (Object.keys(meta).length > 0) result._meta = meta;
      else delete result._meta;
    }
    return result;
  };
  return {
    id: TASKS_EXTENSION,
    settings: passthrough.settings,
    planHandlerCall(call) {
      if (call.method !== "tools/call" || typeof call.params.name !== "string") return undefined;
      if (!passthrough.proxies(call.params.name)) return undefined;
      if (!clientDeclares(call.clientCapabilities, TASKS_EXTENSION)) return undefined;
      return {
        when: "now",
        // The local handler never runs (it is not resumed): the remote answers instead.
        take: async () => {
          const result = await request_("tools/call", call.params);
          if (result.resultType === "task" && typeof result.taskId === "string") {
            remember(result.taskId, ownerOf(call.auth));
          }
          return result;
        },
      };
    },
    methods: {
      "tasks/get": forwardTaskMethod,
      "tasks/update": forwardTaskMethod,
      "tasks/cancel": forwardTaskMethod,
    },
  };
}
