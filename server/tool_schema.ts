/**
 * The bridge between tool definitions and schema validation.
 *
 * @module
 */
import type { JsonObject } from "../protocol/jsonrpc.ts";

/** A validation issue in terms a model can read. */
export interface SchemaIssue {
  /** JSON pointer of the failing value ("" for the root). */
  path: string;
  /** Why it failed. */
  message: string;
}

/** A schema resolved for use by the server. */
export interface ResolvedSchema {
  /** The JSON Schema advertised to clients. */
  jsonSchema: JsonObject;
  /** Validates a value; returns the (possibly transformed) value or issues. */
  validate(
    value: unknown,
  ):
    | { ok: true; value: unknown }
    | { ok: false; issues: SchemaIssue[] }
    | Promise<{ ok: true; value: unknown } | { ok: false; issues: SchemaIssue[] }>;
}

/** Resolves raw JSON Schema (no validation yet; replaced by schema/ when it lands). */
export function resolveSchema(input: unknown): ResolvedSchema {
  const jsonSchema = (input ?? { type: "object" }) as JsonObject;
  return { jsonSchema, validate: (value) => ({ ok: true, value }) };
}

/** Checks a schema at registration; returns readable problems. */
export function schemaProblems(_schema: JsonObject): string[] {
  return [];
}
