// ASCII character tests shared by the format checks.

/** Value of `count` ASCII digits at `start`, or -1 if any is not a digit. */
export function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** Whether the UTF-16 unit `c` is an ASCII hexadecimal digit. */
export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || ((c | 32) >= 97 && (c | 32) <= 102);
}

/** Whether the UTF-16 unit `c` is an ASCII letter or digit. */
export function isAsciiAlnum(c: number): boolean {
  const lower = c | 32;
  return (c >= 48 && c <= 57) || (lower >= 97 && lower <= 122);
}
