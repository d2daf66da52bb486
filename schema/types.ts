/**
 * Shared types of the JSON Schema validator: schemas, options, limits, results and errors.
 * @module
 */

/** A JSON Schema: either a boolean schema or a schema object (JSON data; treated as immutable). */
export type JsonSchema = boolean | JsonSchemaObject;

/** A JSON Schema object. Keywords are read as JSON; unknown keywords are ignored. */
export type JsonSchemaObject = { readonly [keyword: string]: unknown };

/** The JSON Schema dialects the validator understands. */
export type Dialect = "2020-12" | "draft-07";

/** One reason a value failed validation. */
export interface ValidationError {
  /** JSON Pointer (RFC 6901) to the failing value inside the instance; `""` is the whole value. */
  readonly instancePath: string;
  /** Location of the failing keyword: `#/json/pointer` in the root document, or `uri#/pointer`. */
  readonly schemaPath: string;
  /** The keyword that failed, e.g. `"type"`, `"required"`, `"$ref"`. */
  readonly keyword: string;
  /** Human-readable explanation, e.g. `must have required property 'name'`. */
  readonly message: string;
}

/** Result of {@link Validator.validate}: the success object is shared and allocation-free. */
export type ValidationResult =
  | { readonly valid: true }
  | { readonly valid: false; readonly errors: readonly ValidationError[] };

/** Options of {@link Validator.validate}. */
export interface ValidateOptions {
  /**
   * `true` (the default): report every error. `false`: stop at the first failing keyword, which
   * is much cheaper on invalid input. `errors[0]` is then the same error as in the default
   * mode; when the failure is an `anyOf`/`oneOf`, `errors` also holds the first error of each
   * branch before the combinator's own error, so the result still explains the failure.
   */
  readonly allErrors?: boolean;
}

/** A compiled schema, ready to validate many values. */
export interface Validator {
  /** The schema this validator was compiled from. */
  readonly schema: JsonSchema;
  /**
   * Validates a JSON value; never throws for any input value (limits become errors). Reports
   * every error unless `options.allErrors` is `false`.
   *
   * @example
   * ```ts
   * import { compileSchema } from "@emcee/mcp/schema";
   * const validator = compileSchema({ type: "object", required: ["a", "b"] });
   * validator.validate({}); // errors for 'a' and for 'b'
   * validator.validate({}, { allErrors: false }); // only the error for 'a'
   * ```
   */
  validate(value: unknown, options?: ValidateOptions): ValidationResult;
  /** Same as `validate(value).valid`, without building error details. */
  is(value: unknown): boolean;
}

/** Protection against hostile schemas and instances. Exceeding one is a clear error, never a hang. */
export interface ValidationLimits {
  /** Maximum nesting depth of subschemas in any schema document. */
  readonly maxSchemaDepth: number;
  /** Maximum number of subschemas across all documents a compilation touches. */
  readonly maxSubschemas: number;
  /** Maximum evaluation work (subschema applications and visited items) per `validate` call. */
  readonly maxSteps: number;
  /** Maximum nesting of `$ref`/`$dynamicRef` applications during one `validate` call. */
  readonly maxEvaluationDepth: number;
}

/** Options of {@link compileSchema}. */
export interface CompileOptions {
  /**
   * Schema documents that `$ref` may point at, keyed by absolute URI. Nothing is ever fetched:
   * a reference that is neither here, in the schema itself nor a standard meta-schema is an error.
   */
  readonly documents?: Readonly<Record<string, JsonSchema>>;
  /** Dialect of schemas without `$schema`. Default `"2020-12"` (the MCP default). */
  readonly defaultDialect?: Dialect;
  /** Whether `format` asserts (rejects malformed strings) for known formats. Default `true`. */
  readonly formatAssertion?: boolean;
  /** Extra or overriding format checks by format name. */
  readonly formats?: Readonly<Record<string, (value: string) => boolean>>;
  /** Overrides for the default {@link ValidationLimits}. */
  readonly limits?: Partial<ValidationLimits>;
}

/** Thrown by `compileSchema` when a schema cannot be interpreted (bad keyword value, unresolvable `$ref`, limits). */
export class SchemaError extends Error {
  /** Where in the schema the problem is (same format as {@link ValidationError.schemaPath}). */
  readonly schemaPath: string;
  /** Creates the error; `schemaPath` locates the offending keyword. */
  constructor(message: string, schemaPath: string) {
    super(schemaPath ? `${message} (at ${schemaPath})` : message);
    this.name = "SchemaError";
    this.schemaPath = schemaPath;
  }
}
