// Compiles a pattern tree to a Thompson NFA program for the Pike VM. Counted repeats are
// unrolled, so the program size (and so the matcher's cost per input character) is capped.

import type { AssertionKind, RegexNode } from "./ast.ts";
import { type CharSet, setHas } from "./charset.ts";

/** Consume one character in `sets[a]`, then go on. */
export const OP_CHAR = 0;
/** Fork: try `a` and `b`. */
export const OP_SPLIT = 1;
/** Go to `a`. */
export const OP_JMP = 2;
/** Continue only if assertion `a` (an index into {@link ASSERTIONS}) holds here. */
export const OP_ASSERT = 3;
/** Accept. */
export const OP_MATCH = 4;

/** Assertion kinds by their `OP_ASSERT` operand. */
export const ASSERTIONS: readonly AssertionKind[] = ["start", "end", "word", "notWord"];

/** Default cap on program instructions (e.g. `a{1000}` alone takes 1000). */
export const DEFAULT_MAX_PROGRAM = 20_000;

/** A compiled NFA: parallel instruction arrays. */
export interface Program {
  /** Opcode per instruction. */
  readonly op: Int32Array;
  /** First operand. */
  readonly a: Int32Array;
  /** Second operand (`OP_SPLIT` only). */
  readonly b: Int32Array;
  /** Character sets used by `OP_CHAR`. */
  readonly sets: readonly CharSet[];
  /**
   * Membership of the ASCII characters in each set, 128 bits per set (`sets[i]` has `c < 128`
   * when bit `c & 31` of word `4 * i + (c >> 5)` is set): most tested characters are ASCII.
   */
  readonly ascii: Uint32Array;
}

function asciiMembership(sets: readonly CharSet[]): Uint32Array {
  const bits = new Uint32Array(4 * sets.length);
  sets.forEach((set, i) => {
    for (let c = 0; c < 128; c++) if (setHas(set, c)) bits[4 * i + (c >> 5)] |= 1 << (c & 31);
  });
  return bits;
}

/** Compiles `root` (which must have no backreferences or lookaround); throws `RangeError` when too big. */
export function compileProgram(root: RegexNode, maxSize: number = DEFAULT_MAX_PROGRAM): Program {
  const op: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const sets: CharSet[] = [];
  const emit = (code: number, x = 0, y = 0): number => {
    if (op.length >= maxSize) {
      throw new RangeError(`pattern needs more than ${maxSize} matcher instructions`);
    }
    op.push(code);
    a.push(x);
    b.push(y);
    return op.length - 1;
  };
  const gen = (node: RegexNode): void => {
    switch (node.type) {
      case "empty":
        return;
      case "char":
        sets.push(node.set);
        emit(OP_CHAR, sets.length - 1);
        return;
      case "seq":
        for (const item of node.items) gen(item);
        return;
      case "group":
        gen(node.body);
        return;
      case "assert":
        emit(OP_ASSERT, ASSERTIONS.indexOf(node.kind));
        return;
      case "alt": {
        const jumps: number[] = [];
        for (let i = 0; i < node.options.length; i++) {
          if (i < node.options.length - 1) {
            const split = emit(OP_SPLIT);
            a[split] = split + 1;
            gen(node.options[i]);
            jumps.push(emit(OP_JMP));
            b[split] = op.length;
          } else {
            gen(node.options[i]);
          }
        }
        for (const j of jumps) a[j] = op.length;
        return;
      }
      case "repeat": {
        for (let i = 0; i < node.min; i++) {
          const before = op.length;
          gen(node.body);
          // A body that compiles to nothing (`(?:){1000000000}`) need not be repeated.
          if (op.length === before) break;
        }
        if (node.max === Infinity) {
          const split = emit(OP_SPLIT);
          a[split] = split + 1;
          gen(node.body);
          emit(OP_JMP, split);
          b[split] = op.length;
          return;
        }
        const splits: number[] = [];
        for (let i = node.min; i < node.max; i++) {
          const split = emit(OP_SPLIT);
          a[split] = split + 1;
          splits.push(split);
          gen(node.body);
        }
        for (const s of splits) b[s] = op.length;
        return;
      }
      default:
        throw new RangeError(`the bounded matcher does not support ${node.type}`);
    }
  };
  gen(root);
  emit(OP_MATCH);
  return {
    op: Int32Array.from(op),
    a: Int32Array.from(a),
    b: Int32Array.from(b),
    sets,
    ascii: asciiMembership(sets),
  };
}
