// Array applicators: `prefixItems` and `items` (draft-07: array-form `items` and
// `additionalItems`), and `contains` with `minContains`/`maxContains`.

import { type Check, checkAtIndex, direct, fail, tooManySteps } from "../compile/evaluation.ts";
import type { SchemaNode } from "../compile/schema_node.ts";
import { SchemaError } from "../types.ts";

function compileItems(
  prefix: Check[],
  rest: Check | null,
  restIsFalse: boolean,
  restLocation: string,
): Check {
  const prefixCount = prefix.length;
  return (v, ctx, sink) => {
    const items = v as unknown[];
    const n = items.length;
    ctx.steps += n;
    if (ctx.steps > ctx.maxSteps) tooManySteps(ctx);
    let ok = true;
    const end = n < prefixCount ? n : prefixCount;
    for (let i = 0; i < end; i++) {
      if (!checkAtIndex(prefix[i], items[i], ctx, i)) {
        if (!ctx.allErrors) return false;
        ok = false;
      }
    }
    if (rest !== null && n > prefixCount) {
      if (restIsFalse) {
        return fail(ctx, "items", restLocation, `must NOT have more than ${prefixCount} items`);
      }
      for (let i = prefixCount; i < n; i++) {
        if (!checkAtIndex(rest, items[i], ctx, i)) {
          if (!ctx.allErrors) return false;
          ok = false;
        }
      }
    }
    if (sink !== null) {
      const evaluated = rest !== null ? Infinity : end;
      if (evaluated > sink.items) sink.items = evaluated;
    }
    return ok;
  };
}

function compileContains(
  check: Check,
  min: number,
  max: number,
  location: string,
  maxLocation: string,
): Check {
  const minMessage = `must contain at least ${min} valid item(s)`;
  const maxMessage = `must contain at most ${max} valid item(s)`;
  return (v, ctx, sink) => {
    const items = v as unknown[];
    const collect = ctx.collect;
    const allErrors = ctx.allErrors;
    ctx.collect = false;
    ctx.allErrors = false;
    let matches = 0;
    for (let i = 0; i < items.length; i++) {
      if (!check(items[i], ctx, null)) continue;
      matches++;
      if (sink !== null) {
        if (sink.itemIndices === null) sink.itemIndices = new Set();
        sink.itemIndices.add(i);
      } else if (max === Infinity && matches >= min) {
        break;
      }
    }
    ctx.steps += items.length;
    ctx.collect = collect;
    ctx.allErrors = allErrors;
    if (ctx.steps > ctx.maxSteps) tooManySteps(ctx);
    if (matches < min) {
      return fail(ctx, min === 1 ? "contains" : "minContains", location, minMessage);
    }
    if (matches > max) return fail(ctx, "maxContains", maxLocation, maxMessage);
    return true;
  };
}

/** Compiles the array applicators into `arrays` (checks that receive arrays only). */
export function compileItemApplicators(schema: SchemaNode, arrays: Check[]): void {
  const { node, dialect } = schema;
  let prefix: Check[] = [];
  let rest: Check | null = null;
  let restKeyword = "items";
  if (dialect.draft7) {
    if (Array.isArray(node.items)) {
      prefix = node.items.map((s, i) => direct(schema.child("items", s, i)));
      if (node.additionalItems !== undefined) {
        rest = direct(schema.child("additionalItems", node.additionalItems));
        restKeyword = "additionalItems";
      }
    } else if (node.items !== undefined) {
      rest = direct(schema.child("items", node.items));
    }
  } else {
    if (node.prefixItems !== undefined) {
      if (!Array.isArray(node.prefixItems)) {
        throw new SchemaError("prefixItems must be an array", schema.at("prefixItems"));
      }
      prefix = node.prefixItems.map((s, i) => direct(schema.child("prefixItems", s, i)));
    }
    if (node.items !== undefined) rest = direct(schema.child("items", node.items));
  }
  if (prefix.length > 0 || rest !== null) {
    const restIsFalse = restKeyword === "items" && node.items === false;
    arrays.push(compileItems(prefix, rest, restIsFalse, schema.at(restKeyword)));
  }
  if (node.contains !== undefined) {
    const contains = direct(schema.child("contains", node.contains));
    let min = 1;
    let max = Infinity;
    if (!dialect.draft7 && dialect.validation) {
      if (typeof node.minContains === "number") min = node.minContains;
      if (typeof node.maxContains === "number") max = node.maxContains;
    }
    arrays.push(
      compileContains(contains, min, max, schema.at("contains"), schema.at("maxContains")),
    );
  }
}
