/**
 * The MCP server: register tools, resources, templates and prompts on an
 * `McpServer`, then serve it over any transport in both protocol eras.
 *
 * @example
 * ```ts
 * import { McpServer } from "./mod.ts";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * server.tool({ name: "hello", description: "Greets", handler: () => "Hello!" });
 * server.tool({ name: "sum", handler: () => ({ sum: 3 }) }); // structuredContent { sum: 3 }, text '{"sum":3}'
 * ```
 *
 * @module
 */
export { McpServer } from "./server.ts";
export type { ServerOptions } from "./options.ts";
export type { ServerCompat } from "./compat.ts";
export type { McpRequest, Middleware, ToolCall, ToolMiddleware } from "./middleware.ts";
export type { TraceAttributes, TraceAttributeValue, Tracer, TraceSpan } from "./tracing.ts";
export { mountedName, mountedUri, unmountedUri } from "./mount.ts";
export {
  type Lifespan,
  LifespanError,
  type LifespanOptions,
  type LifespanServer,
} from "./lifespan.ts";
export type {
  Completer,
  PromptArgs,
  PromptDefinition,
  PromptGet,
  Registration,
  ResourceDefinition,
  ResourceRead,
  ResourceTemplateDefinition,
  ToolArgs,
  ToolDefinition,
  ToolReturn,
  ToolValue,
} from "./definitions.ts";
export { isCallToolResult } from "./tool_result.ts";
export {
  audio,
  type ContentOptions,
  type EmbeddedContents,
  embeddedResource,
  image,
  resourceLink,
  text,
} from "./content.ts";
export { type Bytes, encodeBase64 } from "./base64.ts";
export type {
  ParseTemplateVariables,
  TemplateVariableName,
  TemplateVariables,
} from "./template_variables.ts";
export {
  RegistrationError,
  type RegistrationErrorInit,
  type RegistrationKind,
  type RegistrationProblem,
} from "./registration_error.ts";
export type { ServerEvent } from "./subscriptions.ts";
export { type InputOptions, type RequestContext, urlElicitationRequired } from "./context.ts";
export { MAX_MEMO_BYTES } from "./once.ts";
export {
  clientDeclares,
  type ExtensionRequest,
  type ExtensionSubscription,
  type HandedOffCall,
  type HandlerCall,
  type HandOffPlan,
  type InputAnswers,
  type RoundOutcome,
  type ServerExtension,
  type ToolExecution,
} from "./extension.ts";
export {
  createMemoryTaskStore,
  createTasksExtension,
  type MemoryTaskStoreOptions,
  type TaskLease,
  type TaskRecord,
  type TasksOptions,
  type TaskStore,
} from "./tasks.ts";
export {
  retryAfterOf,
  type SharedStore,
  STORE_UNAVAILABLE,
  storeOf,
  StoreUnavailableError,
} from "./shared_store.ts";
// The shared store's pieces, so its documentation is whole.
export type { EventStore } from "../transports/http/event_store.ts";
export type { HttpStore } from "../transports/http/store.ts";
export type { BusListener, MessageBus } from "../transports/http/message_bus.ts";
export type {
  DirectoryRecord,
  SessionDirectory,
  SessionSnapshot,
} from "../transports/http/session_directory.ts";
export {
  createSkillsExtension,
  DIRECTORY_MIME_TYPE,
  FrontmatterError,
  loadSkills,
  type LoadSkillsOptions,
  parseFrontmatter,
  sha256Digest,
  SKILL_FILE,
  type SkillDefinition,
  type SkillEntry,
  SkillError,
  type SkillFile,
  type SkillFrontmatter,
  type SkillResourceEntry,
  SKILLS_EXTENSION,
  type SkillsExtension,
  type SkillsOptions,
  type SkillsSettings,
} from "./skills/mod.ts";
// MCP Apps (SEP-1865).
export {
  APP_MIME_TYPE,
  type AppCsp,
  type AppDefinition,
  type AppPermissions,
  type AppResourceMeta,
  APPS_EXTENSION,
  type AppsClientSettings,
  appsClientSettings,
  type AppsExtension,
  type AppsOptions,
  appTool,
  type AppToolLink,
  type AppToolMeta,
  type AppToolVisibility,
  clientRendersApps,
  createAppsExtension,
  LEGACY_RESOURCE_URI_KEY,
} from "./apps/mod.ts";
export {
  parseUriTemplate,
  type UriTemplate,
  type UriTemplateMatch,
  type UriTemplateValue,
  type UriTemplateVariables,
} from "./uri_template.ts";
// The protocol types this API refers to, so that this entry point alone types everything it
// exposes; `@emcee/mcp/protocol` has the rest.
export { McpError } from "../protocol/mod.ts";
export type {
  Annotations,
  AudioContent,
  AuthInfo,
  BlobResourceContents,
  CacheHints,
  CallToolResult,
  ClientCapabilities,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  EmbeddedResource,
  GetPromptResult,
  Icon,
  ImageContent,
  Implementation,
  InputRequest,
  InputRequests,
  JsonObject,
  JsonRpcErrorObject,
  JsonRpcErrorResponse,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  JsonRpcResultResponse,
  LegacySession,
  ListKind,
  ListRootsResult,
  LoggingLevel,
  Meta,
  Progress,
  Prompt,
  PromptArgument,
  PromptMessage,
  ReadResourceResult,
  RequestEngine,
  RequestId,
  RequestOptions,
  RequestScope,
  Resource,
  ResourceContents,
  ResourceLink,
  ResourceTemplate,
  Root,
  SamplingMessage,
  ServerCapabilities,
  ServerEndpoint,
  Task,
  TaskStatus,
  TextContent,
  TextResourceContents,
  Tool,
  ToolAnnotations,
} from "../protocol/mod.ts";
export {
  type Flatten,
  type Infer,
  type InferToolArgs,
  type JsonSchemaObject,
  schemaType,
  type StandardIssue,
  type StandardJsonSchemaOptions,
  type StandardOutput,
  type StandardPathSegment,
  type StandardProps,
  type StandardResult,
  type StandardSchemaV1,
  type TypedSchema,
} from "../schema/mod.ts";
