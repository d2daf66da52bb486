/**
 * Parsing an HTTP/1.1 request head (RFC 9112 §2-§5): the request line and the header fields,
 * strictly, so that nothing ambiguous (obsolete line folding, whitespace before a colon, control
 * characters) reaches a handler.
 *
 * @module
 */

/** A parsed request head. */
export interface RequestHead {
  /** The method token, e.g. `"POST"`. */
  method: string;
  /** The request target as sent (origin form `/path?query`, or absolute form). */
  target: string;
  /** `"1.1"` or `"1.0"`. */
  version: string;
  /** Header fields in the order received, names lower-cased. */
  headers: [string, string][];
}

/** The outcome of {@link parseRequestHead}. */
export type HeadParse =
  | { kind: "head"; head: RequestHead; length: number }
  | { kind: "incomplete" }
  | { kind: "invalid"; status: 400 | 431 | 505 };

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Field values: visible characters, spaces, tabs and obs-text; never CR, LF or NUL.
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;
const LOWER_CASE = /^[^A-Z]*$/;
const CR = 13;
const isBlank = (code: number): boolean => code === 32 || code === 9;
const LF = 10;

/** The offset just past the blank line ending the head, or -1 when it has not arrived. */
function headEnd(bytes: Uint8Array, from: number): number {
  for (let index = bytes.indexOf(LF, from); index !== -1; index = bytes.indexOf(LF, index + 1)) {
    if (bytes[index - 1] === CR && bytes[index + 1] === CR && bytes[index + 2] === LF) {
      return index + 3;
    }
  }
  return -1;
}

/** Bytes as one character each (ISO-8859-1), as header values are ByteStrings. */
function latin1(bytes: Uint8Array): string {
  if (bytes.length <= 8192) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  let text = "";
  for (let offset = 0; offset < bytes.length; offset += 8192) {
    const part = bytes.subarray(offset, offset + 8192);
    text += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return text;
}

function parseRequestLine(line: string): Omit<RequestHead, "headers"> | 400 | 505 {
  const first = line.indexOf(" ");
  const last = line.lastIndexOf(" ");
  if (first <= 0 || last === first) return 400;
  const method = line.slice(0, first);
  const target = line.slice(first + 1, last);
  const protocol = line.slice(last + 1);
  if (!TOKEN.test(method) || target === "" || /[^!-~]/.test(target)) return 400;
  if (protocol === "HTTP/1.1" || protocol === "HTTP/1.0") {
    return { method, target, version: protocol.slice(5) };
  }
  return /^HTTP\/\d\.\d$/.test(protocol) ? 505 : 400;
}

function parseField(line: string): [string, string] | undefined {
  const colon = line.indexOf(":");
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon);
  if (!TOKEN.test(name)) return undefined; // includes whitespace before the colon
  let start = colon + 1;
  let end = line.length;
  while (start < end && isBlank(line.charCodeAt(start))) start++;
  while (end > start && isBlank(line.charCodeAt(end - 1))) end--;
  const value = line.slice(start, end);
  if (!FIELD_VALUE.test(value)) return undefined;
  return [LOWER_CASE.test(name) ? name : name.toLowerCase(), value];
}

/**
 * Parses the head at the start of `bytes`, if it is all there. `maxBytes` bounds the head
 * (431 past it); `searchFrom` skips bytes already searched for its end.
 *
 * @example
 * ```ts
 * import { parseRequestHead } from "./head.ts";
 * const bytes = new TextEncoder().encode("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
 * parseRequestHead(bytes, 65536).kind; // "head"
 * ```
 */
export function parseRequestHead(bytes: Uint8Array, maxBytes: number, searchFrom = 0): HeadParse {
  // Tolerate blank lines before a request line (RFC 9112 §2.2).
  let skip = 0;
  while (bytes[skip] === CR && bytes[skip + 1] === LF) skip += 2;
  const end = headEnd(bytes, Math.max(skip, searchFrom - 3));
  if (end === -1) {
    return bytes.length - skip > maxBytes
      ? { kind: "invalid", status: 431 }
      : { kind: "incomplete" };
  }
  if (end - skip > maxBytes) return { kind: "invalid", status: 431 };
  const lines = latin1(bytes.subarray(skip, end - 4)).split("\r\n");
  const requestLine = parseRequestLine(lines[0]);
  if (typeof requestLine === "number") return { kind: "invalid", status: requestLine };
  const headers: [string, string][] = [];
  for (let index = 1; index < lines.length; index++) {
    const field = parseField(lines[index]);
    if (field === undefined) return { kind: "invalid", status: 400 };
    headers.push(field);
  }
  return { kind: "head", head: { ...requestLine, headers }, length: end };
}

/** The values of header `name` (lower case) in `head`. */
export function headerValues(head: RequestHead, name: string): string[] {
  const values: string[] = [];
  for (const [field, value] of head.headers) if (field === name) values.push(value);
  return values;
}

/** Whether the connection stays open after this request (RFC 9112 §9.3). */
export function wantsKeepAlive(head: RequestHead): boolean {
  if (head.version === "1.1" && !head.headers.some(([name]) => name === "connection")) return true;
  const tokens = headerValues(head, "connection").join(",").toLowerCase().split(/\s*,\s*/);
  if (tokens.includes("close")) return false;
  return head.version === "1.1" || tokens.includes("keep-alive");
}
