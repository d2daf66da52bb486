// In-place applicators: `allOf`, `anyOf`, `oneOf`, `not` and `if`/`then`/`else`. Branches get
// their own annotation records so only the branches that hold contribute to `unevaluated*`.

import { type Annotations, mergeAnnotations, newAnnotations } from "../annotations.ts";
import { type Check, direct, fail } from "../compile/evaluation.ts";
import type { SchemaNode } from "../compile/schema_node.ts";
import { all } from "../compile/assemble.ts";
import { SchemaError } from "../types.ts";

function compileAnyOf(checks: Check[], location: string): Check {
  return (v, ctx, sink) => {
    if (sink === null && !ctx.collect) {
      for (let i = 0; i < checks.length; i++) if (checks[i](v, ctx, null)) return true;
      return false;
    }
    const mark = ctx.errors.length;
    let matched = false;
    for (let i = 0; i < checks.length; i++) {
      const branch = sink === null ? null : newAnnotations();
      if (!checks[i](v, ctx, branch)) continue;
      matched = true;
      if (branch === null) break;
      mergeAnnotations(sink as Annotations, branch);
    }
    if (matched) {
      ctx.errors.length = mark;
      return true;
    }
    return fail(ctx, "anyOf", location, "must match at least one schema in anyOf");
  };
}

function compileOneOf(checks: Check[], location: string): Check {
  return (v, ctx, sink) => {
    const mark = ctx.errors.length;
    let matches = 0;
    let matchedAnnotations: Annotations | null = null;
    for (let i = 0; i < checks.length; i++) {
      const branch = sink === null ? null : newAnnotations();
      if (!checks[i](v, ctx, branch)) continue;
      matchedAnnotations = branch;
      if (++matches > 1) break;
    }
    if (matches === 1) {
      ctx.errors.length = mark;
      if (sink !== null) mergeAnnotations(sink, matchedAnnotations as Annotations);
      return true;
    }
    if (matches > 1) {
      ctx.errors.length = mark;
      return fail(
        ctx,
        "oneOf",
        location,
        "must match exactly one schema in oneOf, but matches more than one",
      );
    }
    return fail(ctx, "oneOf", location, "must match exactly one schema in oneOf");
  };
}

function compileNot(check: Check, location: string): Check {
  return (v, ctx) => {
    const collect = ctx.collect;
    const allErrors = ctx.allErrors;
    ctx.collect = false;
    ctx.allErrors = false;
    const matched = check(v, ctx, null);
    ctx.collect = collect;
    ctx.allErrors = allErrors;
    return !matched || fail(ctx, "not", location, "must NOT be valid against the schema in 'not'");
  };
}

function compileIf(condition: Check, then: Check | null, otherwise: Check | null): Check {
  if (then === null && otherwise === null) {
    // Only matters for the annotations it contributes to unevaluated* keywords.
    return (v, ctx, sink) => {
      if (sink === null) return true;
      const collect = ctx.collect;
      const allErrors = ctx.allErrors;
      ctx.collect = false;
      ctx.allErrors = false;
      const branch = newAnnotations();
      if (condition(v, ctx, branch)) mergeAnnotations(sink, branch);
      ctx.collect = collect;
      ctx.allErrors = allErrors;
      return true;
    };
  }
  return (v, ctx, sink) => {
    const collect = ctx.collect;
    const allErrors = ctx.allErrors;
    ctx.collect = false;
    ctx.allErrors = false;
    const branch = sink === null ? null : newAnnotations();
    const holds = condition(v, ctx, branch);
    ctx.collect = collect;
    ctx.allErrors = allErrors;
    if (holds) {
      if (branch !== null) mergeAnnotations(sink as Annotations, branch);
      return then === null || then(v, ctx, sink);
    }
    return otherwise === null || otherwise(v, ctx, sink);
  };
}

function subschemaList(schema: SchemaNode, keyword: string): Check[] | undefined {
  const value = schema.node[keyword];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.length === 0) {
    throw new SchemaError(`${keyword} must be a non-empty array of schemas`, schema.at(keyword));
  }
  return value.map((s, i) => direct(schema.child(keyword, s, i)));
}

/** Compiles the in-place applicators into `any` (checks for every value). */
export function compileApplicators(schema: SchemaNode, any: Check[]): void {
  const node = schema.node;
  const allOf = subschemaList(schema, "allOf");
  if (allOf !== undefined) any.push(all(allOf));
  const anyOf = subschemaList(schema, "anyOf");
  if (anyOf !== undefined) any.push(compileAnyOf(anyOf, schema.at("anyOf")));
  const oneOf = subschemaList(schema, "oneOf");
  if (oneOf !== undefined) any.push(compileOneOf(oneOf, schema.at("oneOf")));
  if (node.not !== undefined) {
    any.push(compileNot(direct(schema.child("not", node.not)), schema.at("not")));
  }
  if (node.if !== undefined) {
    const then = node.then === undefined ? null : direct(schema.child("then", node.then));
    const otherwise = node.else === undefined ? null : direct(schema.child("else", node.else));
    any.push(compileIf(direct(schema.child("if", node.if)), then, otherwise));
  }
}
