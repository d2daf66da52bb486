/**
 * The list methods (`tools/list`, `resources/list`, `resources/templates/list`,
 * `prompts/list`): what each registered thing looks like in its list, and the
 * pages served from listings built once per change.
 *
 * @module
 */
import type { JsonObject, Prompt, Resource, ResourceTemplate, Tool } from "../protocol/mod.ts";
import type { JsonSchemaObject } from "../schema/mod.ts";
import type { ServerCore } from "./core.ts";
import type {
  PromptDefinition,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
} from "./definitions.ts";
import { paginate } from "./pagination.ts";

/** Which built listing: one per list method whose items do not change between registrations. */
export type ListingKey = "tools" | "templates" | "prompts";

function definedFields<T extends object>(source: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** A tool as `tools/list` publishes it; built once, at registration. */
export function toolListing(
  definition: ToolDefinition<never>,
  inputSchema: JsonSchemaObject,
  outputSchema: JsonSchemaObject | undefined,
): Tool {
  const tool = {
    name: definition.name,
    ...definedFields(definition, ["title", "description"]),
    inputSchema,
  } as Tool;
  if (outputSchema) tool.outputSchema = outputSchema as Tool["outputSchema"];
  if (definition.annotations) tool.annotations = definition.annotations;
  if (definition.icons) tool.icons = definition.icons;
  if (definition._meta) tool._meta = definition._meta;
  return tool;
}

function resourceListing(definition: ResourceDefinition): Resource {
  return {
    uri: definition.uri,
    name: definition.name,
    ...definedFields(definition, [
      "title",
      "description",
      "mimeType",
      "size",
      "annotations",
      "icons",
      "_meta",
    ]),
  };
}

function templateListing(definition: ResourceTemplateDefinition): ResourceTemplate {
  return {
    uriTemplate: definition.uriTemplate,
    name: definition.name,
    ...definedFields(definition, [
      "title",
      "description",
      "mimeType",
      "annotations",
      "icons",
      "_meta",
    ]),
  };
}

function promptListing(definition: PromptDefinition): Prompt {
  return {
    name: definition.name,
    ...definedFields(definition, ["title", "description", "arguments", "icons", "_meta"]),
  };
}

function buildTools(core: ServerCore): Tool[] {
  return Array.from(core.tools.values(), (entry) => entry.tool);
}

function buildTemplates(core: ServerCore): ResourceTemplate[] {
  return Array.from(core.templates.values(), (entry) => templateListing(entry.definition));
}

function buildPrompts(core: ServerCore): Prompt[] {
  return Array.from(core.prompts.values(), promptListing);
}

function pageOf(
  items: readonly unknown[],
  field: string,
  cursor: unknown,
  core: ServerCore,
): JsonObject {
  const page = paginate(items, cursor, core.pageSize);
  const result: JsonObject = { [field]: page.items };
  if (page.nextCursor) result.nextCursor = page.nextCursor;
  return result;
}

function cachedPage(
  core: ServerCore,
  key: ListingKey,
  field: string,
  build: (core: ServerCore) => unknown[],
  cursor: unknown,
): JsonObject {
  let items = core.listings.get(key);
  if (!items) {
    items = build(core);
    core.listings.set(key, items);
  }
  return pageOf(items, field, cursor, core);
}

/** `tools/list`. */
export function listTools(core: ServerCore, cursor: unknown): JsonObject {
  return cachedPage(core, "tools", "tools", buildTools, cursor);
}

/** `resources/templates/list`. */
export function listResourceTemplates(core: ServerCore, cursor: unknown): JsonObject {
  return cachedPage(core, "templates", "resourceTemplates", buildTemplates, cursor);
}

/** `prompts/list`. */
export function listPrompts(core: ServerCore, cursor: unknown): JsonObject {
  return cachedPage(core, "prompts", "prompts", buildPrompts, cursor);
}

/** `resources/list`: the fixed resources, then what each template lists now. */
export async function listResources(core: ServerCore, cursor: unknown): Promise<JsonObject> {
  const listed: Resource[] = Array.from(core.resources.values(), resourceListing);
  for (const { definition } of core.templates.values()) {
    if (definition.list) listed.push(...await definition.list());
  }
  return pageOf(listed, "resources", cursor, core);
}
