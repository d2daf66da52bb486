// Host names (RFC 1123), with IDNA2008 A-labels checked per RFC 5891/5892: `hostname`.

import { isAsciiAlnum } from "./ascii.ts";
import { decodePunycode, isULabel } from "./idna.ts";

/** Whether `text[start, end)` is a host name (the `hostname` format, also used inside e-mail). */
export function isHostnameRange(text: string, start: number, end: number): boolean {
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
