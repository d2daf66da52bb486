/**
 * The error a shared store (sessions, events, tasks on Redis) raises when it cannot be reached,
 * and how a transport recognises it in a JSON-RPC error to answer 503 with `Retry-After`.
 *
 * @module
 */
import { ErrorCode, McpError } from "./errors.ts";

/** The `error.data.reason` of a {@linkcode StoreUnavailableError}. */
export const STORE_UNAVAILABLE = "store_unavailable";

/**
 * The shared store could not be reached (the cause says why). It is a JSON-RPC internal error
 * whose data carries `retryAfterSeconds`; over HTTP the request is answered 503 with
 * `Retry-After`.
 *
 * @example
 * ```ts
 * import { StoreUnavailableError } from "./store_errors.ts";
 * const error = new StoreUnavailableError("Redis is unreachable", 1, new Error("ECONNREFUSED"));
 * console.log(error.toJSON().data); // { reason: "store_unavailable", retryAfterSeconds: 1 }
 * ```
 */
export class StoreUnavailableError extends McpError {
  /** When to try again, in seconds. */
  readonly retryAfterSeconds: number;
  /** Says what could not be reached, when to retry, and why (`cause`). */
  constructor(message: string, retryAfterSeconds = 1, cause?: unknown) {
    super(ErrorCode.InternalError, message, { reason: STORE_UNAVAILABLE, retryAfterSeconds });
    this.name = "StoreUnavailableError";
    this.retryAfterSeconds = retryAfterSeconds;
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * The `retryAfterSeconds` of a JSON-RPC error made from a {@linkcode StoreUnavailableError};
 * `undefined` for any other error.
 *
 * @example
 * ```ts
 * import { retryAfterOf, StoreUnavailableError } from "./store_errors.ts";
 * retryAfterOf(new StoreUnavailableError("down", 2).toJSON()); // 2
 * retryAfterOf({ code: -32603, message: "other" }); // undefined
 * ```
 */
export function retryAfterOf(
  error: { code: number; message?: string; data?: unknown },
): number | undefined {
  if (error.code !== ErrorCode.InternalError) return undefined;
  const data = error.data as { reason?: unknown; retryAfterSeconds?: unknown } | undefined;
  if (typeof data !== "object" || data === null || data.reason !== STORE_UNAVAILABLE) {
    return undefined;
  }
  return typeof data.retryAfterSeconds === "number" ? data.retryAfterSeconds : 1;
}
