/**
 * How deep a client's JSON may nest. `JSON.parse` accepts any depth, but the
 * recursive walks after it (schema validation, canonical JSON for request
 * state, a handler's own code) overflow the stack long before that, which
 * would be answered as an internal error. A depth bound checked iteratively up
 * front turns it into the client's mistake.
 *
 * @module
 */

/** The deepest nesting of arrays and objects accepted in a request's params. */
export const MAX_JSON_DEPTH = 256;

/**
 * Whether `value` nests arrays and objects more than `maxDepth` levels deep.
 * Iterative, so any depth is measured without recursion.
 *
 * @example
 * ```ts
 * import { nestsDeeperThan } from "./nesting.ts";
 * nestsDeeperThan({ a: [[1]] }, 2); // → true
 * nestsDeeperThan({ a: [1] }, 2); // → false
 * ```
 */
export function nestsDeeperThan(value: unknown, maxDepth: number): boolean {
  // Recursion is bounded by the limit (a walk stops one level past it), so a modest limit is
  // walked recursively, allocating nothing; every request's params pass through here.
  return maxDepth <= RECURSIVE_UP_TO
    ? deeperRecursive(value, 1, maxDepth)
    : deeperIterative(value, maxDepth);
}

/** Limits up to which the walk recurses: far below any runtime's stack depth. */
const RECURSIVE_UP_TO = 1024;

function deeperRecursive(value: unknown, depth: number, maxDepth: number): boolean {
  if (value === null || typeof value !== "object") return false;
  if (depth > maxDepth) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const child: unknown = value[i];
      if (
        child !== null && typeof child === "object" && deeperRecursive(child, depth + 1, maxDepth)
      ) {
        return true;
      }
    }
    return false;
  }
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const child: unknown = (value as Record<string, unknown>)[key];
    if (
      child !== null && typeof child === "object" && deeperRecursive(child, depth + 1, maxDepth)
    ) {
      return true;
    }
  }
  return false;
}

function deeperIterative(value: unknown, maxDepth: number): boolean {
  const pending: unknown[] = [value];
  const depths: number[] = [1];
  while (pending.length > 0) {
    const current = pending.pop();
    const depth = depths.pop()!;
    if (current === null || typeof current !== "object") continue;
    if (depth > maxDepth) return true;
    const children = Array.isArray(current) ? current : Object.values(current);
    for (const child of children) {
      if (child !== null && typeof child === "object") {
        pending.push(child);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}
