/**
 * String format checks for the `format` keyword (RFC 3339 dates and times, RFC 3986 URIs,
 * RFC 5321 e-mail, RFC 1123/5890 host names, IP addresses, UUIDs, JSON pointers, regexes).
 * Each check takes a string and returns whether it is well formed.
 * @module
 */

/** A format check: receives a string instance, returns whether it conforms. */
export type FormatCheck = (value: string) => boolean;

const DAYS_IN_MONTH = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

/** Value of `count` ASCII digits at `start`, or -1 if any is not a digit. */
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

function isDateRange(text: string, start: number): boolean {
  if (text.charCodeAt(start + 4) !== 45 || text.charCodeAt(start + 7) !== 45) return false;
  const year = digitsAt(text, start, 4);
  const month = digitsAt(text, start + 5, 2);
  const day = digitsAt(text, start + 8, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1) return false;
  return day <= (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month]);
}

/** RFC 3339 `full-date`, with real month lengths and leap years. */
export function isDate(value: string): boolean {
  return value.length === 10 && isDateRange(value, 0);
}

function isTimeFrom(text: string, start: number): boolean {
  const end = text.length;
  if (end - start < 9 || text.charCodeAt(start + 2) !== 58 || text.charCodeAt(start + 5) !== 58) {
    return false;
  }
  const hour = digitsAt(text, start, 2);
  const minute = digitsAt(text, start + 3, 2);
  const second = digitsAt(text, start + 6, 2);
  if (hour < 0 || minute < 0 || second < 0 || hour > 23 || minute > 59 || second > 60) return false;
  let i = start + 8;
  if (text.charCodeAt(i) === 46) {
    const fractionStart = ++i;
    while (i < end && digitsAt(text, i, 1) >= 0) i++;
    if (i === fractionStart) return false;
  }
  let offsetMinutes = 0;
  const c = text.charCodeAt(i);
  if (c === 90 || c === 122) {
    if (i + 1 !== end) return false;
  } else if (c === 43 || c === 45) {
    if (end - i !== 6 || text.charCodeAt(i + 3) !== 58) return false;
    const offsetHour = digitsAt(text, i + 1, 2);
    const offsetMinute = digitsAt(text, i + 4, 2);
    if (offsetHour < 0 || offsetMinute < 0 || offsetHour > 23 || offsetMinute > 59) return false;
    offsetMinutes = (c === 45 ? -1 : 1) * (offsetHour * 60 + offsetMinute);
  } else {
    return false;
  }
  if (second < 60) return true;
  const utcMinutes = hour * 60 + minute - offsetMinutes;
  return ((utcMinutes % 1440) + 1440) % 1440 === 23 * 60 + 59;
}

/** RFC 3339 `full-time`; a leap second (`:60`) is only accepted at 23:59 UTC. */
export function isTime(value: string): boolean {
  return isTimeFrom(value, 0);
}

/** RFC 3339 `date-time` (`T` or `t` separator). */
export function isDateTime(value: string): boolean {
  const t = value.charCodeAt(10);
  return (t === 84 || t === 116) && isDateRange(value, 0) && isTimeFrom(value, 11);
}

const DURATION = new RegExp(
  "^P(?:(?:[0-9]+D|[0-9]+M(?:[0-9]+D)?|[0-9]+Y(?:[0-9]+M(?:[0-9]+D)?)?)" +
    "(?:T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S))?" +
    "|T(?:[0-9]+H(?:[0-9]+M(?:[0-9]+S)?)?|[0-9]+M(?:[0-9]+S)?|[0-9]+S)" +
    "|[0-9]+W)$",
);

/** RFC 3339 appendix A `duration` (ISO 8601 durations without fractions). */
export function isDuration(value: string): boolean {
  return DURATION.test(value);
}

const IPV4 =
  /^(?:(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])\.){3}(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])$/;
const HEX_GROUP = /^[0-9A-Fa-f]{1,4}$/;

/** Dotted-quad IPv4 without leading zeros. */
export function isIpv4(value: string): boolean {
  return IPV4.test(value);
}

