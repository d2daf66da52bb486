// The evaluation runtime every compiled check shares: the per-call context, error recording,
// and stepping into child values. A recorded error's instance path starts relative to the
// failing check; each enclosing property or item prepends its step as the failure bubbles up,
// so passing subtrees cost no path bookkeeping.

import type { Annotations } from "../annotations.ts";
import { LimitExceeded } from "../limit.ts";
import { indexStep, keyStep } from "../pointer.ts";
import type { Resource } from "../registry.ts";

/** An error being recorded: `instancePath` grows at the front while the failure bubbles up. */
export interface RecordedError {
  /** Pointer from the check that is currently returning to the failing value. */
  instancePath: string;
  /** Location of the failing keyword. */
  readonly schemaPath: string;
  /** The failing keyword. */
  readonly keyword: string;
  /** Why it failed. */
  readonly message: string;
}

/** Mutable per-call evaluation state (reused between calls of one validator). */
export interface EvalContext {
  /** Record errors. */
  collect: boolean;
  /** Keep evaluating after a failure; only ever true while `collect` is. */
  allErrors: boolean;
  /** Errors recorded so far (only while `collect` is set). */
  errors: RecordedError[];
  /**
   * Also keep `path` up to date while collecting: only to locate a limit error, in a re-run
   * after a collecting pass exceeded a limit.
   */
  trackPath: boolean;
  /** Instance location as pointer steps (`"/key"`), maintained only when `trackPath` is set. */
  path: string[];
  /** Evaluation work done so far, against `maxSteps`. */
  steps: number;
  /** Current `$ref`/`$dynamicRef` nesting, against `maxDepth`. */
  depth: number;
  /** Resources entered so far, outermost first (kept only once `$dynamicRef` is in use). */
  scope: Resource[];
  /** The `maxSteps` limit. */
  maxSteps: number;
  /** The `maxEvaluationDepth` limit. */
  maxDepth: number;
}

/**
 * A compiled schema: validates `value` at the current instance location. Checks run in two
 * modes: a fast boolean mode that stops at the first failure and allocates nothing, and a
 * collecting mode that records errors, either stopping at the first failure (`allErrors` false)
 * or gathering every error. `sink` receives evaluation annotations, for `unevaluated*` only.
 */
export type Check = (value: unknown, ctx: EvalContext, sink: Annotations | null) => boolean;

/** Indirection so references can point at schemas compiled later (or cyclically). */
export interface Compiled {
  /** The check, or {@link PENDING} while the schema is still being compiled. */
  check: Check;
}

/** The `true` schema. */
export const ALWAYS: Compiled = { check: () => true };

/** Placeholder check of a schema whose compilation has not finished. */
export const PENDING: Check = () => {
  throw new Error("emcee/schema: internal error, schema used before compilation finished");
};

/** The holder's check itself once compiled; an indirection while it is still being compiled. */
export function direct(holder: Compiled): Check {
  return holder.check !== PENDING ? holder.check : (v, c, s) => holder.check(v, c, s);
}

/** The `false` schema at `location`. */
export function falseSchema(location: string): Compiled {
  return {
    check: (_v, ctx) => fail(ctx, "false", location, "boolean schema false rejects every value"),
  };
}

/** Records an error at the current location (when collecting). */
export function fail(
  ctx: EvalContext,
  keyword: string,
  schemaPath: string,
  message: string,
): false {
  if (ctx.collect) ctx.errors.push({ instancePath: "", schemaPath, keyword, message });
  return false;
}

/** Records an error one step below the current location (only called when collecting). */
export function failBelow(
  ctx: EvalContext,
  step: string,
  keyword: string,
  schemaPath: string,
  message: string,
): false {
  ctx.errors.push({ instancePath: step, schemaPath, keyword, message });
  return false;
}

/** Throws the limit error for `maxSteps`. */
export function tooManySteps(ctx: EvalContext): never {
  throw new LimitExceeded(`validation exceeded maxSteps (${ctx.maxSteps})`);
}

/** Prepends `step` to the instance paths of the errors recorded since `mark`. */
export function prependStep(errors: RecordedError[], mark: number, step: string): void {
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
export function checkAtStep(check: Check, value: unknown, ctx: EvalContext, step: string): boolean {
  if (!ctx.collect) return check(value, ctx, null);
  if (ctx.trackPath) return checkTracked(check, value, ctx, step);
  const mark = ctx.errors.length;
  if (check(value, ctx, null)) return true;
  prependStep(ctx.errors, mark, step);
  return false;
}

/** Applies `check` to the value of property `key`; the step is only built when needed. */
export function checkAtKey(check: Check, value: unknown, ctx: EvalContext, key: string): boolean {
  if (!ctx.collect) return check(value, ctx, null);
  if (ctx.trackPath) return checkTracked(check, value, ctx, keyStep(key));
  const mark = ctx.errors.length;
  if (check(value, ctx, null)) return true;
  prependStep(ctx.errors, mark, keyStep(key));
  return false;
}

/** Applies `check` to array item `index`; the step is only looked up when needed. */
export function checkAtIndex(
  check: Check,
  value: unknown,
  ctx: EvalContext,
  index: number,
): boolean {
  if (!ctx.collect) return check(value, ctx, null);
  if (ctx.trackPath) return checkTracked(check, value, ctx, indexStep(index));
  const mark = ctx.errors.length;
  if (check(value, ctx, null)) return true;
  prependStep(ctx.errors, mark, indexStep(index));
  return false;
}
