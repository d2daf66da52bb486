/**
 * The public validator: {@link compileSchema} turns a JSON Schema (2020-12 or draft-07) into a
 * reusable {@link Validator}; {@link validateSchema} checks a schema against its meta-schema.
 * Pure interpretation: no `eval`, no `new Function`, no network.
 * @module
 */

import { createCompiler } from "./compile/compiler.ts";
import type { Compiled, EvalContext } from "./compile/evaluation.ts";
import { LimitExceeded } from "./limit.ts";
import { META_SCHEMAS } from "./metaschemas.ts";
import { isPlainlyValidSchema } from "./plain_schema.ts";
import { joinSteps } from "./pointer.ts";
import { createRegistry, DRAFT_07, DRAFT_2020_12, isSchemaObject } from "./registry.ts";
import {
  type CompileOptions,
  type JsonSchema,
  SchemaError,
  type ValidationError,
  type ValidationLimits,
  type ValidationResult,
  type Validator,
} from "./types.ts";

/** Default limits: generous for real tool schemas, small enough to stop hostile input quickly. */
export const DEFAULT_LIMITS: ValidationLimits = Object.freeze({
  maxSchemaDepth: 128,
  maxSubschemas: 20_000,
  maxSteps: 1_000_000,
  maxEvaluationDepth: 256,
});

/** Base URI of a compiled schema without `$id` (relative references resolve against it). */
export const DEFAULT_BASE_URI = "emcee:/schema.json";

const VALID: ValidationResult = Object.freeze({ valid: true });
const EMPTY_OPTIONS: CompileOptions = Object.freeze({});
const defaultCache = new WeakMap<object, Validator>();
const optionCache = new WeakMap<object, WeakMap<CompileOptions, Validator>>();

function newContext(limits: ValidationLimits): EvalContext {
  return {
    collect: false,
    allErrors: false,
    errors: [],
    trackPath: false,
    path: [],
    steps: 0,
    depth: 0,
    scope: [],
    maxSteps: limits.maxSteps,
    maxDepth: limits.maxEvaluationDepth,
  };
}

function resetContext(
  ctx: EvalContext,
  collect: boolean,
  allErrors: boolean,
  trackPath: boolean,
): void {
  ctx.collect = collect;
  ctx.allErrors = allErrors;
  ctx.trackPath = trackPath;
  if (ctx.errors.length > 0) ctx.errors = [];
  if (ctx.path.length > 0) ctx.path.length = 0;
  ctx.steps = 0;
  ctx.depth = 0;
  if (ctx.scope.length > 0) ctx.scope.length = 0;
}

function limitError(ctx: EvalContext, error: unknown): ValidationResult {
  const message = error instanceof LimitExceeded
    ? error.message
    : "validation exceeded the call stack (value or schema recursion too deep)";
  return {
    valid: false,
    errors: [{ instancePath: joinSteps(ctx.path), schemaPath: "", keyword: "limit", message }],
  };
}

function isLimitFailure(error: unknown): boolean {
  return error instanceof LimitExceeded || error instanceof RangeError;
}

