// The bounded matcher: a Pike VM (Thompson NFA simulation) answering "does the pattern occur
// anywhere in the input". Each input position visits each instruction at most once, so a
// test costs O(input length × program size) whatever the pattern, with no backtracking.

import { isWordChar, setHas } from "./charset.ts";
import { OP_ASSERT, OP_CHAR, OP_MATCH, OP_SPLIT, type Program } from "./program.ts";

/** The characters of `input`: code points in `u` mode, UTF-16 code units otherwise. */
export function toChars(input: string, unicode: boolean): Int32Array {
  const out = new Int32Array(input.length);
  let n = 0;
  for (let i = 0; i < input.length; i++) {
    const c = unicode ? input.codePointAt(i)! : input.charCodeAt(i);
    if (c > 0xffff) i++;
    out[n++] = c;
  }
  return n === out.length ? out : out.subarray(0, n);
}

/** Outcome of one run, with the work it took (instruction visits plus character tests). */
export interface RunResult {
  /** Whether the pattern occurs in the input. */
  readonly matched: boolean;
  /** Work done; at most about `(chars + 1) × 2 × program size`. */
  readonly steps: number;
}

/** Scratch arrays for one program, reused between runs (matching is synchronous). */
interface Scratch {
  current: Int32Array;
  next: Int32Array;
  readonly mark: Int32Array;
  readonly stack: Int32Array;
}
const scratchOf = new WeakMap<Program, Scratch>();

/** Runs `program` over `chars`, searching for a match starting at any position. */
export function runProgram(program: Program, chars: Int32Array): RunResult {
  const { op, a, b, sets, ascii } = program;
  const size = op.length;
  const n = chars.length;
  let scratch = scratchOf.get(program);
  if (scratch === undefined) {
    scratch = {
      current: new Int32Array(size),
      next: new Int32Array(size),
      mark: new Int32Array(size),
      stack: new Int32Array(2 * size + 2),
    };
    scratchOf.set(program, scratch);
  }
  let { current, next } = scratch;
  const { mark, stack } = scratch;
  mark.fill(-1);
  let currentCount = 0;
  let nextCount = 0;
  let steps = 0;
  let matched = false;

  // Adds the epsilon closure of `start` at position `pos` to `list` (returns its new length).
  const addClosure = (start: number, pos: number, list: Int32Array, count: number): number => {
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const pc = stack[--top];
      if (mark[pc] === pos) continue;
      mark[pc] = pos;
      steps++;
      switch (op[pc]) {
        case OP_CHAR:
          list[count++] = pc;
          break;
        case OP_MATCH:
          matched = true;
          break;
        case OP_SPLIT:
          stack[top++] = b[pc];
          stack[top++] = a[pc];
          break;
        case OP_ASSERT:
          if (assertionHolds(a[pc], chars, pos)) stack[top++] = pc + 1;
          break;
        default: // OP_JMP
          stack[top++] = a[pc];
      }
    }
    return count;
  };

  for (let pos = 0; pos <= n; pos++) {
    currentCount = addClosure(0, pos, current, currentCount);
    if (matched) return { matched, steps };
    if (pos === n) break;
    const c = chars[pos];
    const word = c >> 5;
    const bit = 1 << (c & 31);
    nextCount = 0;
    for (let i = 0; i < currentCount; i++) {
      const pc = current[i];
      steps++;
      const member = c < 128 ? (ascii[4 * a[pc] + word] & bit) !== 0 : setHas(sets[a[pc]], c);
      if (member) nextCount = addClosure(pc + 1, pos + 1, next, nextCount);
    }
    const swap = current;
    current = next;
    next = swap;
    currentCount = nextCount;
  }
  return { matched, steps };
}

function assertionHolds(kind: number, chars: Int32Array, pos: number): boolean {
  if (kind === 0) return pos === 0;
  if (kind === 1) return pos === chars.length;
  const before = pos > 0 && isWordChar(chars[pos - 1]);
  const after = pos < chars.length && isWordChar(chars[pos]);
  return (before !== after) === (kind === 2);
}
