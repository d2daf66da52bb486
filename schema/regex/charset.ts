// Sets of characters (code points, or code units in legacy mode) as sorted inclusive ranges,
// plus Unicode property escapes that are delegated to a native RegExp testing one character,
// which is linear by construction.

/** A set of characters: `ranges` (flat, sorted `[lo, hi, lo, hi, ...]`) or any of `props`. */
export interface CharSet {
  /** Inclusive ranges, flattened and sorted, not overlapping. */
  readonly ranges: readonly number[];
  /** Native single-character tests, for `\p{…}` and `\P{…}`. */
  readonly props: readonly RegExp[];
  /** Complement the union of `ranges` and `props`. */
  readonly negate: boolean;
}

/** The largest code point. */
export const MAX_CHAR = 0x10ffff;

/** Sorts and merges inclusive ranges given as `[lo, hi]` pairs. */
export function normalizeRanges(pairs: readonly (readonly [number, number])[]): number[] {
  const sorted = [...pairs].sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of sorted) {
    const last = out.length - 1;
    if (last > 0 && lo <= out[last] + 1) {
      if (hi > out[last]) out[last] = hi;
    } else {
      out.push(lo, hi);
    }
  }
  return out;
}

/** The complement of normalized `ranges` within `[0, MAX_CHAR]`. */
export function complementRanges(ranges: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  let next = 0;
  for (let i = 0; i < ranges.length; i += 2) {
    if (ranges[i] > next) out.push([next, ranges[i] - 1]);
    next = ranges[i + 1] + 1;
  }
  if (next <= MAX_CHAR) out.push([next, MAX_CHAR]);
  return out;
}

/** `\d`. */
export const DIGIT: readonly (readonly [number, number])[] = [[0x30, 0x39]];
/** `\w` (ECMAScript: ASCII only, also under the `u` flag without `i`). */
export const WORD: readonly (readonly [number, number])[] = [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x5f, 0x5f],
  [0x61, 0x7a],
];
/** `\s`: ECMAScript WhiteSpace and LineTerminator. */
export const SPACE: readonly (readonly [number, number])[] = [
  [0x09, 0x0d],
  [0x20, 0x20],
  [0xa0, 0xa0],
  [0x1680, 0x1680],
  [0x2000, 0x200a],
  [0x2028, 0x2029],
  [0x202f, 0x202f],
  [0x205f, 0x205f],
  [0x3000, 0x3000],
  [0xfeff, 0xfeff],
];
/** Line terminators, which `.` does not match. */
export const LINE_TERMINATORS: readonly (readonly [number, number])[] = [
  [0x0a, 0x0a],
  [0x0d, 0x0d],
  [0x2028, 0x2029],
];

/** Whether `c` is a `\w` character (for `\b`). */
export function isWordChar(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) ||
    c === 0x5f;
}

function inRanges(ranges: readonly number[], c: number): boolean {
  let lo = 0;
  let hi = (ranges.length >> 1) - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (c < ranges[2 * mid]) hi = mid - 1;
    else if (c > ranges[2 * mid + 1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** Whether character `c` belongs to `set`. */
export function setHas(set: CharSet, c: number): boolean {
  let found = inRanges(set.ranges, c);
  if (!found) {
    for (let i = 0; i < set.props.length; i++) {
      if (set.props[i].test(String.fromCodePoint(c))) {
        found = true;
        break;
      }
    }
  }
  return found !== set.negate;
}

/** Whether two sets may share a character (`true` when it cannot be ruled out cheaply). */
export function setsMayOverlap(a: CharSet, b: CharSet): boolean {
  if (a.props.length > 0 || b.props.length > 0) return true;
  if (a.negate && b.negate) return true;
  const x = a.negate ? complementRanges(a.ranges).flat() : a.ranges;
  const y = b.negate ? complementRanges(b.ranges).flat() : b.ranges;
  return rangesOverlap(x, y);
}

function rangesOverlap(x: readonly number[], y: readonly number[]): boolean {
  let i = 0;
  let j = 0;
  while (i < x.length && j < y.length) {
    if (x[i + 1] < y[j]) i += 2;
    else if (y[j + 1] < x[i]) j += 2;
    else return true;
  }
  return false;
}