function buildValidator(schema: JsonSchema, options: CompileOptions): Validator {
  if (typeof schema !== "boolean" && !isSchemaObject(schema)) {
    throw new SchemaError("a schema must be an object or a boolean", "#");
  }
  const limits: ValidationLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const registry = createRegistry(options.documents ?? {}, limits);
  const dialect = options.defaultDialect === "draft-07" ? DRAFT_07 : DRAFT_2020_12;
  registry.addRoot(schema, DEFAULT_BASE_URI, dialect);
  const compiler = createCompiler(registry, {
    formatAssertion: options.formatAssertion ?? true,
    formats: options.formats ?? {},
    limits,
  });
  let root: Compiled;
  try {
    root = compiler.compileRoot(schema);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new SchemaError("schema is too deeply nested or self-referential to compile", "#");
    }
    throw error;
  }
  const check = root.check;
  let idle: EvalContext | null = newContext(limits);

  // Evaluates once in the given mode; a limit failure becomes a limit error located by `ctx.path`.
  function evaluate(
    ctx: EvalContext,
    value: unknown,
    collect: boolean,
    allErrors: boolean,
    trackPath: boolean,
  ): boolean | ValidationResult {
    resetContext(ctx, collect, allErrors, trackPath);
    try {
      return check(value, ctx, null);
    } catch (error) {
      if (isLimitFailure(error)) return limitError(ctx, error);
      throw error;
    }
  }

  function invalid(ctx: EvalContext): ValidationResult {
    const errors: readonly ValidationError[] = ctx.errors.length > 0 ? ctx.errors : [{
      instancePath: "",
      schemaPath: "#",
      keyword: "schema",
      message: "value does not match the schema",
    }];
    ctx.errors = [];
    return { valid: false, errors };
  }

  function is(value: unknown): boolean {
    const ctx = idle ?? newContext(limits);
    idle = null;
    try {
      resetContext(ctx, false, false, false);
      return check(value, ctx, null);
    } catch (error) {
      if (isLimitFailure(error)) return false;
      throw error;
    } finally {
      idle = ctx;
    }
  }

  function run(value: unknown, allErrors: boolean): ValidationResult {
    // Reuse one context; a re-entrant call (a custom format validating again) gets its own.
    const ctx = idle ?? newContext(limits);
    idle = null;
    try {
      // Collecting costs next to nothing while checks pass, so one pass serves valid and
      // invalid values alike.
      const outcome = evaluate(ctx, value, true, allErrors, false);
      if (outcome === true) return VALID;
      if (outcome === false) return invalid(ctx);
      // A collecting pass hit a limit. Locate it as a check-then-collect evaluation would: a
      // limit that plain checking also hits is reported at the root; a valid value stays valid;
      // otherwise re-run collecting with the path tracked, to report where the limit was hit.
      const checked = evaluate(ctx, value, false, false, false);
      if (checked === true) return VALID;
      if (checked !== false) return checked;
      const located = evaluate(ctx, value, true, allErrors, true);
      if (located === true) return VALID;
      return located === false ? invalid(ctx) : located;
    } finally {
      idle = ctx;
    }
  }

  return {
    schema,
    validate: (value, options) => run(value, options === undefined || options.allErrors !== false),
    is,
  };
}

/**
 * Compiles a JSON Schema into a reusable validator. The result is cached per schema object (and
 * per options object), so compiling the same tool schema again costs nothing; schemas are
 * treated as immutable. `$ref` resolves within the schema, `options.documents` and the embedded
 * 2020-12/draft-07 meta-schemas, never over the network.
 *
 * @throws {SchemaError} when the schema cannot be interpreted (bad keyword value, unresolvable
 *   `$ref`, invalid regex, unsupported `$schema`, or a compile limit is exceeded).
 *
 * @example
 * ```ts
 * import { compileSchema } from "./validator.ts";
 * const validator = compileSchema({
 *   type: "object",
 *   properties: { city: { type: "string", minLength: 1 } },
 *   required: ["city"],
 * });
 * validator.validate({ city: "Paris" }); // { valid: true }
 * const result = validator.validate({ city: 3 });
 * // result.errors[0]: { instancePath: "/city", keyword: "type", schemaPath: "#/properties/city/type", ... }
 * // Only the first failure (much cheaper on invalid input; every error is the default):
 * validator.validate({ city: 3 }, { allErrors: false });
 * ```
 */
