// Object applicators: `properties`, `patternProperties`, `additionalProperties`,
// `propertyNames`, `dependentSchemas` and draft-07's `dependencies`.

import { type Annotations, markProperty } from "../annotations.ts";
import {
  type Check,
  checkAtKey,
  checkAtStep,
  type Compiled,
  direct,
  type EvalContext,
  fail,
  failBelow,
  prependStep,
  tooManySteps,
} from "../compile/evaluation.ts";
import { isStringArray, type SchemaNode } from "../compile/schema_node.ts";
import type { PatternMatcher } from "../regex/mod.ts";
import { compileSchemaPattern } from "./strings.ts";
import { keyStep } from "../pointer.ts";
import { isSchemaObject } from "../registry.ts";
import { SchemaError } from "../types.ts";
import { compileDependentRequired } from "./objects.ts";

const hasOwn = Object.prototype.hasOwnProperty;

function compileProperties(
  properties: [string, Compiled][],
  patterns: [PatternMatcher, Check][],
  additional: Compiled | null,
  additionalIsFalse: boolean,
  additionalLocation: string,
): Check {
  const keys = properties.map(([key]) => key);
  const keySteps = keys.map(keyStep);
  const checks = properties.map(([, holder]) => direct(holder));
  const inherited = keys.map((key) => key in Object.prototype);
  // Checks the declared properties; returns how many are present, or the bitwise complement of
  // that count (always negative) if any failed, so a failure can still skip the additional scan.
  const checkDeclared = (
    object: Record<string, unknown>,
    ctx: EvalContext,
    sink: Annotations | null,
  ) => {
    let present = 0;
    let ok = true;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const value = object[key];
      if (value === undefined || (inherited[i] && !hasOwn.call(object, key))) continue;
      present++;
      if (sink !== null) markProperty(sink, key);
      // checkAtStep, inlined: this loop is the hottest of most tool schemas.
      let valid: boolean;
      if (!ctx.collect) {
        valid = checks[i](value, ctx, null);
      } else if (ctx.trackPath) {
        valid = checkAtStep(checks[i], value, ctx, keySteps[i]);
      } else {
        const mark = ctx.errors.length;
        valid = checks[i](value, ctx, null);
        if (!valid) prependStep(ctx.errors, mark, keySteps[i]);
      }
      if (!valid) {
        if (!ctx.allErrors) return -1;
        ok = false;
      }
    }
    return ok ? present : ~present;
  };
  if (patterns.length === 0 && additional === null) {
    return (v, ctx, sink) => checkDeclared(v as Record<string, unknown>, ctx, sink) >= 0;
  }
  if (patterns.length === 0 && additional !== null) {
    const declared = new Set(keys);
    return (v, ctx, sink) => {
      const object = v as Record<string, unknown>;
      const declaredResult = checkDeclared(object, ctx, sink);
      if (declaredResult < 0 && !ctx.allErrors) return false;
      const present = declaredResult < 0 ? ~declaredResult : declaredResult;
      // Counted with for-in rather than Object.keys: no array allocated per call. Inherited
      // enumerable keys only make the count differ, which takes the full scan below.
      let count = 0;
      for (const _ in object) count++;
      ctx.steps += count;
      if (ctx.steps > ctx.maxSteps) tooManySteps(ctx);
      if (sink !== null) sink.allProps = true;
      // Every own property is a declared one: nothing is additional.
      if (count === present) return declaredResult >= 0;
      let ok = declaredResult >= 0;
      for (const key in object) {
        if (!hasOwn.call(object, key) || declared.has(key)) continue;
        const valid = additionalIsFalse
          ? ctx.collect && failBelow(
            ctx,
            keyStep(key),
            "additionalProperties",
            additionalLocation,
            `property '${key}' is not allowed`,
          )
          : checkAtKey(additional.check, object[key], ctx, key);
        if (!valid) {
          if (!ctx.allErrors) return false;
          ok = false;
        }
      }
      return ok;
    };
  }
  const index = new Map<string, Compiled>(properties);
  return (v, ctx, sink) => {
    const object = v as Record<string, unknown>;
    let ok = true;
    let count = 0;
    for (const key in object) {
      if (!hasOwn.call(object, key)) continue;
      count++;
      const value = object[key];
      let matched = false;
      const declared = index.get(key);
      if (declared !== undefined) {
        matched = true;
        if (!checkAtKey(declared.check, value, ctx, key)) {
          if (!ctx.allErrors) return false;
          ok = false;
        }
      }
      for (let i = 0; i < patterns.length; i++) {
        if (!patterns[i][0].test(key)) continue;
        matched = true;
        if (!checkAtKey(patterns[i][1], value, ctx, key)) {
          if (!ctx.allErrors) return false;
          ok = false;
        }
      }
      if (!matched && additional !== null) {
        const valid = additionalIsFalse
          ? ctx.collect && failBelow(
            ctx,
            keyStep(key),
            "additionalProperties",
            additionalLocation,
            `property '${key}' is not allowed`,
          )
          : checkAtKey(additional.check, value, ctx, key);
        if (!valid) {
          if (!ctx.allErrors) return false;
          ok = false;
        }
      }
      if (sink !== null && (matched || additional !== null)) markProperty(sink, key);
    }
    ctx.steps += count;
    if (ctx.steps > ctx.maxSteps) tooManySteps(ctx);
    return ok;
  };
}

