/**
 * Local definitions that stand for the remote's tools, resources, resource
 * templates and prompts: the same names, metadata and schemas, with handlers
 * that forward to the remote.
 *
 * @module
 */
import type { McpClient } from "../../client/client.ts";
import type {
  GetPromptResult,
  JsonObject,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Tool,
} from "../../protocol/mod.ts";
import type { StandardSchemaV1 } from "../../schema/mod.ts";
import type {
  Completer,
  PromptDefinition,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
} from "../definitions.ts";
import { type Forward, handlerResultOf, remoteError, toolResultOf } from "./forward.ts";

/**
 * A schema that advertises the remote's JSON Schema as is and accepts every
 * value: the remote validates, so its errors are the ones callers see.
 */
export function passThroughSchema(jsonSchema: JsonObject): StandardSchemaV1<JsonObject> {
  const exported = () => jsonSchema;
  return {
    "~standard": {
      version: 1,
      vendor: "emcee-proxy",
      validate: (value) => ({ value: value as JsonObject }),
      jsonSchema: { input: exported, output: exported },
    },
  };
}

function pick<T extends object>(source: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/** A local tool forwarding to the remote tool `tool`. */
export function proxyTool(
  tool: Tool,
  forward: Forward,
): ToolDefinition<StandardSchemaV1<JsonObject>> {
  const definition: ToolDefinition<StandardSchemaV1<JsonObject>> = {
    ...pick(tool, ["title", "description", "annotations", "icons", "_meta", "execution"]),
    name: tool.name,
    input: passThroughSchema(tool.inputSchema),
    handler: async (args, context) =>
      toolResultOf(await forward("tools/call", { name: tool.name, arguments: args }, context)),
  };
  if (tool.outputSchema) definition.output = passThroughSchema(tool.outputSchema);
  return definition;
}

/** A local fixed resource reading the remote's. */
export function proxyResource(resource: Resource, forward: Forward): ResourceDefinition {
  const listed = ["title", "description", "mimeType", "size", "annotations", "icons", "_meta"];
  return {
    ...pick(resource, listed as (keyof Resource)[]),
    uri: resource.uri,
    name: resource.name,
    read: async (uri, context) =>
      handlerResultOf(
        await forward("resources/read", { uri }, context),
        context.era,
      ) as unknown as ReadResourceResult,
  };
}

/** The variable names of an RFC 6570 template (operators, prefixes and explode stripped). */
export function templateVariables(uriTemplate: string): string[] {
  const names: string[] = [];
  for (const [, expression] of uriTemplate.matchAll(/\{([^}]*)\}/g)) {
    for (const spec of expression.replace(/^[+#./;?&=,!@|]/, "").split(",")) {
      const name = spec.replace(/(\*|:\d+)$/, "");
      if (name !== "" && !names.includes(name)) names.push(name);
    }
  }
  return names;
}

/** What completions are asked of: the remote's client, or a stand-in that picks the current one. */
export type CompletionSource = Pick<McpClient, "complete">;

/** Completers asking the remote, one for each name. */
function remoteCompleters(
  client: CompletionSource,
  ref: { type: "ref/prompt"; name: string } | { type: "ref/resource"; uri: string },
  names: readonly string[],
): { [name: string]: Completer } {
  const completers: { [name: string]: Completer } = {};
  for (const name of names) {
    completers[name] = async (value, context) => {
      try {
        const given = Object.keys(context.arguments).length > 0 ? context : undefined;
        return (await client.complete(ref, { name, value }, given)).completion.values;
      } catch (error) {
        throw remoteError(error);
      }
    };
  }
  return completers;
}

/** A local resource template reading (and, when the remote completes, completing) through the remote. */
export function proxyTemplate(
  template: ResourceTemplate,
  forward: Forward,
  client: CompletionSource | undefined,
): ResourceTemplateDefinition {
  const listed = ["title", "description", "mimeType", "annotations", "icons", "_meta"];
  const definition: ResourceTemplateDefinition = {
    ...pick(template, listed as (keyof ResourceTemplate)[]),
    uriTemplate: template.uriTemplate,
    name: template.name,
    read: async (uri, _variables, context) =>
      handlerResultOf(
        await forward("resources/read", { uri }, context),
        context.era,
      ) as unknown as ReadResourceResult,
  };
  if (client) {
    const ref = { type: "ref/resource" as const, uri: template.uriTemplate };
    definition.complete = remoteCompleters(client, ref, templateVariables(template.uriTemplate));
  }
  return definition;
}

/** A local prompt rendered (and, when the remote completes, completed) by the remote. */
export function proxyPrompt(
  prompt: Prompt,
  forward: Forward,
  client: CompletionSource | undefined,
): PromptDefinition {
  const definition: PromptDefinition = {
    ...pick(prompt, ["title", "description", "arguments", "icons", "_meta"]),
    name: prompt.name,
    get: async (args, context) =>
      handlerResultOf(
        await forward("prompts/get", { name: prompt.name, arguments: args }, context),
        context.era,
      ) as unknown as GetPromptResult,
  };
  if (client) {
    const names = (prompt.arguments ?? []).map((argument) => argument.name);
    definition.complete = remoteCompleters(
      client,
      { type: "ref/prompt", name: prompt.name },
      names,
    );
  }
  return definition;
}
