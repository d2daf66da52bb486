/**
 * A check that a schema is valid against both the 2020-12 and the draft-07 meta-schema, for the
 * plain schemas most tools declare (types, properties, bounds, enums), without compiling a
 * meta-schema: compiling the 2020-12 one is the largest single cost of a server's first tool
 * registration, more than importing the server. It only ever answers `true` for schemas the
 * meta-schemas accept; anything it is not sure of (another keyword, `$schema`, `$ref`, `pattern`
 * and other formatted values, a large or deep schema) answers `false`, and the caller then runs
 * the meta-schema as before.
 *
 * @module
 */

const SIMPLE_TYPES: ReadonlySet<unknown> = new Set([
  "array",
  "boolean",
  "integer",
  "null",
  "number",
  "object",
  "string",
]);

/** Keywords whose value is a schema. */
const SCHEMA_KEYWORDS: ReadonlySet<string> = new Set([
  "additionalProperties",
  "items",
  "not",
  "propertyNames",
  "contains",
  "if",
  "then",
  "else",
]);
/** Keywords whose value is a non-empty array of schemas. */
const SCHEMA_LIST_KEYWORDS: ReadonlySet<string> = new Set(["allOf", "anyOf", "oneOf"]);
/** Keywords whose value is a non-negative integer. */
const COUNT_KEYWORDS: ReadonlySet<string> = new Set([
  "maxLength",
  "minLength",
  "maxItems",
  "minItems",
  "maxProperties",
  "minProperties",
]);
/** Keywords whose value is a number. */
const NUMBER_KEYWORDS: ReadonlySet<string> = new Set([
  "minimum",
  "maximum",
  "exclusiveMinimum",
  "exclusiveMaximum",
]);
/** Keywords whose value is a boolean. */
const BOOLEAN_KEYWORDS: ReadonlySet<string> = new Set([
  "uniqueItems",
  "readOnly",
  "writeOnly",
]);
/** Annotations whose value is a string (`format` is one: only its assertion is optional). */
const STRING_KEYWORDS: ReadonlySet<string> = new Set(["title", "description", "format"]);
/** Keywords whose value may be any JSON value (`examples` must be an array). */
const ANY_VALUE_KEYWORDS: ReadonlySet<string> = new Set(["const", "default"]);

// Well below the validator's limits, so that the meta-schema could not have failed on them.
const MAX_DEPTH = 24;
const MAX_VALUES = 500;

interface Budget {
  values: number;
}

/** Counts `count` values against the budget; false once it is spent. */
function spend(budget: Budget, count: number): boolean {
  budget.values += count;
  return budget.values <= MAX_VALUES;
}

function isPlainObject(value: unknown): value is { [key: string]: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    Object.getPrototypeOf(value) === Object.prototype;
}

/** `every` that also visits holes (a sparse array is no JSON array: it is refused). */
function everyItem(array: readonly unknown[], test: (item: unknown) => boolean): boolean {
  for (let i = 0; i < array.length; i++) {
    if (!(i in array) || !test(array[i])) return false;
  }
  return true;
}

/** A JSON value of bounded size and depth (for `const`, `default`, `enum`, `examples`). */
function isSmallJson(value: unknown, depth: number, budget: Budget): boolean {
  if (++budget.values > MAX_VALUES || depth > MAX_DEPTH) return false;
  if (value === null || typeof value === "boolean" || typeof value === "string") return true;
  if (typeof value === "number") return Number.isFinite(value);
  if (Array.isArray(value)) return everyItem(value, (item) => isSmallJson(item, depth + 1, budget));
  if (!isPlainObject(value)) return false;
  return Object.keys(value).every((key) => isSmallJson(value[key], depth + 1, budget));
}

function isPrimitive(value: unknown): boolean {
  return value === null || typeof value === "string" || typeof value === "boolean" ||
    (typeof value === "number" && Number.isFinite(value));
}

function isUniqueStrings(value: unknown): boolean {
  return Array.isArray(value) && everyItem(value, (item) => typeof item === "string") &&
    new Set(value).size === value.length;
}

function isType(value: unknown): boolean {
  if (SIMPLE_TYPES.has(value)) return true;
  return Array.isArray(value) && value.length > 0 &&
    everyItem(value, (item) => SIMPLE_TYPES.has(item)) && new Set(value).size === value.length;
}

function isKeywordValid(key: string, value: unknown, depth: number, budget: Budget): boolean {
  if (SCHEMA_KEYWORDS.has(key)) return isPlain(value, depth + 1, budget);
  if (SCHEMA_LIST_KEYWORDS.has(key)) {
    return Array.isArray(value) && value.length > 0 &&
      everyItem(value, (item) => isPlain(item, depth + 1, budget));
  }
  if (COUNT_KEYWORDS.has(key)) {
    return typeof value === "number" && Number.isInteger(value) && value >= 0;
  }
  if (NUMBER_KEYWORDS.has(key)) return typeof value === "number" && Number.isFinite(value);
  if (BOOLEAN_KEYWORDS.has(key)) return typeof value === "boolean";
  if (STRING_KEYWORDS.has(key)) return typeof value === "string";
  if (ANY_VALUE_KEYWORDS.has(key)) return isSmallJson(value, depth + 1, budget);
  switch (key) {
    case "type":
      return isType(value);
    case "required":
      return Array.isArray(value) && spend(budget, value.length) && isUniqueStrings(value);
    case "enum":
      // Unique and non-empty (draft-07's meta-schema asks both): primitives only, so that a Set
      // can tell.
      return Array.isArray(value) && value.length > 0 && spend(budget, value.length) &&
        everyItem(value, isPrimitive) && new Set(value).size === value.length;
    case "examples":
      return Array.isArray(value) && isSmallJson(value, depth + 1, budget);
    case "multipleOf":
      return typeof value === "number" && Number.isFinite(value) && value > 0;
    case "properties":
      return isPlainObject(value) &&
        Object.keys(value).every((name) => isPlain(value[name], depth + 1, budget));
    default:
      return false;
  }
}

function isPlain(schema: unknown, depth: number, budget: Budget): boolean {
  if (++budget.values > MAX_VALUES || depth > MAX_DEPTH) return false;
  if (typeof schema === "boolean") return true;
  if (!isPlainObject(schema)) return false;
  return Object.keys(schema).every((key) => isKeywordValid(key, schema[key], depth, budget));
}

/**
 * Whether `schema` is, for certain, valid against the 2020-12 and draft-07 meta-schemas: made
 * only of the common keywords above with values of the right kinds. `false` means "not sure".
 *
 * @example
 * ```ts
 * import { isPlainlyValidSchema } from "./plain_schema.ts";
 * isPlainlyValidSchema({ type: "object", properties: { n: { type: "integer" } } }); // true
 * isPlainlyValidSchema({ type: "strnig" }); // false: the meta-schema says why
 * ```
 */
export function isPlainlyValidSchema(schema: unknown): boolean {
  return isPlain(schema, 0, { values: 0 });
}
