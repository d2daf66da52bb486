// Decides whether native `RegExp` may run a pattern. V8, JavaScriptCore and SpiderMonkey
// backtrack: nested quantifiers over overlapping input are exponential, adjacent overlapping
// quantifiers polynomial, and an unanchored search restarts at every position (so even `\d+x`
// is quadratic). Native is used only when none of that can happen; everything else goes to
// the bounded matcher, or is refused when it needs backtracking features.

import type { RegexNode } from "./ast.ts";
import { type CharSet, setsMayOverlap } from "./charset.ts";

/** The classifier's verdict on a pattern. */
export interface Classification {
  /** No nested quantifier (star height ≤ 1 and no alternation or backreference under one). */
  readonly boundedNesting: boolean;
  /** Native backtracking is linear: bounded nesting, deterministic repeats, anchored search. */
  readonly nativeSafe: boolean;
  /** Why native is not safe (for error messages and benches). */
  readonly reason: string;
}

/** Classifies a parsed pattern tree. */
export function classifyPattern(root: RegexNode): Classification {
  const nested = findNesting(root, false);
  if (nested !== undefined) return { boundedNesting: false, nativeSafe: false, reason: nested };
  if (!hasVariableRepeat(root)) return { boundedNesting: true, nativeSafe: true, reason: "" };
  const alternatives = root.type === "alt" ? root.options : [root];
  for (const alternative of alternatives) {
    const items = alternative.type === "seq" ? alternative.items : [alternative];
    const first = items[0];
    if ((first.type !== "assert" || first.kind !== "start") && !onlyTrailingRepeat(items)) {
      // Every start position is tried; a repetition that can fail after consuming makes that
      // quadratic (`\d+x` on a long run of digits).
      return { boundedNesting: true, nativeSafe: false, reason: "unanchored repetition" };
    }
    const ambiguous = findAmbiguity(items, "accept");
    if (ambiguous !== undefined) {
      return { boundedNesting: true, nativeSafe: false, reason: ambiguous };
    }
  }
  return { boundedNesting: true, nativeSafe: true, reason: "" };
}

/** Only the last item varies, so a search succeeds as soon as what precedes it matched. */
function onlyTrailingRepeat(items: readonly RegexNode[]): boolean {
  const last = items[items.length - 1];
  if (last.type !== "repeat" || hasVariableRepeat(last.body)) return false;
  return !items.slice(0, -1).some(hasVariableRepeat);
}

function isVariable(node: RegexNode): boolean {
  return node.type === "repeat" && node.min !== node.max;
}

function hasVariableRepeat(node: RegexNode): boolean {
  switch (node.type) {
    case "repeat":
      return node.min !== node.max || hasVariableRepeat(node.body);
    case "seq":
      return node.items.some(hasVariableRepeat);
    case "alt":
      return node.options.some(hasVariableRepeat);
    case "group":
    case "look":
      return hasVariableRepeat(node.body);
    case "backref":
      return true;
    default:
      return false;
  }
}

/** Describes a repetition of something that itself varies, if any. */
function findNesting(node: RegexNode, underRepeat: boolean): string | undefined {
  switch (node.type) {
    case "repeat": {
      if (underRepeat && node.min !== node.max) return "nested quantifier";
      // Iterations that each start with their own separator split the input one way only.
      if (!underRepeat && separated(node.body) !== undefined) {
        return findNesting(node.body, false);
      }
      return findNesting(node.body, underRepeat || node.max > 1);
    }
    case "alt":
      if (underRepeat) return "alternation under a quantifier";
      for (const option of node.options) {
        const found = findNesting(option, underRepeat);
        if (found !== undefined) return found;
      }
      return undefined;
    case "seq":
      for (const item of node.items) {
        const found = findNesting(item, underRepeat);
        if (found !== undefined) return found;
      }
      return undefined;
    case "group":
    case "look":
      return findNesting(node.body, underRepeat);
    case "backref":
      return underRepeat ? "backreference under a quantifier" : undefined;
    default:
      return undefined;
  }
}

