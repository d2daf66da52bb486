// Compiles schema nodes into closures ("checks"). Each schema object is compiled once per
// compilation; keywords are grouped by the instance type they apply to, so a check only runs
// the closures relevant to the value at hand. Checks run in two modes: a fast boolean mode that
// stops at the first failure and allocates nothing, and a collecting mode that records errors,
// either stopping at the first failure (`allErrors` false) or gathering every error. A recorded
// error's instance path starts relative to the failing check; each enclosing property or item
// prepends its step as the failure bubbles up, so passing subtrees cost no path bookkeeping.

import { type Annotations, markProperty, mergeAnnotations, newAnnotations } from "./annotations.ts";
import { isPrimitive, jsonEqual } from "./equal.ts";
import { compilePattern, FORMATS } from "./formats.ts";
import { LimitExceeded } from "./limit.ts";
import { escapeToken, indexStep, keyStep } from "./pointer.ts";
import {
  type DialectInfo,
  isSchemaObject,
  type NodeInfo,
  type RefTarget,
  type Registry,
  type Resource,
} from "./registry.ts";
import {
  type JsonSchema,
  type JsonSchemaObject,
  SchemaError,
  type ValidationLimits,
} from "./types.ts";
import { resolveUri, splitFragment } from "./uri.ts";

/** An error being recorded: `instancePath` grows at the front while the failure bubbles up. */
export interface RecordedError {
  instancePath: string;
  readonly schemaPath: string;
  readonly keyword: string;
  readonly message: string;
}

/** Mutable per-call evaluation state (reused between calls of one validator). */
export interface EvalContext {
  /** Record errors. */
  collect: boolean;
  /** Keep evaluating after a failure; only ever true while `collect` is. */
  allErrors: boolean;
  errors: RecordedError[];
  /**
   * Also keep `path` up to date while collecting: only to locate a limit error, in a re-run
   * after a collecting pass exceeded a limit.
   */
  trackPath: boolean;
  /** Instance location as pointer steps (`"/key"`), maintained only when `trackPath` is set. */
  path: string[];
  steps: number;
  depth: number;
  scope: Resource[];
  maxSteps: number;
  maxDepth: number;
}

/** A compiled schema: validates `value` at the current instance location. */
export type Check = (value: unknown, ctx: EvalContext, sink: Annotations | null) => boolean;

/** Indirection so references can point at schemas compiled later (or cyclically). */
export interface Compiled {
  check: Check;
}

/** Options the compiler reads. */
export interface CompilerOptions {
  readonly formatAssertion: boolean;
  readonly formats: Readonly<Record<string, (value: string) => boolean>>;
  readonly limits: ValidationLimits;
}

/** A compilation unit. */
export interface Compiler {
  /** Compiles a root schema and everything it references. */
  compileRoot(schema: JsonSchema): Compiled;
}

const TYPE_NULL = 1;
const TYPE_BOOLEAN = 2;
const TYPE_OBJECT = 4;
const TYPE_ARRAY = 8;
const TYPE_NUMBER = 16;
const TYPE_INTEGER = 32;
const TYPE_STRING = 64;
const TYPE_BITS: Readonly<Record<string, number>> = {
  null: TYPE_NULL,
  boolean: TYPE_BOOLEAN,
  object: TYPE_OBJECT,
  array: TYPE_ARRAY,
  number: TYPE_NUMBER,
  integer: TYPE_INTEGER,
  string: TYPE_STRING,
};

function typeBitsOf(value: unknown): number {
  switch (typeof value) {
    case "string":
      return TYPE_STRING;
    case "number":
      return Number.isInteger(value) ? TYPE_NUMBER | TYPE_INTEGER : TYPE_NUMBER;
    case "boolean":
      return TYPE_BOOLEAN;
    case "object":
      return value === null ? TYPE_NULL : Array.isArray(value) ? TYPE_ARRAY : TYPE_OBJECT;
    default:
      return 0;
  }
}

