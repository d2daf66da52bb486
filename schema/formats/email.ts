// E-mail addresses (RFC 5321 Mailbox): `email`.

import { isAsciiAlnum } from "./ascii.ts";
import { isHostnameRange } from "./hostname.ts";
import { isIpv4, isIpv6 } from "./ip.ts";

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
  // Without an '@' after a non-empty local part neither check can pass: skip the regex.
  const at = value.lastIndexOf("@");
  if (at <= 0) return false;
  if (value.length <= 254 && PLAIN_EMAIL.test(value)) return true;
  if (!isDotAtom(value, at) && !QUOTED_STRING.test(value.slice(0, at))) return false;
  if (value.charCodeAt(at + 1) === 91 && value.endsWith("]")) {
    const literal = value.slice(at + 2, -1);
    return literal.startsWith("IPv6:") ? isIpv6(literal.slice(5)) : isIpv4(literal);
  }
  return isHostnameRange(value, at + 1, value.length);
}
