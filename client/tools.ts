/**
 * Tools on the client side: listing them (dropping tools whose
 * `x-mcp-header` marking is invalid), mirroring marked arguments into
 * `Mcp-Param-*` headers, calling them (with a relearn-and-retry on a header
 * mismatch, and driving a task to its end), and checking `structuredContent`
 * against the tool's output schema with emcee's JSON Schema validator.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import {
  encodeHeaderValue,
  headerParameters,
  parameterHeaderText,
  valueAtPath,
} from "../protocol/headers.ts";
import { isObject, type JsonObject } from "../protocol/jsonrpc.ts";
import type { CallToolResult, ContentBlock, Page, Tool } from "../protocol/types.ts";
import { compileSchema, type JsonSchema, SchemaError, type Validator } from "../schema/mod.ts";
import { formatIssues } from "../schema/issues.ts";
import type { HttpClientTransport } from "../transports/http/client.ts";
import { checkToolResult, checkToolsCapability } from "./compat.ts";
import { ClientError, ToolError } from "./errors.ts";
import { listAll, listPage } from "./list_cache.ts";
import type { CallOptions, ListOptions } from "./options.ts";
import { resultToContent, validationIssues } from "./results.ts";
import { requestWithInput } from "./round_trips.ts";
import { type ClientState, warn } from "./state.ts";
import { driveTask } from "./task_driver.ts";
import { isTaskHandle } from "./tasks.ts";

/** One page of tools, remembered by name for headers and output checks. */
export async function listToolsPage(
  state: ClientState,
  cursor: string | undefined,
  options: ListOptions,
): Promise<Page<Tool>> {
  checkToolsCapability(state, "tools/list");
  const page = await listPage(state, "tools/list", "tools", cursor, options);
  const tools: Tool[] = [];
  for (const item of page.items) {
    const tool = item as unknown as Tool;
    if (typeof tool.name !== "string") continue;
    const headers = isObject(tool.inputSchema) ? headerParameters(tool.inputSchema) : [];
    if (!Array.isArray(headers)) {
      warn(state, `Dropped tool ${tool.name}: invalid x-mcp-header marking (${headers.invalid})`);
      state.tools.delete(tool.name);
      continue;
    }
    state.tools.set(tool.name, tool);
    tools.push(tool);
  }
  return page.nextCursor === undefined
    ? { items: tools }
    : { items: tools, nextCursor: page.nextCursor };
}

/** Every tool, following cursors. */
export function listTools(state: ClientState, options: ListOptions): Promise<Tool[]> {
  return listAll((cursor) => listToolsPage(state, cursor, options));
}

/** The `Mcp-Param-*` headers of a call; `undefined` when there are none (the common case). */
export function paramHeaders(
  state: ClientState,
  name: string,
  args: JsonObject,
): Record<string, string> | undefined {
  const transport = state.transport as Partial<HttpClientTransport> | undefined;
  if (transport?.kind !== "http" || state.era !== "modern") return undefined;
  const tool = state.tools.get(name);
  if (!tool || !isObject(tool.inputSchema)) return undefined;
  // The schema is walked once per tool definition, not once per call.
  let found = state.headerParameters.get(tool);
  if (found === undefined) {
    const walked = headerParameters(tool.inputSchema);
    found = Array.isArray(walked) ? walked : [];
    state.headerParameters.set(tool, found);
  }
  if (found.length === 0) return undefined;
  let headers: Record<string, string> | undefined;
  for (const parameter of found) {
    const text = parameterHeaderText(valueAtPath(args, parameter.path));
    if (text !== undefined) {
      (headers ??= {})[`mcp-param-${parameter.name}`] = encodeHeaderValue(text);
    }
  }
  return headers;
}

/** Calls a tool and returns the full result, `isError` included. */
export async function callTool(
  state: ClientState,
  name: string,
  args: JsonObject,
  options: CallOptions,
): Promise<CallToolResult> {
  checkToolsCapability(state, "tools/call");
  const params = { name, arguments: args };
  const call = () => {
    const headers = paramHeaders(state, name, args);
    return requestWithInput(
      state,
      "tools/call",
      params,
      headers ? { ...options, headers } : options,
    );
  };
  let result: JsonObject;
  try {
    result = await call();
  } catch (error) {
    if (!(error instanceof McpError) || error.code !== ErrorCode.HeaderMismatch) throw error;
    // The tool's schema may have changed: relearn it, then retry once with fresh headers.
    await listTools(state, { fresh: true });
    result = await call();
  }
  if (isTaskHandle(result)) {
    if (!state.options.tasks || state.era !== "modern") {
      throw new ClientError(
        ErrorCode.InternalError,
        `The server answered tools/call ${name} with a task, which this client did not declare support for`,
      );
    }
    result = await driveTask(state, result, options);
  }
  checkToolResult(state, name, result);
  return result as unknown as CallToolResult;
}

/**
 * The validator of a tool's output schema, compiled once per tool definition.
 * A schema the validator refuses (say, a remote `$ref`, which is never
 * fetched) cannot judge the result: it is reported once and not checked.
 */
function outputValidator(state: ClientState, tool: Tool): Validator | null {
  let validator = state.outputValidators.get(tool);
  if (validator === undefined) {
    try {
      validator = compileSchema(tool.outputSchema as JsonSchema);
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      warn(
        state,
        `Tool ${tool.name} has an output schema this client cannot use, so its structuredContent is not checked: ${error.message}`,
      );
      validator = null;
    }
    state.outputValidators.set(tool, validator);
  }
  return validator;
}

/** Calls a tool and returns its `structuredContent`, checked against the tool's output schema. */
export async function callToolStructured(
  state: ClientState,
  name: string,
  args: JsonObject,
  options: CallOptions,
): Promise<unknown> {
  const result = await callTool(state, name, args, options);
  if (result.isError) throw new ToolError(name, result);
  if (result.structuredContent === undefined) {
    throw new ClientError(ErrorCode.InvalidParams, `Tool ${name} returned no structuredContent`);
  }
  checkStructuredContent(state, state.tools.get(name), result.structuredContent);
  return result.structuredContent;
}

/** Throws when `structuredContent` does not match the output schema `tool` publishes. */
export function checkStructuredContent(
  state: ClientState,
  tool: Tool | undefined,
  structuredContent: unknown,
): void {
  const validator = tool?.outputSchema ? outputValidator(state, tool) : null;
  if (!validator) return;
  const issues = validationIssues(validator.validate(structuredContent));
  if (issues.length > 0) {
    throw new ClientError(
      ErrorCode.InvalidParams,
      `Tool ${tool!.name} returned structuredContent that does not match its output schema: ${
        formatIssues(issues)
      }`,
      { issues },
    );
  }
}

/** Calls a tool and returns content blocks for a model; a failed tool throws {@link ToolError}. */
export async function callToolContent(
  state: ClientState,
  name: string,
  args: JsonObject,
  options: CallOptions,
): Promise<ContentBlock[]> {
  const result = await callTool(state, name, args, options);
  if (result.isError) throw new ToolError(name, result);
  return resultToContent(result);
}
