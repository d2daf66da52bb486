/**
 * Shared state for running emcee on several instances: a Redis event store for legacy SSE
 * resumption, a shared MRTR signing key, and {@linkcode redisStore} carrying both.
 *
 * @example
 * ```ts
 * import { redisStore } from "./mod.ts";
 * import { McpServer } from "../server/server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * const store = await redisStore({ url: "redis://127.0.0.1:6379" });
 * const server = new McpServer({ name: "demo", version: "1.0.0" }, {
 *   requestStateSecret: store.requestStateSecret,
 * });
 * const handler = createHttpHandler(server, { legacy: { eventStore: store.eventStore } });
 * ```
 *
 * @module
 */
export {
  createRedisEventStore,
  type RedisEventStore,
  type RedisEventStoreOptions,
} from "./redis_event_store.ts";
export { type RedisStore, redisStore, type RedisStoreOptions } from "./redis_store.ts";
export { sharedSecret, type SharedSecretOptions } from "./shared_secret.ts";
// The client it runs on, and the types the API above refers to, so the documentation is whole.
export * from "./redis/mod.ts";
export type { EventStore } from "../transports/http/event_store.ts";
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
