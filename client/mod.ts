/**
 * The emcee MCP client: `McpClient` for servers of both protocol eras over
 * Streamable HTTP, HTTP+SSE, stdio or any transport, with helpers that shape
 * tool results for LLM use.
 *
 * @example
 * ```ts
 * import { connectClient } from "@emcee/mcp/client";
 * const client = await connectClient("http://127.0.0.1:3000/mcp", { name: "app", version: "1.0.0" });
 * const hits = await client.invoke("search", { query: "mcp" }); // the tool's value
 * const forModel = await client.invoke("search", { query: "mcp" }, { content: true });
 * await client.close();
 * ```
 *
 * @module
 */
export { connectClient, McpClient } from "./client.ts";
export type {
  CallOptions,
  ClientHandlers,
  ClientOptions,
  ClientTaskOptions,
  ConnectTarget,
  HandlerContext,
  InvokeOptions,
  ListOptions,
  LogMessage,
  Subscription,
} from "./options.ts";
export type { ClientCompat } from "./compat.ts";
export { ClientError, ToolError } from "./errors.ts";
export { isResultWrapper } from "./invoke.ts";
// TASKS_EXTENSION lives in protocol/tasks.ts; the task types are re-exported below.
export { awaitTask, type AwaitTaskOptions, isTaskHandle, type TaskDriver } from "./tasks.ts";
export {
  getSkill,
  listSkills,
  type LoadedSkill,
  loadSkill,
  readSkillFile,
  type SkillFileContent,
  type SkillsTransport,
  SkillVerificationError,
  type SkillVerificationProblem,
  toSkillEntry,
} from "./skills.ts";
export type { SkillEntry, SkillFrontmatter, SkillResourceEntry } from "../protocol/skills.ts";
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
// Protocol and runtime types the client's API is written in, so that this entry point is
// complete on its own.
export { McpError } from "../protocol/errors.ts";
export type { Progress } from "../protocol/engine.ts";
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
export type { DetailedTask, Task, TaskStatus } from "../protocol/tasks.ts";
export type { Transport, TransportSink } from "../protocol/transport.ts";
export type {
  Annotations,
  AudioContent,
  BlobResourceContents,
  CallToolResult,
  ClientCapabilities,
  CompleteResult,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  DiscoverResult,
  ElicitRequestParams,
  ElicitResult,
  EmbeddedResource,
  GetPromptResult,
  Icon,
  ImageContent,
  Implementation,
  InputRequest,
  InputRequests,
  InputResponses,
  LoggingLevel,
  Meta,
  Page,
  Prompt,
  PromptArgument,
  PromptMessage,
  ReadResourceResult,
  Resource,
  ResourceContents,
  ResourceLink,
  ResourceTemplate,
  Root,
  SamplingMessage,
  ServerCapabilities,
  SubscriptionFilter,
  TextContent,
  TextResourceContents,
  Tool,
  ToolAnnotations,
} from "../protocol/types.ts";
export type { ChildProcessExit } from "../runtime/mod.ts";
export type {
  AuthChallenge,
  AuthorizationHeaders,
  TokenProvider,
  TokenRequestContext,
} from "../protocol/token_provider.ts";
