/**
 * Shared state for running emcee on several instances: a Redis event store for legacy SSE
 * resumption, a Redis session directory (a legacy session opened on one instance is adopted by
 * another, under caps that hold across instances), a message bus on Redis pub/sub, a task
 * store with leases, a shared MRTR signing key, and {@linkcode redisStore} carrying them all
 * (a {@linkcode SharedStore}).
 *
 * What crosses instances today: a session's state (version, client capabilities and info, log
 * level, subscriptions, owner) through the directory, read by an instance at each request; its
 * stored SSE events, for `Last-Event-ID` on any instance; and its standalone notifications sent
 * on an instance without its GET stream, published on `session:<id>:standalone` for the
 * instance that holds the stream.
 *
 * Next, on the same bus: a server-to-client request (elicitation, sampling, roots) sent while
 * the client answers on another instance. The sending instance would subscribe to
 * `session:<id>:responses`; an instance receiving a JSON-RPC response for a session whose
 * engine has no such pending request would publish it there, and the sender feeds it to its
 * engine. Cancellation (`notifications/cancelled` for a request running elsewhere) would go on
 * `session:<id>:cancel` the same way, and a request stream taken over with `Last-Event-ID` on
 * another instance would get its live events from `stream:<streamId>`.
 *
 * Give the whole store to the server once; its HTTP handler uses it too, and an explicit option
 * (`requestStateSecret`, `tasks.store`, `legacy.eventStore`, …) still wins over a piece of it.
 * Tasks (with `tasks`) are kept on Redis with the lease of the instance running them: any
 * instance answers `tasks/get`, `tasks/update` and `tasks/cancel`, and a task whose instance died fails once
 * its lease runs out. While Redis is unreachable, a request that needs it is answered 503
 * with `Retry-After`; the connection comes back by itself.
 *
 * @example
 * ```ts
 * import { redisStore } from "./mod.ts";
 * import { McpServer } from "../server/server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * const store = await redisStore({ url: "redis://127.0.0.1:6379" });
 * const server = new McpServer({ name: "demo", version: "1.0.0" }, { store, tasks: true });
 * const handler = createHttpHandler(server);
 * // ... and on shutdown:
 * store.close();
 * ```
 *
 * @module
 */
export {
  createRedisEventStore,
  type RedisEventStore,
  type RedisEventStoreOptions,
} from "./redis_event_store.ts";
export {
  createRedisSessionDirectory,
  type RedisSessionDirectoryOptions,
} from "./redis_session_directory.ts";
export { createRedisMessageBus, type RedisMessageBusOptions } from "./redis_message_bus.ts";
export { type RedisStore, redisStore, type RedisStoreOptions } from "./redis_store.ts";
export { sharedSecret, type SharedSecretOptions } from "./shared_secret.ts";
export { createRedisTaskStore, type RedisTaskStoreOptions } from "./redis_task_store.ts";
export {
  retryAfterOf,
  type SharedStore,
  STORE_UNAVAILABLE,
  StoreUnavailableError,
} from "../server/shared_store.ts";
export type { TaskLease, TaskRecord, TaskStore } from "../server/task_store.ts";
export type { HttpStore } from "../transports/http/store.ts";
// The client it runs on, and the types the API above refers to, so the documentation is whole.
export * from "./redis/mod.ts";
export type { EventStore } from "../transports/http/event_store.ts";
export {
  createMemorySessionDirectory,
  type DirectoryRecord,
  type MemorySessionDirectoryLimits,
  type SessionDirectory,
  type SessionSnapshot,
} from "../transports/http/session_directory.ts";
export {
  type BusListener,
  createMemoryMessageBus,
  type MessageBus,
} from "../transports/http/message_bus.ts";
export type { ClientCapabilities, Implementation } from "../protocol/capabilities.ts";
export { McpError } from "../protocol/errors.ts";
export type { Task, TaskStatus } from "../protocol/tasks.ts";
export type * from "../protocol/mod.ts";
export type { LoggingLevel } from "../protocol/logging.ts";
export type { Icon } from "../protocol/icon.ts";
export type {
  JsonObject,
  JsonRpcErrorObject,
  JsonRpcErrorResponse,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  JsonRpcResultResponse,
  RequestId,
} from "../protocol/jsonrpc.ts";