/**
 * A repeated body like `/[a-z]+`: a sequence opening with one character (the separator) that
 * nothing else in it can match, built from characters and repeats only.
 */
function separated(body: RegexNode): { sep: CharSet; items: readonly RegexNode[] } | undefined {
  while (body.type === "group") body = body.body;
  if (body.type !== "seq" || body.items[0].type !== "char") return undefined;
  const sep = body.items[0].set;
  const sets: CharSet[] = [];
  if (!collectSets(body.items.slice(1), sets)) return undefined;
  return sets.some((set) => setsMayOverlap(sep, set)) ? undefined : { sep, items: body.items };
}

function collectSets(nodes: readonly RegexNode[], out: CharSet[]): boolean {
  for (const node of nodes) {
    if (node.type === "char") out.push(node.set);
    else if (node.type === "group" || node.type === "repeat") {
      if (!collectSets([node.body], out)) return false;
    } else if (node.type === "seq") {
      if (!collectSets(node.items, out)) return false;
    } else if (node.type !== "assert" && node.type !== "empty") return false;
  }
  return true;
}

/** The set of a single-character node (directly or in a group), if it is one. */
function charSetOf(node: RegexNode): CharSet | undefined {
  if (node.type === "char") return node.set;
  if (node.type === "group") return charSetOf(node.body);
  return undefined;
}

/** The characters a node must start with, when that is one simple set. */
function firstSet(node: RegexNode): CharSet | undefined {
  if (node.type === "char") return node.set;
  if (node.type === "group" || node.type === "repeat") return firstSet(node.body);
  if (node.type === "seq" && node.items.length > 0 && node.items[0].type === "char") {
    return node.items[0].set;
  }
  return undefined;
}

/** What may follow the end of a group: `"accept"` (end of match), sets, or `"reject"`. */
type Follow = "accept" | "reject" | readonly CharSet[];

/** The sets that can follow position `from` of `items`, as far as simple terms show them. */
function followOf(items: readonly RegexNode[], from: number, end: Follow): Follow {
  const sets: CharSet[] = [];
  for (let j = from; j < items.length; j++) {
    const next = items[j];
    if (next.type === "assert") {
      if (next.kind === "end") return sets;
      continue;
    }
    const set = firstSet(next);
    if (set === undefined) return "reject";
    sets.push(set);
    if (next.type !== "repeat" || next.min > 0) return sets;
  }
  if (end === "reject") return "reject";
  return end === "accept" ? sets : [...sets, ...end];
}

/**
 * Every variable repeat must be over one character (or a separated body) and be followed by
 * characters it cannot match (or by the end), so backtracking into it can never succeed.
 */
function findAmbiguity(items: readonly RegexNode[], end: Follow): string | undefined {
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (item.type === "repeat") {
      const parts = separated(item.body);
      if (parts !== undefined) {
        const after = followOf(items, i + 1, end);
        if (after === "reject") return "repetition followed by a complex term";
        if (after !== "accept" && after.some((set) => setsMayOverlap(parts.sep, set))) {
          return "adjacent overlapping repetitions";
        }
        const inner = findAmbiguity(
          parts.items,
          after === "accept" ? [parts.sep] : [parts.sep, ...after],
        );
        if (inner !== undefined) return inner;
        continue;
      }
    }
    if (item.type === "group" || (item.type === "repeat" && item.min === item.max)) {
      if (hasVariableRepeat(item.body)) return "repetition inside a group";
      continue;
    }
    if (item.type === "alt") {
      if (hasVariableRepeat(item)) return "repetition inside alternation";
      continue;
    }
    if (item.type !== "repeat" || !isVariable(item)) continue;
    const set = charSetOf(item.body);
    if (set === undefined) {
      return "repetition of more than one character";
    }
    const after = followOf(items, i + 1, end);
    if (after === "reject") return "repetition followed by a complex term";
    if (after !== "accept" && after.some((next) => setsMayOverlap(set, next))) {
      return "adjacent overlapping repetitions";
    }
  }
  return undefined;
}
