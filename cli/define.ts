/**
 * Typing helpers for tool files served by `emcee serve`: each returns its
 * definition unchanged, tagged so the loader knows what it is, with the same
 * type inference as `McpServer`'s registration methods. Also {@link registry},
 * the live list of what the serving process loaded.
 *
 * @example
 * ```ts
 * import { tool } from "./define.ts";
 * import { s } from "../schema/mod.ts";
 * export default tool({
 *   name: "add",
 *   input: s.object({ a: s.number(), b: s.number() }),
 *   handler: ({ a, b }) => a + b, // a, b: number
 * });
 * ```
 *
 * @module
 */
import type { JsonObject, PromptArgument } from "../protocol/mod.ts";
import type { RequestContext } from "../server/context.ts";
import type {
  PromptDefinition,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolArgs,
  ToolDefinition,
  ToolValue,
} from "../server/definitions.ts";

/** What a tagged definition is. */
export type DefinitionKind = "tool" | "resource" | "resourceTemplate" | "prompt";

/** The symbol under which the helpers record a definition's kind (non-enumerable). */
export const KIND: unique symbol = Symbol.for("emcee.definitionKind");

function tag<T extends object>(definition: T, kind: DefinitionKind): T {
  // Non-enumerable so the definition registers and serialises exactly as written.
  Object.defineProperty(definition, KIND, { value: kind, enumerable: false });
  return definition;
}

/** The kind a helper tagged `value` with, if any. */
export function taggedKind(value: unknown): DefinitionKind | undefined {
  if (typeof value !== "object" || value === null) return undefined;
  return (value as { [KIND]?: DefinitionKind })[KIND];
}

/** What a tool handler in a tool file receives besides its arguments. */
export interface ToolFileContext extends RequestContext {
  /** What the serving process loaded, as of this call. */
  readonly registry: LiveRegistry;
}

/** A tool in a tool file: a `ToolDefinition` whose handler also sees the live registry. */
export interface ToolFileDefinition<Input = JsonObject, Output = unknown>
  extends Omit<ToolDefinition<Input, Output>, "handler"> {
  /** Runs the tool with validated arguments and returns its value. */
  handler(
    args: ToolArgs<Input>,
    context: ToolFileContext,
  ): ToolValue<Output> | Promise<ToolValue<Output>>;
}

/**
 * Declares a tool; the input schema types the handler's arguments, and the
 * handler's context carries the live {@link registry}.
 *
 * @example
 * ```ts
 * import { tool } from "./define.ts";
 * export default tool({
 *   name: "list_tools",
 *   handler: (_args, context) => context.registry.tools,
 * });
 * ```
 */
export function tool<Input = JsonObject, Output = unknown>(
  definition: ToolFileDefinition<Input, Output>,
): ToolFileDefinition<Input, Output> {
  return tag(definition, "tool");
}

/** Declares a fixed resource. */
export function resource(definition: ResourceDefinition): ResourceDefinition {
  return tag(definition, "resource");
}

/** Declares a resource template; its variables type the reader's. */
export function resourceTemplate<Template extends string>(
  definition: ResourceTemplateDefinition<Template>,
): ResourceTemplateDefinition<Template> {
  return tag(definition, "resourceTemplate");
}

/** Declares a prompt; its declared arguments type the renderer's. */
export function prompt<const Arguments extends readonly PromptArgument[] = PromptArgument[]>(
  definition: PromptDefinition<Arguments>,
): PromptDefinition<Arguments> {
  return tag(definition, "prompt");
}

/** What this process serves: names of tools and prompts, URIs and templates of resources. */
export interface LiveRegistry {
  /** Tool names. */
  tools: string[];
  /** Resource URIs. */
  resources: string[];
  /** Resource templates. */
  resourceTemplates: string[];
  /** Prompt names. */
  prompts: string[];
}

// Kept on the global object so that every copy of this module in the process (the CLI's
// own, and one a tool file imports from another specifier) reports the same registry.
const LIVE = Symbol.for("emcee.liveRegistry");
const holder = globalThis as { [LIVE]?: LiveRegistry };
holder[LIVE] ??= { tools: [], resources: [], resourceTemplates: [], prompts: [] };

/**
 * The definitions the serving process loaded, as a handler sees them at call
 * time (the tool-file counterpart of PyMCP's injected `tool_registry`).
 *
 * @example
 * ```ts
 * import { registry, tool } from "./define.ts";
 * export const list = tool({ name: "list_tools", handler: () => registry().tools });
 * ```
 */
export function registry(): LiveRegistry {
  return structuredClone(holder[LIVE]!);
}

/** Replaces what {@link registry} reports; called by the loader once it has registered. */
export function setRegistry(next: LiveRegistry): void {
  holder[LIVE] = structuredClone(next);
}