export function compileSchema(schema: JsonSchema, options?: CompileOptions): Validator {
  if (typeof schema === "boolean") return buildValidator(schema, options ?? EMPTY_OPTIONS);
  if (options === undefined) {
    let validator = defaultCache.get(schema);
    if (validator === undefined) {
      validator = buildValidator(schema, EMPTY_OPTIONS);
      defaultCache.set(schema, validator);
    }
    return validator;
  }
  let perOptions = optionCache.get(schema);
  if (perOptions === undefined) {
    perOptions = new WeakMap();
    optionCache.set(schema, perOptions);
  }
  let validator = perOptions.get(options);
  if (validator === undefined) {
    validator = buildValidator(schema, options);
    perOptions.set(options, validator);
  }
  return validator;
}

const DRAFT_07_META = "http://json-schema.org/draft-07/schema";
const DRAFT_2020_12_META = "https://json-schema.org/draft/2020-12/schema";
const META_OPTIONS: CompileOptions = Object.freeze({ formatAssertion: true });

// Own properties only: a `$schema` of "constructor" names no meta-schema.
function ownEntry<T>(table: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return table !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

function metaSchemaFor(schema: JsonSchema, options: CompileOptions): string {
  if (isSchemaObject(schema) && typeof schema.$schema === "string") {
    const uri = schema.$schema.replace(/#$/, "");
    if (uri === DRAFT_07_META || uri === DRAFT_2020_12_META) return uri;
    if (uri === "http://json-schema.org/draft-06/schema") return DRAFT_07_META;
    return uri;
  }
  return options.defaultDialect === "draft-07" ? DRAFT_07_META : DRAFT_2020_12_META;
}

/**
 * Checks a schema before use: against its meta-schema (2020-12 unless `$schema` or
 * `options.defaultDialect` says draft-07), then by compiling it (unresolvable `$ref`, invalid
 * regex, limits). Returns every problem found; an empty array means the schema is usable.
 * The server calls this to refuse broken tool schemas at registration.
 *
 * @example
 * ```ts
 * import { validateSchema } from "./validator.ts";
 * validateSchema({ type: "object", properties: { n: { type: "integer", minimum: 0 } } }); // []
 * validateSchema({ type: "strnig" });
 * // [{ instancePath: "/type", keyword: "anyOf", message: "must match at least one schema in anyOf", ... }]
 * ```
 */
export function validateSchema(schema: unknown, options?: CompileOptions): ValidationError[] {
  if (typeof schema !== "boolean" && !isSchemaObject(schema)) {
    return [{
      instancePath: "",
      schemaPath: "",
      keyword: "type",
      message: "a JSON Schema must be an object or a boolean",
    }];
  }
  const metaUri = metaSchemaFor(schema, options ?? EMPTY_OPTIONS);
  const documents = options?.documents;
  const meta = ownEntry(documents, metaUri) ?? ownEntry(documents, metaUri + "#") ??
    ownEntry(META_SCHEMAS, metaUri);
  const errors: ValidationError[] = [];
  if (meta === undefined) {
    errors.push({
      instancePath: "/$schema",
      schemaPath: "",
      keyword: "$schema",
      message: `unknown meta-schema "${metaUri}" (supply it in options.documents)`,
    });
  } else if (documents !== undefined || !isPlainlyValidSchema(schema)) {
    // A plain schema is valid against both standard meta-schemas: compiling one (the largest
    // cost of a server's first tool registration) is left to the schemas that need it.
    try {
      const result = compileSchema(meta, options?.documents ? options : META_OPTIONS).validate(
        schema,
      );
      if (!result.valid) errors.push(...result.errors);
    } catch (error) {
      if (!(error instanceof SchemaError)) throw error;
      errors.push({
        instancePath: "/$schema",
        schemaPath: error.schemaPath,
        keyword: "$schema",
        message: error.message,
      });
    }
  }
  if (errors.length > 0) return errors;
  try {
    compileSchema(schema, options);
  } catch (error) {
    if (!(error instanceof SchemaError)) throw error;
    errors.push({
      instancePath: error.schemaPath.startsWith("#") ? error.schemaPath.slice(1) : "",
      schemaPath: error.schemaPath,
      keyword: "schema",
      message: error.message,
    });
  }
  return errors;
}
