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
