/**
 * emcee's schema layer: a JSON Schema validator (2020-12 and draft-07, interpreted — no `eval`,
 * no network), a typed schema builder for tool arguments, and {@link toToolSchema}, which also
 * accepts any Standard Schema (Zod 4, Valibot, ArkType).
 *
 * @example Validate with a raw JSON Schema
 * ```ts
 * import { compileSchema } from "@emcee/mcp/schema";
 * const validator = compileSchema({ type: "object", required: ["id"], properties: { id: { type: "string", format: "uuid" } } });
 * const result = validator.validate({ id: "nope" });
 * if (!result.valid) console.log(result.errors); // [{ instancePath: "/id", keyword: "format", ... }]
 * // Stop at the first failing keyword (cheaper on invalid input; all errors is the default):
 * validator.validate({ id: "nope" }, { allErrors: false });
 * ```
 *
 * @example Typed tool arguments
 * ```ts
 * import { type Infer, s, toToolSchema } from "@emcee/mcp/schema";
 * const args = s.object({ city: s.string({ description: "City" }), days: s.optional(s.integer({ minimum: 1 })) });
 * type Args = Infer<typeof args>; // { city: string; days?: number }
 * const tool = toToolSchema(args);
 * const checked = await tool.validate({ city: "Oslo" }); // { ok: true, value: { city: "Oslo" } }
 * ```
 *
 * @example Refuse a broken schema at registration
 * ```ts
 * import { validateSchema } from "@emcee/mcp/schema";
 * const problems = validateSchema({ type: "object", properties: { a: { $ref: "#/$defs/missing" } } });
 * // [{ keyword: "schema", message: 'cannot resolve $ref "#/$defs/missing" ...', ... }]
 * ```
 * @module
 */

export { compileSchema, DEFAULT_BASE_URI, DEFAULT_LIMITS, validateSchema } from "./validator.ts";
export type {
  CompileOptions,
  Dialect,
  JsonSchema,
  JsonSchemaObject,
  ValidateOptions,
  ValidationError,
  ValidationLimits,
  ValidationResult,
  Validator,
} from "./types.ts";
export { SchemaError } from "./types.ts";
export { FORMATS } from "./formats.ts";
export type { FormatCheck } from "./formats.ts";
export { optionalMarker, s, schemaType } from "./builder.ts";
export type {
  Annotations,
  ArrayOptions,
  Flatten,
  Infer,
  InferShape,
  Literal,
  NumberOptions,
  ObjectOptions,
  OptionalKeys,
  OptionalSchema,
  RequiredKeys,
  SchemaBuilder,
  Shape,
  StringFormat,
  StringOptions,
  TypedSchema,
} from "./builder.ts";
export { isStandardSchema } from "./standard.ts";
export type {
  StandardIssue,
  StandardJsonSchemaOptions,
  StandardOutput,
  StandardPathSegment,
  StandardProps,
  StandardResult,
  StandardSchemaV1,
} from "./standard.ts";
export { formatIssues, type FormatIssuesOptions, type IssueLike } from "./issues.ts";
export { issuePathToPointer, toToolSchema } from "./tool_schema.ts";
export type {
  InferToolArgs,
  ToolSchema,
  ToolSchemaInput,
  ToolSchemaIssue,
  ToolValidationResult,
  ToToolSchemaOptions,
} from "./tool_schema.ts";
