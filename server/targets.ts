/**
 * The targets of handler methods: `tools/call` finds its tool (arguments are
 * validated, the result shaped and checked against the output schema),
 * `prompts/get` its prompt, `resources/read` a fixed resource or the first
 * template that matches the URI.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import type { CallToolResult, ContentBlock, JsonObject } from "../protocol/mod.ts";
import { formatIssues } from "../schema/mod.ts";
import type { RequestContext } from "./context.ts";
import type { ServerCore } from "./core.ts";
import type { ResourceRead, ToolReturn } from "./definitions.ts";
import type { ToolExecution } from "./extension.ts";
import type { ToolEntry } from "./registry.ts";

/** A handler call resolved to its target. */
export interface PreparedRun {
  /** What MRTR state is bound to. */
  identity: unknown;
  /** The tool's execution settings, for tools. */
  execution?: ToolExecution;
  /** Runs the handler. */
  execute: (context: RequestContext) => Promise<JsonObject>;
}

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

/** Finds the target of a handler method; throws when it does not exist. */
export function prepareRun(
  core: ServerCore,
  method: string,
  params: JsonObject,
  legacy: boolean,
): PreparedRun {
  if (method === "tools/call") {
    const name = params.name;
    if (typeof name !== "string") throw invalidParams("tools/call needs a tool name");
    const entry = core.tools.get(name);
    if (!entry) throw invalidParams(`Unknown tool: ${name}`);
    const args = params.arguments ?? {};
    if (!isObject(args)) throw invalidParams("Tool arguments must be an object");
    return {
      identity: [name, args],
      execution: entry.definition.execution,
      execute: (context) => callTool(entry, args, context),
    };
  }
  if (method === "prompts/get") {
    const name = params.name;
    if (typeof name !== "string") throw invalidParams("prompts/get needs a prompt name");
    const prompt = core.prompts.get(name);
    if (!prompt) throw invalidParams(`Unknown prompt: ${name}`);
    const args = params.arguments ?? {};
    if (!isObject(args)) throw invalidParams("Prompt arguments must be an object");
    for (const argument of prompt.arguments ?? []) {
      if (argument.required && args[argument.name] === undefined) {
        throw invalidParams(`Missing required argument "${argument.name}" for prompt ${name}`);
      }
    }
    return {
      identity: [name, args],
      execute: async (context) =>
        (await prompt.get(args as { [name: string]: string }, context)) as unknown as JsonObject,
    };
  }
  const uri = params.uri;
  if (typeof uri !== "string") throw invalidParams("resources/read needs a uri");
  const fixed = core.resources.get(uri);
  if (fixed) {
    return {
      identity: uri,
      execute: async (context) => readResult(uri, await fixed.read(uri, context)),
    };
  }
  for (const { definition, template } of core.templates.values()) {
    const variables = template.match(uri);
    if (variables) {
      return {
        identity: uri,
        execute: async (context) => readResult(uri, await definition.read(uri, variables, context)),
      };
    }
  }
  // 2026-07-28 moved "resource not found" from -32002 to -32602.
  const code = legacy ? ErrorCode.ResourceNotFoundLegacy : ErrorCode.InvalidParams;
  throw new McpError(code, `Resource not found: ${uri}`, { uri });
}

/**
 * Validates the arguments (a failure is a tool error the model can read), runs
 * the handler, and checks `structuredContent` against the output schema.
 */
async function callTool(
  entry: ToolEntry,
  args: JsonObject,
  context: RequestContext,
): Promise<JsonObject> {
  const checked = await entry.input.validate(args);
  if (!checked.ok) {
    const reasons = formatIssues(checked.issues);
    return toolError(`Invalid arguments for tool ${entry.tool.name}: ${reasons}`);
  }
  let returned: ToolReturn;
  try {
    returned = await entry.definition.handler(checked.value as never, context);
  } catch (error) {
    if (error instanceof McpError) throw error;
    return toolError(error instanceof Error ? error.message : String(error));
  }
  const result: CallToolResult = typeof returned === "string"
    ? { content: [{ type: "text", text: returned }] }
    : returned;
  if (entry.output && !result.isError) {
    if (result.structuredContent === undefined) {
      throw new McpError(
        ErrorCode.InternalError,
        `Tool ${entry.tool.name} has an output schema but returned no structuredContent`,
      );
    }
    const out = await entry.output.validate(result.structuredContent);
    if (!out.ok) {
      const reasons = formatIssues(out.issues);
      throw new McpError(
        ErrorCode.InternalError,
        `Tool ${entry.tool.name} returned structuredContent that does not match its output schema: ${reasons}`,
      );
    }
    if (!result.content || result.content.length === 0) {
      result.content = [{ type: "text", text: JSON.stringify(result.structuredContent) }];
    }
  }
  if (!Array.isArray(result.content)) result.content = [] as ContentBlock[];
  return result as unknown as JsonObject;
}

function toolError(text: string): JsonObject {
  return { content: [{ type: "text", text }], isError: true };
}

function readResult(uri: string, value: ResourceRead): JsonObject {
  if (typeof value === "string") return { contents: [{ uri, text: value }] };
  if (Array.isArray(value)) return { contents: value };
  return value as unknown as JsonObject;
}
