// The `format` keyword, asserting (when enabled) with the caller's or the built-in checks.

import { type Check, fail } from "../compile/evaluation.ts";
import type { SchemaNode } from "../compile/schema_node.ts";
import { type FormatCheck, FORMATS } from "../formats.ts";
import { SchemaError } from "../types.ts";

// Own properties only: a format named "constructor" or "hasOwnProperty" is not Object's.
function ownFormat(
  table: Readonly<Record<string, FormatCheck>>,
  name: string,
): FormatCheck | undefined {
  return Object.hasOwn(table, name) ? table[name] : undefined;
}

/**
 * Compiles `format` into `strings` (checks that receive strings only). Unknown formats are
 * annotations: nothing is checked.
 */
export function compileFormat(
  schema: SchemaNode,
  formats: Readonly<Record<string, FormatCheck>>,
  strings: Check[],
): void {
  const format = schema.node.format;
  if (format === undefined) return;
  const location = schema.at("format");
  if (typeof format !== "string") throw new SchemaError("format must be a string", location);
  const test = ownFormat(formats, format) ?? ownFormat(FORMATS, format);
  if (test === undefined) return;
  const message = `must be a valid ${format}`;
  strings.push((v, ctx) => test(v as string) || fail(ctx, "format", location, message));
}
