/**
 * Turning tool results into what an LLM integration wants: validated
 * `structuredContent`, or a flat list of content blocks. Also fills form
 * defaults into accepted elicitation answers.
 *
 * @module
 */
import type { JsonObject } from "../protocol/jsonrpc.ts";
import type { CallToolResult, ContentBlock, ElicitResult } from "../protocol/types.ts";
import { isObject } from "../protocol/jsonrpc.ts";

/** One reason a value does not match a schema. */
export interface StructuralIssue {
  /** JSON pointer of the failing value ("" for the root). */
  path: string;
  /** Why it failed. */
  message: string;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function matchesType(value: unknown, type: unknown): boolean {
  const actual = typeOf(value);
  const accepts = (name: unknown) => name === actual || (name === "number" && actual === "integer");
  return Array.isArray(type) ? type.some(accepts) : accepts(type);
}

/**
 * A minimal structural check of a value against a JSON Schema: `type`,
 * `required`, `properties`, `items`, `enum` and `const`, recursively. Keywords
 * it does not know are accepted, so it never rejects a valid value; it exists
 * to catch servers whose `structuredContent` plainly contradicts the schema.
 *
 * @example
 * ```ts
 * import { checkStructure } from "./results.ts";
 * checkStructure({ a: 1 }, { type: "object", required: ["b"] }); // [{ path: "", message: ... }]
 * ```
 */
export function checkStructure(value: unknown, schema: unknown, path = ""): StructuralIssue[] {
  if (!isObject(schema)) return [];
  const issues: StructuralIssue[] = [];
  if (schema.type !== undefined && !matchesType(value, schema.type)) {
    issues.push({ path, message: `expected ${JSON.stringify(schema.type)}, got ${typeOf(value)}` });
    return issues;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((item) => sameJson(item, value))) {
    issues.push({ path, message: "value is not one of the allowed values" });
  }
  if ("const" in schema && !sameJson(schema.const, value)) {
    issues.push({ path, message: "value does not equal the constant" });
  }
  if (isObject(value)) {
    if (Array.isArray(schema.required)) {
      for (const key of schema.required) {
        if (typeof key === "string" && !(key in value)) {
          issues.push({ path, message: `missing required property "${key}"` });
        }
      }
    }
    if (isObject(schema.properties)) {
      for (const [key, sub] of Object.entries(schema.properties)) {
        if (key in value) {
          issues.push(...checkStructure(value[key], sub, `${path}/${escapePointer(key)}`));
        }
      }
    }
  }
  if (Array.isArray(value) && isObject(schema.items)) {
    value.forEach((item, index) =>
      issues.push(...checkStructure(item, schema.items, `${path}/${index}`))
    );
  }
  return issues;
}

function escapePointer(key: string): string {
  return key.replace(/~/g, "~0").replace(/\//g, "~1");
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Flattens a tool result into content blocks for a model: the `content` blocks
 * as sent, plus the `structuredContent` as a JSON text block when no text
 * block already carries exactly that JSON (servers are asked to include it,
 * and many do).
 *
 * @example
 * ```ts
 * import { resultToContent } from "./results.ts";
 * resultToContent({ content: [], structuredContent: { ok: true } });
 * // [{ type: "text", text: '{"ok":true}' }]
 * ```
 */
export function resultToContent(result: CallToolResult): ContentBlock[] {
  const blocks: ContentBlock[] = Array.isArray(result.content) ? [...result.content] : [];
  if (result.structuredContent !== undefined) {
    const json = JSON.stringify(result.structuredContent);
    const already = blocks.some((block) => {
      if (block.type !== "text") return false;
      if (block.text === json) return true;
      try {
        return sameJson(JSON.parse(block.text), result.structuredContent);
      } catch {
        return false;
      }
    });
    if (!already) blocks.push({ type: "text", text: json });
  }
  return blocks;
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
