// Validation keywords for strings: `minLength`, `maxLength` (in code points) and `pattern`.

import { type Check, fail, tooManySteps } from "../compile/evaluation.ts";
import { quote } from "../compile/quote.ts";
import { readCount, type SchemaNode } from "../compile/schema_node.ts";
import { compilePatternMatcher, PatternError, type PatternMatcher } from "../regex/mod.ts";
import { SchemaError } from "../types.ts";

/** Length of `text` in Unicode code points (a surrogate pair counts once). */
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

/** Compiles the schema's string keywords into `strings` (checks that receive strings only). */
export function compileStringKeywords(schema: SchemaNode, strings: Check[]): void {
  const minLength = readCount(schema, "minLength");
  if (minLength !== undefined && minLength > 0) {
    const location = schema.at("minLength");
    const message = `must NOT have fewer than ${minLength} characters`;
    strings.push((v, ctx) => {
      const s = v as string;
      // Code points never outnumber UTF-16 units, and each takes at most two of them.
      if (s.length >= 2 * minLength) return true;
      return (s.length >= minLength && countCodePoints(s) >= minLength) ||
        fail(ctx, "minLength", location, message);
    });
  }
  const maxLength = readCount(schema, "maxLength");
  if (maxLength !== undefined) {
    const location = schema.at("maxLength");
    const message = `must NOT have more than ${maxLength} characters`;
    strings.push((v, ctx) => {
      const s = v as string;
      return s.length <= maxLength || countCodePoints(s) <= maxLength ||
        fail(ctx, "maxLength", location, message);
    });
  }
  const pattern = schema.node.pattern;
  if (pattern !== undefined) {
    const location = schema.at("pattern");
    if (typeof pattern !== "string") throw new SchemaError("pattern must be a string", location);
    const matcher = compileSchemaPattern(pattern, location, "pattern");
    const message = `must match pattern ${quote(pattern)}`;
    const regex = matcher.regex;
    if (regex !== undefined) {
      strings.push((v, ctx) => regex.test(v as string) || fail(ctx, "pattern", location, message));
    } else {
      strings.push((v, ctx) => {
        // The bounded matcher is linear; its input length still counts as evaluation work.
        ctx.steps += (v as string).length;
        if (ctx.steps > ctx.maxSteps) tooManySteps(ctx);
        return matcher.test(v as string) || fail(ctx, "pattern", location, message);
      });
    }
  }
}

/**
 * Compiles a `pattern` or `patternProperties` key for matching in bounded time; a pattern that
 * is invalid, or that could only be matched by unbounded backtracking, is a schema error.
 */
export function compileSchemaPattern(
  source: string,
  location: string,
  keyword: string,
): PatternMatcher {
  try {
    return compilePatternMatcher(source);
  } catch (error) {
    const message = error instanceof PatternError && error.invalid
      ? `${keyword} ${quote(source)} is not a valid regular expression`
      : `${keyword}: ${(error as Error).message}`;
    const schemaError = new SchemaError(message, location);
    schemaError.cause = error;
    throw schemaError;
  }
}
