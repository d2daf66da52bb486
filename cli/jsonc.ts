/**
 * JSON with comments (JSONC), as used by `emcee.jsonc`: JSON plus `//` and
 * `/* *\/` comments and trailing commas. Every error carries the exact 1-based
 * line and column.
 *
 * @module
 */

/** How deeply arrays and objects may nest before the parser refuses the text. */
export const JSONC_MAX_DEPTH = 512;

/** What went wrong, for callers and tests that branch on it. */
export type JsoncErrorKind =
  | "unexpected" // a character or word that cannot start or continue anything here
  | "unterminated-string"
  | "unterminated-comment"
  | "control-character" // a raw control character inside a string
  | "invalid-escape"
  | "invalid-number"
  | "duplicate-key"
  | "too-deep";

/**
 * A JSONC syntax error. The message reads `source:line:column: detail`
 * (without `source:` when no source was given); `line` and `column` are
 * 1-based, columns count characters (code points) and a leading BOM is not
 * counted.
 *
 * @example
 * ```ts
 * import { JsoncError, parseJsonc } from "./jsonc.ts";
 * try {
 *   parseJsonc('{\n  "port": 1 x\n}', "emcee.jsonc");
 * } catch (error) {
 *   if (error instanceof JsoncError) console.log(error.line, error.column); // 2 13
 *   // error.message: emcee.jsonc:2:13: expected ',' or '}' after a property, found 'x'
 * }
 * ```
 */
export class JsoncError extends Error {
  /** 1-based line of the offending character. */
  readonly line: number;
  /** 1-based column (in code points) of the offending character. */
  readonly column: number;
  /** The name of the text (usually its file name), if the caller gave one. */
  readonly source: string | undefined;
  /** The kind of error. */
  readonly kind: JsoncErrorKind;
  /** The message without the `source:line:column: ` prefix. */
  readonly detail: string;

  /** Builds the error; the message is prefixed with the position. */
  constructor(
    kind: JsoncErrorKind,
    detail: string,
    line: number,
    column: number,
    source?: string,
  ) {
    super(`${source === undefined ? "" : `${source}:`}${line}:${column}: ${detail}`);
    this.name = "JsoncError";
    this.kind = kind;
    this.detail = detail;
    this.line = line;
    this.column = column;
    this.source = source;
  }
}

/**
 * Parses JSONC text into plain values (objects, arrays, strings, numbers,
 * booleans, `null`).
 *
 * - Comments: `// to end of line` and `/* block *\/` wherever whitespace may go.
 * - Trailing commas are allowed after the last element or property.
 * - Duplicate keys are refused (a config file naming a setting twice is a
 *   mistake, and "last wins" would hide it); the error points at the second
 *   and names the position of the first.
 * - A key `__proto__` becomes an ordinary own property, as with `JSON.parse`;
 *   it never changes an object's prototype.
 * - Nesting deeper than {@link JSONC_MAX_DEPTH} is refused.
 * - A leading byte order mark is skipped.
 *
 * @param text The JSONC text.
 * @param source A name for the text used in error messages, e.g. `emcee.jsonc`.
 * @throws {JsoncError} on any syntax error.
 *
 * @example
 * ```ts
 * import { parseJsonc } from "./jsonc.ts";
 * parseJsonc('{ "port": 9000, // the port\n "toolDirs": ["tools",], }');
 * // { port: 9000, toolDirs: ["tools"] }
 * ```
 */
export function parseJsonc(text: string, source?: string): unknown {
  return new Parser(text, source).document();
}

const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

const WORD = /[A-Za-z0-9_$]/;
const HEX4 = /^[0-9A-Fa-f]{4}$/;

/** A recursive-descent parser over one text; `at` is a UTF-16 offset. */
class Parser {
  private readonly text: string;
  private readonly source: string | undefined;
  private readonly start: number;
  private at: number;

  constructor(text: string, source: string | undefined) {
    this.text = text;
    this.source = source;
    this.start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    this.at = this.start;
  }

  document(): unknown {
    this.skip();
    const value = this.value(0, "a value");
    this.skip();
    if (this.at < this.text.length) {
      throw this.fail("unexpected", `expected end of input after the value, found ${this.found()}`);
    }
    return value;
  }

