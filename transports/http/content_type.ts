/**
 * The `Content-Type` check of a POST: the media type must be exactly
 * `application/json` (RFC 9110 §8.3.1: case-insensitive type and subtype,
 * then only well-formed parameters). A substring test would take
 * `application/jsonp` or `text/plain; x=application/json`.
 *
 * @module
 */

const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[^"\\\\\\x00-\\x08\\x0a-\\x1f\\x7f]|\\\\[\\x09\\x20-\\x7e\\x80-\\xff])*"';
// The space after a ';' belongs to the parameter, so an empty parameter leaves exactly one way to
// read a run of spaces: with the space on both sides of it, "; ; ; …" backtracked exponentially.
const PARAMETERS = `(?:[ \\t]*;(?:[ \\t]*${TOKEN}=(?:${TOKEN}|${QUOTED}))?)*`;
const JSON_MEDIA_TYPE = new RegExp(`^[ \\t]*application/json${PARAMETERS}[ \\t]*$`, "i");

/**
 * Whether a `Content-Type` value is `application/json`, with any parameters.
 *
 * @example
 * ```ts
 * import { isJsonContentType } from "./content_type.ts";
 * isJsonContentType("application/json; charset=utf-8"); // → true
 * isJsonContentType("application/jsonp"); // → false
 * ```
 */
export function isJsonContentType(value: string | null): boolean {
  return value !== null && JSON_MEDIA_TYPE.test(value);
}
