import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { JSONC_MAX_DEPTH, JsoncError, type JsoncErrorKind, parseJsonc } from "../../cli/jsonc.ts";

/** Asserts that parsing `text` fails with exactly this kind, position and message. */
function fails(text: string, kind: JsoncErrorKind, line: number, column: number, detail: string) {
  assert.throws(
    () => parseJsonc(text, "emcee.jsonc"),
    (error: unknown) => {
      assert.ok(error instanceof JsoncError, `not a JsoncError: ${error}`);
      assert.deepEqual(
        { kind: error.kind, line: error.line, column: error.column, detail: error.detail },
        { kind, line, column, detail },
      );
      assert.equal(error.source, "emcee.jsonc");
      assert.equal(error.message, `emcee.jsonc:${line}:${column}: ${detail}`);
      return true;
    },
  );
}

describe("parseJsonc: values", () => {
  test("plain JSON parses as JSON.parse does", () => {
    const text =
      '{"a": [1, -2.5e3, 0, 0.5, 1E+2, 3e-1], "b": {"c": null, "d": true, "e": false}, "f": ""}';
    assert.deepEqual(parseJsonc(text), JSON.parse(text));
    for (const scalar of ["0", "-0", "12", '"x"', "true", "false", "null", "[]", "{}", " 1 "]) {
      assert.deepEqual(parseJsonc(scalar), JSON.parse(scalar), scalar);
    }
  });

  test("line and block comments wherever whitespace may go", () => {
    const text = [
      "// leading",
      "/* block */ { // after brace",
      '  "port" /* before colon */ : /* after colon */ 9000, // after value',
      '  "dirs": [ /* in array */ "a" /* between */, "b" ],',
      '  "url": "http://x/*not a comment*/ //nor this"',
      "} /* trailing */",
      "// end without newline",
    ].join("\n");
    assert.deepEqual(parseJsonc(text), {
      port: 9000,
      dirs: ["a", "b"],
      url: "http://x/*not a comment*/ //nor this",
    });
    assert.deepEqual(parseJsonc("/**/1/***/"), 1);
  });

  test("trailing commas in arrays and objects", () => {
    assert.deepEqual(parseJsonc('{ "a": [1, 2,], "b": {"c": 1,}, }'), { a: [1, 2], b: { c: 1 } });
    assert.deepEqual(parseJsonc("[1, // one\n]"), [1]);
  });

  test("every string escape, surrogate pairs and raw non-ASCII text", () => {
    // Not String.raw: Bun's transpiler rewrites non-ASCII characters inside raw templates.
    const text =
      '"\\" \\\\ \\/ \\b \\f \\n \\r \\t \\u0041 \\u00e9 \\ud83d\\ude00 \\uD834\\uDD1E é 😀"';
    assert.equal(parseJsonc(text), JSON.parse(text));
    assert.equal(parseJsonc(text), '" \\ / \b \f \n \r \t A é 😀 𝄞 é 😀');
    // A lone surrogate is kept, as JSON.parse keeps it.
    assert.equal(parseJsonc(String.raw`"\ud800"`), "\ud800");
  });

  test("a leading BOM is skipped and not counted in columns", () => {
    assert.deepEqual(parseJsonc('\uFEFF{"a": 1}'), { a: 1 });
    fails("\uFEFF[x]", "unexpected", 1, 2, "expected a value or ']', found 'x'");
  });

  test("__proto__ is an own property and never the prototype", () => {
    const parsed = parseJsonc(
      '{"__proto__": {"polluted": true}, "a": {"__proto__": []}}',
    ) as Record<
      string,
      unknown
    >;
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.ok(Object.hasOwn(parsed, "__proto__"));
    assert.deepEqual(Object.keys(parsed), ["__proto__", "a"]);
    assert.deepEqual(parsed["__proto__"], { polluted: true });
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.equal((parsed as { polluted?: unknown }).polluted, undefined);
    const inner = parsed.a as object;
    assert.equal(Object.getPrototypeOf(inner), Object.prototype);
    assert.ok(Object.hasOwn(inner, "__proto__"));
  });

  test("nesting up to the limit parses", () => {
    const depth = JSONC_MAX_DEPTH;
    const text = "[".repeat(depth) + "]".repeat(depth);
    let value = parseJsonc(text);
    for (let i = 1; i < depth; i++) value = (value as unknown[])[0];
    assert.deepEqual(value, []);
    assert.deepEqual(
      parseJsonc('{"a":'.repeat(depth) + "1" + "}".repeat(depth)) !== undefined,
      true,
    );
  });
});

