// A schema object under compilation, as the keyword compilers see it: its keywords, dialect and
// location, a way to compile its subschemas, and readers that validate keyword values.

import type { DialectInfo } from "../registry.ts";
import { type JsonSchemaObject, SchemaError } from "../types.ts";
import type { Compiled } from "./evaluation.ts";

/** The schema object whose keywords are being compiled. */
export interface SchemaNode {
  /** The schema object itself. */
  readonly node: JsonSchemaObject;
  /** Which keyword groups apply to it. */
  readonly dialect: DialectInfo;
  /** Schema location of one of its keywords. */
  at(keyword: string): string;
  /** Compiles the subschema `value` of `keyword`; `steps` lead into an array or object value. */
  child(keyword: string, value: unknown, ...steps: (string | number)[]): Compiled;
}

/** A keyword's value as a finite number, or undefined when absent. */
export function readNumber(schema: SchemaNode, keyword: string): number | undefined {
  const value = schema.node[keyword];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new SchemaError(`${keyword} must be a number`, schema.at(keyword));
  }
  return value;
}

/** A keyword's value as a non-negative integer, or undefined when absent. */
export function readCount(schema: SchemaNode, keyword: string): number | undefined {
  const value = readNumber(schema, keyword);
  if (value !== undefined && (value < 0 || !Number.isInteger(value))) {
    throw new SchemaError(`${keyword} must be a non-negative integer`, schema.at(keyword));
  }
  return value;
}

/** Whether a keyword value is an array of strings (as `required` needs). */
export function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === "string");
}
