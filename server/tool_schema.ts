/**
 * The bridge between tool definitions and schema/: whatever a tool declares
 * (raw JSON Schema, a schema builder value, or a Standard Schema such as Zod,
 * Valibot or ArkType) becomes the JSON Schema it advertises and a validator.
 *
 * @module
 */
import type { JsonObject } from "../protocol/jsonrpc.ts";
import {
  type InferToolArgs,
  SchemaError,
  type ToolSchemaInput,
  toToolSchema,
  validateSchema,
} from "../schema/mod.ts";
import { formatIssues } from "../schema/issues.ts";

/** A validation issue in terms a model can read. */
export interface SchemaIssue {
  /** JSON pointer of the failing value ("" for the root). */
  readonly path: string;
  /** Why it failed. */
  readonly message: string;
}

/** The outcome of validating one value. */
export type SchemaCheck =
  | { readonly ok: true; readonly value: unknown }
  | { readonly ok: false; readonly issues: readonly SchemaIssue[] };

/** A schema resolved for use by the server. */
export interface ResolvedSchema {
  /** The JSON Schema advertised to clients. */
  jsonSchema: JsonObject;
  /** Whether emcee validates (raw or builder schemas) or a Standard Schema library does. */
  native: boolean;
  /** Validates a value; returns the (possibly transformed) value or issues. */
  validate(value: unknown): SchemaCheck | Promise<SchemaCheck>;
}

/**
 * The arguments a handler receives for a declared input: the builder's or
 * Standard Schema's type, or a plain JSON object for raw JSON Schema.
 */
export type ToolArgs<Input> = unknown extends InferToolArgs<Input> ? JsonObject
  : InferToolArgs<Input>;

/** Resolves what a tool declares; throws a readable error for a broken schema. */
export function resolveSchema(input: unknown): ResolvedSchema {
  try {
    const schema = toToolSchema(input as ToolSchemaInput);
    return {
      jsonSchema: schema.jsonSchema as JsonObject,
      native: schema.validator === "emcee",
      validate: (value) => schema.validate(value),
    };
  } catch (error) {
    if (error instanceof SchemaError || error instanceof TypeError) throw new Error(error.message);
    throw error;
  }
}

/**
 * Checks a schema at registration against its meta-schema; returns readable
 * problems. Input schemas must describe an object; since 2026-07-28 output
 * schemas may describe any JSON value.
 */
export function schemaProblems(schema: JsonObject, requireObject: boolean): string[] {
  const problems = validateSchema(schema).map((error) =>
    formatIssues([{ path: error.instancePath, message: error.message }])
  );
  if (problems.length === 0 && requireObject && schema.type !== "object") {
    problems.push(`the root must have "type": "object"`);
  }
  return problems;
}
