// Validation keywords for numbers: `minimum`, `maximum`, `exclusiveMinimum`, `exclusiveMaximum`
// and `multipleOf`.

import { type Check, fail } from "../compile/evaluation.ts";
import { readNumber, type SchemaNode } from "../compile/schema_node.ts";
import { SchemaError } from "../types.ts";

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

/** Compiles the schema's number keywords into `numbers` (checks that receive numbers only). */
export function compileNumberKeywords(schema: SchemaNode, numbers: Check[]): void {
  const bounds: NumberBound[] = [];
  for (let kind = 0; kind < BOUND_KEYWORDS.length; kind++) {
    const keyword = BOUND_KEYWORDS[kind];
    const limit = readNumber(schema, keyword);
    if (limit === undefined) continue;
    const message = `must be ${BOUND_RELATIONS[kind]} ${limit}`;
    bounds.push({ kind, limit, keyword, location: schema.at(keyword), message });
  }
  if (bounds.length > 0) numbers.push(compileBounds(bounds));
  const multipleOf = readNumber(schema, "multipleOf");
  if (multipleOf !== undefined) {
    const location = schema.at("multipleOf");
    if (multipleOf <= 0) throw new SchemaError("multipleOf must be > 0", location);
    const message = `must be a multiple of ${multipleOf}`;
    numbers.push((v, ctx) =>
      isMultipleOf(v as number, multipleOf) || fail(ctx, "multipleOf", location, message)
    );
  }
}
