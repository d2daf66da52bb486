/**
 * MCP message types shared by both eras (2026-07-28 and the 2025-11-25 line).
 * Fields a given version does not know are optional.
 *
 * @module
 */
import type { JsonObject } from "./jsonrpc.ts";

/** `_meta` maps: reverse-DNS keys to arbitrary values. */
export type Meta = { [key: string]: unknown };

/** Identity of a client or server implementation. */
export interface Implementation {
  /** Programmatic name. */
  name: string;
  /** Version string. */
  version: string;
  /** Human-readable name. */
  title?: string;
  /** Description of the implementation. */
  description?: string;
  /** Icons for display. */
  icons?: Icon[];
  /** Homepage. */
  websiteUrl?: string;
}

/** An icon for a tool, resource, prompt or implementation. */
export interface Icon {
  /** An https: or data: URI. */
  src: string;
  /** MIME type override. */
  mimeType?: string;
  /** Sizes such as "48x48" or "any". */
  sizes?: string[];
  /** Background theme the icon is designed for. */
  theme?: "light" | "dark";
}

/** Annotations on content and resources. */
export interface Annotations {
  /** Who the content is for. */
  audience?: ("user" | "assistant")[];
  /** Importance from 0 to 1. */
  priority?: number;
  /** ISO 8601 timestamp of the last modification. */
  lastModified?: string;
}

/** Plain text content. */
export interface TextContent {
  /** Discriminator. */
  type: "text";
  /** The text. */
  text: string;
  /** Optional annotations. */
  annotations?: Annotations;
  /** Metadata. */
  _meta?: Meta;
}

/** Base64 image content. */
export interface ImageContent {
  /** Discriminator. */
  type: "image";
  /** Base64 data. */
  data: string;
  /** MIME type such as image/png. */
  mimeType: string;
  /** Optional annotations. */
  annotations?: Annotations;
  /** Metadata. */
  _meta?: Meta;
}

/** Base64 audio content. */
export interface AudioContent {
  /** Discriminator. */
  type: "audio";
  /** Base64 data. */
  data: string;
  /** MIME type such as audio/wav. */
  mimeType: string;
  /** Optional annotations. */
  annotations?: Annotations;
  /** Metadata. */
  _meta?: Meta;
}

/** Text contents of a resource. */
export interface TextResourceContents {
  /** The resource URI. */
  uri: string;
  /** MIME type. */
  mimeType?: string;
  /** The text. */
  text: string;
  /** Metadata. */
  _meta?: Meta;
}

/** Binary contents of a resource. */
export interface BlobResourceContents {
  /** The resource URI. */
  uri: string;
  /** MIME type. */
  mimeType?: string;
  /** Base64 data. */
  blob: string;
  /** Metadata. */
  _meta?: Meta;
}

/** Contents of a resource, text or binary. */
export type ResourceContents = TextResourceContents | BlobResourceContents;

/** A resource embedded in content. */
export interface EmbeddedResource {
  /** Discriminator. */
  type: "resource";
  /** The embedded contents. */
  resource: ResourceContents;
  /** Optional annotations. */
  annotations?: Annotations;
  /** Metadata. */
  _meta?: Meta;
}

/** A link to a resource the client may read. */
export interface ResourceLink extends Resource {
  /** Discriminator. */
  type: "resource_link";
}

/** Any content block a tool result or prompt message may carry. */
export type ContentBlock =
  | TextContent
  | ImageContent
  | AudioContent
  | ResourceLink
  | EmbeddedResource;

/** Hints about a tool's behaviour. */
export interface ToolAnnotations {
  /** Display title. */
  title?: string;
  /** The tool does not modify its environment. */
  readOnlyHint?: boolean;
  /** The tool may perform destructive updates. */
  destructiveHint?: boolean;
  /** Calling again with the same arguments has no further effect. */
  idempotentHint?: boolean;
  /** The tool interacts with an open world of external entities. */
  openWorldHint?: boolean;
}

/** A tool definition as listed by `tools/list`. */
export interface Tool {
  /** Unique name. */
  name: string;
  /** Display title. */
  title?: string;
  /** What the tool does. */
  description?: string;
  /** JSON Schema of the arguments. */
  inputSchema: JsonObject;
  /** JSON Schema of `structuredContent`. */
  outputSchema?: JsonObject;
  /** Behaviour hints. */
  annotations?: ToolAnnotations;
  /** Icons. */
  icons?: Icon[];
  /** Task support (legacy 2025-11-25 `execution.taskSupport`). */
  execution?: { taskSupport?: "forbidden" | "optional" | "required" };
  /** Metadata. */
  _meta?: Meta;
}