describe("parseJsonc: errors carry their kind and exact position", () => {
  test("unexpected characters and words", () => {
    fails(
      '{\n  "port": 1 x\n}',
      "unexpected",
      2,
      13,
      "expected ',' or '}' after a property, found 'x'",
    );
    fails("", "unexpected", 1, 1, "expected a value, found end of input");
    fails("  // only a comment\n", "unexpected", 2, 1, "expected a value, found end of input");
    fails("[1 2]", "unexpected", 1, 4, "expected ',' or ']' after an element, found '2'");
    fails("[1,,]", "unexpected", 1, 4, "expected a value or ']', found ','");
    fails("[,]", "unexpected", 1, 2, "expected a value or ']', found ','");
    fails("[1", "unexpected", 1, 3, "expected ',' or ']' after an element, found end of input");
    fails("{,}", "unexpected", 1, 2, "expected a property name in double quotes, found ','");
    fails(
      "{port: 1}",
      "unexpected",
      1,
      2,
      "expected a property name in double quotes, found 'port'",
    );
    fails("{'a': 1}", "unexpected", 1, 2, "expected a property name in double quotes, found '''");
    fails('{"a" 1}', "unexpected", 1, 6, "expected ':' after the property name, found '1'");
    fails('{"a":}', "unexpected", 1, 6, "expected a value for the property, found '}'");
    fails(
      '{"a": 1',
      "unexpected",
      1,
      8,
      "expected ',' or '}' after a property, found end of input",
    );
    fails(
      '{"a": 1\n',
      "unexpected",
      2,
      1,
      "expected ',' or '}' after a property, found end of input",
    );
    fails("tru", "unexpected", 1, 1, "expected a value, found 'tru'");
    fails("truer", "unexpected", 1, 1, "expected a value, found 'truer'");
    fails("NaN", "unexpected", 1, 1, "expected a value, found 'NaN'");
    fails("1 2", "unexpected", 1, 3, "expected end of input after the value, found '2'");
    fails("{} /", "unexpected", 1, 4, "expected end of input after the value, found '/'");
    fails("[\u0001]", "unexpected", 1, 2, "expected a value or ']', found U+0001");
    fails('"😀" x', "unexpected", 1, 5, "expected end of input after the value, found 'x'");
    fails("[😀]", "unexpected", 1, 2, "expected a value or ']', found '😀'");
  });

  test("lines are counted across LF, CRLF and CR", () => {
    fails("[\r\n1,\r\n x]", "unexpected", 3, 2, "expected a value or ']', found 'x'");
    fails("[\r1,\r x]", "unexpected", 3, 2, "expected a value or ']', found 'x'");
    fails("/* a\nb */ [\n\n  @]", "unexpected", 4, 3, "expected a value or ']', found '@'");
  });

  test("unterminated strings point at the opening quote", () => {
    fails(
      '{"a": "abc',
      "unterminated-string",
      1,
      7,
      "unterminated string (it must end on its line)",
    );
    fails(
      '[\n  "abc\n"]',
      "unterminated-string",
      2,
      3,
      "unterminated string (it must end on its line)",
    );
    fails('"abc\\', "unterminated-string", 1, 1, "unterminated string (it must end on its line)");
    fails(
      '"abc\\\n"',
      "unterminated-string",
      1,
      1,
      "unterminated string (it must end on its line)",
    );
    fails('{"ab', "unterminated-string", 1, 2, "unterminated string (it must end on its line)");
  });

  test("unterminated block comments point at /*", () => {
    fails('{\n  "a": 1 /* note\n}', "unterminated-comment", 2, 10, "unterminated /* comment");
    fails("1 /*/", "unterminated-comment", 1, 3, "unterminated /* comment");
  });

  test("raw control characters in strings", () => {
    fails(
      '"a\tb"',
      "control-character",
      1,
      3,
      "control character U+0009 must be escaped in a string",
    );
    fails(
      '"\u0000"',
      "control-character",
      1,
      2,
      "control character U+0000 must be escaped in a string",
    );
    fails(
      '"\u001f"',
      "control-character",
      1,
      2,
      "control character U+001F must be escaped in a string",
    );
  });

  test("invalid escapes point at the backslash", () => {
    fails('["ok", "a\\qb"]', "invalid-escape", 1, 10, "invalid escape '\\q' in a string");
    fails('"\\x41"', "invalid-escape", 1, 2, "invalid escape '\\x' in a string");
    fails('"\\😀"', "invalid-escape", 1, 2, "invalid escape '\\😀' in a string");
    fails(
      '"\\u12G4"',
      "invalid-escape",
      1,
      2,
      "invalid unicode escape: \\u must be followed by 4 hex digits",
    );
    fails(
      '"\\u12"',
      "invalid-escape",
      1,
      2,
      "invalid unicode escape: \\u must be followed by 4 hex digits",
    );
  });

  test("numbers follow the JSON grammar", () => {
    fails("01", "invalid-number", 1, 1, "invalid number: leading zeros are not allowed");
    fails("[-012]", "invalid-number", 1, 2, "invalid number: leading zeros are not allowed");
    fails(
      "-",
      "invalid-number",
      1,
      2,
      "invalid number: expected a digit after '-', found end of input",
    );
    fails("-a", "invalid-number", 1, 2, "invalid number: expected a digit after '-', found 'a'");
    fails(
      "1.",
      "invalid-number",
      1,
      3,
      "invalid number: expected a digit after the decimal point, found end of input",
    );
    fails(
      "1.e5",
      "invalid-number",
      1,
      3,
      "invalid number: expected a digit after the decimal point, found 'e5'",
    );
    fails(
      "1e",
      "invalid-number",
      1,
      3,
      "invalid number: expected a digit in the exponent, found end of input",
    );
    fails(
      "1e+",
      "invalid-number",
      1,
      4,
      "invalid number: expected a digit in the exponent, found end of input",
    );
    fails("12abc", "invalid-number", 1, 3, "invalid number: unexpected 'abc' after 12");
    fails("1.5.2", "invalid-number", 1, 4, "invalid number: unexpected '.' after 1.5");
    fails("0x10", "invalid-number", 1, 2, "invalid number: unexpected 'x10' after 0");
    fails("+1", "unexpected", 1, 1, "expected a value, found '+'");
    fails(".5", "unexpected", 1, 1, "expected a value, found '.'");
  });

  test("duplicate keys are refused at the second, naming the first", () => {
    fails(
      '{\n  "port": 1,\n  "port": 2\n}',
      "duplicate-key",
      3,
      3,
      'duplicate key "port" (first at 2:3)',
    );
    fails(
      '{"__proto__": 1, "__proto__": 2}',
      "duplicate-key",
      1,
      18,
      'duplicate key "__proto__" (first at 1:2)',
    );
    // Escapes are decoded before comparing.
    fails('{"a": 1, "\\u0061": 2}', "duplicate-key", 1, 10, 'duplicate key "a" (first at 1:2)');
    // The same key in different objects is fine.
    assert.deepEqual(parseJsonc('{"a": {"a": 1}}'), { a: { a: 1 } });
  });

  test("nesting deeper than the limit is refused at the bracket that goes too deep", () => {
    const depth = JSONC_MAX_DEPTH + 1;
    fails("[".repeat(depth), "too-deep", 1, depth, `nesting deeper than ${JSONC_MAX_DEPTH} levels`);
    fails(
      '{"a":'.repeat(JSONC_MAX_DEPTH) + "{}" + "}".repeat(JSONC_MAX_DEPTH),
      "too-deep",
      1,
      5 * JSONC_MAX_DEPTH + 1,
      `nesting deeper than ${JSONC_MAX_DEPTH} levels`,
    );
    // Very deep input fails cleanly instead of overflowing the stack.
    assert.throws(() => parseJsonc("[".repeat(100_000)), JsoncError);
  });

  test("without a source the message starts at the line", () => {
    assert.throws(() => parseJsonc("[x]"), (error: unknown) => {
      assert.ok(error instanceof JsoncError);
      assert.equal(error.source, undefined);
      assert.equal(error.message, "1:2: expected a value or ']', found 'x'");
      assert.equal(error.name, "JsoncError");
      return true;
    });
  });
});