  private value(depth: number, wanted: string): unknown {
    const c = this.text[this.at];
    if (c === "{") return this.object(depth + 1);
    if (c === "[") return this.array(depth + 1);
    if (c === '"') return this.string();
    if (c === "-" || (c >= "0" && c <= "9")) return this.number();
    for (const [word, value] of [["true", true], ["false", false], ["null", null]] as const) {
      if (
        this.text.startsWith(word, this.at) && !WORD.test(this.text[this.at + word.length] ?? "")
      ) {
        this.at += word.length;
        return value;
      }
    }
    throw this.fail("unexpected", `expected ${wanted}, found ${this.found()}`);
  }

  private object(depth: number): Record<string, unknown> {
    this.checkDepth(depth);
    this.at++;
    const result: Record<string, unknown> = {};
    const keyOffsets = new Map<string, number>();
    this.skip();
    while (this.text[this.at] !== "}") {
      if (this.text[this.at] !== '"') {
        throw this.fail(
          "unexpected",
          `expected a property name in double quotes, found ${this.found()}`,
        );
      }
      const keyAt = this.at;
      const key = this.string();
      const first = keyOffsets.get(key);
      if (first !== undefined) {
        const { line, column } = this.position(first);
        throw this.fail(
          "duplicate-key",
          `duplicate key ${JSON.stringify(key)} (first at ${line}:${column})`,
          keyAt,
        );
      }
      keyOffsets.set(key, keyAt);
      this.skip();
      if (this.text[this.at] !== ":") {
        throw this.fail(
          "unexpected",
          `expected ':' after the property name, found ${this.found()}`,
        );
      }
      this.at++;
      this.skip();
      const value = this.value(depth, "a value for the property");
      // defineProperty, because assigning to "__proto__" would set the prototype.
      Object.defineProperty(result, key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
      this.skip();
      if (this.text[this.at] === ",") {
        this.at++;
        this.skip();
      } else if (this.text[this.at] !== "}") {
        throw this.fail(
          "unexpected",
          `expected ',' or '}' after a property, found ${this.found()}`,
        );
      }
    }
    this.at++;
    return result;
  }

  private array(depth: number): unknown[] {
    this.checkDepth(depth);
    this.at++;
    const result: unknown[] = [];
    this.skip();
    while (this.text[this.at] !== "]") {
      result.push(this.value(depth, "a value or ']'"));
      this.skip();
      if (this.text[this.at] === ",") {
        this.at++;
        this.skip();
      } else if (this.text[this.at] !== "]") {
        throw this.fail(
          "unexpected",
          `expected ',' or ']' after an element, found ${this.found()}`,
        );
      }
    }
    this.at++;
    return result;
  }

  private checkDepth(depth: number): void {
    if (depth > JSONC_MAX_DEPTH) {
      throw this.fail("too-deep", `nesting deeper than ${JSONC_MAX_DEPTH} levels`);
    }
  }

  private string(): string {
    const open = this.at;
    this.at++;
    let out = "";
    let run = this.at;
    for (;;) {
      const code = this.text.charCodeAt(this.at);
      if (this.at >= this.text.length || code === 0x0a || code === 0x0d) {
        throw this.fail(
          "unterminated-string",
          "unterminated string (it must end on its line)",
          open,
        );
      }
      if (code === 0x22) break;
      if (code < 0x20) {
        throw this.fail(
          "control-character",
          `control character ${unicodeName(code)} must be escaped in a string`,
        );
      }
      if (code !== 0x5c) {
        this.at++;
        continue;
      }
      out += this.text.slice(run, this.at);
      out += this.escape();
      run = this.at;
    }
    out += this.text.slice(run, this.at);
    this.at++;
    return out;
  }

