// Assembles the checks of one schema object into a single check. Keywords are grouped by the
// instance type they apply to, so the assembled check only runs the closures relevant to the
// value at hand.

import { ALWAYS, type Check } from "./evaluation.ts";

/** The checks of one schema object: shared ones, and those for one JSON type each. */
export interface CheckLists {
  /** Checks for every value. */
  readonly any: Check[];
  /** Checks that only apply to strings (they may assume a string). */
  readonly strings: Check[];
  /** Checks that only apply to numbers. */
  readonly numbers: Check[];
  /** Checks that only apply to objects (not arrays, not null). */
  readonly objects: Check[];
  /** Checks that only apply to arrays. */
  readonly arrays: Check[];
}

/** Empty check lists. */
export function newCheckLists(): CheckLists {
  return { any: [], strings: [], numbers: [], objects: [], arrays: [] };
}

/** A `type` keyword naming one type: its check, and which typed keyword list it admits. */
export interface TypeGuard {
  /** The check of the `type` keyword. */
  readonly check: Check;
  /** The one type it names. */
  readonly type: string;
}

/** Combines checks into one: stops at the first failure unless gathering every error. */
export function all(checks: Check[]): Check {
  switch (checks.length) {
    case 0:
      return ALWAYS.check;
    case 1:
      return checks[0];
    case 2: {
      const [a, b] = checks;
      return (v, ctx, sink) => {
        if (a(v, ctx, sink)) return b(v, ctx, sink);
        if (ctx.allErrors) b(v, ctx, sink);
        return false;
      };
    }
    case 3: {
      const [a, b, c] = checks;
      // Each check runs once: running one twice would record its errors twice.
      return (v, ctx, sink) => {
        if (a(v, ctx, sink)) {
          if (b(v, ctx, sink)) return c(v, ctx, sink);
          if (ctx.allErrors) c(v, ctx, sink);
          return false;
        }
        if (!ctx.allErrors) return false;
        b(v, ctx, sink);
        c(v, ctx, sink);
        return false;
      };
    }
    default:
      return (v, ctx, sink) => {
        let ok = true;
        for (let i = 0; i < checks.length; i++) {
          if (!checks[i](v, ctx, sink)) {
            if (!ctx.allErrors) return false;
            ok = false;
          }
        }
        return ok;
      };
  }
}

/**
 * For the common `{ type: T, ...keywords for T }` shape: one closure that tests the type and runs
 * the keywords for T, instead of a type check followed by a second dispatch on the value's type.
 */
function fuseTypeGuard(guard: TypeGuard, lists: CheckLists): Check | null {
  const { strings, numbers, objects, arrays } = lists;
  const byType: Record<string, Check[]> = {
    string: strings,
    number: numbers,
    integer: numbers,
    object: objects,
    array: arrays,
  };
  const own = byType[guard.type];
  if (own === undefined) return null;
  for (const list of [strings, numbers, objects, arrays]) {
    if (list !== own && list.length > 0) return null;
  }
  if (own.length === 0) return guard.check;
  const inner = all(own);
  const reject = guard.check;
  switch (guard.type) {
    case "string":
      return (v, ctx, sink) => typeof v === "string" ? inner(v, ctx, sink) : reject(v, ctx, sink);
    case "number":
      return (v, ctx, sink) => typeof v === "number" ? inner(v, ctx, sink) : reject(v, ctx, sink);
    case "integer":
      return (v, ctx, sink) => {
        if (Number.isInteger(v)) return inner(v, ctx, sink);
        reject(v, ctx, sink);
        // A non-integer number still gets its numeric keywords reported.
        if (ctx.allErrors && typeof v === "number") inner(v, ctx, sink);
        return false;
      };
    case "array":
      return (v, ctx, sink) => Array.isArray(v) ? inner(v, ctx, sink) : reject(v, ctx, sink);
    default:
      return (v, ctx, sink) =>
        typeof v === "object" && v !== null && !Array.isArray(v)
          ? inner(v, ctx, sink)
          : reject(v, ctx, sink);
  }
}

/** Runs the checks of one schema object: shared ones, then those for the value's JSON type. */
export function assemble(lists: CheckLists, typeGuard: TypeGuard | null): Check {
  const { strings, numbers, objects, arrays } = lists;
  let any = lists.any;
  const typedCount = [strings, numbers, objects, arrays].filter((l) => l.length > 0).length;
  if (typeGuard !== null) {
    const fused = any.length === 0 ? fuseTypeGuard(typeGuard, lists) : null;
    if (fused !== null) return fused;
    any = [typeGuard.check, ...any];
  }
  const shared = all(any);
  if (typedCount === 0) return shared;
  const always = ALWAYS.check;
  const s = all(strings);
  const n = all(numbers);
  const o = all(objects);
  const a = all(arrays);
  const typed: Check = typedCount > 1
    ? (v, ctx, sink) => {
      switch (typeof v) {
        case "string":
          return s(v, ctx, sink);
        case "number":
          return n(v, ctx, sink);
        case "object":
          return v === null ? true : Array.isArray(v) ? a(v, ctx, sink) : o(v, ctx, sink);
        default:
          return true;
      }
    }
    : strings.length > 0
    ? (v, ctx, sink) => typeof v !== "string" || s(v, ctx, sink)
    : numbers.length > 0
    ? (v, ctx, sink) => typeof v !== "number" || n(v, ctx, sink)
    : objects.length > 0
    ? (v, ctx, sink) => typeof v !== "object" || v === null || Array.isArray(v) || o(v, ctx, sink)
    : (v, ctx, sink) => !Array.isArray(v) || a(v, ctx, sink);
  if (shared === always) return typed;
  return all([shared, typed]);
}
