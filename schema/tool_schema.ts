/**
 * {@link toToolSchema}: the one entry point the server uses for a tool's argument schema,
 * whatever the author wrote it with (our builder, raw JSON Schema, or a Standard Schema library).
 * @module
 */

import type { Infer } from "./builder.ts";
import { escapeToken } from "./pointer.ts";
import { isSchemaObject } from "./registry.ts";
import {
  isStandardSchema,
  type StandardIssue,
  type StandardOutput,
  type StandardResult,
  type StandardSchemaV1,
} from "./standard.ts";
import { type CompileOptions, type JsonSchemaObject, SchemaError } from "./types.ts";
import { compileSchema, validateSchema } from "./validator.ts";
import { formatIssues } from "./issues.ts";

/** One reason arguments were rejected: where (JSON pointer, `""` = the whole value) and why. */
export interface ToolSchemaIssue {
  /** JSON Pointer of the failing value; `""` for the whole value. */
  readonly path: string;
  /** Why it failed. */
  readonly message: string;
}

/** Outcome of {@link ToolSchema.validate}: the (possibly transformed) value, or the issues. */
export type ToolValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly ToolSchemaIssue[] };

/** A tool argument schema, normalised: JSON Schema to advertise plus a validator to enforce it. */
export interface ToolSchema<T = unknown> {
  /** The JSON Schema to publish as the tool's `inputSchema` (or `outputSchema`). */
  readonly jsonSchema: JsonSchemaObject;
  /** Who validates: emcee's own validator, or the Standard Schema library (`vendor`). */
  readonly validator: "emcee" | { readonly vendor: string };
  /**
   * Validates arguments. JSON Schema inputs answer synchronously; a Standard Schema may answer
   * with a Promise. Always `await` the result.
   */
  validate(value: unknown): ToolValidationResult<T> | Promise<ToolValidationResult<T>>;
}

/** Accepted inputs: a builder schema, a raw JSON Schema object, or a Standard Schema. */
export type ToolSchemaInput = JsonSchemaObject | StandardSchemaV1;

/** The argument type a handler receives for a given input. */
export type InferToolArgs<S> = S extends StandardSchemaV1 ? StandardOutput<S> : Infer<S>;

/** Options of {@link toToolSchema}. */
export interface ToToolSchemaOptions {
  /**
   * JSON Schema to advertise for a Standard Schema that cannot export one (e.g. plain Valibot
   * without `@valibot/to-json-schema`). Ignored for JSON Schema inputs.
   */
  readonly jsonSchema?: JsonSchemaObject;
  /** Compile options for JSON Schema inputs (extra `$ref` documents, limits, formats). */
  readonly compile?: CompileOptions;
}

/** Converts a Standard Schema issue path to a JSON pointer. */
export function issuePathToPointer(path: StandardIssue["path"]): string {
  if (path === undefined) return "";
  let pointer = "";
  for (const segment of path) {
    const key = typeof segment === "object" && segment !== null ? segment.key : segment;
    pointer += "/" + escapeToken(typeof key === "symbol" ? String(key) : (key as string | number));
  }
  return pointer;
}

function fromStandardResult<T>(result: StandardResult<unknown>): ToolValidationResult<T> {
  if (result.issues !== undefined) {
    const issues = Array.from(result.issues, (issue) => ({
      path: issuePathToPointer(issue.path),
      message: issue.message,
    }));
    return { ok: false, issues };
  }
  return { ok: true, value: result.value as T };
}

function isPromiseLike<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown }).then === "function";
}

function callExporter(owner: unknown, name: string, args: unknown[]): unknown {
  const method = (owner as Record<string, unknown>)[name];
  if (typeof method !== "function") return undefined;
  try {
    return method.apply(owner, args);
  } catch {
    return undefined;
  }
}

