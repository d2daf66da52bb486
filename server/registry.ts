/**
 * The registry of what a server serves: tools (with their resolved schemas),
 * fixed resources, resource templates (parsed) and prompts. Everything is
 * checked and prepared when it is registered, so serving a request only looks
 * it up; a refused definition throws a {@link RegistrationError}.
 *
 * @module
 */
import type { ListKind, Tool } from "../protocol/mod.ts";
import type { ToolSchema } from "../schema/mod.ts";
import type {
  PromptDefinition,
  Registration,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
} from "./definitions.ts";
import { type ListingKey, toolListing } from "./listing.ts";
import { RegistrationError, type RegistrationKind } from "./registration_error.ts";
import { emit, type ServerEventListener } from "./subscriptions.ts";
import { describesObject, wrapperSchema } from "./result_wrapper.ts";
import { checkToolName, type ToolNamePolicy } from "./tool_names.ts";
import { resolveToolSchema } from "./tool_schema.ts";
import { parseUriTemplate, type UriTemplate } from "./uri_template.ts";

/** A registered tool: its definition, its `tools/list` entry and its schemas. */
export interface ToolEntry {
  /** As registered. */
  definition: ToolDefinition<never>;
  /** As `tools/list` publishes it. */
  tool: Tool;
  /** Validates arguments. */
  input: ToolSchema;
  /** Validates the tool's value, when the tool declares an output schema. */
  output?: ToolSchema;
  /**
   * Whether the value travels as `{ "result": value }`: declared output that
   * does not describe an object (the advertised schema is then the wrapper).
   */
  wrapped: boolean;
}

/** A registered resource template with its parsed URI template. */
export interface TemplateEntry {
  /** As registered. */
  definition: ResourceTemplateDefinition;
  /** Matches URIs to variables. */
  template: UriTemplate;
}

/** What is registered, by key, and who hears about changes. */
export interface Registry {
  /** Tools by name. */
  readonly tools: Map<string, ToolEntry>;
  /** Fixed resources by URI. */
  readonly resources: Map<string, ResourceDefinition>;
  /** Resource templates by URI template. */
  readonly templates: Map<string, TemplateEntry>;
  /** Prompts by name. */
  readonly prompts: Map<string, PromptDefinition>;
  /** Listings built since the last change. */
  readonly listings: Map<ListingKey, unknown[]>;
  /** Who hears about changes. */
  readonly listeners: Set<ServerEventListener>;
}

/** An empty registry. */
export function createRegistry(): Registry {
  return {
    tools: new Map(),
    resources: new Map(),
    templates: new Map(),
    prompts: new Map(),
    listings: new Map(),
    listeners: new Set(),
  };
}

/** Registers a tool; its schemas are resolved and checked now, its name against `names`. */
export function registerTool(
  registry: Registry,
  definition: ToolDefinition<never>,
  names?: ToolNamePolicy,
): Registration {
  const name = requireKey("tool", definition.name, "name");
  requireFunction("tool", name, definition.handler, "handler");
  refuseDuplicate(registry.tools, "tool", name);
  if (names) checkToolName(names, name);
  const input = resolveToolSchema(name, "inputSchema", definition.input ?? { type: "object" });
  const output = definition.output === undefined
    ? undefined
    : resolveToolSchema(name, "outputSchema", definition.output);
  const wrapped = output !== undefined && !describesObject(output.jsonSchema);
  const advertised = output && wrapped ? wrapperSchema(output.jsonSchema) : output?.jsonSchema;
  // Every entry has the same fields, so lookups on the hot path see one object shape.
  const entry: ToolEntry = {
    definition,
    tool: toolListing(definition, input.jsonSchema, advertised),
    input,
    output,
    wrapped,
  };
  return add(registry, registry.tools, "tool", name, entry, "tools");
}

/** Registers a fixed resource. */
export function registerResource(
  registry: Registry,
  definition: ResourceDefinition,
): Registration {
  const uri = requireKey("resource", definition.uri, "uri");
  requireFunction("resource", uri, definition.read, "read");
  return add(registry, registry.resources, "resource", uri, definition, "resources");
}

/** Registers a resource template; its URI template is parsed now. */
export function registerResourceTemplate(
  registry: Registry,
  definition: ResourceTemplateDefinition,
): Registration {
  const key = requireKey("resourceTemplate", definition.uriTemplate, "uriTemplate");
  requireFunction("resourceTemplate", key, definition.read, "read");
  refuseDuplicate(registry.templates, "resourceTemplate", key);
  let template: UriTemplate;
  try {
    template = parseUriTemplate(key);
  } catch (error) {
    throw new RegistrationError({
      kind: "resourceTemplate",
      key,
      problem: "uriTemplate",
      detail: `is not a valid URI template: ${(error as Error).message}`,
      cause: error,
    });
  }
  return add(
    registry,
    registry.templates,
    "resourceTemplate",
    key,
    { definition, template },
    "resources",
  );
}

/** Registers a prompt. */
export function registerPrompt(registry: Registry, definition: PromptDefinition): Registration {
  const name = requireKey("prompt", definition.name, "name");
  requireFunction("prompt", name, definition.get, "get");
  return add(registry, registry.prompts, "prompt", name, definition, "prompts");
}

/**
 * The scopes reading `uri` needs: its fixed resource's, else those of the
 * first template matching it (the one `resources/read` would use).
 */
export function resourceScopes(registry: Registry, uri: string): readonly string[] | undefined {
  const fixed = registry.resources.get(uri);
  if (fixed) return fixed.scopes;
  for (const { definition, template } of registry.templates.values()) {
    if (template.match(uri)) return definition.scopes;
  }
  return undefined;
}

function requireKey(kind: RegistrationKind, key: unknown, field: string): string {
  if (typeof key === "string" && key !== "") return key;
  throw new RegistrationError({
    kind,
    key: String(key),
    problem: "definition",
    detail: `needs a non-empty string ${field}`,
  });
}

function requireFunction(kind: RegistrationKind, key: string, value: unknown, field: string): void {
  if (typeof value === "function") return;
  throw new RegistrationError({
    kind,
    key,
    problem: "definition",
    detail: `needs a ${field} function`,
  });
}

function refuseDuplicate(map: Map<string, unknown>, kind: RegistrationKind, key: string): void {
  if (!map.has(key)) return;
  throw new RegistrationError({ kind, key, problem: "duplicate", detail: "is already registered" });
}

/**
 * Adds an entry and announces the change. Its `remove` takes out only this
 * entry, not a later one registered under the same key.
 */
function add<T>(
  registry: Registry,
  map: Map<string, T>,
  kind: RegistrationKind,
  key: string,
  entry: T,
  list: ListKind,
): Registration {
  refuseDuplicate(map, kind, key);
  map.set(key, entry);
  changed(registry, list);
  return {
    remove: () => {
      if (map.get(key) !== entry) return;
      map.delete(key);
      changed(registry, list);
    },
  };
}

function changed(registry: Registry, list: ListKind): void {
  if (list === "resources") registry.listings.delete("templates");
  else registry.listings.delete(list);
  emit(registry.listeners, { type: list });
}
