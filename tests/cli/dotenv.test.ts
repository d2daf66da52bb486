import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { DotenvError, type DotenvErrorKind, parseDotenv } from "../../cli/dotenv.ts";

/** Asserts that parsing `text` fails with exactly this kind, position and message. */
function fails(text: string, kind: DotenvErrorKind, line: number, column: number, detail: string) {
  assert.throws(
    () => parseDotenv(text, ".env"),
    (error: unknown) => {
      assert.ok(error instanceof DotenvError, `not a DotenvError: ${error}`);
      assert.deepEqual(
        { kind: error.kind, line: error.line, column: error.column, detail: error.detail },
        { kind, line, column, detail },
      );
      assert.equal(error.source, ".env");
      assert.equal(error.message, `.env:${line}:${column}: ${detail}`);
      return true;
    },
  );
}

describe("parseDotenv: values", () => {
  test("KEY=value and export KEY=value, with spaces around =", () => {
    assert.deepEqual(
      parseDotenv("A=1\nexport B=2\nC = 3\n\texport   D\t=\t4\nexport=5\n_x9=6"),
      { A: "1", B: "2", C: "3", D: "4", export: "5", _x9: "6" },
    );
  });

  test("full-line comments and blank lines are skipped", () => {
    assert.deepEqual(parseDotenv("# a comment\n\n   # indented\n  \nA=1\n#B=2\n"), { A: "1" });
    assert.deepEqual(parseDotenv(""), {});
    assert.deepEqual(parseDotenv("\n\n"), {});
  });

  test("unquoted values are trimmed; # after a space or tab starts a comment", () => {
    assert.deepEqual(
      parseDotenv(
        "A=  spaced out  \nB=b # comment\nC=c#not-a-comment\nD=d\t# tab comment\nE= #only comment\nF=#fff",
      ),
      { A: "spaced out", B: "b", C: "c#not-a-comment", D: "d", E: "", F: "#fff" },
    );
    assert.deepEqual(parseDotenv("URL=http://x/?a=b&c=d"), { URL: "http://x/?a=b&c=d" });
    assert.deepEqual(parseDotenv('Q=it\'s "fine"'), { Q: `it's "fine"` });
  });

  test("empty values", () => {
    assert.deepEqual(parseDotenv("A=\nB=''\nC=\"\"\nD=   \nE=  # comment"), {
      A: "",
      B: "",
      C: "",
      D: "",
      E: "",
    });
  });

  test("single quotes are literal, with # and backslashes kept", () => {
    assert.deepEqual(parseDotenv(String.raw`A='a\nb # not a comment' # comment`), {
      A: String.raw`a\nb # not a comment`,
    });
    assert.deepEqual(parseDotenv("A='  kept  '"), { A: "  kept  " });
    assert.deepEqual(parseDotenv("A='one\ntwo'\nB=3"), { A: "one\ntwo", B: "3" });
  });

  test('double quotes decode \\n \\t \\r \\" \\\\ and keep other backslashes', () => {
    assert.deepEqual(parseDotenv(String.raw`A="a\nb\tc\rd\"e\\f"`), { A: 'a\nb\tc\rd"e\\f' });
    assert.deepEqual(parseDotenv(String.raw`P="C:\path\dir" # windows`), {
      P: String.raw`C:\path\dir`,
    });
    assert.deepEqual(parseDotenv(String.raw`A="\\n"`), { A: "\\n" });
    assert.deepEqual(parseDotenv('A="x # y"'), { A: "x # y" });
  });

  test("double-quoted values may span lines", () => {
    const text = 'KEY="-----BEGIN-----\nline two\n-----END-----"\nNEXT=1';
    assert.deepEqual(parseDotenv(text), {
      KEY: "-----BEGIN-----\nline two\n-----END-----",
      NEXT: "1",
    });
  });

  test("CRLF line ends, also inside quoted values", () => {
    assert.deepEqual(parseDotenv('A=1\r\nB= two \r\nC="x\r\ny"\r\n# c\r\n'), {
      A: "1",
      B: "two",
      C: "x\ny",
    });
    fails(
      "A=1\r\nB=2\r\n3=x",
      "invalid-key",
      3,
      1,
      "invalid key: a key starts with a letter or '_', found '3'",
    );
  });

  test("a BOM is skipped", () => {
    assert.deepEqual(parseDotenv("\uFEFFA=1"), { A: "1" });
  });

  test("a key given twice keeps its last value", () => {
    assert.deepEqual(parseDotenv("A=1\nA=2"), { A: "2" });
  });

  test("__proto__ is an own property, not the prototype", () => {
    const parsed = parseDotenv("__proto__=x\nA=1");
    assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
    assert.ok(Object.hasOwn(parsed, "__proto__"));
    assert.deepEqual(Object.keys(parsed), ["__proto__", "A"]);
    assert.equal(parsed["__proto__"], "x");
  });
});

describe("parseDotenv: errors carry their kind and exact position", () => {
  test("bad keys", () => {
    fails(
      "A=1\n2BAD=x",
      "invalid-key",
      2,
      1,
      "invalid key: a key starts with a letter or '_', found '2'",
    );
    fails(
      "  -A=1",
      "invalid-key",
      1,
      3,
      "invalid key: a key starts with a letter or '_', found '-'",
    );
    fails(
      "=value",
      "invalid-key",
      1,
      1,
      "invalid key: a key starts with a letter or '_', found '='",
    );
    fails(
      "MY.KEY=1",
      "invalid-key",
      1,
      3,
      "invalid key: '.' cannot be part of a key (letters, digits and '_' only)",
    );
    fails(
      "export MY-KEY=1",
      "invalid-key",
      1,
      10,
      "invalid key: '-' cannot be part of a key (letters, digits and '_' only)",
    );
    fails(
      "KÉY=1",
      "invalid-key",
      1,
      2,
      "invalid key: 'É' cannot be part of a key (letters, digits and '_' only)",
    );
  });

  test("a missing =", () => {
    fails(
      "A=1\nJUST_A_WORD",
      "missing-equals",
      2,
      12,
      "expected '=' after JUST_A_WORD, found end of input",
    );
    fails("A B=1", "missing-equals", 1, 3, "expected '=' after A, found 'B'");
    fails("export A\nB=2", "missing-equals", 1, 9, "expected '=' after A, found end of line");
  });

  test("unterminated quotes point at the opening quote", () => {
    fails('A=1\nB="never closed\nC=3', "unterminated-quote", 2, 3, 'unterminated " quote');
    fails("A= 'open", "unterminated-quote", 1, 4, "unterminated ' quote");
    fails('A="ends in a backslash\\"', "unterminated-quote", 1, 3, 'unterminated " quote');
  });

  test("text after a closing quote", () => {
    fails(
      "A='x' y",
      "after-quote",
      1,
      7,
      "expected end of line or a # comment after the closing quote, found 'y'",
    );
    fails(
      'A="x"y',
      "after-quote",
      1,
      6,
      "expected end of line or a # comment after the closing quote, found 'y'",
    );
    fails(
      'A="one\ntwo" three',
      "after-quote",
      2,
      6,
      "expected end of line or a # comment after the closing quote, found 't'",
    );
  });

  test("without a source the message starts at the line", () => {
    assert.throws(() => parseDotenv("1=2"), (error: unknown) => {
      assert.ok(error instanceof DotenvError);
      assert.equal(error.source, undefined);
      assert.equal(error.name, "DotenvError");
      assert.equal(error.message, "1:1: invalid key: a key starts with a letter or '_', found '1'");
      return true;
    });
  });
});
