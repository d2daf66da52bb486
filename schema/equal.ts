// Structural JSON equality as JSON Schema defines it: numbers by value (1 equals 1.0),
// objects regardless of key order. Depth-bounded so a hostile, deeply nested value cannot
// overflow the stack.

import { LimitExceeded } from "./limit.ts";

const MAX_EQUALITY_DEPTH = 2048;

/** Whether two JSON values are equal in the JSON Schema sense. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  return equalAt(a, b, 0);
}

function equalAt(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (depth > MAX_EQUALITY_DEPTH) {
    throw new LimitExceeded(
      `value nesting exceeds ${MAX_EQUALITY_DEPTH} levels in an equality check`,
    );
  }
  const aArray = Array.isArray(a);
  if (aArray !== Array.isArray(b)) return false;
  if (aArray) {
    const x = a as unknown[];
    const y = b as unknown[];
    if (x.length !== y.length) return false;
    for (let i = 0; i < x.length; i++) if (!equalAt(x[i], y[i], depth + 1)) return false;
    return true;
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x);
  if (keys.length !== Object.keys(y).length) return false;
  for (const key of keys) {
    if (!Object.hasOwn(y, key) || !equalAt(x[key], y[key], depth + 1)) return false;
  }
  return true;
}

/** Whether a value is a JSON primitive (compared by `===` alone). */
export function isPrimitive(value: unknown): boolean {
  return value === null || typeof value !== "object";
}
