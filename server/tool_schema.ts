/**
 * The bridge between tool definitions and schema validation: resolves what a
 * tool declares into the JSON Schema it advertises and a validator.
 *
 * @module
 */
import type { JsonObject } from "../protocol/jsonrpc.ts";
import { compileSchema, validateSchema } from "../schema/mod.ts";

/** A validation issue in terms a model can read. */
export interface SchemaIssue {
  /** JSON pointer of the failing value ("" for the root). */
  path: string;
  /** Why it failed. */
  message: string;
}

/** The outcome of validating one value. */
export type SchemaCheck = { ok: true; value: unknown } | { ok: false; issues: SchemaIssue[] };

/** A schema resolved for use by the server. */
export interface ResolvedSchema {
  /** The JSON Schema advertised to clients. */
  jsonSchema: JsonObject;
  /** Validates a value; returns the (possibly transformed) value or issues. */
  validate(value: unknown): SchemaCheck | Promise<SchemaCheck>;
}

/** Resolves a raw JSON Schema into the advertised schema and its validator. */
export function resolveSchema(input: unknown): ResolvedSchema {
  const jsonSchema = (input ?? { type: "object" }) as JsonObject;
  const validator = compileSchema(jsonSchema);
  return {
    jsonSchema,
    validate(value) {
      const result = validator.validate(value);
      if (result.valid) return { ok: true, value };
      return {
        ok: false,
        issues: result.errors.map((error) => ({
          path: error.instancePath,
          message: `${error.message} (${error.keyword})`,
        })),
      };
    },
  };
}

/**
 * Checks a schema at registration against its meta-schema; returns readable
 * problems. Input schemas must describe an object; since 2026-07-28 output
 * schemas may describe any JSON value.
 */
export function schemaProblems(schema: JsonObject, requireObject: boolean): string[] {
  const problems = validateSchema(schema).map((error) =>
    `${error.instancePath || "/"}: ${error.message}`
  );
  if (problems.length === 0 && requireObject && schema.type !== "object") {
    problems.push(`the root must have "type": "object"`);
  }
  return problems;
}
