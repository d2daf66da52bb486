// `unevaluatedItems` and `unevaluatedProperties`: they apply to what the schema's other
// keywords (and the in-place subschemas they apply) did not evaluate, as recorded in the
// schema's own annotation record. Only schemas using them allocate one.

import { type Annotations, mergeAnnotations, newAnnotations } from "../annotations.ts";
import {
  type Check,
  checkAtIndex,
  checkAtKey,
  type Compiled,
  failBelow,
} from "../compile/evaluation.ts";
import type { SchemaNode } from "../compile/schema_node.ts";
import { indexStep, keyStep } from "../pointer.ts";

const hasOwn = Object.prototype.hasOwnProperty;

function compileUnevaluatedProperties(sub: Compiled, isFalse: boolean, location: string): Check {
  return (v, ctx, sink) => {
    const annotations = sink as Annotations;
    if (annotations.allProps) return true;
    const object = v as Record<string, unknown>;
    const seen = annotations.props;
    let ok = true;
    for (const key in object) {
      if (!hasOwn.call(object, key) || (seen !== null && seen.has(key))) continue;
      const valid = isFalse
        ? ctx.collect && failBelow(
          ctx,
          keyStep(key),
          "unevaluatedProperties",
          location,
          `property '${key}' is not allowed (unevaluated)`,
        )
        : checkAtKey(sub.check, object[key], ctx, key);
      if (!valid) {
        if (!ctx.allErrors) return false;
        ok = false;
      }
    }
    annotations.allProps = true;
    return ok;
  };
}

function compileUnevaluatedItems(sub: Compiled, isFalse: boolean, location: string): Check {
  return (v, ctx, sink) => {
    const annotations = sink as Annotations;
    const items = v as unknown[];
    let ok = true;
    for (let i = annotations.items; i < items.length; i++) {
      if (annotations.itemIndices !== null && annotations.itemIndices.has(i)) continue;
      const valid = isFalse
        ? ctx.collect &&
          failBelow(
            ctx,
            indexStep(i),
            "unevaluatedItems",
            location,
            `item ${i} is not allowed (unevaluated)`,
          )
        : checkAtIndex(sub.check, items[i], ctx, i);
      if (!valid) {
        if (!ctx.allErrors) return false;
        ok = false;
      }
    }
    annotations.items = Infinity;
    return ok;
  };
}

/** Whether the schema uses `unevaluatedItems` or `unevaluatedProperties`. */
export function hasUnevaluated(schema: SchemaNode): boolean {
  const { node, dialect } = schema;
  return !dialect.draft7 && dialect.unevaluated &&
    (node.unevaluatedProperties !== undefined || node.unevaluatedItems !== undefined);
}

/**
 * Compiles the `unevaluated*` keywords into `arrays` and `objects`; they must come after every
 * other check of the schema, so they see what those evaluated.
 */
export function compileUnevaluated(schema: SchemaNode, arrays: Check[], objects: Check[]): void {
  const node = schema.node;
  if (node.unevaluatedItems !== undefined) {
    const sub = schema.child("unevaluatedItems", node.unevaluatedItems);
    const isFalse = node.unevaluatedItems === false;
    arrays.push(compileUnevaluatedItems(sub, isFalse, schema.at("unevaluatedItems")));
  }
  if (node.unevaluatedProperties !== undefined) {
    const sub = schema.child("unevaluatedProperties", node.unevaluatedProperties);
    const isFalse = node.unevaluatedProperties === false;
    objects.push(compileUnevaluatedProperties(sub, isFalse, schema.at("unevaluatedProperties")));
  }
}

/**
 * Runs `check` with an annotation record of its own, passed on to `sink` when it holds: the
 * record the schema's `unevaluated*` keywords read.
 */
export function withOwnAnnotations(check: Check): Check {
  return (value, ctx, sink) => {
    const local = newAnnotations();
    const ok = check(value, ctx, local);
    if (ok && sink !== null) mergeAnnotations(sink, local);
    return ok;
  };
}