function describeType(value: unknown): string {
  const bits = typeBitsOf(value);
  if (bits & TYPE_INTEGER) return "integer";
  for (const [name, bit] of Object.entries(TYPE_BITS)) if (bits === bit) return name;
  return typeof value;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** Records an error at the current location (when collecting). */
function fail(ctx: EvalContext, keyword: string, schemaPath: string, message: string): false {
  if (ctx.collect) ctx.errors.push({ instancePath: "", schemaPath, keyword, message });
  return false;
}

/** Records an error one step below the current location (only called when collecting). */
function failBelow(
  ctx: EvalContext,
  step: string,
  keyword: string,
  schemaPath: string,
  message: string,
): false {
  ctx.errors.push({ instancePath: step, schemaPath, keyword, message });
  return false;
}

/** Prepends `step` to the instance paths of the errors recorded since `mark`. */
function prependStep(errors: RecordedError[], mark: number, step: string): void {
  for (let i = mark; i < errors.length; i++) errors[i].instancePath = step + errors[i].instancePath;
}

function checkTracked(check: Check, value: unknown, ctx: EvalContext, step: string): boolean {
  const mark = ctx.errors.length;
  ctx.path.push(step);
  const valid = check(value, ctx, null);
  ctx.path.pop();
  if (!valid) prependStep(ctx.errors, mark, step);
  return valid;
}

/** Applies `check` to a child value one known `step` below the current location. */
function checkAtStep(check: Check, value: unknown, ctx: EvalContext, step: string): boolean {
  if (!ctx.collect) return check(value, ctx, null);
  if (ctx.trackPath) return checkTracked(check, value, ctx, step);
  const mark = ctx.errors.length;
  if (check(value, ctx, null)) return true;
  prependStep(ctx.errors, mark, step);
  return false;
}

/** Applies `check` to the value of property `key`; the step is only built when needed. */
function checkAtKey(check: Check, value: unknown, ctx: EvalContext, key: string): boolean {
  if (!ctx.collect) return check(value, ctx, null);
  if (ctx.trackPath) return checkTracked(check, value, ctx, keyStep(key));
  const mark = ctx.errors.length;
  if (check(value, ctx, null)) return true;
  prependStep(ctx.errors, mark, keyStep(key));
  return false;
}

/** Applies `check` to array item `index`; the step is only looked up when needed. */
function checkAtIndex(check: Check, value: unknown, ctx: EvalContext, index: number): boolean {
  if (!ctx.collect) return check(value, ctx, null);
  if (ctx.trackPath) return checkTracked(check, value, ctx, indexStep(index));
  const mark = ctx.errors.length;
  if (check(value, ctx, null)) return true;
  prependStep(ctx.errors, mark, indexStep(index));
  return false;
}

function tooManySteps(ctx: EvalContext): never {
  throw new LimitExceeded(`validation exceeded maxSteps (${ctx.maxSteps})`);
}

const ALWAYS: Compiled = { check: () => true };
const PENDING: Check = () => {
  throw new Error("emcee/schema: internal error, schema used before compilation finished");
};

/** The holder's check itself once compiled; an indirection while it is still being compiled. */
function direct(holder: Compiled): Check {
  return holder.check !== PENDING ? holder.check : (v, c, s) => holder.check(v, c, s);
}

function falseSchema(location: string): Compiled {
  return {
    check: (_v, ctx) => fail(ctx, "false", location, "boolean schema false rejects every value"),
  };
}

function quote(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return "the given value"; // cyclic or too deeply nested to print
  }
  return text === undefined ? String(value) : text.length > 60 ? text.slice(0, 57) + "..." : text;
}

function countCodePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
}

function decimalPlaces(n: number): number {
  const text = String(n);
  const e = text.indexOf("e-");
  if (e >= 0) {
    const mantissa = text.slice(0, e);
    const dot = mantissa.indexOf(".");
    return (dot < 0 ? 0 : mantissa.length - dot - 1) + Number(text.slice(e + 2));
  }
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}

/** `value` is an integer multiple of `divisor`, tolerant of binary floating point (0.0075 / 0.0001). */
export function isMultipleOf(value: number, divisor: number): boolean {
  const quotient = value / divisor;
  if (Number.isInteger(quotient)) return true;
  if (!Number.isFinite(quotient)) return false;
  const places = decimalPlaces(divisor);
  if (places > 0 && places <= 20) {
    const scale = 10 ** places;
    const scaledValue = value * scale;
    const roundedValue = Math.round(scaledValue);
    const scaledDivisor = Math.round(divisor * scale);
    if (Number.isSafeInteger(roundedValue) && scaledDivisor !== 0) {
      if (Math.abs(scaledValue - roundedValue) > 1e-9 * Math.max(1, Math.abs(scaledValue))) {
        return false;
      }
      return roundedValue % scaledDivisor === 0;
    }
  }
  return false;
}

/** A `type` keyword naming one type: its check, and which typed keyword list it admits. */
interface TypeGuard {
  readonly check: Check;
  readonly type: string;
}

