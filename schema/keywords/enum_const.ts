// `enum` and `const`: equality with listed JSON values (primitives by `===`, others structurally).

import { type Check, fail } from "../compile/evaluation.ts";
import { quote } from "../compile/quote.ts";
import { isPrimitive, jsonEqual } from "../equal.ts";
import { SchemaError } from "../types.ts";

/** The `enum` keyword. */
export function compileEnum(values: unknown, location: string): Check {
  if (!Array.isArray(values)) throw new SchemaError("enum must be an array", location);
  const message = `must be equal to one of the allowed values: ${values.map(quote).join(", ")}`;
  if (values.every(isPrimitive)) {
    // A short list is faster scanned than hashed (most enums name a handful of values).
    if (values.length <= 8) {
      return (v, ctx) => {
        for (let i = 0; i < values.length; i++) if (values[i] === v) return true;
        return fail(ctx, "enum", location, message);
      };
    }
    const allowed = new Set(values);
    return (v, ctx) => allowed.has(v) || fail(ctx, "enum", location, message);
  }
  return (v, ctx) => {
    for (let i = 0; i < values.length; i++) if (jsonEqual(v, values[i])) return true;
    return fail(ctx, "enum", location, message);
  };
}

/** The `const` keyword. */
export function compileConst(expected: unknown, location: string): Check {
  const message = `must be equal to constant ${quote(expected)}`;
  if (isPrimitive(expected)) {
    return (v, ctx) => v === expected || fail(ctx, "const", location, message);
  }
  return (v, ctx) => jsonEqual(v, expected) || fail(ctx, "const", location, message);
}