/** RFC 4291 text form of an IPv6 address (with optional embedded IPv4; no zone, no brackets). */
export function isIpv6(value: string): boolean {
  let groups = 8;
  let text = value;
  const lastColon = text.lastIndexOf(":");
  if (lastColon < 0) return false;
  if (text.indexOf(".", lastColon) >= 0) {
    if (!isIpv4(text.slice(lastColon + 1))) return false;
    groups = 6;
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith("::")) text = text.slice(0, -1);
  }
  const compressed = text.indexOf("::");
  if (compressed >= 0) {
    if (text.indexOf("::", compressed + 1) >= 0) return false;
    const head = text.slice(0, compressed);
    const tail = text.slice(compressed + 2);
    const parts = [
      ...(head === "" ? [] : head.split(":")),
      ...(tail === "" ? [] : tail.split(":")),
    ];
    return parts.length < groups && parts.every((p) => HEX_GROUP.test(p));
  }
  const parts = text.split(":");
  return parts.length === groups && parts.every((p) => HEX_GROUP.test(p));
}

const UUID = /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/;

/** RFC 4122 textual UUID (any version). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

const JSON_POINTER = /^(?:\/(?:[^~/]|~[01])*)*$/;
const RELATIVE_JSON_POINTER = /^(?:0|[1-9][0-9]*)(?:#|(?:\/(?:[^~/]|~[01])*)*)$/;

/** RFC 6901 JSON Pointer. */
export function isJsonPointer(value: string): boolean {
  return JSON_POINTER.test(value);
}

/** Relative JSON Pointer (draft-handrews-relative-json-pointer-01). */
export function isRelativeJsonPointer(value: string): boolean {
  return RELATIVE_JSON_POINTER.test(value);
}

/** An ECMAScript regular expression (accepted in Unicode mode or, failing that, legacy mode). */
export function isRegex(value: string): boolean {
  return compilePattern(value) !== undefined;
}

/** Compiles a schema `pattern`: Unicode-aware (`u` flag), falling back to legacy syntax. */
export function compilePattern(source: string): RegExp | undefined {
  try {
    return new RegExp(source, "u");
  } catch {
    try {
      return new RegExp(source);
    } catch {
      return undefined;
    }
  }
}

// ---- URIs (RFC 3986) ----

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

function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

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

// ---- Host names (RFC 1123, with IDNA2008 A-labels checked per RFC 5891/5892) ----

function isAsciiAlnum(c: number): boolean {
  const lower = c | 32;
  return (c >= 48 && c <= 57) || (lower >= 97 && lower <= 122);
}

function isHostnameRange(text: string, start: number, end: number): boolean {
  const length = end - start;
  if (length === 0 || length > 253) return false;
  let labelStart = start;
  for (let i = start; i <= end; i++) {
    const c = i < end ? text.charCodeAt(i) : 46;
    if (c === 46) {
      const labelLength = i - labelStart;
      if (labelLength < 1 || labelLength > 63 || text.charCodeAt(i - 1) === 45) return false;
      if (
        labelLength >= 4 && text.charCodeAt(labelStart + 2) === 45 &&
        text.charCodeAt(labelStart + 3) === 45
      ) {
        // Hyphens in positions 3-4 are reserved for A-labels ("xn--" + Punycode).
        if (
          (text.charCodeAt(labelStart) | 32) !== 120 ||
          (text.charCodeAt(labelStart + 1) | 32) !== 110
        ) {
          return false;
        }
        const decoded = decodePunycode(text.slice(labelStart + 4, i));
        if (decoded === undefined || !isULabel(decoded)) return false;
      }
      labelStart = i + 1;
    } else if (!isAsciiAlnum(c) && (c !== 45 || i === labelStart)) {
      return false;
    }
  }
  return true;
}

/** RFC 1123 host name; `xn--` labels must decode (RFC 3492) to a valid IDNA2008 U-label. */
export function isHostname(value: string): boolean {
  return isHostnameRange(value, 0, value.length);
}

const PUNY_BASE = 36;
const PUNY_TMIN = 1;
const PUNY_TMAX = 26;

function punyAdapt(delta: number, points: number, first: boolean): number {
  let d = first ? Math.floor(delta / 700) : delta >> 1;
  d += Math.floor(d / points);
  let k = 0;
  while (d > ((PUNY_BASE - PUNY_TMIN) * PUNY_TMAX) >> 1) {
    d = Math.floor(d / (PUNY_BASE - PUNY_TMIN));
    k += PUNY_BASE;
  }
  return k + Math.floor(((PUNY_BASE - PUNY_TMIN + 1) * d) / (d + 38));
}