function compilePropertyNames(check: Check, location: string): Check {
  return (v, ctx) => {
    const collect = ctx.collect;
    const allErrors = ctx.allErrors;
    ctx.collect = false;
    ctx.allErrors = false;
    let ok = true;
    for (const key in v as Record<string, unknown>) {
      if (!hasOwn.call(v, key) || check(key, ctx, null)) continue;
      ctx.collect = collect;
      ctx.allErrors = allErrors;
      if (!collect) return false;
      ok = fail(ctx, "propertyNames", location, `property name '${key}' is invalid`);
      if (!allErrors) return false;
      ctx.collect = false;
      ctx.allErrors = false;
    }
    ctx.collect = collect;
    ctx.allErrors = allErrors;
    return ok;
  };
}

function compileDependentSchema(key: string, check: Check): Check {
  return (v, ctx, sink) => !hasOwn.call(v, key) || check(v, ctx, sink);
}

/** The subschemas of an object-valued keyword, by property name. */
function subschemaMap(schema: SchemaNode, keyword: string): [string, Compiled][] {
  const value = schema.node[keyword];
  if (value === undefined) return [];
  if (!isSchemaObject(value)) {
    throw new SchemaError(`${keyword} must be an object`, schema.at(keyword));
  }
  return Object.keys(value).map((key) => [key, schema.child(keyword, value[key], key)]);
}

function compilePatterns(schema: SchemaNode): [PatternMatcher, Check][] {
  return subschemaMap(schema, "patternProperties").map((
    [source, holder],
  ): [PatternMatcher, Check] => [
    compileSchemaPattern(source, schema.at("patternProperties"), "patternProperties key"),
    direct(holder),
  ]);
}

function compileDependencies(schema: SchemaNode, objects: Check[]): void {
  const dependencies = schema.node.dependencies;
  if (dependencies === undefined) return;
  const location = schema.at("dependencies");
  if (!isSchemaObject(dependencies)) {
    throw new SchemaError("dependencies must be an object", location);
  }
  for (const [key, value] of Object.entries(dependencies)) {
    if (Array.isArray(value)) {
      if (!isStringArray(value)) {
        throw new SchemaError("dependencies arrays must list strings", location);
      }
      objects.push(compileDependentRequired(key, value, location, "dependencies"));
    } else {
      objects.push(compileDependentSchema(key, direct(schema.child("dependencies", value, key))));
    }
  }
}

/** Compiles the object applicators into `objects` (checks that receive objects only). */
export function compilePropertyApplicators(schema: SchemaNode, objects: Check[]): void {
  const node = schema.node;
  const properties = subschemaMap(schema, "properties");
  const patterns = compilePatterns(schema);
  const additional = node.additionalProperties === undefined
    ? null
    : schema.child("additionalProperties", node.additionalProperties);
  if (properties.length > 0 || patterns.length > 0 || additional !== null) {
    objects.push(
      compileProperties(
        properties,
        patterns,
        additional,
        node.additionalProperties === false,
        schema.at("additionalProperties"),
      ),
    );
  }
  if (node.propertyNames !== undefined) {
    objects.push(
      compilePropertyNames(
        direct(schema.child("propertyNames", node.propertyNames)),
        schema.at("propertyNames"),
      ),
    );
  }
  if (schema.dialect.draft7) {
    compileDependencies(schema, objects);
    return;
  }
  for (const [key, holder] of subschemaMap(schema, "dependentSchemas")) {
    objects.push(compileDependentSchema(key, direct(holder)));
  }
}
