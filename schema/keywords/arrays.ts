// Validation keywords for arrays: `minItems`, `maxItems` and `uniqueItems`.

import { type Check, type EvalContext, fail, tooManySteps } from "../compile/evaluation.ts";
import { readCount, type SchemaNode } from "../compile/schema_node.ts";
import { isPrimitive, jsonEqual } from "../equal.ts";

function compileUniqueItems(location: string): Check {
  const duplicate = (ctx: EvalContext, j: number, i: number) =>
    fail(
      ctx,
      "uniqueItems",
      location,
      `must NOT have duplicate items (items ${j} and ${i} are identical)`,
    );
  return (v, ctx) => {
    const items = v as unknown[];
    const n = items.length;
    if (n < 2) return true;
    let primitives = n > 16;
    for (let i = 0; primitives && i < n; i++) primitives = isPrimitive(items[i]);
    if (primitives) {
      // Linear scan for JSON primitives (=== equality, so 1 and 1.0 collide as they should).
      ctx.steps += n;
      if (ctx.steps > ctx.maxSteps) tooManySteps(ctx);
      const seen = new Map<unknown, number>();
      for (let i = 0; i < n; i++) {
        const first = seen.get(items[i]);
        if (first !== undefined) return duplicate(ctx, first, i);
        seen.set(items[i], i);
      }
      return true;
    }
    ctx.steps += (n * (n - 1)) / 2;
    if (ctx.steps > ctx.maxSteps) tooManySteps(ctx);
    for (let i = 1; i < n; i++) {
      for (let j = 0; j < i; j++) if (jsonEqual(items[i], items[j])) return duplicate(ctx, j, i);
    }
    return true;
  };
}

/** Compiles the schema's array keywords into `arrays` (checks that receive arrays only). */
export function compileArrayKeywords(schema: SchemaNode, arrays: Check[]): void {
  const minItems = readCount(schema, "minItems");
  if (minItems !== undefined && minItems > 0) {
    const location = schema.at("minItems");
    const message = `must NOT have fewer than ${minItems} items`;
    arrays.push((v, ctx) =>
      (v as unknown[]).length >= minItems || fail(ctx, "minItems", location, message)
    );
  }
  const maxItems = readCount(schema, "maxItems");
  if (maxItems !== undefined) {
    const location = schema.at("maxItems");
    const message = `must NOT have more than ${maxItems} items`;
    arrays.push((v, ctx) =>
      (v as unknown[]).length <= maxItems || fail(ctx, "maxItems", location, message)
    );
  }
  if (schema.node.uniqueItems === true) arrays.push(compileUniqueItems(schema.at("uniqueItems")));
}
