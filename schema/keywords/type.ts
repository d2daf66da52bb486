// The `type` keyword, over JSON types as bit flags (`integer` is also a `number`).

import { quote } from "../compile/quote.ts";
import { type Check, type EvalContext, fail } from "../compile/evaluation.ts";
import { SchemaError } from "../types.ts";

const TYPE_NULL = 1;
const TYPE_BOOLEAN = 2;
const TYPE_OBJECT = 4;
const TYPE_ARRAY = 8;
const TYPE_NUMBER = 16;
const TYPE_INTEGER = 32;
const TYPE_STRING = 64;
const TYPE_BITS: Readonly<Record<string, number>> = {
  null: TYPE_NULL,
  boolean: TYPE_BOOLEAN,
  object: TYPE_OBJECT,
  array: TYPE_ARRAY,
  number: TYPE_NUMBER,
  integer: TYPE_INTEGER,
  string: TYPE_STRING,
};

function bitOf(name: unknown): number | undefined {
  return typeof name === "string" && Object.hasOwn(TYPE_BITS, name) ? TYPE_BITS[name] : undefined;
}

/** Whether `name` is one of the seven JSON Schema type names. */
export function isTypeName(name: unknown): name is string {
  return bitOf(name) !== undefined;
}

function typeBitsOf(value: unknown): number {
  switch (typeof value) {
    case "string":
      return TYPE_STRING;
    case "number":
      return Number.isInteger(value) ? TYPE_NUMBER | TYPE_INTEGER : TYPE_NUMBER;
    case "boolean":
      return TYPE_BOOLEAN;
    case "object":
      return value === null ? TYPE_NULL : Array.isArray(value) ? TYPE_ARRAY : TYPE_OBJECT;
    default:
      return 0;
  }
}

function describeType(value: unknown): string {
  const bits = typeBitsOf(value);
  if (bits & TYPE_INTEGER) return "integer";
  for (const [name, bit] of Object.entries(TYPE_BITS)) if (bits === bit) return name;
  return typeof value;
}

/** The `type` keyword: one type name or a non-empty array of them. */
export function compileType(type: unknown, location: string): Check {
  const names = typeof type === "string" ? [type] : type;
  if (!Array.isArray(names) || names.length === 0) {
    throw new SchemaError("type must be a type name or a non-empty array of them", location);
  }
  let mask = 0;
  for (const name of names) {
    const bit = bitOf(name);
    if (bit === undefined) throw new SchemaError(`unknown type ${quote(name)}`, location);
    mask |= bit;
  }
  const expected = names.join(" or ");
  const message = (v: unknown) => `must be ${expected} (got ${describeType(v)})`;
  const report = (v: unknown, ctx: EvalContext) =>
    ctx.collect ? fail(ctx, "type", location, message(v)) : false;
  switch (mask) {
    case TYPE_STRING:
      return (v, ctx) => typeof v === "string" || report(v, ctx);
    case TYPE_NUMBER:
      return (v, ctx) => typeof v === "number" || report(v, ctx);
    case TYPE_INTEGER:
      return (v, ctx) => Number.isInteger(v) || report(v, ctx);
    case TYPE_BOOLEAN:
      return (v, ctx) => typeof v === "boolean" || report(v, ctx);
    case TYPE_OBJECT:
      return (v, ctx) =>
        (typeof v === "object" && v !== null && !Array.isArray(v)) || report(v, ctx);
    case TYPE_ARRAY:
      return (v, ctx) => Array.isArray(v) || report(v, ctx);
    default:
      return (v, ctx) => (typeBitsOf(v) & mask) !== 0 || report(v, ctx);
  }
}
