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
  PromptArgument,
  ReadResourceResult,
  Resource,
  ResourceContents,
  ResourceTemplate,
  ToolAnnotations,
} from "../protocol/mod.ts";
import type { Flatten, InferToolArgs } from "../schema/mod.ts";
import type { RequestContext } from "./context.ts";
import type { ToolExecution } from "./extension.ts";
import type { TemplateVariableName, TemplateVariables } from "./template_variables.ts";

/**
 * What a tool handler may return: what it computes. A string is text
 * content; a `CallToolResult` (`{ content: [...], structuredContent?, isError?,
 * _meta? }`, nothing else) is sent as is; `undefined` is an empty result; any
 * other JSON value is `structuredContent` (`{ "result": value }` when it is not
 * an object) plus its JSON as text. What is not JSON (a function, a cycle, a
 * bigint) is refused with a tool error.
 */
export type ToolReturn = unknown;

/**
 * What a handler returns for a declared output: the value the output schema
 * types (builder or Standard Schema), or a full `CallToolResult`; anything
 * ({@link ToolReturn}) when the output is raw JSON Schema or not declared.
 *
 * @example
 * ```ts
 * import type { ToolValue } from "./definitions.ts";
 * import { s } from "../schema/mod.ts";
 * const output = s.number();
 * const value: ToolValue<typeof output> = 3;
 * ```
 */
export type ToolValue<Output> = unknown extends InferToolArgs<Output> ? ToolReturn
  : InferToolArgs<Output> | CallToolResult;

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
 * A tool definition with its handler; `Input` types the handler's arguments,
 * `Output` what it returns, `State` the server's lifespan state in its context.
 *
 * @example
 * ```ts
 * import type { ToolDefinition } from "./definitions.ts";
 * import { s } from "../schema/mod.ts";
 * const input = s.object({ city: s.string() });
 * const output = s.object({ celsius: s.number() });
 * const forecast: ToolDefinition<typeof input, typeof output> = {
 *   name: "forecast",
 *   input,
 *   output,
 *   handler: ({ city }) => ({ celsius: city === "Oslo" ? 4 : 20 }),
 * };
 * ```
 */
export interface ToolDefinition<Input = JsonObject, Output = unknown, State = unknown> {
  /** Unique name. */
  name: string;
  /** Display title. */
  title?: string;
  /** What the tool does, for the model. */
  description?: string;
  /** Input schema: raw JSON Schema, a schema builder value (`s.object(…)`), or a Standard Schema. */
  input?: Input;
  /**
   * Output schema of the tool's value, in any form `input` accepts. A schema
   * that does not describe an object is advertised as the wrapper
   * `{ type: "object", properties: { result: … }, required: ["result"] }`,
   * and the value travels as `{ "result": value }`.
   */
  output?: Output;
  /** Behaviour hints. */
  annotations?: ToolAnnotations;
  /** Icons. */
  icons?: Icon[];
  /** Metadata published with the tool. */
  _meta?: Meta;
  /** Whether calls may run as tasks (tasks extension); not published in `tools/list`. */
  execution?: ToolExecution;
  /**
   * OAuth scopes a call needs, e.g. `["files:write"]`; not published in
   * `tools/list`. Enforced over Streamable HTTP by `withAuth` (or
   * `toolScopeCheck` in auth/): a token lacking one is refused with HTTP 403
   * `insufficient_scope` naming the scopes, so the client can step up. Other
   * transports carry no token and do not check them.
   */
  scopes?: readonly string[];
  /** Runs the tool with validated arguments and returns its value ({@link ToolReturn}). */
  handler(
    args: ToolArgs<Input>,
    context: RequestContext<State>,
  ): ToolValue<Output> | Promise<ToolValue<Output>>;
}

/** What a resource reader returns: contents, a full result, or text as a shortcut. */
export type ResourceRead = ResourceContents[] | ReadResourceResult | string;

/** A fixed resource (as listed by `resources/list`) with its reader; `State` types `context.state`. */
export interface ResourceDefinition<State = unknown> extends Resource {
  /**
   * OAuth scopes reading it needs, as for a tool's `scopes`: not published,
   * enforced on `resources/read` over Streamable HTTP by `withAuth` (403
   * `insufficient_scope`); `resources/list` still lists it.
   */
  scopes?: readonly string[];
  /** Reads the resource. Returning a string yields one text content. */
  read: (uri: string, context: RequestContext<State>) => ResourceRead | Promise<ResourceRead>;
}

