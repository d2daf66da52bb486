/**
 * Which hosts the authorization server may fetch from: client metadata
 * documents are fetched on the say-so of whoever sends a `client_id`, so
 * loopback, private, link-local and other non-public addresses are refused
 * (SSRF). Names are judged by their text, addresses by their ranges.
 *
 * @module
 */

/** Names that resolve to this machine or a local network, by convention or RFC 6761/8375. */
const LOCAL_SUFFIXES = [".localhost", ".local", ".internal", ".home.arpa", ".lan", ".intranet"];

/** IPv4 ranges that are not publicly routable (RFC 6890 and friends): [base, prefix length]. */
const PRIVATE_V4: readonly [number, number][] = [
  [0x00000000, 8], // "this network"
  [0x0a000000, 8], // private
  [0x64400000, 10], // carrier-grade NAT
  [0x7f000000, 8], // loopback
  [0xa9fe0000, 16], // link-local, cloud metadata
  [0xac100000, 12], // private
  [0xc0000000, 24], // IETF protocol assignments
  [0xc0000200, 24], // documentation
  [0xc0a80000, 16], // private
  [0xc6120000, 15], // benchmarking
  [0xc6336400, 24], // documentation
  [0xcb007100, 24], // documentation
  [0xe0000000, 4], // multicast
  [0xf0000000, 4], // reserved, broadcast
];

function parseIPv4(text: string): number | undefined {
  const parts = text.split(".");
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value;
}

function privateIPv4(value: number): boolean {
  return PRIVATE_V4.some(([base, prefix]) => {
    const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
    return ((value & mask) >>> 0) === base;
  });
}

/** The eight 16-bit groups of an IPv6 address (no brackets, no zone), or `undefined`. */
function parseIPv6(text: string): number[] | undefined {
  let address = text;
  const lastColon = address.lastIndexOf(":");
  if (lastColon >= 0 && address.includes(".", lastColon)) {
    // A dotted IPv4 tail (::ffff:1.2.3.4) stands for the last two groups.
    const v4 = parseIPv4(address.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    address = `${address.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${
      (v4 & 0xffff).toString(16)
    }`;
  }
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const groups = (half: string) => (half === "" ? [] : half.split(":"));
  const head = groups(halves[0]);
  const rest = halves.length === 2 ? groups(halves[1]) : [];
  const total = head.length + rest.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const fill = halves.length === 2 ? new Array<string>(8 - total).fill("0") : [];
  const numbers: number[] = [];
  for (const group of [...head, ...fill, ...rest]) {
    if (!/^[0-9a-f]{1,4}$/i.test(group)) return undefined;
    numbers.push(parseInt(group, 16));
  }
  return numbers;
}

function privateIPv6(groups: readonly number[]): boolean {
  const [a, b, c, d, e, f, g, h] = groups;
  const v4 = ((g << 16) >>> 0) + h;
  const leadingZeros = a === 0 && b === 0 && c === 0 && d === 0 && e === 0;
  if (leadingZeros && f === 0) return true; // ::, ::1 and the deprecated IPv4-compatible form
  if (leadingZeros && f === 0xffff) return privateIPv4(v4); // IPv4-mapped
  if (a === 0x64 && b === 0xff9b && c === 0 && d === 0 && e === 0 && f === 0) {
    return privateIPv4(v4); // NAT64
  }
  if ((a & 0xfe00) === 0xfc00) return true; // unique local
  if ((a & 0xffc0) === 0xfe80 || (a & 0xffc0) === 0xfec0) return true; // link-local, site-local
  if ((a & 0xff00) === 0xff00) return true; // multicast
  if (a === 0x2001 && b === 0x0db8) return true; // documentation
  if (a === 0x0100 && b === 0 && c === 0 && d === 0) return true; // discard
  return false;
}

/**
 * Whether `address` (an IPv4 or IPv6 literal, IPv6 with or without
 * brackets) is loopback, private, link-local, multicast or otherwise not a
 * public unicast address. Text that is no address answers `false`.
 *
 * @example
 * ```ts
 * import { isNonPublicAddress } from "./address_policy.ts";
 * isNonPublicAddress("127.0.0.1"); // → true
 * isNonPublicAddress("[::ffff:10.0.0.1]"); // → true
 * isNonPublicAddress("93.184.215.14"); // → false
 * ```
 */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.startsWith("[") && address.endsWith("]") ? address.slice(1, -1) : address;
  const v4 = parseIPv4(bare);
  if (v4 !== undefined) return privateIPv4(v4);
  const v6 = parseIPv6(bare.split("%")[0]);
  return v6 !== undefined && privateIPv6(v6);
}

/**
 * Why the host of `url` may not be fetched from, or `undefined` when it may:
 * refused are non-public address literals, `localhost` and local-network
 * names, single-label names, and any address `resolved` lists that is not public.
 *
 * @example
 * ```ts
 * import { hostRefusal } from "./address_policy.ts";
 * hostRefusal(new URL("https://127.0.0.1/client.json")); // → "…is not a public address"
 * hostRefusal(new URL("https://app.example.com/client.json")); // → undefined
 * ```
 */
export function hostRefusal(
  url: URL,
  resolved: readonly string[] = [],
): string | undefined {
  const hostname = url.hostname.toLowerCase().replace(/\.$/, "");
  if (hostname.startsWith("[") || parseIPv4(hostname) !== undefined) {
    return isNonPublicAddress(hostname) ? `${hostname} is not a public address` : undefined;
  }
  if (hostname === "localhost" || LOCAL_SUFFIXES.some((suffix) => hostname.endsWith(suffix))) {
    return `${hostname} names a local host`;
  }
  if (!hostname.includes(".")) return `${hostname} is not a fully qualified domain name`;
  const privateAddress = resolved.find(isNonPublicAddress);
  if (privateAddress !== undefined) {
    return `${hostname} resolves to ${privateAddress}, which is not a public address`;
  }
  return undefined;
}
