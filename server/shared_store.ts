/**
 * The state several instances of one server share, as one object: {@linkcode SharedStore},
 * given once to `new McpServer(info, { store })` (the HTTP handler of that server picks it up),
 * and {@linkcode StoreUnavailableError}, which a store rejects with when it cannot be reached,
 * so the HTTP handler answers 503 with `Retry-After` instead of failing the request for good.
 *
 * Every piece is optional; a missing one is the in-memory default of the option it fills.
 * `store/redis_store.ts`'s `redisStore({ url })` makes all of them on Redis.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { ServerEndpoint } from "../protocol/server_endpoint.ts";
import type { EventStore } from "../transports/http/event_store.ts";
import type { MessageBus } from "../transports/http/message_bus.ts";
import type { SessionDirectory } from "../transports/http/session_directory.ts";
import type { TaskStore } from "./task_store.ts";

/**
 * Shared state for a server and its HTTP handler. An explicit option (`requestStateSecret`,
 * `tasks.store`, `legacy.eventStore`, …) wins over the piece here.
 *
 * @example
 * ```ts
 * import type { SharedStore } from "./shared_store.ts";
 * import { McpServer } from "./server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * declare const store: SharedStore; // e.g. `await redisStore({ url })` from store/
 * const server = new McpServer({ name: "demo", version: "1.0.0" }, { store, tasks: true });
 * const handler = createHttpHandler(server); // uses the server's store
 * ```
 */
export interface SharedStore {
  /** Signs MRTR `requestState`, so state sealed on one instance opens on another. */
  readonly requestStateSecret?: string | Uint8Array;
  /** Legacy SSE events, for `Last-Event-ID` on any instance. */
  readonly eventStore?: EventStore;
  /** Legacy sessions, adopted by whichever instance gets their requests. */
  readonly sessionDirectory?: SessionDirectory;
  /** Carries a session's messages to the instance holding its stream (with `sessionDirectory`). */
  readonly messageBus?: MessageBus;
  /** Tasks of the tasks extension, readable and cancellable on any instance. */
  readonly taskStore?: TaskStore;
}

/** The `error.data.reason` of a {@linkcode StoreUnavailableError}. */
export const STORE_UNAVAILABLE = "store_unavailable";

/**
 * The shared store could not be reached (the cause says why). It is a JSON-RPC internal error
 * whose data carries `retryAfterSeconds`; over HTTP the request is answered 503 with
 * `Retry-After`.
 *
 * @example
 * ```ts
 * import { StoreUnavailableError } from "./shared_store.ts";
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
 * import { retryAfterOf, StoreUnavailableError } from "./shared_store.ts";
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

/**
 * The store `server` was built with (`McpServer`'s `options.store`); `undefined` for an
 * endpoint without one.
 *
 * @example
 * ```ts
 * import { McpServer } from "./server.ts";
 * import { storeOf } from "./shared_store.ts";
 * storeOf(new McpServer({ name: "demo", version: "1.0.0" })); // undefined
 * ```
 */
export function storeOf(server: ServerEndpoint): SharedStore | undefined {
  const options = (server as { options?: { store?: SharedStore } }).options;
  return typeof options === "object" && options !== null ? options.store : undefined;
}
