/**
 * Matching a concrete URI back to a URI template's variables in time linear in the URI's length.
 *
 * The template compiles to a small program of character tests, branches and capture marks, run as
 * a Pike VM: every way of reading the URI advances one character at a time, in lock step, kept in
 * priority order. The variables found are the ones a backtracking regular expression of the same
 * shape would find (greedy where it was greedy, lazy where it was lazy), but a URI of n characters
 * costs at most n × (program size) steps, where backtracking could cost n³ or worse on templates
 * with adjacent expressions such as `log://{y}-{m}-{d}`.
 *
 * @module
 */

import type { UriTemplateMatch } from "./uri_template.ts";

/** One variable of an expression, as the matcher needs it. */
export interface MatchVariable {
  /** The variable's name. */
  readonly name: string;
  /** Whether it was written with `*`. */
  readonly explode: boolean;
}

/** One expression of a template, with its operator's RFC 6570 Appendix A rules. */
export interface MatchExpression {
  /** The operator: `""`, `+`, `#`, `.`, `/`, `;`, `?` or `&`. */
  readonly operator: string;
  /** What the expansion starts with when any variable is defined. */
  readonly first: string;
  /** What separates the variables' expansions. */
  readonly separator: string;
  /** Whether variables expand as `name=value` pairs. */
  readonly named: boolean;
  /** The variables in order. */
  readonly variables: readonly MatchVariable[];
}

/** A template part: a literal, already encoded as expansion would write it, or an expression. */
export type MatchPart = string | MatchExpression;

/** Counts the steps one match takes, so tests can bound them. */
export interface MatchMeter {
  /** Steps taken so far: one per thread a character is tested against or a branch is followed. */
  steps: number;
}

/** A compiled matcher: the variables that make the template produce `uri`, or `null`. */
export type UriMatcher = (uri: string, meter?: MatchMeter) => UriTemplateMatch | null;

type Test = (code: number) => boolean;

type Instruction =
  | { op: "char"; test: Test }
  | { op: "split"; first: number; second: number }
  | { op: "jump"; to: number }
  | { op: "save"; slot: number }
  | { op: "match" };

type Capture =
  | { kind: "value"; variable: MatchVariable; expression: MatchExpression }
  | { kind: "parameters"; separator: string };

// RFC 3986 gen-delims and sub-delims: what a non-reserved expansion percent-encodes.
const RESERVED = new Set([...":/?#[]@!$&'()*+,;="].map((c) => c.charCodeAt(0)));
const code = (character: string): number => character.charCodeAt(0);

function excluding(characters: string): Test {
  const excluded = new Set([...characters].map(code));
  return (c) => !excluded.has(c);
}

/**
 * The characters one value may span. A non-reserved value is percent-encoded, so it holds no
 * reserved character except the ones its own expansion writes: `,` joining a list, and for an
 * exploded one its separator and `=`. Other characters (spaces, non-ASCII) are tolerated, as
 * clients send them unencoded.
 */
function valueTest(expression: MatchExpression, variable: MatchVariable): Test {
  const inList = expression.variables.length > 1;
  const { operator, separator } = expression;
  if (operator === "+" || operator === "#") return inList ? excluding(",") : () => true;
  const allowed = new Set<number>();
  if (variable.explode) {
    allowed.add(code(separator));
    allowed.add(code("="));
  } else allowed.add(code(","));
  if (inList && separator === ",") allowed.delete(code(","));
  const dot = code(".");
  const excludeDot = operator === "." && !variable.explode;
  return (c) => (!RESERVED.has(c) || allowed.has(c)) && !(excludeDot && c === dot);
}

class ProgramBuilder {
  readonly program: Instruction[] = [];
  readonly captures: Capture[] = [];

  private emit(instruction: Instruction): number {
    this.program.push(instruction);
    return this.program.length - 1;
  }

  literal(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const expected = text.charCodeAt(i);
      this.emit({ op: "char", test: (c) => c === expected });
    }
  }

  /** `test*`, greedy or lazy. */
  repeat(test: Test, lazy: boolean): void {
    const loop = this.emit({ op: "split", first: 0, second: 0 });
    this.emit({ op: "char", test });
    this.emit({ op: "jump", to: loop });
    const after = this.program.length;
    this.program[loop] = lazy
      ? { op: "split", first: after, second: loop + 1 }
      : { op: "split", first: loop + 1, second: after };
  }

  /** `(?:body)?`, greedy. */
  optional(body: () => void): void {
    const branch = this.emit({ op: "split", first: 0, second: 0 });
    body();
    this.program[branch] = { op: "split", first: branch + 1, second: this.program.length };
  }

  capture(capture: Capture, body: () => void): void {
    const slot = this.captures.length * 2;
    this.captures.push(capture);
    this.emit({ op: "save", slot });
    body();
    this.emit({ op: "save", slot: slot + 1 });
  }

  expression(expression: MatchExpression): void {
    if (expression.named) {
      const body = expression.operator === ";" ? excluding("/?#") : excluding("#");
      this.optional(() => {
        this.literal(expression.first);
        this.capture(
          { kind: "parameters", separator: expression.separator },
          () => this.repeat(body, false),
        );
      });
      return;
    }
    const lazy = expression.operator === "+" || expression.operator === "#";
    const values = () =>
      expression.variables.forEach((variable, index) => {
        const value = () =>
          this.capture(
            { kind: "value", variable, expression },
            () => this.repeat(valueTest(expression, variable), lazy),
          );
        if (index === 0) value();
        else {
          this.optional(() => {
            this.literal(expression.separator);
            value();
          });
        }
      });
    if (expression.first === "") values();
    else {
      this.optional(() => {
        this.literal(expression.first);
        values();
      });
    }
  }

  finish(): Instruction[] {
    this.emit({ op: "match" });
    return this.program;
  }
}