function punyDigit(code: number): number {
  if (code >= 48 && code <= 57) return code - 22;
  if (code >= 65 && code <= 90) return code - 65;
  if (code >= 97 && code <= 122) return code - 97;
  return PUNY_BASE;
}

/** RFC 3492 decoder; undefined for malformed input. */
export function decodePunycode(input: string): string | undefined {
  const output: number[] = [];
  const delimiter = input.lastIndexOf("-");
  for (let j = 0; j < Math.max(delimiter, 0); j++) {
    const c = input.charCodeAt(j);
    if (c >= 0x80) return undefined;
    output.push(c);
  }
  let n = 128;
  let i = 0;
  let bias = 72;
  let index = delimiter > 0 ? delimiter + 1 : 0;
  while (index < input.length) {
    const oldI = i;
    let w = 1;
    for (let k = PUNY_BASE;; k += PUNY_BASE) {
      if (index >= input.length) return undefined;
      const digit = punyDigit(input.charCodeAt(index++));
      if (digit >= PUNY_BASE) return undefined;
      i += digit * w;
      if (i > 0x7fffffff) return undefined;
      const t = k <= bias ? PUNY_TMIN : k >= bias + PUNY_TMAX ? PUNY_TMAX : k - bias;
      if (digit < t) break;
      w *= PUNY_BASE - t;
    }
    bias = punyAdapt(i - oldI, output.length + 1, oldI === 0);
    n += Math.floor(i / (output.length + 1));
    i %= output.length + 1;
    if (n > 0x10ffff) return undefined;
    output.splice(i, 0, n);
    i++;
  }
  return String.fromCodePoint(...output);
}

// Code points with canonical combining class 9 (viramas), for the ZWJ/ZWNJ rules of RFC 5892.
const VIRAMA = new Set([
  0x094d,
  0x09cd,
  0x0a4d,
  0x0acd,
  0x0b4d,
  0x0bcd,
  0x0c4d,
  0x0ccd,
  0x0d3b,
  0x0d3c,
  0x0d4d,
  0x0dca,
  0x0e3a,
  0x0eba,
  0x0f84,
  0x1039,
  0x103a,
  0x1714,
  0x1715,
  0x1734,
  0x17d2,
  0x1a60,
  0x1b44,
  0x1baa,
  0x1bab,
  0x1bf2,
  0x1bf3,
  0x2d7f,
  0xa806,
  0xa82c,
  0xa8c4,
  0xa953,
  0xa9c0,
  0xaaf6,
  0xabed,
  0x10a3f,
  0x11046,
  0x11070,
  0x1107f,
  0x110b9,
  0x11133,
  0x11134,
  0x111c0,
  0x11235,
  0x112ea,
  0x1134d,
  0x11442,
  0x114c2,
  0x115bf,
  0x1163f,
  0x116b6,
  0x1172b,
  0x11839,
  0x1193d,
  0x1193e,
  0x119e0,
  0x11a34,
  0x11a47,
  0x11a99,
  0x11c3f,
  0x11d44,
  0x11d45,
  0x11d97,
]);
// RFC 5892 section 2.6 exceptions.
const PVALID_EXCEPTIONS = new Set([0x00df, 0x03c2, 0x06fd, 0x06fe, 0x0f0b, 0x3007]);
const DISALLOWED_EXCEPTIONS = new Set([
  0x0640,
  0x07fa,
  0x302e,
  0x302f,
  0x3031,
  0x3032,
  0x3033,
  0x3034,
  0x3035,
  0x303b,
]);
const PVALID_GENERAL = /^[\p{Ll}\p{Lo}\p{Lm}\p{Mn}\p{Mc}\p{Nd}]$/u;
const COMBINING_MARK = /^\p{M}/u;
const GREEK = /^\p{Script=Greek}$/u;
const HEBREW = /^\p{Script=Hebrew}$/u;
const KANA_HAN = /[\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Han}]/u;
const JOINING_LEFT =
  /[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}]\p{Mn}*$/u;