/**
 * For the common `{ type: T, ...keywords for T }` shape: one closure that tests the type and runs
 * the keywords for T, instead of a type check followed by a second dispatch on the value's type.
 */
function fuseTypeGuard(
  guard: TypeGuard,
  strings: Check[],
  numbers: Check[],
  objects: Check[],
  arrays: Check[],
): Check | null {
  const lists: Record<string, Check[]> = {
    string: strings,
    number: numbers,
    integer: numbers,
    object: objects,
    array: arrays,
  };
  const own = lists[guard.type];
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

/** Combines checks into one: stops at the first failure unless gathering every error. */
function all(checks: Check[]): Check {
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
      return (v, ctx, sink) => {
        if (a(v, ctx, sink) && b(v, ctx, sink)) return c(v, ctx, sink);
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

/** Runs the checks of one schema object: shared ones, then those for the value's JSON type. */
function assemble(
  any: Check[],
  strings: Check[],
  numbers: Check[],
  objects: Check[],
  arrays: Check[],
  typeGuard: TypeGuard | null = null,
): Check {
  const typedCount = [strings, numbers, objects, arrays].filter((l) => l.length > 0).length;
  if (typeGuard !== null) {
    const fused = any.length === 0
      ? fuseTypeGuard(typeGuard, strings, numbers, objects, arrays)
      : null;
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

/** Creates a compiler over a registry; `state.dynamic` flips on when `$dynamicRef` is used. */
export function createCompiler(registry: Registry, options: CompilerOptions): Compiler {
  const compiled = new Map<JsonSchemaObject, Compiled>();
  const pendingRefs: (() => void)[] = [];
  const state = { dynamic: false };
  const dynamicByResource = new Map<Resource, Map<string, Compiled>>();

  function compileTarget(target: RefTarget): Compiled {
    if (target.node === true) return ALWAYS;
    if (target.node === false) return falseSchema(target.location);
    return compileNode(target.node);
  }

  function compileChild(value: unknown, location: string): Compiled {
    if (value === true) return ALWAYS;
    if (value === false) return falseSchema(location);
    if (!isSchemaObject(value)) {
      throw new SchemaError("a subschema must be an object or a boolean", location);
    }
    return compileNode(value);
  }

  function compileNode(node: JsonSchemaObject): Compiled {
    const existing = compiled.get(node);
    if (existing !== undefined) return existing;
    const info = registry.info(node);
    if (info === undefined) throw new SchemaError("internal error: subschema was not indexed", "");
    const holder: Compiled = { check: PENDING };
    compiled.set(node, holder);
    let check = compileKeywords(node, info);
    if (info.resource.root === node) {
      const inner = check;
      const resource = info.resource;
      check = (value, ctx, sink) => {
        if (!state.dynamic) return inner(value, ctx, sink);
        ctx.scope.push(resource);
        const ok = inner(value, ctx, sink);
        ctx.scope.pop();
        return ok;
      };
    }
    holder.check = check;
    return holder;
  }

  function compileKeywords(node: JsonSchemaObject, info: NodeInfo): Check {
    const dialect = info.dialect;
    const at = (keyword: string) => info.location + "/" + escapeToken(keyword);
    const child = (keyword: string, value: unknown, ...rest: (string | number)[]) =>
      compileChild(value, at(keyword) + rest.map((r) => "/" + escapeToken(r)).join(""));

    const any: Check[] = [];
    const strings: Check[] = [];
    const numbers: Check[] = [];
    const objects: Check[] = [];
    const arrays: Check[] = [];

    if (typeof node.$ref === "string") any.push(compileRef(node.$ref, info, at("$ref")));
    else if (node.$ref !== undefined) throw new SchemaError("$ref must be a string", at("$ref"));
    if (dialect.draft7 && node.$ref !== undefined) return assemble(any, [], [], [], []);

    if (!dialect.draft7 && typeof node.$dynamicRef === "string") {
      any.push(compileDynamicRef(node.$dynamicRef, info, at("$dynamicRef")));
    }
    const typeGuard = dialect.validation
      ? compileValidation(node, dialect, at, any, strings, numbers, objects, arrays)
      : null;
    if (dialect.applicator) compileApplicators(node, dialect, at, child, any, objects, arrays);
    if (dialect.format && options.formatAssertion && node.format !== undefined) {
      if (typeof node.format !== "string") {
        throw new SchemaError("format must be a string", at("format"));
      }
      const format = node.format;
      const test = options.formats[format] ?? FORMATS[format];
      if (test !== undefined) {
        const location = at("format");
        const message = `must be a valid ${format}`;
        strings.push((v, ctx) => test(v as string) || fail(ctx, "format", location, message));
      }
    }
    const unevaluated = !dialect.draft7 && dialect.unevaluated &&
      (node.unevaluatedProperties !== undefined || node.unevaluatedItems !== undefined);
    if (unevaluated) {
      if (node.unevaluatedItems !== undefined) {
        const sub = child("unevaluatedItems", node.unevaluatedItems);
        arrays.push(compileUnevaluatedItems(sub, node.unevaluatedItems === false, at));
      }
      if (node.unevaluatedProperties !== undefined) {
        const sub = child("unevaluatedProperties", node.unevaluatedProperties);
        objects.push(compileUnevaluatedProperties(sub, node.unevaluatedProperties === false, at));
      }
      const run = assemble(any, strings, numbers, objects, arrays, typeGuard);
      return (value, ctx, sink) => {
        const local = newAnnotations();
        const ok = run(value, ctx, local);
        if (ok && sink !== null) mergeAnnotations(sink, local);
        return ok;
      };
    }
    return assemble(any, strings, numbers, objects, arrays, typeGuard);
  }

  function resolveOrThrow(ref: string, info: NodeInfo, location: string): RefTarget {
    const uri = resolveUri(info.resource.uri, ref);
    const target = registry.resolve(uri, info.dialect);
    if (target === undefined) {
      const [document] = splitFragment(uri);
      const why = registry.resolve(document, info.dialect) === undefined
        ? `no schema document "${document}" is known (emcee never fetches; supply it in options.documents)`
        : `the document has no such location or anchor`;
      throw new SchemaError(`cannot resolve $ref "${ref}" (${uri}): ${why}`, location);
    }
    return target;
  }

  function compileRef(ref: string, info: NodeInfo, location: string): Check {
    const target = resolveOrThrow(ref, info, location);
    const holder: Compiled = { check: PENDING };
    pendingRefs.push(() => {
      holder.check = compileTarget(target).check;
    });
    const resource = target.resource;
    return (value, ctx, sink) => {
      if (++ctx.depth > ctx.maxDepth) {
        throw new LimitExceeded(
          `validation exceeded maxEvaluationDepth (${ctx.maxDepth}) following $ref (recursive schema or reference loop)`,
        );
      }
      if (++ctx.steps > ctx.maxSteps) tooManySteps(ctx);
      let ok: boolean;
      if (state.dynamic) {
        ctx.scope.push(resource);
        ok = holder.check(value, ctx, sink);
        ctx.scope.pop();
      } else {
        ok = holder.check(value, ctx, sink);
      }
      ctx.depth--;
      return ok;
    };
  }

  function compileDynamicRef(ref: string, info: NodeInfo, location: string): Check {
    state.dynamic = true;
    const staticCheck = compileRef(ref, info, location);
    const target = resolveOrThrow(ref, info, location);
    const [, fragment] = splitFragment(resolveUri(info.resource.uri, ref));
    const isDynamic = fragment !== "" && !fragment.startsWith("/") &&
      target.resource.dynamicAnchors.get(fragment) === target.node;
    if (!isDynamic) return staticCheck;
    const anchor = fragment;
    return (value, ctx, sink) => {
      const scope = ctx.scope;
      for (let i = 0; i < scope.length; i++) {
        const compiledAnchor = dynamicByResource.get(scope[i])?.get(anchor);
        if (compiledAnchor !== undefined) {
          if (++ctx.depth > ctx.maxDepth) {
            throw new LimitExceeded(
              `validation exceeded maxEvaluationDepth (${ctx.maxDepth}) following $dynamicRef`,
            );
          }
          if (++ctx.steps > ctx.maxSteps) tooManySteps(ctx);
          scope.push(scope[i]);
          const ok = compiledAnchor.check(value, ctx, sink);
          scope.pop();
          ctx.depth--;
          return ok;
        }
      }
      return staticCheck(value, ctx, sink);
    };
  }

  function compileValidation(
    node: JsonSchemaObject,
    dialect: DialectInfo,
    at: (keyword: string) => string,
    any: Check[],
    strings: Check[],
    numbers: Check[],
    objects: Check[],
    arrays: Check[],
  ): TypeGuard | null {
    let typeGuard: TypeGuard | null = null;
    if (typeof node.type === "string" && TYPE_BITS[node.type] !== undefined) {
      typeGuard = { check: compileType(node.type, at("type")), type: node.type };
    } else if (node.type !== undefined) {
      any.push(compileType(node.type, at("type")));
    }
    if (node.enum !== undefined) any.push(compileEnum(node.enum, at("enum")));
    if (node.const !== undefined || Object.hasOwn(node, "const")) {
      any.push(compileConst(node.const, at("const")));
    }
    const num = (keyword: string): number | undefined => {
      const value = node[keyword];
      if (value === undefined) return undefined;
      if (typeof value !== "number" || !Number.isFinite(value)) {
        throw new SchemaError(`${keyword} must be a number`, at(keyword));
      }
      return value;
    };
    const count = (keyword: string): number | undefined => {
      const value = num(keyword);
      if (value !== undefined && (value < 0 || !Number.isInteger(value))) {
        throw new SchemaError(`${keyword} must be a non-negative integer`, at(keyword));
      }
      return value;
    };
    const bounds: NumberBound[] = [];
    for (let kind = 0; kind < BOUND_KEYWORDS.length; kind++) {
      const keyword = BOUND_KEYWORDS[kind];
      const limit = num(keyword);
      if (limit === undefined) continue;
      const message = `must be ${BOUND_RELATIONS[kind]} ${limit}`;
      bounds.push({ kind, limit, keyword, location: at(keyword), message });
    }
    if (bounds.length > 0) numbers.push(compileBounds(bounds));
    const multipleOf = num("multipleOf");
    if (multipleOf !== undefined) {
      if (multipleOf <= 0) throw new SchemaError("multipleOf must be > 0", at("multipleOf"));
      const location = at("multipleOf");
      const message = `must be a multiple of ${multipleOf}`;
      numbers.push((v, ctx) =>
        isMultipleOf(v as number, multipleOf) || fail(ctx, "multipleOf", location, message)
      );
    }
    const minLength = count("minLength");
    if (minLength !== undefined && minLength > 0) {
      const location = at("minLength");
      const message = `must NOT have fewer than ${minLength} characters`;
      strings.push((v, ctx) => {
        const s = v as string;
        if (s.length >= 2 * minLength) return true;
        return (s.length >= minLength && countCodePoints(s) >= minLength) ||
          fail(ctx, "minLength", location, message);
      });
    }
    const maxLength = count("maxLength");
    if (maxLength !== undefined) {
      const location = at("maxLength");
      const message = `must NOT have more than ${maxLength} characters`;
      strings.push((v, ctx) => {
        const s = v as string;
        return s.length <= maxLength || countCodePoints(s) <= maxLength ||
          fail(ctx, "maxLength", location, message);
      });
    }
    if (node.pattern !== undefined) {
      if (typeof node.pattern !== "string") {
        throw new SchemaError("pattern must be a string", at("pattern"));
      }
      const regex = compilePattern(node.pattern);
      if (regex === undefined) {
        throw new SchemaError(
          `pattern ${quote(node.pattern)} is not a valid regular expression`,
          at("pattern"),
        );
      }
      const location = at("pattern");
      const message = `must match pattern ${quote(node.pattern)}`;
      strings.push((v, ctx) => regex.test(v as string) || fail(ctx, "pattern", location, message));
    }
    const minItems = count("minItems");
    if (minItems !== undefined && minItems > 0) {
      const location = at("minItems");
      const message = `must NOT have fewer than ${minItems} items`;
      arrays.push((v, ctx) =>
        (v as unknown[]).length >= minItems || fail(ctx, "minItems", location, message)
      );
    }
    const maxItems = count("maxItems");
    if (maxItems !== undefined) {
      const location = at("maxItems");
      const message = `must NOT have more than ${maxItems} items`;
      arrays.push((v, ctx) =>
        (v as unknown[]).length <= maxItems || fail(ctx, "maxItems", location, message)
      );
    }
    if (node.uniqueItems === true) arrays.push(compileUniqueItems(at("uniqueItems")));
    const minProperties = count("minProperties");
    const maxProperties = count("maxProperties");
    if ((minProperties !== undefined && minProperties > 0) || maxProperties !== undefined) {
      const min = minProperties ?? 0;
      const max = maxProperties ?? Infinity;
      const minLocation = at("minProperties");
      const maxLocation = at("maxProperties");
      const minMessage = `must NOT have fewer than ${min} properties`;
      const maxMessage = `must NOT have more than ${max} properties`;
      objects.push((v, ctx) => {
        let n = 0;
        for (const key in v as Record<string, unknown>) if (hasOwn.call(v, key)) n++;
        if (n < min) return fail(ctx, "minProperties", minLocation, minMessage);
        return n <= max || fail(ctx, "maxProperties", maxLocation, maxMessage);
      });
    }
    if (node.required !== undefined) {
      const required = node.required;
      if (!Array.isArray(required) || !required.every((r) => typeof r === "string")) {
        throw new SchemaError("required must be an array of strings", at("required"));
      }
      if (required.length > 0) objects.push(compileRequired(required, at("required")));
    }
    const dependentRequired = dialect.draft7 ? undefined : node.dependentRequired;
    if (dependentRequired !== undefined) {
      if (!isSchemaObject(dependentRequired)) {
        throw new SchemaError("dependentRequired must be an object", at("dependentRequired"));
      }
      for (const [key, list] of Object.entries(dependentRequired)) {
        if (!Array.isArray(list) || !list.every((r) => typeof r === "string")) {
          throw new SchemaError(
            "dependentRequired values must be arrays of strings",
            at("dependentRequired"),
          );
        }
        objects.push(
          compileDependentRequired(key, list, at("dependentRequired"), "dependentRequired"),
        );
      }
    }
    if (!dialect.draft7 && (node.minContains !== undefined || node.maxContains !== undefined)) {
      count("minContains");
      count("maxContains");
    }
    return typeGuard;
  }

  function compileApplicators(
    node: JsonSchemaObject,
    dialect: DialectInfo,
    at: (keyword: string) => string,
    child: (keyword: string, value: unknown, ...rest: (string | number)[]) => Compiled,
    any: Check[],
    objects: Check[],
    arrays: Check[],
  ): void {
    const list = (keyword: string): Check[] | undefined => {
      const value = node[keyword];
      if (value === undefined) return undefined;
      if (!Array.isArray(value) || value.length === 0) {
        throw new SchemaError(`${keyword} must be a non-empty array of schemas`, at(keyword));
      }
      return value.map((s, i) => direct(child(keyword, s, i)));
    };
    const allOf = list("allOf");
    if (allOf !== undefined) any.push(compileAllOf(allOf));
    const anyOf = list("anyOf");
    if (anyOf !== undefined) any.push(compileAnyOf(anyOf, at("anyOf")));
    const oneOf = list("oneOf");
    if (oneOf !== undefined) any.push(compileOneOf(oneOf, at("oneOf")));
    if (node.not !== undefined) any.push(compileNot(direct(child("not", node.not)), at("not")));
    if (node.if !== undefined) {
      const then = node.then === undefined ? null : direct(child("then", node.then));
      const otherwise = node.else === undefined ? null : direct(child("else", node.else));
      any.push(compileIf(direct(child("if", node.if)), then, otherwise));
    }
    compileObjectApplicators(node, dialect, at, child, objects);
    compileArrayApplicators(node, dialect, at, child, arrays);
  }

  function compileObjectApplicators(
    node: JsonSchemaObject,
    dialect: DialectInfo,
    at: (keyword: string) => string,
    child: (keyword: string, value: unknown, ...rest: (string | number)[]) => Compiled,
    objects: Check[],
  ): void {
    const map = (keyword: string): [string, Compiled][] => {
      const value = node[keyword];
      if (value === undefined) return [];
      if (!isSchemaObject(value)) {
        throw new SchemaError(`${keyword} must be an object`, at(keyword));
      }
      return Object.keys(value).map((key) => [key, child(keyword, value[key], key)]);
    };
    const properties = map("properties");
    const patterns = map("patternProperties").map(([source, holder]): [RegExp, Check] => {
      const regex = compilePattern(source);
      if (regex === undefined) {
        throw new SchemaError(
          `patternProperties key ${quote(source)} is not a valid regular expression`,
          at("patternProperties"),
        );
      }
      return [regex, direct(holder)];
    });
    const additional = node.additionalProperties === undefined
      ? null
      : child("additionalProperties", node.additionalProperties);
    if (properties.length > 0 || patterns.length > 0 || additional !== null) {
      objects.push(
        compileProperties(
          properties,
          patterns,
          additional,
          node.additionalProperties === false,
          at,
        ),
      );
    }
    if (node.propertyNames !== undefined) {
      objects.push(
        compilePropertyNames(
          direct(child("propertyNames", node.propertyNames)),
          at("propertyNames"),
        ),
      );
    }
    if (!dialect.draft7) {
      for (const [key, holder] of map("dependentSchemas")) {
        objects.push(compileDependentSchema(key, direct(holder)));
      }
      return;
    }
    const dependencies = node.dependencies;
    if (dependencies === undefined) return;
    if (!isSchemaObject(dependencies)) {
      throw new SchemaError("dependencies must be an object", at("dependencies"));
    }
    for (const [key, value] of Object.entries(dependencies)) {
      if (Array.isArray(value)) {
        if (!value.every((r) => typeof r === "string")) {
          throw new SchemaError("dependencies arrays must list strings", at("dependencies"));
        }
        objects.push(compileDependentRequired(key, value, at("dependencies"), "dependencies"));
      } else {
        objects.push(compileDependentSchema(key, direct(child("dependencies", value, key))));
      }
    }
  }

  function compileArrayApplicators(
    node: JsonSchemaObject,
    dialect: DialectInfo,
    at: (keyword: string) => string,
    child: (keyword: string, value: unknown, ...rest: (string | number)[]) => Compiled,
    arrays: Check[],
  ): void {
    let prefix: Check[] = [];
    let rest: Check | null = null;
    let restKeyword = "items";
    if (dialect.draft7) {
      if (Array.isArray(node.items)) {
        prefix = node.items.map((s, i) => direct(child("items", s, i)));
        if (node.additionalItems !== undefined) {
          rest = direct(child("additionalItems", node.additionalItems));
          restKeyword = "additionalItems";
        }
      } else if (node.items !== undefined) {
        rest = direct(child("items", node.items));
      }
    } else {
      if (node.prefixItems !== undefined) {
        if (!Array.isArray(node.prefixItems)) {
          throw new SchemaError("prefixItems must be an array", at("prefixItems"));
        }
        prefix = node.prefixItems.map((s, i) => direct(child("prefixItems", s, i)));
      }
      if (node.items !== undefined) rest = direct(child("items", node.items));
    }
    if (prefix.length > 0 || rest !== null) {
      arrays.push(
        compileItems(
          prefix,
          rest,
          restKeyword === "items" && node.items === false,
          at(restKeyword),
        ),
      );
    }
    if (node.contains !== undefined) {
      const contains = direct(child("contains", node.contains));
      let min = 1;
      let max = Infinity;
      if (!dialect.draft7 && dialect.validation) {
        if (typeof node.minContains === "number") min = node.minContains;
        if (typeof node.maxContains === "number") max = node.maxContains;
      }
      arrays.push(compileContains(contains, min, max, at));
    }
  }

  function compileRoot(schema: JsonSchema): Compiled {
    const root = schema === true
      ? ALWAYS
      : schema === false
      ? falseSchema("#")
      : compileNode(schema);
    let queued = 0;
    for (;;) {
      while (queued < pendingRefs.length) pendingRefs[queued++]();
      if (!state.dynamic) break;
      let added = false;
      for (const res of registry.resources()) {
        if (dynamicByResource.has(res) || res.dynamicAnchors.size === 0) continue;
        const anchors = new Map<string, Compiled>();
        dynamicByResource.set(res, anchors);
        for (const [name, node] of res.dynamicAnchors) anchors.set(name, compileNode(node));
        added = true;
      }
      if (!added && queued === pendingRefs.length) break;
    }
    return root;
  }

  return { compileRoot };
}

function compileType(type: unknown, location: string): Check {
  const names = typeof type === "string" ? [type] : type;
  if (!Array.isArray(names) || names.length === 0) {
    throw new SchemaError("type must be a type name or a non-empty array of them", location);
  }
  let mask = 0;
  for (const name of names) {
    const bit = typeof name === "string" ? TYPE_BITS[name] : undefined;
    if (bit === undefined) throw new SchemaError(`unknown type ${quote(name)}`, location);
    mask |= bit;
  }
  const expected = names.join(" or ");
  const message = (v: unknown) => `must be ${expected} (got ${describeType(v)})`;
  const report = (v: unknown, ctx: EvalContext) =>
    ctx.collect ? fail(ctx, "type", location, message(v)) : false;
  switch (mask) {
    case TYPE_STRING:
      return (v, ctx) => typeof v === "string" || report(v, ctx);
    case TYPE_NUMBER:
      return (v, ctx) => typeof v === "number" || report(v, ctx);
    case TYPE_INTEGER:
      return (v, ctx) => Number.isInteger(v) || report(v, ctx);
    case TYPE_BOOLEAN:
      return (v, ctx) => typeof v === "boolean" || report(v, ctx);
    case TYPE_OBJECT:
      return (v, ctx) =>
        (typeof v === "object" && v !== null && !Array.isArray(v)) || report(v, ctx);
    case TYPE_ARRAY:
      return (v, ctx) => Array.isArray(v) || report(v, ctx);
    default:
      return (v, ctx) => (typeBitsOf(v) & mask) !== 0 || report(v, ctx);
  }
}

// Numeric bound keywords in evaluation order; a bound's `kind` is its index here.
const BOUND_KEYWORDS = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"] as const;
const BOUND_RELATIONS = [">=", "<=", ">", "<"] as const;

interface NumberBound {
  readonly kind: number;
  readonly limit: number;
  readonly keyword: string;
  readonly location: string;
  readonly message: string;
}

function boundHolds(kind: number, n: number, limit: number): boolean {
  switch (kind) {
    case 0:
      return n >= limit;
    case 1:
      return n <= limit;
    case 2:
      return n > limit;
    default:
      return n < limit;
  }
}

/** All numeric bounds of one schema in one check (most schemas pair minimum with maximum). */
function compileBounds(bounds: readonly NumberBound[]): Check {
  if (bounds.length === 1) {
    const { kind, limit, keyword, location, message } = bounds[0];
    return (v, ctx) =>
      boundHolds(kind, v as number, limit) || fail(ctx, keyword, location, message);
  }
  return (v, ctx) => {
    let ok = true;
    for (let i = 0; i < bounds.length; i++) {
      const bound = bounds[i];
      if (boundHolds(bound.kind, v as number, bound.limit)) continue;
      if (!ctx.collect) return false;
      ok = fail(ctx, bound.keyword, bound.location, bound.message);
      if (!ctx.allErrors) return false;
    }
    return ok;
  };
}

function compileEnum(values: unknown, location: string): Check {
  if (!Array.isArray(values)) throw new SchemaError("enum must be an array", location);
  const message = `must be equal to one of the allowed values: ${values.map(quote).join(", ")}`;
  if (values.every(isPrimitive)) {
    const allowed = new Set(values);
    return (v, ctx) => allowed.has(v) || fail(ctx, "enum", location, message);
  }
  return (v, ctx) => {
    for (let i = 0; i < values.length; i++) if (jsonEqual(v, values[i])) return true;
    return fail(ctx, "enum", location, message);
  };
}

function compileConst(expected: unknown, location: string): Check {
  const message = `must be equal to constant ${quote(expected)}`;
  if (isPrimitive(expected)) {
    return (v, ctx) => v === expected || fail(ctx, "const", location, message);
  }
  return (v, ctx) => jsonEqual(v, expected) || fail(ctx, "const", location, message);
}

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

function compileRequired(
  required: readonly string[],
  location: string,
  keyword = "required",
  condition = "",
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

function compileDependentRequired(
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

function compileDependentSchema(key: string, check: Check): Check {
  return (v, ctx, sink) => !hasOwn.call(v, key) || check(v, ctx, sink);
}

function compileProperties(
  properties: [string, Compiled][],
  patterns: [RegExp, Check][],
  additional: Compiled | null,
  additionalIsFalse: boolean,
  at: (keyword: string) => string,
): Check {
  const keys = properties.map(([key]) => key);
  const keySteps = keys.map(keyStep);
  const checks = properties.map(([, holder]) => direct(holder));
  const inherited = keys.map((key) => key in Object.prototype);
  const additionalLocation = at("additionalProperties");
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
      if (!checkAtStep(checks[i], value, ctx, keySteps[i])) {
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
      const count = Object.keys(object).length;
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

function compileUnevaluatedProperties(
  sub: Compiled,
  isFalse: boolean,
  at: (keyword: string) => string,
): Check {
  const location = at("unevaluatedProperties");
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
  at: (keyword: string) => string,
): Check {
  const location = at("contains");
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
    if (matches > max) return fail(ctx, "maxContains", at("maxContains"), maxMessage);
    return true;
  };
}

function compileUnevaluatedItems(
  sub: Compiled,
  isFalse: boolean,
  at: (keyword: string) => string,
): Check {
  const location = at("unevaluatedItems");
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

function compileAllOf(checks: Check[]): Check {
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