interface Thread {
  pc: number;
  slots: Int32Array;
}

/**
 * Runs `program` over all of `input` (anchored at both ends); returns the capture slots of the
 * highest-priority way through, or `null`. Each position adds each instruction at most once.
 */
function run(
  program: readonly Instruction[],
  slotCount: number,
  input: string,
  meter: MatchMeter | undefined,
): Int32Array | null {
  const seenAt = new Int32Array(program.length).fill(-1);
  let steps = 0;
  const stack: Thread[] = [];
  const addThreads = (list: Thread[], start: Thread, position: number): void => {
    stack.push(start);
    while (stack.length > 0) {
      const { pc, slots } = stack.pop()!;
      if (seenAt[pc] === position) continue;
      seenAt[pc] = position;
      steps++;
      const instruction = program[pc];
      switch (instruction.op) {
        case "jump":
          stack.push({ pc: instruction.to, slots });
          break;
        case "split":
          // Pushed second first, so the preferred branch (and all it reaches) is added first.
          stack.push({ pc: instruction.second, slots }, { pc: instruction.first, slots });
          break;
        case "save": {
          const copy = slots.slice();
          copy[instruction.slot] = position;
          stack.push({ pc: pc + 1, slots: copy });
          break;
        }
        default:
          list.push({ pc, slots });
      }
    }
  };

  let current: Thread[] = [];
  addThreads(current, { pc: 0, slots: new Int32Array(slotCount).fill(-1) }, 0);
  let found: Int32Array | null = null;
  for (let position = 0; position <= input.length && current.length > 0; position++) {
    const next: Thread[] = [];
    const unit = position < input.length ? input.charCodeAt(position) : -1;
    for (const thread of current) {
      steps++;
      const instruction = program[thread.pc];
      if (instruction.op === "match") {
        if (position < input.length) continue;
        // The first thread to match outranks every thread after it.
        found = thread.slots;
        break;
      }
      if (instruction.op === "char" && unit !== -1 && instruction.test(unit)) {
        addThreads(next, { pc: thread.pc + 1, slots: thread.slots }, position + 1);
      }
    }
    current = next;
  }
  if (meter) meter.steps += steps;
  return found;
}

function splitExploded(raw: string, separator: string): string[] {
  return raw.split(separator).map((item) => decodeURIComponent(item));
}

function parametersByName(raw: string, separator: string): [string, string][] {
  return raw.split(separator).filter((piece) => piece !== "").map((piece) => {
    const equals = piece.indexOf("=");
    return equals === -1
      ? [decodeURIComponent(piece), ""]
      : [decodeURIComponent(piece.slice(0, equals)), decodeURIComponent(piece.slice(equals + 1))];
  });
}

function collect(
  captures: readonly Capture[],
  named: ReadonlyMap<string, MatchVariable>,
  slots: Int32Array,
  uri: string,
): UriTemplateMatch {
  const result: UriTemplateMatch = {};
  captures.forEach((capture, index) => {
    const start = slots[index * 2];
    const end = slots[index * 2 + 1];
    if (start === -1 || end === -1) return;
    const raw = uri.slice(start, end);
    if (capture.kind === "value") {
      const { variable, expression } = capture;
      if (!variable.explode) result[variable.name] = decodeURIComponent(raw);
      else if (raw !== "" || expression.first !== "") {
        result[variable.name] = splitExploded(raw, expression.separator);
      }
      return;
    }
    for (const [name, value] of parametersByName(raw, capture.separator)) {
      const variable = named.get(name);
      if (variable === undefined) continue;
      if (!variable.explode) {
        result[name] = value;
        continue;
      }
      const list = result[name];
      result[name] = Array.isArray(list) ? [...list, value] : [value];
    }
  });
  return result;
}

/**
 * Compiles template parts into a matcher. Query (`?`, `&`) and path-parameter (`;`) variables may
 * appear in any order and are optional; unknown parameters are ignored. Values are
 * percent-decoded; malformed percent-encoding matches nothing.
 *
 * @example
 * ```ts
 * const match = compileUriMatcher([
 *   "log://",
 *   { operator: "", first: "", separator: ",", named: false, variables: [{ name: "y", explode: false }] },
 * ]);
 * match("log://2026"); // { y: "2026" }
 * ```
 */
export function compileUriMatcher(parts: readonly MatchPart[]): UriMatcher {
  const builder = new ProgramBuilder();
  for (const part of parts) {
    if (typeof part === "string") builder.literal(part);
    else builder.expression(part);
  }
  const program = builder.finish();
  const captures = builder.captures;
  const named = new Map<string, MatchVariable>();
  for (const part of parts) {
    if (typeof part === "string" || !part.named) continue;
    for (const variable of part.variables) named.set(variable.name, variable);
  }
  return (uri, meter) => {
    const slots = run(program, captures.length * 2, uri, meter);
    if (slots === null) return null;
    try {
      return collect(captures, named, slots, uri);
    } catch (error) {
      // Malformed percent-encoding cannot be the expansion of any value.
      if (error instanceof URIError) return null;
      throw error;
    }
  };
}
