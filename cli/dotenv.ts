/**
 * `.env` files: `KEY=value` lines, parsed into a record. Pure: the caller
 * reads the file and decides what to do with the record.
 *
 * @module
 */

/** What went wrong, for callers and tests that branch on it. */
export type DotenvErrorKind =
  | "invalid-key"
  | "missing-equals"
  | "unterminated-quote"
  | "after-quote"; // something other than a comment after a closing quote

/**
 * A `.env` syntax error. The message reads `source:line:column: detail`
 * (without `source:` when no source was given); `line` and `column` are 1-based.
 *
 * @example
 * ```ts
 * import { DotenvError, parseDotenv } from "./dotenv.ts";
 * try {
 *   parseDotenv("PORT=1\n2BAD=x", ".env");
 * } catch (error) {
 *   if (error instanceof DotenvError) console.log(error.message);
 *   // .env:2:1: invalid key: a key starts with a letter or '_', found '2'
 * }
 * ```
 */
export class DotenvError extends Error {
  /** 1-based line of the offending character. */
  readonly line: number;
  /** 1-based column (in code points) of the offending character. */
  readonly column: number;
  /** The name of the text (usually its file name), if the caller gave one. */
  readonly source: string | undefined;
  /** The kind of error. */
  readonly kind: DotenvErrorKind;
  /** The message without the `source:line:column: ` prefix. */
  readonly detail: string;

  /** Builds the error; the message is prefixed with the position. */
  constructor(
    kind: DotenvErrorKind,
    detail: string,
    line: number,
    column: number,
    source?: string,
  ) {
    super(`${source === undefined ? "" : `${source}:`}${line}:${column}: ${detail}`);
    this.name = "DotenvError";
    this.kind = kind;
    this.detail = detail;
    this.line = line;
    this.column = column;
    this.source = source;
  }
}

/**
 * Parses the text of a `.env` file.
 *
 * - `KEY=value` or `export KEY=value`; spaces around `=` are allowed. A key is
 *   a letter or `_` followed by letters, digits and `_`.
 * - Blank lines and lines starting with `#` are skipped. After an unquoted
 *   value, a `#` preceded by a space or tab starts a comment
 *   (`A=b#c` is `b#c`; `A=b #c` is `b`).
 * - Unquoted values are trimmed; `KEY=` is the empty string.
 * - `'single quotes'` are literal. `"double quotes"` decode `\n`, `\r`, `\t`,
 *   `\"` and `\\`; any other backslash is kept as written (so Windows paths
 *   survive). Either kind of quoted value may span lines; after the closing
 *   quote only a comment may follow.
 * - CRLF line ends are read as LF, also inside quoted values; a BOM is skipped.
 * - A key given twice takes its last value, as when a shell sources the file.
 *
 * The result is a plain object whose keys are own properties (a key
 * `__proto__` is stored as a property, not as the prototype).
 *
 * @param text The file's text.
 * @param source A name for the text used in error messages, e.g. `.env`.
 * @throws {DotenvError} for a bad key, a missing `=`, an unterminated quote or
 * text after a closing quote.
 *
 * @example
 * ```ts
 * import { parseDotenv } from "./dotenv.ts";
 * parseDotenv('# settings\nexport EMCEE_PORT=9000 # dev\nGREETING="hi\\nthere"\n');
 * // { EMCEE_PORT: "9000", GREETING: "hi\nthere" }
 * ```
 */
export function parseDotenv(text: string, source?: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = new Lines(text.replace(/^\uFEFF/, "").replace(/\r\n/g, "\n"), source);
  while (!lines.done()) {
    lines.skipBlanks();
    if (lines.peek() === "#") {
      lines.skipToEnd();
    } else if (!lines.atEnd()) {
      const [key, value] = lines.assignment();
      Object.defineProperty(result, key, {
        value,
        writable: true,
        enumerable: true,
        configurable: true,
      });
    }
    lines.nextLine();
  }
  return result;
}

