/**
 * The one `Accept` policy of the HTTP transports, after RFC 9110 §12.5.1:
 * media ranges match without regard to case, `type/*` and `*\/*` are
 * wildcards, the most specific matching range decides, and `q=0` refuses. A
 * request without an `Accept` header (or with an empty one) accepts anything.
 *
 * The header is scanned in place: it runs on every POST, so it allocates
 * nothing.
 *
 * @module
 */

const SPACE = 0x20;
const TAB = 0x09;
const SEMICOLON = 0x3b;
const SLASH = 0x2f;
const STAR = 0x2a;
const DOT = 0x2e;
const ZERO = 0x30;
const EQUALS = 0x3d;

function isSpace(code: number): boolean {
  return code === SPACE || code === TAB;
}

/** ASCII lower case of one character code. */
function lower(code: number): number {
  return code >= 0x41 && code <= 0x5a ? code + 0x20 : code;
}

/** Whether `text[start, start + length)` equals the lower-case `pattern[0, length)`. */
function sameIgnoringCase(text: string, start: number, pattern: string, length: number): boolean {
  for (let i = 0; i < length; i++) {
    if (lower(text.charCodeAt(start + i)) !== pattern.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * How specifically the range `accept[start, end)` matches `mediaType`: 3 for
 * the type itself, 2 for `type/*`, 1 for `*\/*`, 0 for no match.
 */
function specificity(accept: string, start: number, end: number, mediaType: string): number {
  const length = end - start;
  if (length === mediaType.length && sameIgnoringCase(accept, start, mediaType, length)) return 3;
  if (
    length < 3 || accept.charCodeAt(end - 1) !== STAR || accept.charCodeAt(end - 2) !== SLASH
  ) return 0;
  if (length === 3 && accept.charCodeAt(start) === STAR) return 1;
  const typeLength = length - 2;
  return mediaType.charCodeAt(typeLength) === SLASH &&
      sameIgnoringCase(accept, start, mediaType, typeLength)
    ? 2
    : 0;
}

/** Whether the parameters `accept[start, end)` (each after a `;`) carry a zero `q`. */
function qualityIsZero(accept: string, start: number, end: number): boolean {
  let at = start;
  while (at < end) {
    // At a ';': skip it and the spaces after it.
    at++;
    while (at < end && isSpace(accept.charCodeAt(at))) at++;
    if (
      at + 1 < end && lower(accept.charCodeAt(at)) === 0x71 && accept.charCodeAt(at + 1) === EQUALS
    ) {
      at += 2;
      if (at >= end || accept.charCodeAt(at) !== ZERO) return false;
      for (at++; at < end; at++) {
        const code = accept.charCodeAt(at);
        if (code === SEMICOLON || isSpace(code)) break;
        if (code !== DOT && code !== ZERO) return false;
      }
      return true;
    }
    while (at < end && accept.charCodeAt(at) !== SEMICOLON) at++;
  }
  return false;
}

/**
 * Whether an `Accept` header value admits `mediaType` (given in lower case,
 * e.g. `"text/event-stream"`). `null`, an empty value, `*\/*` and `text/*`
 * all admit `text/event-stream`; `text/event-stream;q=0` refuses it.
 *
 * @example
 * ```ts
 * import { acceptsMediaType } from "./accept.ts";
 * acceptsMediaType("application/json, Text/Event-Stream", "text/event-stream"); // true
 * acceptsMediaType("*\/*", "text/event-stream"); // true
 * acceptsMediaType("application/json", "text/event-stream"); // false
 * ```
 */
export function acceptsMediaType(accept: string | null, mediaType: string): boolean {
  if (accept === null) return true;
  const length = accept.length;
  let sawRange = false;
  let best = 0;
  let bestRefuses = false;
  let start = 0;
  while (start < length) {
    let end = accept.indexOf(",", start);
    if (end < 0) end = length;
    let rangeStart = start;
    while (rangeStart < end && isSpace(accept.charCodeAt(rangeStart))) rangeStart++;
    let parameters = rangeStart;
    while (parameters < end && accept.charCodeAt(parameters) !== SEMICOLON) parameters++;
    let rangeEnd = parameters;
    while (rangeEnd > rangeStart && isSpace(accept.charCodeAt(rangeEnd - 1))) rangeEnd--;
    if (rangeEnd > rangeStart) {
      sawRange = true;
      const match = specificity(accept, rangeStart, rangeEnd, mediaType);
      if (match > best) {
        best = match;
        bestRefuses = qualityIsZero(accept, parameters, end);
      } else if (match === best && match > 0 && bestRefuses) {
        bestRefuses = qualityIsZero(accept, parameters, end);
      }
    }
    start = end + 1;
  }
  if (!sawRange) return true;
  return best > 0 && !bestRefuses;
}

/** Whether `request` accepts `mediaType` under {@link acceptsMediaType}. */
export function accepts(request: Request, mediaType: string): boolean {
  return acceptsMediaType(request.headers.get("accept"), mediaType);
}
