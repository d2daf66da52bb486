export { compileSchema, DEFAULT_LIMITS, validateSchema } from "./validator.ts";
export type {
  CompileOptions,
  Dialect,
  JsonSchema,
  JsonSchemaObject,
  ValidationError,
  ValidationLimits,
  ValidationResult,
  Validator,
} from "./types.ts";
export { SchemaError } from "./types.ts";