/** The result of `tools/call`. */
export interface CallToolResult {
  /** Unstructured content for the model. */
  content: ContentBlock[];
  /** Structured content matching the output schema. */
  structuredContent?: unknown;
  /** Whether the tool failed (the model can read why). */
  isError?: boolean;
  /** Metadata. */
  _meta?: Meta;
}

/** A resource the server can read. */
export interface Resource {
  /** The URI. */
  uri: string;
  /** Programmatic name. */
  name: string;
  /** Display title. */
  title?: string;
  /** Description. */
  description?: string;
  /** MIME type. */
  mimeType?: string;
  /** Size in bytes. */
  size?: number;
  /** Annotations. */
  annotations?: Annotations;
  /** Icons. */
  icons?: Icon[];
  /** Metadata. */
  _meta?: Meta;
}

/** A parameterised resource (RFC 6570 URI template). */
export interface ResourceTemplate {
  /** The URI template. */
  uriTemplate: string;
  /** Programmatic name. */
  name: string;
  /** Display title. */
  title?: string;
  /** Description. */
  description?: string;
  /** MIME type of matching resources. */
  mimeType?: string;
  /** Annotations. */
  annotations?: Annotations;
  /** Icons. */
  icons?: Icon[];
  /** Metadata. */
  _meta?: Meta;
}

/** The result of `resources/read`. */
export interface ReadResourceResult {
  /** The contents read. */
  contents: ResourceContents[];
  /** Metadata. */
  _meta?: Meta;
}

/** A prompt argument. */
export interface PromptArgument {
  /** Argument name. */
  name: string;
  /** Display title. */
  title?: string;
  /** Description. */
  description?: string;
  /** Whether the argument is required. */
  required?: boolean;
}

/** A prompt as listed by `prompts/list`. */
export interface Prompt {
  /** Unique name. */
  name: string;
  /** Display title. */
  title?: string;
  /** Description. */
  description?: string;
  /** Arguments the prompt takes. */
  arguments?: PromptArgument[];
  /** Icons. */
  icons?: Icon[];
  /** Metadata. */
  _meta?: Meta;
}

/** One message of a prompt. */
export interface PromptMessage {
  /** Speaker. */
  role: "user" | "assistant";
  /** The content. */
  content: ContentBlock;
}

/** The result of `prompts/get`. */
export interface GetPromptResult {
  /** Description of the rendered prompt. */
  description?: string;
  /** Messages. */
  messages: PromptMessage[];
  /** Metadata. */
  _meta?: Meta;
}

/** The result of `completion/complete`. */
export interface CompleteResult {
  /** The completion. */
  completion: { values: string[]; total?: number; hasMore?: boolean };
  /** Metadata. */
  _meta?: Meta;
}

/** Log levels (RFC 5424), lowest first. */
export type LoggingLevel =
  | "debug"
  | "info"
  | "notice"
  | "warning"
  | "error"
  | "critical"
  | "alert"
  | "emergency";

/** Log levels in ascending severity. */
export const LOGGING_LEVELS: readonly LoggingLevel[] = [
  "debug",
  "info",
  "notice",
  "warning",
  "error",
  "critical",
  "alert",
  "emergency",
];

/** Capabilities a client declares. */
export interface ClientCapabilities {
  /** Roots support. */
  roots?: { listChanged?: boolean };
  /** Sampling support. */
  sampling?: { context?: JsonObject; tools?: JsonObject };
  /** Elicitation support; `{}` means form mode. */
  elicitation?: { form?: JsonObject; url?: JsonObject };
  /** Experimental capabilities. */
  experimental?: { [key: string]: JsonObject };
  /** Extensions. */
  extensions?: { [key: string]: JsonObject };
  /** Legacy task support. */
  tasks?: JsonObject;
  /** Other capabilities. */
  [key: string]: unknown;
}

/** Capabilities a server declares. */
export interface ServerCapabilities {
  /** Tools support. */
  tools?: { listChanged?: boolean };
  /** Resources support. */
  resources?: { subscribe?: boolean; listChanged?: boolean };
  /** Prompts support. */
  prompts?: { listChanged?: boolean };
  /** Logging support. */
  logging?: JsonObject;
  /** Completion support. */
  completions?: JsonObject;
  /** Experimental capabilities. */
  experimental?: { [key: string]: JsonObject };
  /** Extensions. */
  extensions?: { [key: string]: JsonObject };
  /** Legacy task support. */
  tasks?: JsonObject;
}