const JOINING_RIGHT =
  /^\p{Mn}*[\p{Script=Arabic}\p{Script=Syriac}\p{Script=Nko}\p{Script=Mongolian}]/u;

// An approximation of IDNA2008 validity: derived-property classes by general category, plus the
// exact exception list and CONTEXTO/CONTEXTJ rules of RFC 5892 (Bidi rules are not checked).
function isULabel(label: string): boolean {
  if (label === "" || !/[^\p{ASCII}]/u.test(label)) return false;
  if (label[2] === "-" && label[3] === "-") return false;
  if (label.startsWith("-") || label.endsWith("-") || COMBINING_MARK.test(label)) return false;
  const chars = Array.from(label);
  let arabicIndic = false;
  let extendedArabicIndic = false;
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    const cp = ch.codePointAt(0) as number;
    if (DISALLOWED_EXCEPTIONS.has(cp)) return false;
    if (PVALID_EXCEPTIONS.has(cp)) continue;
    if (cp === 0x2d || (cp >= 0x30 && cp <= 0x39) || (cp >= 0x61 && cp <= 0x7a)) continue;
    switch (cp) {
      case 0x00b7:
        if (chars[i - 1] !== "l" || chars[i + 1] !== "l") return false;
        continue;
      case 0x0375:
        if (i + 1 >= chars.length || !GREEK.test(chars[i + 1])) return false;
        continue;
      case 0x05f3:
      case 0x05f4:
        if (i === 0 || !HEBREW.test(chars[i - 1])) return false;
        continue;
      case 0x30fb:
        if (!KANA_HAN.test(label.replace(/\u30fb/g, ""))) return false;
        continue;
      case 0x200d:
        if (i === 0 || !VIRAMA.has(chars[i - 1].codePointAt(0) as number)) return false;
        continue;
      case 0x200c:
        if (i > 0 && VIRAMA.has(chars[i - 1].codePointAt(0) as number)) continue;
        if (
          !JOINING_LEFT.test(chars.slice(0, i).join("")) ||
          !JOINING_RIGHT.test(chars.slice(i + 1).join(""))
        ) return false;
        continue;
    }
    if (cp >= 0x0660 && cp <= 0x0669) arabicIndic = true;
    if (cp >= 0x06f0 && cp <= 0x06f9) extendedArabicIndic = true;
    if (!PVALID_GENERAL.test(ch)) return false;
  }
  return !(arabicIndic && extendedArabicIndic);
}

// ---- E-mail (RFC 5321 Mailbox) ----

const ATEXT_SPECIALS = "!#$%&'*+-/=?^_`{|}~";
const QUOTED_STRING = /^"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])*"$/;

function isDotAtom(text: string, end: number): boolean {
  let previousDot = true;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 46) {
      if (previousDot) return false;
      previousDot = true;
    } else if (isAsciiAlnum(c) || (c < 128 && ATEXT_SPECIALS.includes(text[i]))) {
      previousDot = false;
    } else {
      return false;
    }
  }
  return !previousDot;
}

// The everyday shape: a dot-atom local part at a host name of letters and digits only (no
// hyphens, so no A-label or reserved-hyphen rules apply), at most 254 characters so the host
// is at most 253. It accepts only strings the full check accepts.
const PLAIN_EMAIL =
  /^[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+\/=?^_`{|}~-]+)*@[A-Za-z0-9]{1,63}(?:\.[A-Za-z0-9]{1,63})*$/;

/** RFC 5321 mailbox: dot-atom or quoted local part; host name or bracketed IP literal. */
export function isEmail(value: string): boolean {
  if (value.length <= 254 && PLAIN_EMAIL.test(value)) return true;
  const at = value.lastIndexOf("@");
  if (at <= 0) return false;
  if (!isDotAtom(value, at) && !QUOTED_STRING.test(value.slice(0, at))) return false;
  if (value.charCodeAt(at + 1) === 91 && value.endsWith("]")) {
    const literal = value.slice(at + 2, -1);
    return literal.startsWith("IPv6:") ? isIpv6(literal.slice(5)) : isIpv4(literal);
  }
  return isHostnameRange(value, at + 1, value.length);
}

/** The built-in format checks, by format name. Unknown formats always pass. */
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