/** Finds a JSON Schema for a Standard Schema: Standard JSON Schema, then library methods. */
function exportJsonSchema(input: StandardSchemaV1): JsonSchemaObject | undefined {
  const converter = input["~standard"].jsonSchema;
  for (const target of ["draft-2020-12", "draft-07"]) {
    const exported = converter === undefined
      ? undefined
      : callExporter(converter, "input", [{ target }]);
    if (isSchemaObject(exported)) return exported;
  }
  for (const name of ["toJSONSchema", "toJsonSchema"]) {
    const exported = callExporter(input, name, []);
    if (isSchemaObject(exported)) return exported;
  }
  return undefined;
}

function fromStandardSchema<T>(
  input: StandardSchemaV1,
  options: ToToolSchemaOptions | undefined,
): ToolSchema<T> {
  const props = input["~standard"];
  const jsonSchema = options?.jsonSchema ?? exportJsonSchema(input);
  if (jsonSchema === undefined) {
    throw new TypeError(
      `toToolSchema: this "${props.vendor}" Standard Schema cannot export JSON Schema. ` +
        (props.vendor === "valibot"
          ? `Wrap it with toStandardJsonSchema() from @valibot/to-json-schema, or pass `
          : `Pass `) +
        `options.jsonSchema.`,
    );
  }
  return {
    jsonSchema,
    validator: { vendor: props.vendor },
    validate: (value) => {
      const result = props.validate(value);
      return isPromiseLike(result)
        ? Promise.resolve(result).then((r) => fromStandardResult<T>(r))
        : fromStandardResult<T>(result);
    },
  };
}

function fromJsonSchema<T>(
  input: JsonSchemaObject,
  options: ToToolSchemaOptions | undefined,
): ToolSchema<T> {
  const problems = validateSchema(input, options?.compile);
  if (problems.length > 0) {
    const issues = problems.map((p) => ({ path: p.instancePath, message: p.message }));
    const list = formatIssues(issues, { limit: 5 });
    // The location is the offending keyword in the caller's schema, not the meta-schema rule it broke.
    throw new SchemaError(`invalid tool schema: ${list}`, `#${problems[0].instancePath}`);
  }
  const validator = compileSchema(input, options?.compile);
  return {
    jsonSchema: input,
    validator: "emcee",
    validate: (value) => {
      const result = validator.validate(value);
      if (result.valid) return { ok: true, value: value as T };
      const issues = result.errors.map((e) => ({ path: e.instancePath, message: e.message }));
      return { ok: false, issues };
    },
  };
}

/**
 * Normalises a tool's argument schema. Accepts:
 * - a schema from our builder (`s.object({...})`) — typed, validated by emcee;
 * - a raw JSON Schema object (2020-12, or draft-07 via `$schema`) — used as-is, validated by emcee;
 * - any Standard Schema (Zod 4, Valibot, ArkType, …), detected by its `~standard` property —
 *   validated by the library itself (so transforms and defaults apply), advertised through its
 *   JSON Schema export (`~standard.jsonSchema`, `toJSONSchema()` or `toJsonSchema()`), or
 *   `options.jsonSchema` when it has none.
 *
 * JSON Schema inputs are checked against their meta-schema and compiled up front.
 *
 * @throws {SchemaError} for an invalid JSON Schema (meta-schema violations, unresolvable `$ref`).
 * @throws {TypeError} for an input that is none of the above, or a Standard Schema without a
 *   JSON Schema export and no `options.jsonSchema`.
 *
 * @example
 * ```ts
 * import { s, toToolSchema } from "./mod.ts";
 * const args = toToolSchema(s.object({ city: s.string() }));
 * args.jsonSchema; // { type: "object", properties: { city: { type: "string" } }, required: ["city"] }
 * const result = await args.validate({ city: 42 });
 * // { ok: false, issues: [{ path: "/city", message: "must be string (got integer)" }] }
 * if (result.ok) result.value.city; // typed as string
 * ```
 */
export function toToolSchema<S extends ToolSchemaInput>(
  input: S,
  options?: ToToolSchemaOptions,
): ToolSchema<InferToolArgs<S>> {
  if (isStandardSchema(input)) return fromStandardSchema(input, options);
  if (isSchemaObject(input)) return fromJsonSchema(input, options);
  throw new TypeError(
    "toToolSchema: expected a JSON Schema object, an emcee schema builder object or a Standard Schema",
  );
}
