/**
 * The targets of handler methods: `tools/call` finds its tool (arguments are
 * validated, what the handler returns becomes the result), `prompts/get` its
 * prompt (arguments checked to be strings), `resources/read` a fixed resource
 * or the first template that matches the URI.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import type { JsonObject } from "../protocol/mod.ts";
import { formatIssues } from "../schema/issues.ts";
import type { ToolValidationResult } from "../schema/tool_schema.ts";
import type { RequestContext } from "./context.ts";
import type { ServerCore } from "./core.ts";
import type { PromptGet, ResourceRead } from "./definitions.ts";
import type { ToolExecution } from "./extension.ts";
import { runToolMiddleware } from "./middleware.ts";
import type { ToolEntry } from "./registry.ts";
import { toolError, toolResult } from "./tool_result.ts";

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
    return new ToolRun(core, entry, name, args);
  }
  if (method === "prompts/get") {
    const name = params.name;
    if (typeof name !== "string") throw invalidParams("prompts/get needs a prompt name");
    const prompt = core.prompts.get(name);
    if (!prompt) throw invalidParams(`Unknown prompt: ${name}`);
    const args = params.arguments ?? {};
    if (!isObject(args)) throw invalidParams("Prompt arguments must be an object");
    // The spec types prompt arguments as strings: undeclared ones too reach the handler.
    for (const [key, value] of Object.entries(args)) {
      if (typeof value !== "string") {
        throw invalidParams(`Argument "${key}" of prompt ${name} must be a string`);
      }
    }
    for (const argument of prompt.arguments ?? []) {
      const value = args[argument.name];
      if (value === undefined) {
        if (!argument.required) continue;
        throw invalidParams(`Missing required argument "${argument.name}" for prompt ${name}`);
      }
      if (typeof value !== "string") {
        throw invalidParams(`Argument "${argument.name}" of prompt ${name} must be a string`);
      }
    }
    return {
      identity: [name, args],
      execute: async (context) =>
        promptResult(await prompt.get(args as { [name: string]: string }, context)),
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

/** A `tools/call` resolved to its tool: one object, its `execute` on the prototype. */
class ToolRun implements PreparedRun {
  identity: unknown;
  execution: ToolExecution | undefined;
  #core: ServerCore;
  #entry: ToolEntry;
  #name: string;
  #args: JsonObject;

  constructor(core: ServerCore, entry: ToolEntry, name: string, args: JsonObject) {
    this.identity = [name, args];
    this.execution = entry.definition.execution;
    this.#core = core;
    this.#entry = entry;
    this.#name = name;
    this.#args = args;
  }

  execute(context: RequestContext): Promise<JsonObject> {
    const entry = this.#entry;
    const args = this.#args;
    const chain = this.#core.toolMiddleware;
    // Without tool middleware the handler is called directly: no closure per chain link.
    if (chain.length === 0) return callTool(entry, args, context);
    return runToolMiddleware(
      chain,
      { name: this.#name, args, context },
      (call) => callTool(entry, call.args, call.context),
    );
  }
}

/** Whether a value is a promise or another thenable (what `await` would wait for). */
function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === "object" || typeof value === "function") && value !== null &&
    typeof (value as { then?: unknown }).then === "function";
}

/**
 * Validates the arguments (a failure is a tool error the model can read), runs
 * the handler, and turns what it returned into the result (see tool_result.ts).
 * Steps that return at once are not awaited: a call whose validation and
 * handler are synchronous costs one settled promise. Never throws: a failure
 * is a rejected promise, as from an async function.
 */
function callTool(
  entry: ToolEntry,
  args: JsonObject,
  context: RequestContext,
): Promise<JsonObject> {
  try {
    const checked = entry.input.validate(args);
    if (isThenable(checked)) {
      return Promise.resolve(checked).then((settled) => runTool(entry, settled, context));
    }
    return Promise.resolve(runTool(entry, checked, context));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** The rest of {@link callTool} once the arguments are checked. */
function runTool(
  entry: ToolEntry,
  checked: ToolValidationResult<unknown>,
  context: RequestContext,
): JsonObject | Promise<JsonObject> {
  if (!checked.ok) {
    const reasons = formatIssues(checked.issues);
    return toolError(`Invalid arguments for tool ${entry.tool.name}: ${reasons}`);
  }
  let returned: unknown;
  try {
    returned = entry.definition.handler(checked.value as never, context);
  } catch (error) {
    return handlerFailure(error);
  }
  if (isThenable(returned)) {
    return Promise.resolve(returned).then((value) => toolResult(entry, value), handlerFailure);
  }
  return toolResult(entry, returned);
}

/** A handler's failure: an `McpError` is the request's error, anything else a tool error. */
function handlerFailure(error: unknown): JsonObject {
  if (error instanceof McpError) throw error;
  return toolError(error instanceof Error ? error.message : String(error));
}

/** A prompt's result; a string is one user text message. A copy: the routing adds era fields. */
function promptResult(value: PromptGet): JsonObject {
  if (typeof value === "string") {
    return { messages: [{ role: "user", content: { type: "text", text: value } }] };
  }
  return { ...value } as unknown as JsonObject;
}

/** A read's result. A copy: the routing adds era fields (`ttlMs`, `resultType`). */
function readResult(uri: string, value: ResourceRead): JsonObject {
  if (typeof value === "string") return { contents: [{ uri, text: value }] };
  if (Array.isArray(value)) return { contents: value };
  return { ...value } as unknown as JsonObject;
}
