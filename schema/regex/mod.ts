// Pattern matching in bounded time for `pattern` and `patternProperties`. Each pattern is
// parsed and classified once, at schema compile time:
// - native `RegExp` when the classifier proves backtracking cannot blow up (anchored,
//   no nested or adjacent overlapping quantifiers, or no variable repetition at all);
// - otherwise the bounded matcher (a Pike VM, linear in input × pattern size);
// - patterns with backreferences or lookaround, which only a backtracking engine runs, are
//   accepted natively when they have no nested quantifier and refused otherwise, because a
//   native match cannot be interrupted.

import { parsePattern } from "./parse.ts";
import { classifyPattern } from "./classify.ts";
import { compileProgram, DEFAULT_MAX_PROGRAM, type Program } from "./program.ts";
import { runProgram, type RunResult, toChars } from "./pike.ts";

export type { RunResult } from "./pike.ts";

/** A compiled schema pattern. */
export interface PatternMatcher {
  /** The pattern source. */
  readonly source: string;
  /** `"native"` (a `RegExp` proven safe) or `"bounded"` (the linear-time matcher). */
  readonly engine: "native" | "bounded";
  /** The native `RegExp` when `engine` is `"native"` (for the fastest call path). */
  readonly regex: RegExp | undefined;
  /** Why the bounded matcher is used (empty for native). */
  readonly reason: string;
  /** Whether the pattern occurs in `input` (unanchored, like `RegExp.prototype.test`). */
  test(input: string): boolean;
  /** Like {@link PatternMatcher.test}, also reporting the work done (0 steps when native). */
  run(input: string): RunResult;
}

/** Why a pattern cannot be used: not a regular expression, or not matchable in bounded time. */
export class PatternError extends Error {
  /** True when the source is not a valid ECMAScript regular expression at all. */
  readonly invalid: boolean;
  /** Creates the error. */
  constructor(message: string, invalid: boolean, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "PatternError";
    this.invalid = invalid;
  }
}

/** Options of {@link compilePatternMatcher}. */
export interface PatternOptions {
  /** Always use the bounded matcher when the pattern allows it (tests, benches). */
  readonly forceBounded?: boolean;
  /** Cap on bounded-matcher instructions (default 20000). */
  readonly maxProgramSize?: number;
}

function nativeRegExp(source: string): { regex: RegExp; unicode: boolean } | undefined {
  try {
    return { regex: new RegExp(source, "u"), unicode: true };
  } catch {
    try {
      return { regex: new RegExp(source), unicode: false };
    } catch {
      return undefined;
    }
  }
}

function nativeMatcher(source: string, regex: RegExp): PatternMatcher {
  return {
    source,
    engine: "native",
    regex,
    reason: "",
    test: (input) => regex.test(input),
    run: (input) => ({ matched: regex.test(input), steps: 0 }),
  };
}

function boundedMatcher(
  source: string,
  program: Program,
  unicode: boolean,
  reason: string,
): PatternMatcher {
  const run = (input: string): RunResult => runProgram(program, toChars(input, unicode));
  return {
    source,
    engine: "bounded",
    regex: undefined,
    reason,
    test: (input) => run(input).matched,
    run,
  };
}

/**
 * Compiles a JSON Schema pattern (ECMAScript syntax, `u` mode, falling back to legacy syntax
 * like native `RegExp`). Throws {@link PatternError} when it is invalid or would need an
 * unbounded backtracking match.
 *
 * @example
 * ```ts
 * import { compilePatternMatcher } from "./mod.ts";
 * const m = compilePatternMatcher("^(a+)+$");
 * console.log(m.engine, m.test("a".repeat(30) + "!")); // "bounded" false, instantly
 * ```
 */
export function compilePatternMatcher(
  source: string,
  options: PatternOptions = {},
): PatternMatcher {
  const native = nativeRegExp(source);
  if (native === undefined) {
    throw new PatternError(`${JSON.stringify(source)} is not a valid regular expression`, true);
  }
  let parsed;
  try {
    parsed = parsePattern(source, native.unicode);
  } catch (error) {
    throw new PatternError(
      `pattern ${JSON.stringify(source)} uses syntax the bounded-time matcher does not support`,
      false,
      { cause: error },
    );
  }
  const verdict = classifyPattern(parsed.root);
  if (parsed.needsBacktracking) {
    if (verdict.boundedNesting) return nativeMatcher(source, native.regex);
    throw new PatternError(
      `pattern ${JSON.stringify(source)} combines backreferences or lookaround with ` +
        `${verdict.reason}: it cannot be matched in bounded time`,
      false,
    );
  }
  if (verdict.nativeSafe && options.forceBounded !== true) {
    return nativeMatcher(source, native.regex);
  }
  let program: Program;
  try {
    program = compileProgram(parsed.root, options.maxProgramSize ?? DEFAULT_MAX_PROGRAM);
  } catch (error) {
    throw new PatternError(
      `pattern ${JSON.stringify(source)} is too large for the bounded-time matcher`,
      false,
      { cause: error },
    );
  }
  return boundedMatcher(source, program, parsed.unicode, verdict.reason || "forced");
}
