/**
 * The protocol core shared by emcee's server and client: JSON-RPC message
 * types and parsing, error codes, protocol versions, `_meta` keys, the MCP
 * wire types of both eras, tasks, and the contracts a transport implements
 * ({@link Transport}) or serves ({@link ServerEndpoint}).
 *
 * @example
 * ```ts
 * import { ErrorCode, McpError, parseMessage } from "./mod.ts";
 * const incoming = parseMessage('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
 * if (incoming.kind === "invalid") throw new McpError(ErrorCode.InvalidRequest, "bad");
 * ```
 *
 * @module
 */
export type {
  ClientCapabilities,
  DiscoverResult,
  Implementation,
  ServerCapabilities,
} from "./capabilities.ts";
export type { CompleteResult } from "./completion.ts";
export type {
  AudioContent,
  ContentBlock,
  EmbeddedResource,
  ImageContent,
  ResourceLink,
  TextContent,
} from "./content.ts";
export type { Progress, RequestEngine, RequestOptions } from "./engine.ts";
export { ErrorCode, McpError } from "./errors.ts";
export type { Icon } from "./icon.ts";
export type {
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  InputRequest,
  InputRequests,
  InputRequiredResult,
  InputResponses,
  ListRootsResult,
  Root,
  SamplingMessage,
} from "./input_requests.ts";
export {
  type Classified,
  isErrorResponse,
  type JsonObject,
  type JsonRpcErrorObject,
  type JsonRpcErrorResponse,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type JsonRpcResultResponse,
  parseMessage,
  type RequestId,
} from "./jsonrpc.ts";
export { LOGGING_LEVELS, type LoggingLevel } from "./logging.ts";
export { type Meta, MetaKey } from "./meta.ts";
export type { GetPromptResult, Prompt, PromptArgument, PromptMessage } from "./prompts.ts";
export type {
  Annotations,
  BlobResourceContents,
  ReadResourceResult,
  Resource,
  ResourceContents,
  ResourceTemplate,
  TextResourceContents,
} from "./resources.ts";
export type { CacheHints, Page } from "./results.ts";
export type { AuthInfo, LegacySession, RequestScope, ServerEndpoint } from "./server_endpoint.ts";
export type { ListKind, ServerEvent, SubscriptionFilter } from "./subscriptions.ts";
export { retryAfterOf, STORE_UNAVAILABLE, StoreUnavailableError } from "./store_errors.ts";
export {
  type DetailedTask,
  isTerminalTaskStatus,
  type Task,
  TASKS_EXTENSION,
  type TaskStatus,
} from "./tasks.ts";
export type { CallToolResult, Tool, ToolAnnotations } from "./tools.ts";
export type { Transport, TransportSink } from "./transport.ts";
export {
  LATEST_LEGACY_VERSION,
  LATEST_PROTOCOL_VERSION,
  LEGACY_VERSIONS,
  MODERN_VERSIONS,
  SUPPORTED_VERSIONS,
} from "./versions.ts";
export {
  type AuthChallenge,
  type AuthorizationHeaders,
  authorizedFetch,
  MAX_AUTH_RETRIES,
  type TokenProvider,
  type TokenRequestContext,
} from "./token_provider.ts";
