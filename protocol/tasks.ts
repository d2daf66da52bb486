/**
 * Wire types of the tasks extension (`io.modelcontextprotocol/tasks`,
 * SEP-2663), shared by the server that runs tasks and the client that follows
 * them.
 *
 * @module
 */
import type { InputRequests } from "./input_requests.ts";
import type { JsonObject } from "./jsonrpc.ts";

/** The extension identifier, declared in capabilities. */
export const TASKS_EXTENSION = "io.modelcontextprotocol/tasks";

/** Where a task is in its life; `completed`, `failed` and `cancelled` are terminal. */
export type TaskStatus = "working" | "input_required" | "completed" | "failed" | "cancelled";

/** A task as it goes on the wire (a task handle, or the core of `tasks/get`). */
export interface Task {
  /** Unguessable identifier. */
  taskId: string;
  /** Current status. */
  status: TaskStatus;
  /** Human-readable detail about the status. */
  statusMessage?: string;
  /** ISO 8601 creation time. */
  createdAt: string;
  /** ISO 8601 time of the last change. */
  lastUpdatedAt: string;
  /** How long after creation the task is kept, in ms; `null` for ever. */
  ttlMs: number | null;
  /** Suggested polling interval in ms. */
  pollIntervalMs?: number;
}

/** A task with what its status brings along (`tasks/get`, `notifications/tasks`). */
export interface DetailedTask extends Task {
  /** Outstanding input requests, while `input_required`. */
  inputRequests?: InputRequests;
  /** The final result of the original request, once `completed`. */
  result?: JsonObject;
  /** The JSON-RPC error, once `failed`. */
  error?: JsonObject;
}

/** Whether a status is final. */
export function isTerminalTaskStatus(status: unknown): boolean {
  return status === "completed" || status === "failed" || status === "cancelled";
}
