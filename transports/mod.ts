/**
 * Transports: Streamable HTTP as a web-standard handler, the deprecated
 * HTTP+SSE transport, stdio, in-memory, the newline-delimited stream framing,
 * and `connectServer` for any message-stream transport (the runtime adapter
 * that serves, spawns and reads stdio is `@emcee/mcp/runtime`).
 *
 * @example
 * ```ts
 * import { McpServer } from "@emcee/mcp/server";
 * import { createHttpHandler } from "@emcee/mcp/transports";
 * import { serveHttp } from "@emcee/mcp/runtime";
 * const handler = createHttpHandler(new McpServer({ name: "demo", version: "1.0.0" }));
 * const http = await serveHttp(handler, { port: 3000 });
 * ```
 *
 * @module
 */
export {
  createHttpHandler,
  type HttpHandlerOptions,
  type LegacyHttpOptions,
} from "./http/server.ts";
export type { HttpHandler } from "../runtime/mod.ts";
export type { Authenticate, Authorize } from "./http/admission.ts";
export { type CorsOptions, withCors } from "./http/cors.ts";
export {
  createMemoryEventStore,
  type EventStore,
  type MemoryEventStore,
  type MemoryEventStoreOptions,
} from "./http/event_store.ts";
export {
  createMemorySessionDirectory,
  type DirectoryRecord,
  type MemorySessionDirectoryLimits,
  type SessionDirectory,
  type SessionSnapshot,
} from "./http/session_directory.ts";
export { type BusListener, createMemoryMessageBus, type MessageBus } from "./http/message_bus.ts";
export type { OriginPolicy } from "./http/origin_guard.ts";
export { createLegacySseHandler, type LegacySseOptions } from "./legacy_sse/server.ts";
export {
  serveStdio,
  type ServeStdioOptions,
  type StdioServerConnection,
  stdioServerTransport,
} from "./stdio/server.ts";
export {
  type ClosableEndpoint,
  type McpHttpServer,
  serveMcpHttp,
  type ServeMcpHttpOptions,
} from "./http/serve.ts";
export { DEFAULT_SHUTDOWN_TIMEOUT_MS, type ShutdownOptions } from "./shutdown.ts";
export {
  type ClientAddress,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
} from "./session_quota.ts";
export { principalOf } from "../protocol/principal.ts";
export type { ServeEngine, ServeHttpOptions, ServeLimits, ShutdownSignal } from "../runtime/mod.ts";
export { type HttpStore, httpStoreOf } from "./http/store.ts";
export { type ConnectOptions, connectServer, type ServerConnection } from "./connect.ts";
export { createMemoryPair, type MemoryPairOptions } from "./memory.ts";
export { createWebSocketHandler, type WebSocketHandlerOptions } from "./websocket/server.ts";
export {
  createWebSocketClientTransport,
  type WebSocketClientOptions,
  type WebSocketClientTransport,
  type WebSocketConstructor,
} from "./websocket/client.ts";
export { type ByteChannel, createStreamTransport, type StreamTransportOptions } from "./stream.ts";
// The protocol types the signatures above name (and the types they name in turn), so that
// this entry point documents them; they are the same declarations protocol/mod.ts exports.
export type { ClientCapabilities, Implementation } from "../protocol/capabilities.ts";
export type { Progress, RequestEngine, RequestOptions } from "../protocol/engine.ts";
export type { McpError } from "../protocol/errors.ts";
export type { Icon } from "../protocol/icon.ts";
export type {
  Classified,
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
export type { LoggingLevel } from "../protocol/logging.ts";
export type {
  AuthInfo,
  LegacySession,
  RequestScope,
  ServerEndpoint,
} from "../protocol/server_endpoint.ts";
export type { Transport, TransportSink } from "../protocol/transport.ts";
export type {
  AuthChallenge,
  AuthorizationHeaders,
  TokenProvider,
  TokenRequestContext,
} from "../protocol/token_provider.ts";
