/**
 * SKILL.md frontmatter: the leading `---` delimited YAML block, read into a
 * JSON object. The SDK has no dependencies, so this reads the YAML subset
 * frontmatter uses (block mappings and sequences, plain, quoted and block
 * scalars, flow sequences of scalars) with YAML 1.2 core-schema scalars, and
 * refuses anything else (anchors, tags, flow mappings) rather than guess:
 * a server and a client must read a SKILL.md to the same object.
 *
 * @module
 */
import type { JsonObject } from "./jsonrpc.ts";

type JsonValue = unknown;

/** A SKILL.md without a frontmatter block, or with YAML this reader refuses. */
export class FrontmatterError extends Error {
  /** Creates the error. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "FrontmatterError";
  }
}

const BLOCK = /^---\r?\n([\s\S]*?)\r?\n---[ \t]*(?:\r?\n|$)/;

/** The YAML text of a document's frontmatter block, or `undefined` when it has none. */
export function frontmatterBlock(text: string): string | undefined {
  const unmarked = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return BLOCK.exec(unmarked)?.[1];
}

/**
 * The frontmatter of a SKILL.md as a JSON object. Throws a
 * {@link FrontmatterError} when there is no block, it is not a mapping, or it
 * uses YAML outside the subset read here.
 *
 * @example
 * ```ts
 * import { parseFrontmatter } from "./frontmatter.ts";
 * const front = parseFrontmatter("---\nname: pdf\ndescription: Fill PDF forms\n---\nBody\n");
 * console.log(front.name); // "pdf"
 * ```
 */
export function parseFrontmatter(text: string): JsonObject {
  const yaml = frontmatterBlock(text);
  if (yaml === undefined) throw new FrontmatterError("no leading --- delimited frontmatter block");
  const lines = yaml.split(/\r?\n/);
  const reader = { lines, at: 0 };
  skipBlank(reader);
  if (reader.at >= lines.length) return {};
  const value = readNode(reader, indentOf(lines[reader.at]));
  skipBlank(reader);
  if (reader.at < lines.length) fail(reader, "unexpected content");
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new FrontmatterError("frontmatter is not a mapping");
  }
  return value as JsonObject;
}

interface Reader {
  lines: string[];
  at: number;
}

function fail(reader: Reader, message: string): never {
  throw new FrontmatterError(`frontmatter line ${reader.at + 2}: ${message}`);
}

function isBlank(line: string): boolean {
  const trimmed = line.trim();
  return trimmed === "" || trimmed.startsWith("#");
}

function indentOf(line: string): number {
  const match = /^( *)(\t?)/.exec(line)!;
  if (match[2]) throw new FrontmatterError("tabs may not indent YAML");
  return match[1].length;
}

function skipBlank(reader: Reader): void {
  while (reader.at < reader.lines.length && isBlank(reader.lines[reader.at])) reader.at++;
}

function isItem(content: string): boolean {
  return content === "-" || content.startsWith("- ");
}

function readNode(reader: Reader, indent: number): JsonValue {
  const content = reader.lines[reader.at].slice(indent);
  return isItem(content) ? readSequence(reader, indent) : readMapping(reader, indent);
}

