// A parser of ECMAScript regular-expression syntax as JSON Schema uses it (no flags): the
// `u`-mode grammar, or the legacy (Annex B) grammar for patterns only valid without `u`.
// It builds the tree the safety classifier and the bounded matcher work from.

import type { AssertionKind, ParsedPattern, RegexNode } from "./ast.ts";
import {
  type CharSet,
  complementRanges,
  DIGIT,
  LINE_TERMINATORS,
  normalizeRanges,
  SPACE,
  WORD,
} from "./charset.ts";

type Pair = readonly [number, number];
const SYNTAX = "^$\\.*+?()[]{}|/";
const SINGLE_ESCAPES: Readonly<Record<string, number>> = { t: 9, n: 10, v: 11, f: 12, r: 13 };

function classOf(pairs: readonly Pair[], negate: boolean): CharSet {
  return { ranges: normalizeRanges(pairs), props: [], negate };
}

/** Parses `source` (in `u` mode when `unicode`); throws `SyntaxError` on invalid syntax. */
export function parsePattern(source: string, unicode: boolean): ParsedPattern {
  const parser = new Parser(source, unicode);
  const root = parser.disjunction();
  if (parser.pos < source.length) parser.fail("unmatched ')'");
  return { root, unicode, needsBacktracking: parser.backtracking };
}

class Parser {
  readonly src: string;
  readonly unicode: boolean;
  pos = 0;
  backtracking = false;
  readonly groups: number;
  readonly named: boolean;

  constructor(src: string, unicode: boolean) {
    this.src = src;
    this.unicode = unicode;
    const { groups, named } = countGroups(src);
    this.groups = groups;
    this.named = named;
  }

  fail(message: string): never {
    throw new SyntaxError(`invalid regular expression at ${this.pos}: ${message}`);
  }

  peek(offset = 0): string {
    return this.src[this.pos + offset] ?? "";
  }

  eat(text: string): boolean {
    if (!this.src.startsWith(text, this.pos)) return false;
    this.pos += text.length;
    return true;
  }

  /** Reads one source character: a code point in `u` mode, a code unit otherwise. */
  readChar(): number {
    const c = this.unicode ? this.src.codePointAt(this.pos)! : this.src.charCodeAt(this.pos);
    this.pos += c > 0xffff ? 2 : 1;
    return c;
  }

  disjunction(): RegexNode {
    const options = [this.alternative()];
    while (this.eat("|")) options.push(this.alternative());
    return options.length === 1 ? options[0] : { type: "alt", options };
  }

  alternative(): RegexNode {
    const items: RegexNode[] = [];
    while (this.pos < this.src.length && this.peek() !== "|" && this.peek() !== ")") {
      items.push(this.term());
    }
    if (items.length === 0) return { type: "empty" };
    return items.length === 1 ? items[0] : { type: "seq", items };
  }

  term(): RegexNode {
    const assertion = this.assertion();
    if (assertion !== undefined) return assertion;
    if (this.src.startsWith("(?=", this.pos) || this.src.startsWith("(?!", this.pos)) {
      const look = this.look(false);
      // Annex B lets a lookahead be quantified outside `u` mode.
      return this.unicode ? look : this.quantified(look);
    }
    if (this.src.startsWith("(?<=", this.pos) || this.src.startsWith("(?<!", this.pos)) {
      return this.look(true);
    }
    return this.quantified(this.atom());
  }

  assertion(): RegexNode | undefined {
    let kind: AssertionKind | undefined;
    if (this.eat("^")) kind = "start";
    else if (this.eat("$")) kind = "end";
    else if (this.eat("\\b")) kind = "word";
    else if (this.eat("\\B")) kind = "notWord";
    return kind === undefined ? undefined : { type: "assert", kind };
  }

  look(behind: boolean): RegexNode {
    this.pos += behind ? 3 : 2;
    const negate = this.readChar() === 0x21;
    const body = this.disjunction();
    if (!this.eat(")")) this.fail("missing ')'");
    this.backtracking = true;
    return { type: "look", behind, negate, body };
  }

  quantified(body: RegexNode): RegexNode {
    const start = this.pos;
    let min: number;
    let max: number;
    if (this.eat("*")) [min, max] = [0, Infinity];
    else if (this.eat("+")) [min, max] = [1, Infinity];
    else if (this.eat("?")) [min, max] = [0, 1];
    else {
      const braces = this.braces();
      if (braces === undefined) return body;
      [min, max] = braces;
    }
    if (min > max) {
      this.pos = start;
      this.fail("numbers out of order in {} quantifier");
    }
    const lazy = this.eat("?");
    return { type: "repeat", body, min, max, lazy };
  }

