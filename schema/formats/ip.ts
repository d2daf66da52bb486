// IP address text forms: `ipv4` and `ipv6`.

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