const KEY =
  /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-?:,[\]{}&*!|>%@`][^:]*?|-[^\s:][^:]*?)[ \t]*:(?:[ \t]+(.*))?$/;

function readMapping(reader: Reader, indent: number): JsonObject {
  const result: JsonObject = {};
  while (true) {
    skipBlank(reader);
    if (reader.at >= reader.lines.length) return result;
    const line = reader.lines[reader.at];
    const depth = indentOf(line);
    if (depth < indent) return result;
    if (depth > indent) fail(reader, "unexpected indentation");
    const match = KEY.exec(line.slice(indent).trimEnd());
    if (!match) fail(reader, "expected `key: value`");
    const key = String(readScalar(reader, match[1], false));
    if (Object.hasOwn(result, key)) fail(reader, `duplicate key ${JSON.stringify(key)}`);
    reader.at++;
    result[key] = readValue(reader, indent, (match[2] ?? "").trim());
  }
}

function readSequence(reader: Reader, indent: number): JsonValue[] {
  const result: JsonValue[] = [];
  while (true) {
    skipBlank(reader);
    if (reader.at >= reader.lines.length) return result;
    const line = reader.lines[reader.at];
    const depth = indentOf(line);
    if (depth < indent || !isItem(line.slice(indent))) {
      if (depth > indent) fail(reader, "unexpected indentation");
      return result;
    }
    const rest = line.slice(indent + 1).trim();
    if (rest !== "" && KEY.test(rest)) {
      // A mapping item: read it as a mapping indented past the dash.
      reader.lines[reader.at] = " ".repeat(indent + 2) + line.slice(indent + 2).trimStart();
      result.push(readMapping(reader, indent + 2));
    } else {
      reader.at++;
      result.push(readValue(reader, indent, rest));
    }
  }
}

/** The value after `key:` or `-`, which may continue on lines indented past `indent`. */
function readValue(reader: Reader, indent: number, rest: string): JsonValue {
  if (rest === "" || rest.startsWith("#")) {
    skipBlank(reader);
    if (reader.at >= reader.lines.length) return null;
    const line = reader.lines[reader.at];
    const depth = indentOf(line);
    if (depth > indent || (depth === indent && isItem(line.slice(indent)))) {
      return readNode(reader, depth);
    }
    return null;
  }
  const block = /^([|>])([+-]?)(?:[ \t]+#.*)?$/.exec(rest);
  if (block) return readBlockScalar(reader, indent, block[1] === ">", block[2]);
  let text = rest;
  if (!/^["'[{]/.test(rest)) {
    // A plain scalar may fold over more-indented continuation lines.
    while (
      reader.at < reader.lines.length && !isBlank(reader.lines[reader.at]) &&
      indentOf(reader.lines[reader.at]) > indent
    ) {
      text += " " + reader.lines[reader.at].trim();
      reader.at++;
    }
  }
  return readScalar(reader, text, true);
}

function readBlockScalar(reader: Reader, indent: number, folded: boolean, chomp: string): string {
  const body: string[] = [];
  let blockIndent = -1;
  while (reader.at < reader.lines.length) {
    const line = reader.lines[reader.at];
    if (line.trim() === "") {
      body.push("");
      reader.at++;
      continue;
    }
    const depth = indentOf(line);
    if (depth <= indent) break;
    if (blockIndent < 0) blockIndent = depth;
    if (depth < blockIndent) fail(reader, "block scalar line indented less than its first");
    body.push(line.slice(blockIndent));
    reader.at++;
  }
  let trailing = 0;
  while (trailing < body.length && body[body.length - 1 - trailing] === "") trailing++;
  const lines = body.slice(0, body.length - trailing);
  let text = folded ? fold(lines) : lines.join("\n");
  if (lines.length === 0) return "";
  if (chomp === "+") text += "\n".repeat(trailing + 1);
  else if (chomp === "") text += "\n";
  return text;
}

function fold(lines: string[]): string {
  let text = "";
  let previous: string | undefined;
  for (const line of lines) {
    if (previous === undefined) text = line;
    else if (line === "") text += "\n";
    else if (previous === "") text += line;
    else if (/^\s/.test(line) || /^\s/.test(previous)) text += "\n" + line;
    else text += " " + line;
    previous = line;
  }
  return text;
}

function readScalar(reader: Reader, raw: string, value: boolean): JsonValue {
  if (raw.startsWith('"')) {
    const end = closingQuote(raw);
    const after = raw.slice(end + 1);
    if (end < 0 || !(after.trim() === "" || /^[ \t]+#/.test(after))) {
      fail(reader, "malformed double-quoted scalar");
    }
    try {
      return JSON.parse(raw.slice(0, end + 1).replace(/\\\//g, "/")) as string;
    } catch (error) {
      throw new FrontmatterError(`frontmatter line ${reader.at + 1}: unsupported escape`, {
        cause: error,
      });
    }
  }
  if (raw.startsWith("'")) {
    const match = /^'((?:[^']|'')*)'[ \t]*(?:#.*)?$/.exec(raw);
    if (!match) fail(reader, "malformed single-quoted scalar");
    return match[1].replace(/''/g, "'");
  }
  if (value && raw.startsWith("[")) return readFlowSequence(reader, raw);
  if (value && raw.startsWith("{")) {
    if (/^\{\s*\}(?:[ \t]+#.*)?$/.test(raw)) return {};
    fail(reader, "flow mappings are not supported");
  }
  const plain = raw.replace(/[ \t]+#.*$/, "").trim();
  if (/^[&*!%@`|>]/.test(plain)) fail(reader, `unsupported YAML indicator in ${plain}`);
  if (/:(?:\s|$)/.test(plain)) fail(reader, `a plain scalar may not contain ": " (${plain})`);
  return value ? coreSchema(plain) : plain;
}

function closingQuote(raw: string): number {
  for (let index = 1; index < raw.length; index++) {
    if (raw[index] === "\\") index++;
    else if (raw[index] === '"') return index;
  }
  return -1;
}

function readFlowSequence(reader: Reader, raw: string): JsonValue[] {
  const match = /^\[(.*)\](?:[ \t]+#.*)?$/.exec(raw);
  if (!match || /[[\]{}]/.test(match[1])) {
    fail(reader, "only flow sequences of scalars are supported");
  }
  const items = match[1].match(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]+/g) ?? [];
  const parts = items.map((item) => item.trim()).filter((item) => item !== "");
  if (match[1].split(",").filter((part) => part.trim() !== "").length !== parts.length) {
    fail(reader, "quoted flow sequence items may not contain commas");
  }
  return parts.map((item) => readScalar(reader, item, true));
}

/** YAML 1.2 core-schema resolution of a plain scalar. */
function coreSchema(plain: string): JsonValue {
  if (/^(?:~|null|Null|NULL)?$/.test(plain)) return null;
  if (/^(?:true|True|TRUE)$/.test(plain)) return true;
  if (/^(?:false|False|FALSE)$/.test(plain)) return false;
  if (/^[-+]?[0-9]+$/.test(plain)) return Number(plain);
  if (/^0o[0-7]+$/.test(plain)) return parseInt(plain.slice(2), 8);
  if (/^0x[0-9a-fA-F]+$/.test(plain)) return parseInt(plain.slice(2), 16);
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/.test(plain)) {
    return Number(plain);
  }
  if (/^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$/.test(plain)) {
    throw new FrontmatterError(`${plain} has no JSON form`);
  }
  return plain;
}
