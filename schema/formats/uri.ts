// RFC 3986 URIs: `uri` and `uri-reference`.

import { digitsAt, isHexDigit } from "./ascii.ts";
import { isIpv6 } from "./ip.ts";

// Character classes of RFC 3986, as bit flags over ASCII.
const UNRESERVED = 1;
const SUB_DELIM = 2;
const COLON = 4;
const AT_SIGN = 8;
const SLASH = 16;
const QUESTION = 32;
const USERINFO_CHARS = UNRESERVED | SUB_DELIM | COLON;
const REG_NAME_CHARS = UNRESERVED | SUB_DELIM;
const PATH_CHARS = UNRESERVED | SUB_DELIM | COLON | AT_SIGN | SLASH;
const QUERY_CHARS = PATH_CHARS | QUESTION;
const URI_CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9\-._~]/.test(ch)) URI_CHARS[c] |= UNRESERVED;
  if ("!$&'()*+,;=".includes(ch)) URI_CHARS[c] |= SUB_DELIM;
}
URI_CHARS[58] |= COLON;
URI_CHARS[64] |= AT_SIGN;
URI_CHARS[47] |= SLASH;
URI_CHARS[63] |= QUESTION;
const IP_FUTURE = /^[vV][0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/;
/** Every character in [start, end) is in `allowed` or a valid percent-encoding. */
function scanUriChars(text: string, start: number, end: number, allowed: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 37) {
      if (
        i + 2 >= end || !isHexDigit(text.charCodeAt(i + 1)) || !isHexDigit(text.charCodeAt(i + 2))
      ) {
        return false;
      }
      i += 2;
    } else if (c >= 128 || (URI_CHARS[c] & allowed) === 0) {
      return false;
    }
  }
  return true;
}

function scanDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (digitsAt(text, i, 1) < 0) return false;
  return true;
}

function isAuthority(text: string, start: number, end: number): boolean {
  const at = text.lastIndexOf("@", end - 1);
  let hostStart = start;
  if (at >= start) {
    if (!scanUriChars(text, start, at, USERINFO_CHARS)) return false;
    hostStart = at + 1;
  }
  if (text.charCodeAt(hostStart) === 91) {
    const close = text.indexOf("]", hostStart);
    if (close < 0 || close >= end) return false;
    const literal = text.slice(hostStart + 1, close);
    if (!isIpv6(literal) && !IP_FUTURE.test(literal)) return false;
    if (close + 1 === end) return true;
    return text.charCodeAt(close + 1) === 58 && scanDigits(text, close + 2, end);
  }
  let colon = text.indexOf(":", hostStart);
  if (colon < 0 || colon >= end) colon = end;
  return scanUriChars(text, hostStart, colon, REG_NAME_CHARS) &&
    (colon === end || scanDigits(text, colon + 1, end));
}

function isSchemeRange(text: string, end: number): boolean {
  const first = text.charCodeAt(0) | 32;
  if (end === 0 || first < 97 || first > 122) return false;
  for (let i = 1; i < end; i++) {
    const c = text.charCodeAt(i);
    const lower = c | 32;
    if (
      !((lower >= 97 && lower <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46)
    ) {
      return false;
    }
  }
  return true;
}

function indexOfAny(text: string, start: number, a: number, b: number, c: number): number {
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === a || code === b || code === c) return i;
  }
  return text.length;
}

function isUriLike(value: string, requireScheme: boolean): boolean {
  const n = value.length;
  let i = 0;
  // A ':' before any '/', '?' or '#' ends a scheme; without one the first segment has no ':'.
  const schemeEnd = indexOfAny(value, 0, 58, 47, 63);
  const hash = value.indexOf("#");
  if (schemeEnd < n && value.charCodeAt(schemeEnd) === 58 && (hash < 0 || schemeEnd < hash)) {
    if (!isSchemeRange(value, schemeEnd)) return false;
    i = schemeEnd + 1;
  } else if (requireScheme) {
    return false;
  }
  if (value.charCodeAt(i) === 47 && value.charCodeAt(i + 1) === 47) {
    const authorityEnd = indexOfAny(value, i + 2, 47, 63, 35);
    if (!isAuthority(value, i + 2, authorityEnd)) return false;
    i = authorityEnd;
  }
  const pathEnd = indexOfAny(value, i, 63, 35, 35);
  if (!scanUriChars(value, i, pathEnd, PATH_CHARS)) return false;
  if (pathEnd === n) return true;
  if (value.charCodeAt(pathEnd) === 63) {
    const queryEnd = value.indexOf("#", pathEnd);
    const end = queryEnd < 0 ? n : queryEnd;
    if (!scanUriChars(value, pathEnd + 1, end, QUERY_CHARS)) return false;
    if (end === n) return true;
    return scanUriChars(value, end + 1, n, QUERY_CHARS);
  }
  return scanUriChars(value, pathEnd + 1, n, QUERY_CHARS);
}

// The everyday shape, `scheme://host[:port][/path][?query][#fragment]` without userinfo, IP
// literals or percent-encoding, in one native regex match. It accepts only strings the full
// check accepts; everything else gets the full check.
const PLAIN_URI = new RegExp(
  "^[A-Za-z][A-Za-z0-9+.-]*://[A-Za-z0-9.-]+(?::[0-9]*)?" +
    "(?:/[A-Za-z0-9\\-._~!$&'()*+,;=:@/]*)?" +
    "(?:\\?[A-Za-z0-9\\-._~!$&'()*+,;=:@/?]*)?" +
    "(?:#[A-Za-z0-9\\-._~!$&'()*+,;=:@/?]*)?$",
);

/** RFC 3986 absolute URI (scheme required; fragment allowed). */
export function isUri(value: string): boolean {
  return PLAIN_URI.test(value) || isUriLike(value, true);
}

/** RFC 3986 URI reference (absolute or relative). */
export function isUriReference(value: string): boolean {
  return PLAIN_URI.test(value) || isUriLike(value, false);
}