/** Parameters of `elicitation/create`, form or URL mode. */
export interface ElicitRequestParams {
  /** "form" (default) or "url". */
  mode?: "form" | "url";
  /** What to ask the user. */
  message: string;
  /** Form mode: a flat JSON Schema of the requested fields. */
  requestedSchema?: JsonObject;
  /** URL mode: the page to open. */
  url?: string;
  /** URL mode (legacy 2025-11-25): correlation id. */
  elicitationId?: string;
  /** Metadata. */
  _meta?: Meta;
}

/** The user's answer to an elicitation. */
export interface ElicitResult {
  /** What the user did. */
  action: "accept" | "decline" | "cancel";
  /** Form values when accepted. */
  content?: { [key: string]: string | number | boolean | string[] };
  /** Metadata. */
  _meta?: Meta;
}

/** A message for sampling. */
export interface SamplingMessage {
  /** Speaker. */
  role: "user" | "assistant";
  /** Content (one block or several). */
  content: JsonObject | JsonObject[];
  /** Metadata. */
  _meta?: Meta;
}

/** Parameters of `sampling/createMessage`. */
export interface CreateMessageRequestParams {
  /** The conversation. */
  messages: SamplingMessage[];
  /** Model preferences. */
  modelPreferences?: JsonObject;
  /** System prompt. */
  systemPrompt?: string;
  /** Context inclusion (deprecated values aside, "none"). */
  includeContext?: "none" | "thisServer" | "allServers";
  /** Sampling temperature. */
  temperature?: number;
  /** Maximum tokens to sample. */
  maxTokens: number;
  /** Stop sequences. */
  stopSequences?: string[];
  /** Provider metadata. */
  metadata?: JsonObject;
  /** Tools the model may call. */
  tools?: Tool[];
  /** Tool choice. */
  toolChoice?: JsonObject;
  /** Metadata. */
  _meta?: Meta;
}

/** The client's sampled message. */
export interface CreateMessageResult {
  /** Speaker, normally "assistant". */
  role: "user" | "assistant";
  /** Content. */
  content: JsonObject | JsonObject[];
  /** The model used. */
  model: string;
  /** Why sampling stopped. */
  stopReason?: string;
  /** Metadata. */
  _meta?: Meta;
}

/** A root the client exposes. */
export interface Root {
  /** A file:// URI. */
  uri: string;
  /** Display name. */
  name?: string;
  /** Metadata. */
  _meta?: Meta;
}

/** The result of `roots/list`. */
export interface ListRootsResult {
  /** The roots. */
  roots: Root[];
  /** Metadata. */
  _meta?: Meta;
}

/** A request the server embeds in an `InputRequiredResult` (2026-07-28). */
export type InputRequest =
  | { method: "elicitation/create"; params: ElicitRequestParams }
  | { method: "sampling/createMessage"; params: CreateMessageRequestParams }
  | { method: "roots/list"; params?: JsonObject };

/** Server-assigned keys to input requests. */
export type InputRequests = { [key: string]: InputRequest };

/** Client answers to input requests, by key. */
export type InputResponses = { [key: string]: JsonObject };

/** The interim result asking the client for more input (2026-07-28). */
export interface InputRequiredResult {
  /** Discriminator. */
  resultType: "input_required";
  /** What the server needs. */
  inputRequests?: InputRequests;
  /** Opaque state the client echoes back. */
  requestState?: string;
  /** Metadata. */
  _meta?: Meta;
}

/** Which notifications a `subscriptions/listen` stream carries. */
export interface SubscriptionFilter {
  /** `notifications/tools/list_changed`. */
  toolsListChanged?: boolean;
  /** `notifications/prompts/list_changed`. */
  promptsListChanged?: boolean;
  /** `notifications/resources/list_changed`. */
  resourcesListChanged?: boolean;
  /** `notifications/resources/updated` for these URIs. */
  resourceSubscriptions?: string[];
}

/** Caching hints on cacheable results (2026-07-28). */
export interface CacheHints {
  /** Freshness in milliseconds. */
  ttlMs: number;
  /** Who may cache. */
  cacheScope: "public" | "private";
}

/** The result of `server/discover`. */
export interface DiscoverResult {
  /** Versions the server speaks. */
  supportedVersions: string[];
  /** Server capabilities. */
  capabilities: ServerCapabilities;
  /** Guidance for the model. */
  instructions?: string;
  /** Metadata, with the server identity. */
  _meta?: Meta;
}

/** One page of a list method's results. */
export interface Page<T> {
  /** Items of this page. */
  items: T[];
  /** Cursor for the next page, when there is one. */
  nextCursor?: string;
}
