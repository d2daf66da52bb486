/**
 * What a server author registers on `McpServer`: tools, fixed resources,
 * resource templates and prompts, each with its handler, and the handle that
 * removes one again.
 *
 * @module
 */
import type {
  CallToolResult,
  GetPromptResult,
  Icon,
  JsonObject,
  Meta,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceContents,
  ResourceTemplate,
  ToolAnnotations,
} from "../protocol/mod.ts";
import type { InferToolArgs } from "../schema/mod.ts";
import type { RequestContext } from "./context.ts";
import type { ToolExecution } from "./extension.ts";

/** What a tool handler may return: a full result, or text as a shortcut. */
export type ToolReturn = CallToolResult | string;

/**
 * The arguments a handler receives for a declared input: the builder's or
 * Standard Schema's type, or a plain JSON object for raw JSON Schema.
 *
 * @example
 * ```ts
 * import type { ToolArgs } from "./definitions.ts";
 * import { s } from "../schema/mod.ts";
 * const input = s.object({ city: s.string() });
 * const args: ToolArgs<typeof input> = { city: "Oslo" };
 * const raw: ToolArgs<{ type: "object" }> = { anything: 1 }; // a JSON object
 * ```
 */
export type ToolArgs<Input> = unknown extends InferToolArgs<Input> ? JsonObject
  : InferToolArgs<Input>;

/**
 * A tool definition with its handler; `Input` types the handler's arguments.
 *
 * @example
 * ```ts
 * import type { ToolDefinition } from "./definitions.ts";
 * import { s } from "../schema/mod.ts";
 * const input = s.object({ city: s.string() });
 * const forecast: ToolDefinition<typeof input> = {
 *   name: "forecast",
 *   input,
 *   handler: ({ city }) => `Sunny in ${city}`,
 * };
 * ```
 */
export interface ToolDefinition<Input = JsonObject> {
  /** Unique name. */
  name: string;
  /** Display title. */
  title?: string;
  /** What the tool does, for the model. */
  description?: string;
  /** Input schema: raw JSON Schema, a schema builder value (`s.object(…)`), or a Standard Schema. */
  input?: Input;
  /** Output schema for `structuredContent`, in any form `input` accepts. */
  output?: unknown;
  /** Behaviour hints. */
  annotations?: ToolAnnotations;
  /** Icons. */
  icons?: Icon[];
  /** Metadata published with the tool. */
  _meta?: Meta;
  /** Whether calls may run as tasks (tasks extension); not published in `tools/list`. */
  execution?: ToolExecution;
  /** Runs the tool with validated arguments. */
  handler(args: ToolArgs<Input>, context: RequestContext): ToolReturn | Promise<ToolReturn>;
}

/** What a resource reader returns: contents, a full result, or text as a shortcut. */
export type ResourceRead = ResourceContents[] | ReadResourceResult | string;

/** A fixed resource (as listed by `resources/list`) with its reader. */
export interface ResourceDefinition extends Resource {
  /** Reads the resource. Returning a string yields one text content. */
  read: (uri: string, context: RequestContext) => ResourceRead | Promise<ResourceRead>;
}

/** Completes one argument: the value typed so far and the other arguments. */
export type Completer = (
  value: string,
  context: { arguments: { [name: string]: string } },
) => string[] | Promise<string[]>;

/**
 * A resource template (RFC 6570, as listed by `resources/templates/list`) with its reader.
 *
 * @example
 * ```ts
 * import type { ResourceTemplateDefinition } from "./definitions.ts";
 * const users: ResourceTemplateDefinition = {
 *   uriTemplate: "users://{id}/profile",
 *   name: "profile",
 *   read: (uri, { id }) => `Profile of ${String(id)}`,
 *   complete: { id: (typed) => ["1", "2", "42"].filter((id) => id.startsWith(typed)) },
 * };
 * ```
 */
export interface ResourceTemplateDefinition extends ResourceTemplate {
  /** Completes template variables. */
  complete?: { [variable: string]: Completer };
  /** Lists concrete resources of this template for `resources/list`. */
  list?: () => Resource[] | Promise<Resource[]>;
  /** Reads a matching URI. */
  read: (
    uri: string,
    variables: { [name: string]: string | string[] },
    context: RequestContext,
  ) => ResourceRead | Promise<ResourceRead>;
}

/** A prompt (as listed by `prompts/list`) with its renderer. */
export interface PromptDefinition extends Prompt {
  /** Completes arguments. */
  complete?: { [argument: string]: Completer };
  /** Renders the prompt. */
  get: (
    args: { [name: string]: string },
    context: RequestContext,
  ) => GetPromptResult | Promise<GetPromptResult>;
}

/** A handle to something registered, to remove it later. */
export interface Registration {
  /** Removes it and notifies subscribed clients. */
  remove(): void;
}
