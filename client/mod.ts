/**
 * The emcee MCP client: `McpClient` for servers of both protocol eras over
 * Streamable HTTP, HTTP+SSE, stdio or any transport, with helpers that shape
 * tool results for LLM use.
 *
 * @example
 * ```ts
 * import { connectClient } from "@emcee/mcp/client";
 * const client = await connectClient("http://127.0.0.1:3000/mcp", { name: "app", version: "1.0.0" });
 * const content = await client.callToolContent("search", { query: "mcp" });
 * await client.close();
 * ```
 *
 * @module
 */
export {
  type CallOptions,
  type ClientHandlers,
  type ClientOptions,
  type ClientTaskOptions,
  connectClient,
  type ConnectTarget,
  type HandlerContext,
  type ListOptions,
  type LogMessage,
  McpClient,
  type Subscription,
} from "./client.ts";
export { ClientError, ToolError } from "./errors.ts";
// Task wire types (DetailedTask, TaskStatus, TASKS_EXTENSION) live in protocol/tasks.ts.
export { awaitTask, type AwaitTaskOptions, isTaskHandle, type TaskDriver } from "./tasks.ts";
export { eraCache, eraKeyForCommand, eraKeyForUrl, type EraRecord } from "./era_cache.ts";
export {
  applyElicitationDefaults,
  checkStructure,
  resultToContent,
  type StructuralIssue,
} from "./results.ts";
export {
  createHttpClientTransport,
  type HttpClientTransport,
  type HttpClientTransportOptions,
  type HttpSendOptions,
  HttpStatusError,
} from "../transports/http/client.ts";
export {
  createLegacySseClientTransport,
  type LegacySseClientOptions,
  type LegacySseClientTransport,
} from "../transports/legacy_sse/client.ts";
export {
  createStdioClientTransport,
  type StdioClientOptions,
  type StdioClientTransport,
  type StdioServerParameters,
} from "../transports/stdio/client.ts";
