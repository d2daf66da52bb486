/**
 * The `{ "result": value }` wrapper (as FastMCP does it): `structuredContent`
 * of a tool whose value is not a JSON object travels wrapped, so every era
 * (2025-11-25 wants an object) receives an object, and the advertised output
 * schema is the wrapper around the declared one.
 *
 * @module
 */
import type { JsonSchemaObject } from "../schema/mod.ts";

/** The wrapper's one property. */
export const RESULT_KEY = "result";

/**
 * Whether a declared output schema describes objects, so values go out
 * unwrapped: `"type": "object"`, or `properties` with no `type` at all.
 */
export function describesObject(schema: JsonSchemaObject): boolean {
  const type = (schema as { type?: unknown }).type;
  if (type === "object") return true;
  const properties = (schema as { properties?: unknown }).properties;
  return type === undefined && typeof properties === "object" && properties !== null;
}

/** Keywords that belong at the root of the advertised document, not inside `result`. */
const ROOT_KEYWORDS = ["$schema", "$defs", "definitions"] as const;

/**
 * The advertised output schema of a wrapped tool:
 * `{ type: "object", properties: { result: declared }, required: ["result"] }`.
 * `$schema` and the definitions move to the root so local `$ref`s
 * (`#/$defs/…`) still resolve, unless `declared` has an `$id` of its own
 * (then its refs resolve against it, and it stays whole).
 */
export function wrapperSchema(declared: JsonSchemaObject): JsonSchemaObject {
  const inner: Record<string, unknown> = { ...declared };
  const root: Record<string, unknown> = {};
  const hoist = (declared as { $id?: unknown }).$id === undefined;
  for (const keyword of ROOT_KEYWORDS) {
    if (inner[keyword] === undefined || (!hoist && keyword !== "$schema")) continue;
    root[keyword] = inner[keyword];
    delete inner[keyword];
  }
  return {
    ...root,
    type: "object",
    properties: { [RESULT_KEY]: inner },
    required: [RESULT_KEY],
  } as JsonSchemaObject;
}
