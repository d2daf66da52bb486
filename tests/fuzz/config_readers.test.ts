/**
 * Fuzzing the JSONC and `.env` readers (cli/jsonc.ts, cli/dotenv.ts): any text parses or throws
 * the reader's own error with a position inside the text; JSONC agrees with JSON.parse on plain
 * JSON (JSON.stringify output, compact or indented, and damaged JSON that JSON.parse accepts);
 * a `.env` file written from a record reads back as that record.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { JsoncError, parseJsonc } from "../../cli/jsonc.ts";
import { DotenvError, parseDotenv } from "../../cli/dotenv.ts";
import {
  anyChar,
  array,
  check,
  type Gen,
  jsonValue,
  map,
  mutate,
  oneOf,
  pick,
  string,
  weighted,
  wellFormedChar,
} from "./generate.ts";

const KINDS = new Set([
  "unexpected",
  "unterminated-string",
  "unterminated-comment",
  "control-character",
  "invalid-escape",
  "invalid-number",
  "duplicate-key",
  "too-deep",
]);

function assertPositioned(error: { line: number; column: number }, text: string): void {
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/).length;
  assert.ok(error.line >= 1 && error.line <= lines + 1, `line ${error.line} of ${lines}`);
  assert.ok(error.column >= 1 && error.column <= text.length + 2, `column ${error.column}`);
}

const jsoncPiece: Gen<string> = weighted(
  [4, pick(["{", "}", "[", "]", ",", ":", '"a"', '"', "1", "-0.5e3", "true", "null", " ", "\n"])],
  [2, pick(["//", "/*", "*/", "\\", "\\u12", "\\uD800", "01", "1.", "Infinity", "__proto__"])],
  [1, anyChar],
);
const jsoncText: Gen<string> = oneOf(
  string(jsoncPiece, 0, 30),
  (random) => mutate(JSON.stringify(jsonValue(3)(random), null, 2) ?? "null", jsoncPiece)(random),
  (random) => "\ufeff" + (JSON.stringify(jsonValue(2)(random)) ?? "1"),
);

test("JSONC: any text parses or throws a positioned JsoncError; JSON.parse agrees", async () => {
  await check("jsonc", jsoncText, (text) => {
    let value: unknown;
    try {
      value = parseJsonc(text, "fuzz.jsonc");
    } catch (error) {
      assert.ok(error instanceof JsoncError, `threw ${error}`);
      assert.ok(KINDS.has(error.kind), error.kind);
      assert.ok(error.message.startsWith(`fuzz.jsonc:${error.line}:${error.column}: `));
      assertPositioned(error, text);
      let plain: unknown;
      try {
        plain = JSON.parse(text);
      } catch {
        return; // both refuse
      }
      // JSON.parse accepts what JSONC refuses only for a repeated key or excessive depth.
      assert.ok(error.kind === "duplicate-key" || error.kind === "too-deep", error.message);
      void plain;
      return;
    }
    let plain: unknown;
    try {
      plain = JSON.parse(text);
    } catch {
      // JSONC's extensions: comments, trailing commas, a BOM. Nothing else.
      assert.ok(/[/,]/.test(text) || text.startsWith("\ufeff"), `JSONC-only text ${text}`);
      return;
    }
    assert.deepEqual(value, plain);
  }, { runs: 4000, seed: 51 });
});

test("JSONC of JSON.stringify output equals JSON.parse of it", async () => {
  await check("jsonc stringify", (random) => ({
    value: jsonValue(4)(random),
    indent: pick([undefined, 2, "\t"])(random),
  }), ({ value, indent }) => {
    const text = JSON.stringify(value, null, indent) ?? "null";
    assert.deepEqual(parseJsonc(text), JSON.parse(text));
  }, { runs: 2000, seed: 52 });
});

test("JSONC nesting past the limit is a too-deep error, not a stack overflow", () => {
  for (const text of ["[".repeat(100_000), '{"a":'.repeat(50_000)]) {
    assert.throws(
      () => parseJsonc(text),
      (e: unknown) => e instanceof JsoncError && e.kind === "too-deep",
    );
  }
});

const DOTENV_KINDS = new Set([
  "invalid-key",
  "missing-equals",
  "unterminated-quote",
  "after-quote",
]);
const dotenvPiece: Gen<string> = weighted(
  [4, pick(["A", "_b", "KEY", "=", " ", "\n", "\r\n", "#", "'", '"', "\\", "\\n", "export "])],
  [1, anyChar],
);

test(".env: any text parses or throws a positioned DotenvError", async () => {
  await check(
    "dotenv",
    oneOf(string(dotenvPiece, 0, 40), mutate("A=1\nexport B=\"x\\ny\" # c\nC='z'\n")),
    (text) => {
      try {
        const record = parseDotenv(text, ".env");
        for (const [key, value] of Object.entries(record)) {
          assert.match(key, /^[A-Za-z_][A-Za-z0-9_]*$/);
          assert.equal(typeof value, "string");
        }
      } catch (error) {
        assert.ok(error instanceof DotenvError, `threw ${error}`);
        assert.ok(DOTENV_KINDS.has(error.kind), error.kind);
        assertPositioned(error, text);
      }
    },
    { runs: 4000, seed: 53 },
  );
});

const DOUBLE_ESCAPES: Record<string, string> = {
  "\\": "\\\\",
  '"': '\\"',
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** Writes each value plainly (style 0), single-quoted (1) or double-quoted (2) where it can. */
function writeDotenv(record: Record<string, string>, styles: number[], separator: string): string {
  return Object.entries(record).map(([key, value], index) => {
    let style = styles[index % styles.length];
    const plain = /^[^\s'"#\\][^\n\r#]*$/.test(value) && value === value.trim();
    if (style === 0 && !plain) style = 1;
    if (style === 1 && (value.includes("'") || value.includes("\r"))) style = 2;
    if (style === 0) return `${key}=${value}`;
    if (style === 1) return `${key} = '${value}'`;
    return `export ${key}="${value.replace(/[\\"\n\r\t]/g, (c) => DOUBLE_ESCAPES[c])}" # written`;
  }).join(separator) + separator;
}

test(".env written from a record reads back as that record", async () => {
  const key = map(string("ABCxyz_019", 1, 8), (k) => (/^[0-9]/.test(k) ? "_" + k : k));
  const value = string(
    weighted([5, wellFormedChar], [1, pick(["\n", "\\", '"', "'", "#", " #"])]),
    0,
    12,
  );
  await check("dotenv round trip", (random) => {
    const record: Record<string, string> = {};
    for (const [k, v] of array((r) => [key(r), value(r)] as const, 0, 5)(random)) record[k] = v;
    return {
      record,
      styles: array(pick([0, 1, 2]), 5, 5)(random),
      separator: pick(["\n", "\r\n", "\n\n# gap\n"])(random),
    };
  }, ({ record, styles, separator }) => {
    const text = writeDotenv(record, styles, separator);
    assert.deepEqual(parseDotenv(text), record, JSON.stringify(text));
  }, { runs: 2000, seed: 54 });
});
