// Internationalised domain name labels: the RFC 3492 Punycode decoder and an approximation of
// the IDNA2008 U-label rules (RFC 5891/5892), for `xn--` labels in host names.

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

/**
 * Whether `label` is a valid IDNA2008 U-label (the decoded form of an `xn--` label). An
 * approximation: derived-property classes by general category, plus the exact exception list
 * and CONTEXTO/CONTEXTJ rules of RFC 5892 (Bidi rules are not checked).
 */
export function isULabel(label: string): boolean {
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
