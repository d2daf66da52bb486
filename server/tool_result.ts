/**
 * What a tool handler's return value goes out as: a tool returns what it
 * computes.
 *
 * - a string is one text block;
 * - a `CallToolResult` (strictly: `content` is an array of content blocks and
 *   every other key is `structuredContent`, `isError` or `_meta`) is sent as is;
 * - `undefined` is an empty result (a tool that only acts);
 * - any other JSON value is `structuredContent` (wrapped as `{ "result": value }`
 *   when it is not an object) plus its JSON as one text block.
 *
 * A tool that declares an output schema has its value checked against it (a
 * string is then a value like any other). A value that is not JSON is refused
 * with a tool error naming the tool and what it returned. The returned value
 * is never mutated.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { CallToolResult, JsonObject } from "../protocol/mod.ts";
import { formatIssues } from "../schema/issues.ts";
import type { ToolSchemaIssue } from "../schema/tool_schema.ts";
import { encodeJson, NotJson } from "./json_value.ts";
import type { ToolEntry } from "./registry.ts";
import { RESULT_KEY } from "./result_wrapper.ts";

/** The keys a `CallToolResult` may have. */
const RESULT_KEYS: ReadonlySet<string> = new Set([
  "content",
  "structuredContent",
  "isError",
  "_meta",
]);

/** The `type` of every content block. */
const CONTENT_TYPES: ReadonlySet<unknown> = new Set([
  "text",
  "image",
  "audio",
  "resource_link",
  "resource",
]);

/**
 * Whether a value is a `CallToolResult`, recognised strictly: an object whose
 * `content` is an array of content blocks (objects with a known `type`) and
 * whose other keys are only `structuredContent`, `isError` and `_meta`.
 * Anything else a tool returns is its value.
 *
 * @example
 * ```ts
 * import { isCallToolResult } from "./tool_result.ts";
 * isCallToolResult({ content: [{ type: "text", text: "hi" }], isError: true }); // true
 * isCallToolResult({ content: [], total: 3 }); // false: a value with a `content` field
 * ```
 */
export function isCallToolResult(value: unknown): value is CallToolResult {
  if (typeof value !== "object" || value === null) return false;
  const content = (value as { content?: unknown }).content;
  if (!Array.isArray(content)) return false;
  for (const key in value) if (!RESULT_KEYS.has(key)) return false;
  for (const block of content) {
    if (typeof block !== "object" || block === null || !CONTENT_TYPES.has(block.type)) {
      return false;
    }
  }
  return true;
}

/** A failed tool run the model can read. */
export function toolError(text: string): JsonObject {
  return { content: [{ type: "text", text }], isError: true };
}

function outputMismatch(entry: ToolEntry, what: string, issues: readonly ToolSchemaIssue[]) {
  return new McpError(
    ErrorCode.InternalError,
    `Tool ${entry.tool.name} returned ${what} that does not match its output schema: ${
      formatIssues(issues)
    }`,
  );
}

/**
 * The result a handler's return value goes out as; see the module documentation. A text
 * result of a tool without an output schema (the common case) is made at once, not awaited.
 */
export function toolResult(entry: ToolEntry, returned: unknown): Promise<JsonObject> | JsonObject {
  if (typeof returned === "string" && entry.output === undefined) {
    return { content: [{ type: "text", text: returned }] };
  }
  return checkedResult(entry, returned);
}

async function checkedResult(entry: ToolEntry, returned: unknown): Promise<JsonObject> {
  if (isCallToolResult(returned)) return await passThrough(entry, returned);
  const name = entry.tool.name;
  if (returned === undefined) {
    if (entry.output === undefined) return { content: [] };
    return toolError(
      `Tool ${name} returned undefined, but it declares an output schema: return a value that matches it`,
    );
  }
  const json = typeof returned === "string" ? returned : encodeJson(returned);
  if (json instanceof NotJson) {
    return toolError(
      `Tool ${name} returned a value that is not JSON: ${json.problem}. Return a string, a JSON value or a CallToolResult`,
    );
  }
  if (entry.output) {
    const checked = await entry.output.validate(returned);
    if (!checked.ok) throw outputMismatch(entry, "a value", checked.issues);
  }
  // A toJSON (a Date's, say) makes the value something else on the wire; send what it becomes.
  const value = typeof returned === "object" && returned !== null &&
      typeof (returned as { toJSON?: unknown }).toJSON === "function"
    ? JSON.parse(json)
    : returned;
  const wrap = entry.output
    ? entry.wrapped
    : typeof value !== "object" || value === null || Array.isArray(value);
  return {
    content: [{ type: "text", text: json }],
    structuredContent: wrap ? { [RESULT_KEY]: value } : value,
  };
}

/**
 * A `CallToolResult` the handler built: sent as is (a copy, since the
 * routing adds era fields), its `structuredContent` checked against the
 * advertised output schema, and given a text block when it has no content.
 */
async function passThrough(entry: ToolEntry, result: CallToolResult): Promise<JsonObject> {
  const copy = { ...result } as JsonObject & CallToolResult;
  if (entry.output === undefined || result.isError) return copy;
  const name = entry.tool.name;
  const structured = result.structuredContent;
  if (structured === undefined) {
    throw new McpError(
      ErrorCode.InternalError,
      `Tool ${name} has an output schema but returned no structuredContent`,
    );
  }
  let value: unknown = structured;
  if (entry.wrapped) {
    if (typeof structured !== "object" || structured === null || !(RESULT_KEY in structured)) {
      throw new McpError(
        ErrorCode.InternalError,
        `Tool ${name} returned structuredContent without the "${RESULT_KEY}" property its output schema advertises (the value itself can be returned instead)`,
      );
    }
    value = (structured as { [RESULT_KEY]: unknown })[RESULT_KEY];
  }
  const checked = await entry.output.validate(value);
  if (!checked.ok) {
    const issues = entry.wrapped
      ? checked.issues.map((issue) => ({ ...issue, path: `/${RESULT_KEY}${issue.path}` }))
      : checked.issues;
    throw outputMismatch(entry, "structuredContent", issues);
  }
  if (copy.content.length === 0) {
    copy.content = [{ type: "text", text: JSON.stringify(structured) }];
  }
  return copy;
}
