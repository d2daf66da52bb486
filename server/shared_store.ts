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
import type { ServerEndpoint } from "../protocol/server_endpoint.ts";
import { type HttpStore, httpStoreOf } from "../transports/http/store.ts";
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
export interface SharedStore extends HttpStore {
  /** Signs MRTR `requestState`, so state sealed on one instance opens on another. */
  readonly requestStateSecret?: string | Uint8Array;
  /** Tasks of the tasks extension, readable and cancellable on any instance. */
  readonly taskStore?: TaskStore;
}

export {
  retryAfterOf,
  STORE_UNAVAILABLE,
  StoreUnavailableError,
} from "../protocol/store_errors.ts";

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
  return httpStoreOf(server) as SharedStore | undefined;
}
