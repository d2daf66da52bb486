/**
 * MCP message types shared by both eras (2026-07-28 and the 2025-11-25 line),
 * gathered from the files that define them, one concept each. Fields a given
 * version does not know are optional.
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
export { LOGGING_LEVELS, type LoggingLevel } from "./logging.ts";
export type { Meta } from "./meta.ts";
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
export type { SubscriptionFilter } from "./subscriptions.ts";
export type { CallToolResult, Tool, ToolAnnotations } from "./tools.ts";
