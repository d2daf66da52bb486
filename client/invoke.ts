/**
 * `invoke`: call a tool and get its value, as aiomcp's `invoke` and FastMCP's
 * `call_tool(...).data` give it. The value is the `structuredContent` (checked
 * against the tool's output schema, and unwrapped from `{ "result": value }`
 * when that schema is the wrapper), else the text of the content; a tool
 * error throws `ToolError`.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject, type JsonObject } from "../protocol/jsonrpc.ts";
import type { CallToolResult, ContentBlock, Tool } from "../protocol/types.ts";
import { ClientError, ToolError } from "./errors.ts";
import type { InvokeOptions } from "./options.ts";
import { resultToContent } from "./results.ts";
import { type ClientState, warn } from "./state.ts";
import { callTool, checkStructuredContent, listTools } from "./tools.ts";

/** The wrapper's one property. */
const RESULT_KEY = "result";

/** Whether each tool's output schema is the wrapper, decided once per tool definition. */
const wrappers = new WeakMap<Tool, boolean>();

/**
 * Whether an output schema is the `{ "result": value }` wrapper servers put
 * around a value that is not an object (emcee, FastMCP): an object schema whose
 * only property, required, is `result` (or FastMCP's `x-fastmcp-wrap-result`).
 *
 * @example
 * ```ts
 * import { isResultWrapper } from "./invoke.ts";
 * isResultWrapper({
 *   type: "object",
 *   properties: { result: { type: "number" } },
 *   required: ["result"],
 * }); // true
 * ```
 */
export function isResultWrapper(schema: unknown): boolean {
  if (!isObject(schema)) return false;
  if (schema["x-fastmcp-wrap-result"] === true) return true;
  if (schema.type !== "object" || !isObject(schema.properties)) return false;
  const names = Object.keys(schema.properties);
  const required = schema.required;
  return names.length === 1 && names[0] === RESULT_KEY && Array.isArray(required) &&
    required.length === 1 && required[0] === RESULT_KEY;
}

function wrapsResult(tool: Tool | undefined): boolean {
  if (tool?.outputSchema === undefined) return false;
  let wraps = wrappers.get(tool);
  if (wraps === undefined) {
    wraps = isResultWrapper(tool.outputSchema);
    wrappers.set(tool, wraps);
  }
  return wraps;
}

/** The tool as listed, learning the list once when the tool is not known yet. */
async function knownTool(
  state: ClientState,
  name: string,
  options: InvokeOptions,
): Promise<Tool | undefined> {
  const known = state.tools.get(name);
  if (known) return known;
  try {
    await listTools(state, { signal: options.signal, timeoutMs: options.timeoutMs });
  } catch (error) {
    if (!(error instanceof McpError) || error.code === ErrorCode.ConnectionClosed) throw error;
    warn(state, `Could not list tools to learn ${name}'s output schema: ${error.message}`);
  }
  return state.tools.get(name);
}

/**
 * The text of a result without `structuredContent`: its text blocks joined
 * with newlines, `undefined` when it has no content at all. Other content
 * (an image, say) has no text value: asking for it this way is an error that
 * points at `{ content: true }`.
 */
function textValue(name: string, result: CallToolResult): string | undefined {
  const content: ContentBlock[] = Array.isArray(result.content) ? result.content : [];
  let text: string | undefined;
  for (const block of content) {
    if (block?.type !== "text") {
      throw new ClientError(
        ErrorCode.InvalidParams,
        `Tool ${name} returned ${String(block?.type)} content, which is not a text value; ` +
          `invoke("${name}", args, { content: true }) returns every content block`,
      );
    }
    text = text === undefined ? block.text : `${text}\n${block.text}`;
  }
  return text;
}

/** Calls a tool and returns its value; see the module documentation. */
export async function invoke(
  state: ClientState,
  name: string,
  args: JsonObject,
  options: InvokeOptions,
): Promise<unknown> {
  const result = await callTool(state, name, args, options);
  if (result.isError) throw new ToolError(name, result);
  if (options.content) return resultToContent(result);
  const structured = result.structuredContent;
  if (structured === undefined) {
    if (options.structured) {
      throw new ClientError(ErrorCode.InvalidParams, `Tool ${name} returned no structuredContent`);
    }
    return textValue(name, result);
  }
  const tool = await knownTool(state, name, options);
  checkStructuredContent(state, tool, structured);
  return wrapsResult(tool) && isObject(structured) ? structured[RESULT_KEY] : structured;
}
