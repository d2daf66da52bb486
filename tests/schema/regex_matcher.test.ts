// The bounded-time pattern matcher: adversarial patterns finish in bounded work, the
// classifier's choices, refusal of unboundable patterns, and agreement with native RegExp on
// seeded random (pattern, input) pairs.

import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileSchema, SchemaError } from "../../schema/mod.ts";
import { compilePatternMatcher, PatternError } from "../../schema/regex/mod.ts";

describe("adversarial patterns", () => {
  test("^(a+)+$ on a×30+! is bounded and agrees with the spec", () => {
    const m = compilePatternMatcher("^(a+)+$");
    assert.equal(m.engine, "bounded");
    const short = m.run("a".repeat(30) + "!");
    assert.equal(short.matched, false);
    assert.ok(short.steps < 1e6, `steps ${short.steps}`);
    const long = m.run("a".repeat(10_000) + "!");
    assert.equal(long.matched, false);
    assert.ok(long.steps < 20 * 10_000, `steps ${long.steps}`);
    assert.equal(m.test("a".repeat(50)), true);
  });

  test("other catastrophic shapes stay linear", () => {
    const input = "a".repeat(5_000) + "!";
    for (
      const p of ["(a|a)*b", "(a|aa)+$", "^(a?){25}a{25}$", "(\\w+\\s?)*$", "\\d+\\d+x", ".*.*=.*"]
    ) {
      const m = compilePatternMatcher(p);
      assert.equal(m.engine, "bounded", p);
      const r = m.run(input);
      assert.equal(r.matched, new RegExp(p, "u").test("a".repeat(20) + "!"), p);
      assert.ok(r.steps < 200 * input.length, `${p}: steps ${r.steps}`);
    }
  });

  test("a validator with such a pattern answers at once", () => {
    const v = compileSchema({ type: "string", pattern: "^(a+)+$" });
    const started = performance.now();
    assert.equal(v.is("a".repeat(30) + "!"), false);
    assert.equal(v.validate("a".repeat(2_000) + "!").valid, false);
    assert.equal(v.is("aaaa"), true);
    assert.ok(performance.now() - started < 2_000);
    const props = compileSchema({
      type: "object",
      patternProperties: { "^(a|aa)+$": { type: "integer" } },
      additionalProperties: false,
    });
    assert.equal(props.is({ ["a".repeat(40) + "!"]: 1 }), false);
    assert.equal(props.is({ aaaa: 1 }), true);
  });

  test("bounded matching counts towards maxSteps", () => {
    const v = compileSchema({ pattern: "(a|b)+c" }, { limits: { maxSteps: 1_000 } });
    const result = v.validate("ab".repeat(1_000));
    assert.equal(result.valid, false);
    assert.match(JSON.stringify(result.errors), /maxSteps/);
  });
});

describe("classifier", () => {
  test("simple, anchored, deterministic patterns stay native", () => {
    for (
      const p of [
        "^abc$",
        "[a-z]cole",
        "^\\d+$",
        "^[a-z]+-[0-9]+$",
        "^[^#]*#?$",
        "a+",
        "\\wcole",
        "^[A-Za-z_][-A-Za-z0-9._]*$",
        "^\\p{Letter}+$",
        "(a)\\1",
        "^(?=x)x\\d+$",
        "^[A-Za-z]+(?:/[A-Za-z_]+)+$",
        "^(ab)+$",
        "^\\d+(?:\\.\\d+){0,3}$",
      ]
    ) {
      assert.equal(compilePatternMatcher(p).engine, "native", p);
    }
  });

  test("nested, overlapping or unanchored repetition goes to the bounded matcher", () => {
    for (
      const p of [
        "^(a+)+$",
        "(a|b)*c",
        "\\d+x",
        "^\\d+\\d+$",
        "^\\w+\\s*\\w+$",
        "^(aa)+$",
        "^[a-z]+(?:/[a-z]+)*/$",
      ]
    ) {
      const m = compilePatternMatcher(p);
      assert.equal(m.engine, "bounded", p);
      assert.notEqual(m.reason, "", p);
    }
  });

  test("backreferences or lookaround with nested quantifiers are refused", () => {
    for (const p of ["^(a+)+\\1$", "((a)\\2+)+", "(?=(a+)+)b", "(\\w+)+\\1"]) {
      assert.throws(() => compilePatternMatcher(p), PatternError, p);
      assert.throws(
        () => compileSchema({ pattern: p }),
        (e: unknown) => e instanceof SchemaError && e.message.includes(JSON.stringify(p)),
        p,
      );
    }
  });

  test("invalid patterns stay schema errors", () => {
    assert.throws(() => compileSchema({ pattern: "(" }), /not a valid regular expression/);
    assert.throws(
      () => compileSchema({ patternProperties: { "[": true } }),
      /not a valid regular expression/,
    );
    assert.throws(() => compilePatternMatcher("a{2,1}"), PatternError);
  });

  test("huge counted repetitions that need the bounded matcher are refused", () => {
    assert.throws(() => compilePatternMatcher("(a|b){100000}"), /too large/);
    const empty = compilePatternMatcher("(?:){1000000000}x", { forceBounded: true });
    assert.equal(empty.test("x"), true);
  });
});