/** Completes one argument: the value typed so far and the other arguments. */
export type Completer = (
  value: string,
  context: { arguments: { [name: string]: string } },
) => string[] | Promise<string[]>;

/**
 * A resource template (RFC 6570, as listed by `resources/templates/list`) with
 * its reader. The template's variables type the reader's (see
 * {@link TemplateVariables}).
 *
 * @example
 * ```ts
 * import type { ResourceTemplateDefinition } from "./definitions.ts";
 * const users: ResourceTemplateDefinition<"users://{id}/profile{?fields}"> = {
 *   uriTemplate: "users://{id}/profile{?fields}",
 *   name: "profile",
 *   read: (uri, { id, fields }) => `Profile of ${id} (${fields ?? "all fields"})`,
 *   complete: { id: (typed) => ["1", "2", "42"].filter((id) => id.startsWith(typed)) },
 * };
 * ```
 */
export interface ResourceTemplateDefinition<Template extends string = string, State = unknown>
  extends ResourceTemplate {
  /** The RFC 6570 template; its variables type `read` and `complete`. */
  uriTemplate: Template;
  /** Completes template variables. */
  complete?: { [Variable in TemplateVariableName<Template>]?: Completer };
  /**
   * OAuth scopes reading a URI it matches needs, as for a tool's `scopes`
   * (enforced on `resources/read`; lists are not filtered).
   */
  scopes?: readonly string[];
  /** Lists concrete resources of this template for `resources/list`. */
  list?: () => Resource[] | Promise<Resource[]>;
  /** Reads a matching URI. */
  read: (
    uri: string,
    variables: TemplateVariables<Template>,
    context: RequestContext<State>,
  ) => ResourceRead | Promise<ResourceRead>;
}

/** What a prompt renderer returns: the messages, or text as one user message. */
export type PromptGet = GetPromptResult | string;

/**
 * The arguments a prompt renderer receives, typed from its declared
 * `arguments`: a `required: true` argument is a string, any other may be
 * missing. Undeclared (a wide `PromptArgument[]`): any string arguments.
 *
 * @example
 * ```ts
 * import type { PromptArgs } from "./definitions.ts";
 * type Args = PromptArgs<[{ name: "who"; required: true }, { name: "tone" }]>;
 * const args: Args = { who: "Ada" }; // { who: string; tone?: string }
 * ```
 */
export type PromptArgs<Arguments extends readonly PromptArgument[]> = string extends
  Arguments[number]["name"] ? { [name: string]: string }
  : Flatten<
    & { [A in Arguments[number] as A extends { required: true } ? A["name"] : never]: string }
    & { [A in Arguments[number] as A extends { required: true } ? never : A["name"]]?: string }
  >;

/**
 * A prompt (as listed by `prompts/list`) with its renderer; the declared
 * `arguments` type the renderer's.
 *
 * @example
 * ```ts
 * import { McpServer } from "./server.ts";
 * const server = new McpServer({ name: "prompts", version: "1.0.0" });
 * server.prompt({
 *   name: "greet",
 *   arguments: [{ name: "who", required: true }, { name: "tone" }],
 *   get: ({ who, tone }) => `Greet ${who}${tone ? ` in a ${tone} tone` : ""}`,
 * });
 * ```
 */
export interface PromptDefinition<
  Arguments extends readonly PromptArgument[] = PromptArgument[],
  State = unknown,
> extends Omit<Prompt, "arguments"> {
  /** Arguments the prompt takes; a `required` one must be given. */
  arguments?: Arguments;
  /** Completes arguments. */
  complete?: { [Name in Arguments[number]["name"]]?: Completer };
  /**
   * OAuth scopes getting it needs, as for a tool's `scopes` (enforced on
   * `prompts/get`; `prompts/list` still lists it).
   */
  scopes?: readonly string[];
  /** Renders the prompt; a string is one user text message. */
  get: (
    args: PromptArgs<Arguments>,
    context: RequestContext<State>,
  ) => PromptGet | Promise<PromptGet>;
}

/** A handle to something registered, to remove it later. */
export interface Registration {
  /** Removes it and notifies subscribed clients. */
  remove(): void;
}
