/**
 * Turning tool results into what an LLM integration wants: validated
 * `structuredContent`, or a flat list of content blocks. Also fills form
 * defaults into accepted elicitation answers. Values are checked and compared
 * the JSON Schema way, with the validator of `schema/`.
 *
 * @module
 */
import type { JsonObject } from "../protocol/jsonrpc.ts";
import type { CallToolResult, ContentBlock, ElicitResult } from "../protocol/types.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import {
  compileSchema,
  type JsonSchema,
  SchemaError,
  type ValidationResult,
  type Validator,
} from "../schema/mod.ts";
import { jsonEqual } from "../schema/equal.ts";

/** One reason a value does not match a schema. */
export interface StructuralIssue {
  /** JSON pointer of the failing value ("" for the root). */
  path: string;
  /** Why it failed. */
  message: string;
}

/**
 * Checks a value against a JSON Schema with emcee's validator (`schema/`),
 * every keyword included; objects are compared regardless of key order.
 * `path` is prefixed to each issue's pointer, for a value nested in a larger
 * one. A schema the validator refuses (an unresolvable `$ref`, a limit)
 * cannot judge anything, so it reports no issue; `validateSchema` says why.
 *
 * @example
 * ```ts
 * import { checkStructure } from "./results.ts";
 * checkStructure({ a: 1 }, { type: "object", required: ["b"] });
 * // [{ path: "", message: "must have required property 'b'" }]
 * checkStructure({ b: 2, a: 1 }, { const: { a: 1, b: 2 } }); // []
 * ```
 */
export function checkStructure(value: unknown, schema: unknown, path = ""): StructuralIssue[] {
  if (typeof schema !== "boolean" && !isObject(schema)) return [];
  let validator: Validator;
  try {
    validator = compileSchema(schema as JsonSchema);
  } catch (error) {
    if (error instanceof SchemaError) return [];
    throw error;
  }
  return validationIssues(validator.validate(value), path);
}

/** The issues of a validation result, pointers prefixed with `path`. */
export function validationIssues(result: ValidationResult, path = ""): StructuralIssue[] {
  if (result.valid) return [];
  if (result.errors.length === 0) return [{ path, message: "does not match the schema" }];
  return result.errors.map((error) => ({
    path: path + error.instancePath,
    message: error.message,
  }));
}

/**
 * Flattens a tool result into content blocks for a model: the `content` blocks
 * as sent, plus the `structuredContent` as a JSON text block when no text
 * block already carries exactly that JSON (servers are asked to include it,
 * and many do), or, for the `{ "result": value }` wrapper, the value itself
 * (its JSON, or the string).
 *
 * @example
 * ```ts
 * import { resultToContent } from "./results.ts";
 * resultToContent({ content: [], structuredContent: { ok: true } });
 * // [{ type: "text", text: '{"ok":true}' }]
 * resultToContent({ content: [{ type: "text", text: "3" }], structuredContent: { result: 3 } });
 * // [{ type: "text", text: "3" }]
 * ```
 */
export function resultToContent(result: CallToolResult): ContentBlock[] {
  const blocks: ContentBlock[] = Array.isArray(result.content) ? [...result.content] : [];
  const structured = result.structuredContent;
  if (structured !== undefined) {
    const json = JSON.stringify(structured);
    const wrapped = wrappedValue(structured);
    const already = blocks.some((block) =>
      block.type === "text" &&
      (carries(block.text, json, structured) ||
        (wrapped !== NONE &&
          (block.text === wrapped || carries(block.text, undefined, wrapped))))
    );
    if (!already) blocks.push({ type: "text", text: json });
  }
  return blocks;
}

const NONE: unique symbol = Symbol("no wrapped value");

/** The value inside `{ "result": value }`, or {@link NONE} for anything else. */
function wrappedValue(structured: unknown): unknown {
  if (!isObject(structured)) return NONE;
  const keys = Object.keys(structured);
  return keys.length === 1 && keys[0] === "result" ? structured.result : NONE;
}

/** Whether `text` is the JSON of `value` (`json` is its JSON text, when known). */
function carries(text: string, json: string | undefined, value: unknown): boolean {
  if (json !== undefined && text === json) return true;
  try {
    return jsonEqual(JSON.parse(text), value);
  } catch {
    return false;
  }
}

/**
 * Fills the `default` of every requested form field the user left out of an
 * accepted elicitation (SEP-1034), so servers see complete answers.
 */
export function applyElicitationDefaults(
  result: ElicitResult,
  requestedSchema: unknown,
): ElicitResult {
  if (
    result.action !== "accept" || !isObject(requestedSchema) ||
    !isObject(requestedSchema.properties)
  ) {
    return result;
  }
  const content: JsonObject = { ...(result.content ?? {}) };
  let changed = false;
  for (const [key, field] of Object.entries(requestedSchema.properties)) {
    if (content[key] === undefined && isObject(field) && field.default !== undefined) {
      content[key] = field.default;
      changed = true;
    }
  }
  return changed ? { ...result, content: content as ElicitResult["content"] } : result;
}
