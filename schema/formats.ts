/**
 * String format checks for the `format` keyword (RFC 3339 dates and times, RFC 3986 URIs,
 * RFC 5321 e-mail, RFC 1123/5890 host names, IP addresses, UUIDs, JSON pointers, regexes).
 * Each check takes a string and returns whether it is well formed.
 * @module
 */

import { isDate, isDateTime, isDuration, isTime } from "./formats/dates.ts";
import { isEmail } from "./formats/email.ts";
import { isHostname } from "./formats/hostname.ts";
import { isJsonPointer, isRelativeJsonPointer, isUuid } from "./formats/identifiers.ts";
import { isIpv4, isIpv6 } from "./formats/ip.ts";
import { isRegex } from "./formats/regex.ts";
import { isUri, isUriReference } from "./formats/uri.ts";

/**
 * A format check: receives a string instance, returns whether it conforms.
 *
 * @example A custom format, passed to `compileSchema`
 * ```ts
 * import { compileSchema, type FormatCheck } from "./mod.ts";
 * const isSlug: FormatCheck = (value) => /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(value);
 * const validator = compileSchema(
 *   { type: "string", format: "slug" },
 *   { formats: { slug: isSlug } },
 * );
 * validator.is("hello-world"); // true
 * validator.is("Hello World"); // false
 * ```
 */
export type FormatCheck = (value: string) => boolean;

/**
 * The built-in format checks, by format name. Unknown formats always pass.
 *
 * @example
 * ```ts
 * import { FORMATS } from "./mod.ts";
 * FORMATS["date-time"]("2026-07-28T12:00:00Z"); // true
 * FORMATS.email("not an address"); // false
 * ```
 */
export const FORMATS: Readonly<Record<string, FormatCheck>> = {
  "date": isDate,
  "time": isTime,
  "date-time": isDateTime,
  "duration": isDuration,
  "email": isEmail,
  "hostname": isHostname,
  "ipv4": isIpv4,
  "ipv6": isIpv6,
  "uri": isUri,
  "uri-reference": isUriReference,
  "uuid": isUuid,
  "json-pointer": isJsonPointer,
  "relative-json-pointer": isRelativeJsonPointer,
  "regex": isRegex,
};
