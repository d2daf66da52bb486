// Validation keywords for objects: `minProperties`, `maxProperties`, `required` and
// `dependentRequired` (also draft-07's array form of `dependencies`).

import { type Check, fail } from "../compile/evaluation.ts";
import { isStringArray, readCount, type SchemaNode } from "../compile/schema_node.ts";
import { isSchemaObject } from "../registry.ts";
import { SchemaError } from "../types.ts";

const hasOwn = Object.prototype.hasOwnProperty;

function compileRequired(
  required: readonly string[],
  location: string,
  keyword: string,
  condition: string,
): Check {
  const inherited = required.map((key) => key in Object.prototype);
  return (v, ctx) => {
    const object = v as Record<string, unknown>;
    let ok = true;
    for (let i = 0; i < required.length; i++) {
      const key = required[i];
      const present = inherited[i] ? hasOwn.call(object, key) : object[key] !== undefined;
      if (!present) {
        if (!ctx.collect) return false;
        ok = fail(ctx, keyword, location, `must have required property '${key}'${condition}`);
        if (!ctx.allErrors) return false;
      }
    }
    return ok;
  };
}

/** Requires `dependents` when property `key` is present (`dependentRequired`, `dependencies`). */
export function compileDependentRequired(
  key: string,
  dependents: readonly string[],
  location: string,
  keyword: string,
): Check {
  const check = compileRequired(
    dependents,
    location,
    keyword,
    ` when property '${key}' is present`,
  );
  return (v, ctx, sink) => !hasOwn.call(v, key) || check(v, ctx, sink);
}

function compilePropertyCount(min: number, max: number, schema: SchemaNode): Check {
  const minLocation = schema.at("minProperties");
  const maxLocation = schema.at("maxProperties");
  const minMessage = `must NOT have fewer than ${min} properties`;
  const maxMessage = `must NOT have more than ${max} properties`;
  return (v, ctx) => {
    let n = 0;
    for (const key in v as Record<string, unknown>) if (hasOwn.call(v, key)) n++;
    if (n < min) return fail(ctx, "minProperties", minLocation, minMessage);
    return n <= max || fail(ctx, "maxProperties", maxLocation, maxMessage);
  };
}

/** Compiles the schema's object keywords into `objects` (checks that receive objects only). */
export function compileObjectKeywords(schema: SchemaNode, objects: Check[]): void {
  const node = schema.node;
  const minProperties = readCount(schema, "minProperties");
  const maxProperties = readCount(schema, "maxProperties");
  if ((minProperties !== undefined && minProperties > 0) || maxProperties !== undefined) {
    objects.push(compilePropertyCount(minProperties ?? 0, maxProperties ?? Infinity, schema));
  }
  const required = node.required;
  if (required !== undefined) {
    if (!isStringArray(required)) {
      throw new SchemaError("required must be an array of strings", schema.at("required"));
    }
    if (required.length > 0) {
      objects.push(compileRequired(required, schema.at("required"), "required", ""));
    }
  }
  const dependentRequired = schema.dialect.draft7 ? undefined : node.dependentRequired;
  if (dependentRequired === undefined) return;
  const location = schema.at("dependentRequired");
  if (!isSchemaObject(dependentRequired)) {
    throw new SchemaError("dependentRequired must be an object", location);
  }
  for (const [key, list] of Object.entries(dependentRequired)) {
    if (!isStringArray(list)) {
      throw new SchemaError("dependentRequired values must be arrays of strings", location);
    }
    objects.push(compileDependentRequired(key, list, location, "dependentRequired"));
  }
}