const KEY_START = /[A-Za-z_]/;
const KEY_PART = /[A-Za-z0-9_]/;
const DOUBLE_ESCAPES: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/** A cursor over the text, one assignment per line (or more, for quoted values). */
class Lines {
  private readonly text: string;
  private readonly source: string | undefined;
  private at = 0;

  constructor(text: string, source: string | undefined) {
    this.text = text;
    this.source = source;
  }

  done(): boolean {
    return this.at >= this.text.length;
  }

  atEnd(): boolean {
    return this.at >= this.text.length || this.text[this.at] === "\n";
  }

  peek(): string | undefined {
    return this.text[this.at];
  }

  skipBlanks(): void {
    while (this.text[this.at] === " " || this.text[this.at] === "\t") this.at++;
  }

  skipToEnd(): void {
    while (!this.atEnd()) this.at++;
  }

  nextLine(): void {
    this.skipToEnd();
    this.at++;
  }

  /** Reads `[export ]KEY=value` from the cursor; leaves it at the line's end. */
  assignment(): [string, string] {
    if (/^export[ \t]/.test(this.text.slice(this.at, this.at + 7))) {
      this.at += 7;
      this.skipBlanks();
    }
    const key = this.key();
    this.skipBlanks();
    if (this.text[this.at] !== "=") {
      throw this.fail("missing-equals", `expected '=' after ${key}, found ${this.found()}`);
    }
    this.at++;
    this.skipBlanks();
    const quote = this.text[this.at];
    const value = quote === "'" || quote === '"' ? this.quoted(quote) : this.unquoted();
    return [key, value];
  }

  private key(): string {
    const begin = this.at;
    if (!KEY_START.test(this.text[this.at] ?? "")) {
      throw this.fail(
        "invalid-key",
        `invalid key: a key starts with a letter or '_', found ${this.found()}`,
      );
    }
    while (KEY_PART.test(this.text[this.at] ?? "")) this.at++;
    const c = this.text[this.at];
    if (!this.atEnd() && c !== "=" && c !== " " && c !== "\t") {
      throw this.fail(
        "invalid-key",
        `invalid key: ${this.found()} cannot be part of a key (letters, digits and '_' only)`,
      );
    }
    return this.text.slice(begin, this.at);
  }

  private unquoted(): string {
    const begin = this.at;
    while (!this.atEnd()) {
      const c = this.text[this.at];
      if (c === "#" && (this.text[this.at - 1] === " " || this.text[this.at - 1] === "\t")) break;
      this.at++;
    }
    const value = this.text.slice(begin, this.at).trim();
    this.skipToEnd();
    return value;
  }

  private quoted(quote: string): string {
    const open = this.at;
    this.at++;
    let out = "";
    for (;;) {
      if (this.done()) {
        throw this.fail("unterminated-quote", `unterminated ${quote} quote`, open);
      }
      const c = this.text[this.at];
      if (c === quote) break;
      if (quote === '"' && c === "\\" && this.at + 1 < this.text.length) {
        const next = this.text[this.at + 1];
        out += Object.hasOwn(DOUBLE_ESCAPES, next) ? DOUBLE_ESCAPES[next] : `\\${next}`;
        this.at += 2;
        continue;
      }
      out += c;
      this.at++;
    }
    this.at++;
    this.skipBlanks();
    if (!this.atEnd() && this.text[this.at] !== "#") {
      throw this.fail(
        "after-quote",
        `expected end of line or a # comment after the closing quote, found ${this.found()}`,
      );
    }
    this.skipToEnd();
    return out;
  }

  private found(): string {
    if (this.at >= this.text.length) return "end of input";
    if (this.text[this.at] === "\n") return "end of line";
    return `'${String.fromCodePoint(this.text.codePointAt(this.at) ?? 0)}'`;
  }

  private fail(kind: DotenvErrorKind, detail: string, offset: number = this.at): DotenvError {
    const before = this.text.slice(0, offset);
    const lineStart = before.lastIndexOf("\n") + 1;
    const line = before.split("\n").length;
    const column = [...before.slice(lineStart)].length + 1;
    return new DotenvError(kind, detail, line, column, this.source);
  }
}