/** Mulberry32: a small seeded PRNG so failures reproduce. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ATOMS = ["a", "b", "c", ".", "\\d", "\\w", "\\s", "\\W", "[ab]", "[^a]", "[a-c1]", "-", "1"];
const QUANTIFIERS = ["", "", "", "*", "+", "?", "{2}", "{1,3}", "{0,}", "*?", "+?", "{2,}?"];

function genPattern(rand: () => number, depth: number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const parts: string[] = [];
  const count = 1 + Math.floor(rand() * 4);
  for (let i = 0; i < count; i++) {
    const r = rand();
    let atom: string;
    if (r < 0.15 && depth < 2) {
      const inner = [genPattern(rand, depth + 1)];
      if (rand() < 0.5) inner.push(genPattern(rand, depth + 1));
      atom = (rand() < 0.5 ? "(" : "(?:") + inner.join("|") + ")";
    } else if (r < 0.22) {
      parts.push(pick(["^", "$", "\\b", "\\B"]));
      continue;
    } else {
      atom = pick(ATOMS);
    }
    parts.push(atom + pick(QUANTIFIERS));
  }
  return parts.join("");
}

function genInput(rand: () => number): string {
  const chars = "abc1 -_";
  let s = "";
  const n = Math.floor(rand() * 10);
  for (let i = 0; i < n; i++) s += chars[Math.floor(rand() * chars.length)];
  return s;
}

test("the bounded matcher agrees with native RegExp on seeded random pairs", () => {
  const rand = prng(20261204);
  let pairs = 0;
  let matches = 0;
  for (let i = 0; i < 400; i++) {
    const source = genPattern(rand, 0);
    const native = new RegExp(source, "u");
    const bounded = compilePatternMatcher(source, { forceBounded: true });
    assert.equal(bounded.engine, "bounded");
    for (let j = 0; j < 6; j++) {
      const input = genInput(rand);
      const expected = native.test(input);
      assert.equal(bounded.test(input), expected, `/${source}/u on ${JSON.stringify(input)}`);
      pairs++;
      if (expected) matches++;
    }
  }
  assert.equal(pairs, 2400);
  // Both outcomes must be well represented for the comparison to mean anything.
  assert.ok(matches > 400 && matches < 2000, `matches ${matches}`);
});

test("Unicode: code points, \\p, \\u{…} and surrogate pairs", () => {
  const cases: [string, string][] = [
    ["^\u{1F432}*$", "\u{1F432}\u{1F432}"],
    ["^.$", "\u{1F432}"],
    ["^\\p{Letter}+$", "école"],
    ["^[\\P{L}]+$", "123"],
    ["^\\u{1F432}\\uD83D\\uDC32$", "\u{1F432}\u{1F432}"],
    ["^[^\\s]$", "\u00a0"],
    ["^\\s$", "\ufeff"],
    ["^\\cC$", "\u0003"],
    ["^[\\d\\-z]+$", "1-z"],
    ["^\\bé", "é"],
  ];
  for (const [p, input] of cases) {
    const m = compilePatternMatcher(p, { forceBounded: true });
    assert.equal(m.test(input), new RegExp(p, "u").test(input), `${p} on ${input}`);
    assert.equal(m.test(input + "x"), new RegExp(p, "u").test(input + "x"), `${p} on ${input}x`);
  }
});

test("legacy syntax (only valid without the u flag) is matched in code units", () => {
  const cases: [string, string][] = [
    ["^[\\d-z]+$", "1-z"],
    ["^\\p\\z$", "pz"],
    ["^a{,2}$", "a{,2}"],
    ["^\\q\\0\\8$", "q\u00008"],
    ["^\\-\uD83D\uDC32*$", "-\u{1F432}\uDC32"],
    ["^\\cé", "\\cé"],
    ["^[\\c_]$", "\u001f"],
    ["(a)\\2x", "a\u0002x"],
  ];
  for (const [p, input] of cases) {
    assert.throws(() => new RegExp(p, "u"), SyntaxError, p);
    const m = compilePatternMatcher(p, { forceBounded: true });
    assert.equal(m.test(input), new RegExp(p).test(input), `${p} on ${input}`);
    assert.equal(m.test(input), true, `${p} on ${input}`);
  }
});

test("patterns the classifier leaves native run fast on hostile inputs", () => {
  const rand = prng(7);
  const hostile = ["a", "1", "ab", "a1 ", "-_"].map((unit) => unit.repeat(4_000) + "!");
  let native = 0;
  for (let i = 0; i < 3_000 && native < 150; i++) {
    const source = (i % 2 === 0 ? "^" : "") + genPattern(rand, 0);
    const m = compilePatternMatcher(source);
    if (m.engine !== "native") continue;
    native++;
    for (const input of hostile) {
      const started = performance.now();
      m.test(input);
      const ms = performance.now() - started;
      assert.ok(ms < 250, `/${source}/ took ${ms.toFixed(0)} ms on ${input.slice(0, 8)}…`);
    }
  }
  assert.equal(native, 150, `only ${native} native patterns generated`);
});