  /** Decodes the escape at `at` (a backslash) and moves past it. */
  private escape(): string {
    const backslash = this.at;
    const c = this.text[this.at + 1];
    if (c === "u") {
      const hex = this.text.slice(this.at + 2, this.at + 6);
      if (!HEX4.test(hex)) {
        throw this.fail(
          "invalid-escape",
          "invalid unicode escape: \\u must be followed by 4 hex digits",
          backslash,
        );
      }
      this.at += 6;
      // Surrogate pairs need no joining: two \u code units concatenate into the pair,
      // and lone surrogates are kept as JSON.parse keeps them.
      return String.fromCharCode(parseInt(hex, 16));
    }
    if (c !== undefined && Object.hasOwn(ESCAPES, c)) {
      this.at += 2;
      return ESCAPES[c];
    }
    if (c === undefined || c === "\n" || c === "\r") {
      this.at++;
      return ""; // the loop then reports the unterminated string
    }
    throw this.fail(
      "invalid-escape",
      `invalid escape '\\${this.charAt(this.at + 1)}' in a string`,
      backslash,
    );
  }

  private number(): number {
    const begin = this.at;
    if (this.text[this.at] === "-") this.at++;
    if (this.text[this.at] === "0") {
      this.at++;
      if (isDigit(this.text[this.at])) {
        throw this.fail("invalid-number", "invalid number: leading zeros are not allowed", begin);
      }
    } else {
      this.digits("after '-'");
    }
    if (this.text[this.at] === ".") {
      this.at++;
      this.digits("after the decimal point");
    }
    if (this.text[this.at] === "e" || this.text[this.at] === "E") {
      this.at++;
      if (this.text[this.at] === "+" || this.text[this.at] === "-") this.at++;
      this.digits("in the exponent");
    }
    if (WORD.test(this.text[this.at] ?? "") || this.text[this.at] === ".") {
      throw this.fail(
        "invalid-number",
        `invalid number: unexpected ${this.found()} after ${this.text.slice(begin, this.at)}`,
      );
    }
    return Number(this.text.slice(begin, this.at));
  }

  private digits(where: string): void {
    if (!isDigit(this.text[this.at])) {
      throw this.fail(
        "invalid-number",
        `invalid number: expected a digit ${where}, found ${this.found()}`,
      );
    }
    while (isDigit(this.text[this.at])) this.at++;
  }

  /** Skips whitespace and comments. */
  private skip(): void {
    for (;;) {
      const c = this.text[this.at];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") {
        this.at++;
      } else if (c === "/" && this.text[this.at + 1] === "/") {
        while (
          this.at < this.text.length && this.text[this.at] !== "\n" && this.text[this.at] !== "\r"
        ) {
          this.at++;
        }
      } else if (c === "/" && this.text[this.at + 1] === "*") {
        const end = this.text.indexOf("*/", this.at + 2);
        if (end < 0) throw this.fail("unterminated-comment", "unterminated /* comment", this.at);
        this.at = end + 2;
      } else {
        return;
      }
    }
  }

  /** Describes what is at `at`, for "found …" in messages. */
  private found(): string {
    if (this.at >= this.text.length) return "end of input";
    const c = this.text[this.at];
    if (c === "\n" || c === "\r") return "end of line";
    if (WORD.test(c)) {
      let end = this.at;
      while (end < this.text.length && WORD.test(this.text[end]) && end - this.at < 20) end++;
      return `'${this.text.slice(this.at, end)}'`;
    }
    const code = c.charCodeAt(0);
    if (code < 0x20 || code === 0x7f) return unicodeName(code);
    return `'${this.charAt(this.at)}'`;
  }

  /** The whole code point at `offset`. */
  private charAt(offset: number): string {
    return String.fromCodePoint(this.text.codePointAt(offset) ?? 0);
  }

  private position(offset: number): { line: number; column: number } {
    let line = 1;
    let lineStart = this.start;
    for (let i = this.start; i < offset; i++) {
      const c = this.text[i];
      if (c === "\n" || (c === "\r" && this.text[i + 1] !== "\n")) {
        line++;
        lineStart = i + 1;
      }
    }
    // Columns count code points, so an emoji earlier on the line is one column.
    const column = [...this.text.slice(lineStart, offset)].length + 1;
    return { line, column };
  }

  private fail(kind: JsoncErrorKind, detail: string, offset: number = this.at): JsoncError {
    const { line, column } = this.position(offset);
    return new JsoncError(kind, detail, line, column, this.source);
  }
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function unicodeName(code: number): string {
  return `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
}