  /** A `{n}`, `{n,}` or `{n,m}` quantifier at the cursor, consumed; else nothing consumed. */
  braces(): [number, number] | undefined {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos, this.pos + 40));
    if (m === null) return undefined;
    this.pos += m[0].length;
    const min = Number(m[1]);
    const max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
    return [min, max];
  }

  atom(): RegexNode {
    const c = this.peek();
    if (c === ".") {
      this.pos++;
      return { type: "char", set: classOf(LINE_TERMINATORS, true) };
    }
    if (c === "(") return this.group();
    if (c === "[") return { type: "char", set: this.characterClass() };
    if (c === "\\") return this.atomEscape();
    if (c === "*" || c === "+" || c === "?") this.fail("nothing to repeat");
    if (c === "{") {
      if (this.unicode || this.braces() !== undefined) this.fail("nothing to repeat");
    }
    if (this.unicode && (c === "}" || c === "]")) this.fail(`lone '${c}'`);
    const ch = this.readChar();
    return { type: "char", set: classOf([[ch, ch]], false) };
  }

  group(): RegexNode {
    this.pos++;
    if (this.eat("?:")) {
      // non-capturing
    } else if (this.eat("?<")) {
      const end = this.src.indexOf(">", this.pos);
      if (end <= this.pos) this.fail("invalid group name");
      this.pos = end + 1;
    } else if (this.peek() === "?") {
      this.fail("invalid group");
    }
    const body = this.disjunction();
    if (!this.eat(")")) this.fail("missing ')'");
    return { type: "group", body };
  }

  atomEscape(): RegexNode {
    this.pos++;
    const c = this.peek();
    if (c === "") this.fail("\\ at end of pattern");
    if (c >= "1" && c <= "9") {
      const digits = /^\d+/.exec(this.src.slice(this.pos))![0];
      if (Number(digits) <= this.groups) {
        this.pos += digits.length;
        this.backtracking = true;
        return { type: "backref", ref: digits };
      }
      if (this.unicode) this.fail("invalid escape");
    }
    if (c === "k" && (this.unicode || this.named)) {
      const m = /^k<([^>]+)>/.exec(this.src.slice(this.pos));
      if (m === null) this.fail("invalid named reference");
      this.pos += m[0].length;
      this.backtracking = true;
      return { type: "backref", ref: m[1] };
    }
    return { type: "char", set: this.classEscape(false) };
  }

  /** An escape (after its `\`) denoting a set: a class escape or a single character. */
  classEscape(inClass: boolean): CharSet {
    const c = this.peek();
    const lower = c.toLowerCase();
    if (lower === "d" || lower === "w" || lower === "s") {
      this.pos++;
      return classOf(lower === "d" ? DIGIT : lower === "w" ? WORD : SPACE, c !== lower);
    }
    if ((c === "p" || c === "P") && this.unicode) return this.property();
    const ch = this.characterEscape(inClass);
    return classOf([[ch, ch]], false);
  }

  property(): CharSet {
    const m = /^[pP]\{([A-Za-z0-9_=]+)\}/.exec(this.src.slice(this.pos));
    if (m === null) this.fail("invalid property escape");
    let test: RegExp;
    try {
      test = new RegExp(`^\\${m[0]}$`, "u");
    } catch (error) {
      throw new SyntaxError(`invalid property name ${m[1]}`, { cause: error });
    }
    this.pos += m[0].length;
    return { ranges: [], props: [test], negate: false };
  }

  /** A single-character escape after its `\`. */
  characterEscape(inClass: boolean): number {
    const c = this.peek();
    if (c in SINGLE_ESCAPES) {
      this.pos++;
      return SINGLE_ESCAPES[c];
    }
    if (c === "c") {
      const letter = this.peek(1);
      if (/^[A-Za-z]$/.test(letter)) {
        this.pos += 2;
        return letter.charCodeAt(0) % 32;
      }
      if (!this.unicode && inClass && /^[0-9_]$/.test(letter)) {
        this.pos += 2;
        return letter.charCodeAt(0) % 32;
      }
      if (this.unicode) this.fail("invalid control escape");
      return 0x5c; // Annex B: the backslash is literal and `c` is read next.
    }
    if (c === "0" && !/^[0-9]$/.test(this.peek(1))) {
      this.pos++;
      return 0;
    }
    if (c >= "0" && c <= "9" && !this.unicode) {
      if (c >= "8") {
        this.pos++;
        return c.charCodeAt(0);
      }
      const oct = /^[0-3][0-7]{0,2}|^[4-7][0-7]?/.exec(this.src.slice(this.pos))![0];
      this.pos += oct.length;
      return parseInt(oct, 8);
    }
    if (c === "x") {
      const m = /^x([0-9A-Fa-f]{2})/.exec(this.src.slice(this.pos));
      if (m !== null) {
        this.pos += 3;
        return parseInt(m[1], 16);
      }
      if (this.unicode) this.fail("invalid \\x escape");
    }
    if (c === "u") {
      const unit = this.unicodeEscape();
      if (unit !== undefined) return unit;
      if (this.unicode) this.fail("invalid unicode escape");
    }
    if (this.unicode) {
      if (SYNTAX.includes(c) || (inClass && c === "-")) {
        this.pos++;
        return c.charCodeAt(0);
      }
      this.fail("invalid escape");
    }
    return this.readChar();
  }

  unicodeEscape(): number | undefined {
    const rest = this.src.slice(this.pos, this.pos + 14);
    if (this.unicode) {
      const braced = /^u\{([0-9A-Fa-f]+)\}/.exec(rest);
      if (braced !== null) {
        const cp = parseInt(braced[1], 16);
        if (cp > 0x10ffff) this.fail("code point out of range");
        this.pos += braced[0].length;
        return cp;
      }
      const pair = /^u(d[89ab][0-9a-f]{2})\\u(d[c-f][0-9a-f]{2})/i.exec(rest);
      if (pair !== null) {
        this.pos += pair[0].length;
        const hi = parseInt(pair[1], 16);
        const lo = parseInt(pair[2], 16);
        return (hi - 0xd800) * 0x400 + (lo - 0xdc00) + 0x10000;
      }
    }
    const m = /^u([0-9A-Fa-f]{4})/.exec(rest);
    if (m === null) return undefined;
    this.pos += 5;
    return parseInt(m[1], 16);
  }

  characterClass(): CharSet {
    this.pos++;
    const negate = this.eat("^");
    const pairs: Pair[] = [];
    const props: RegExp[] = [];
    const add = (set: CharSet): void => {
      if (set.props.length > 0) {
        // A `\p`/`\P` item: its native test already carries its own sense.
        props.push(...set.props);
        return;
      }
      const ranges = set.negate ? complementRanges(set.ranges) : toPairs(set.ranges);
      pairs.push(...ranges);
    };
    while (this.peek() !== "]") {
      if (this.pos >= this.src.length) this.fail("missing ']'");
      const first = this.classAtom();
      if (this.peek() === "-" && this.peek(1) !== "]" && this.peek(1) !== "") {
        const save = this.pos;
        this.pos++;
        const second = this.classAtom();
        const lo = singleChar(first);
        const hi = singleChar(second);
        if (lo !== undefined && hi !== undefined) {
          if (lo > hi) this.fail("range out of order in character class");
          pairs.push([lo, hi]);
          continue;
        }
        if (this.unicode) this.fail("invalid character class range");
        this.pos = save;
      }
      add(first);
    }
    this.pos++;
    return { ranges: normalizeRanges(pairs), props, negate };
  }

  classAtom(): CharSet {
    if (this.peek() !== "\\") {
      const ch = this.readChar();
      return classOf([[ch, ch]], false);
    }
    this.pos++;
    if (this.eat("b")) return classOf([[8, 8]], false);
    if (this.unicode && this.peek() >= "1" && this.peek() <= "9") this.fail("invalid escape");
    if (!this.unicode && this.peek() === "k") {
      this.pos++;
      return classOf([[0x6b, 0x6b]], false);
    }
    return this.classEscape(true);
  }
}

function toPairs(ranges: readonly number[]): Pair[] {
  const out: Pair[] = [];
  for (let i = 0; i < ranges.length; i += 2) out.push([ranges[i], ranges[i + 1]]);
  return out;
}

function singleChar(set: CharSet): number | undefined {
  const r = set.ranges;
  return !set.negate && set.props.length === 0 && r.length === 2 && r[0] === r[1]
    ? r[0]
    : undefined;
}

/** Capturing groups (and whether any is named), for telling backreferences from octal. */
function countGroups(src: string): { groups: number; named: boolean } {
  let groups = 0;
  let named = false;
  let inClass = false;
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(") {
      if (src[i + 1] !== "?") groups++;
      else if (src[i + 2] === "<" && src[i + 3] !== "=" && src[i + 3] !== "!") {
        groups++;
        named = true;
      }
    }
  }
  return { groups, named };
}
