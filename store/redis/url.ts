/**
 * Redis connection URLs: `redis://[user[:password]@]host[:port][/db]`, and `rediss://` for TLS.
 *
 * @module
 */

/** Where and how to connect, as a Redis URL says it. */
export interface RedisAddress {
  /** Host name or IP address (IPv6 without brackets). */
  hostname: string;
  /** TCP port; 6379 unless the URL says otherwise. */
  port: number;
  /** `true` for `rediss://`. */
  tls: boolean;
  /** ACL user name for `AUTH`; absent means the `default` user. */
  username?: string;
  /** Password for `AUTH`; absent means no `AUTH`. */
  password?: string;
  /** Database index for `SELECT`; 0 unless the URL has `/n` (or `?db=n`). */
  db: number;
}

/**
 * Parses a Redis URL. Throws a `TypeError` for another scheme, a missing host or a database
 * that is not a non-negative integer. The user name and password are percent-decoded.
 *
 * @example
 * ```ts
 * import { parseRedisUrl } from "./url.ts";
 * console.log(parseRedisUrl("redis://app:s3cret@cache.internal:6380/2"));
 * // { hostname: "cache.internal", port: 6380, tls: false, username: "app", password: "s3cret", db: 2 }
 * ```
 */
export function parseRedisUrl(url: string): RedisAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw new TypeError(`not a Redis URL: ${JSON.stringify(url)}`, { cause: error });
  }
  if (parsed.protocol !== "redis:" && parsed.protocol !== "rediss:") {
    throw new TypeError(`a Redis URL starts with redis:// or rediss://, not ${parsed.protocol}//`);
  }
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  if (hostname === "") throw new TypeError(`the Redis URL ${JSON.stringify(url)} has no host`);
  const path = parsed.pathname.replace(/^\/+/, "");
  const dbText = path !== "" ? path : parsed.searchParams.get("db") ?? "0";
  if (!/^\d+$/.test(dbText)) {
    throw new TypeError(`the Redis database must be a number, not ${JSON.stringify(dbText)}`);
  }
  const address: RedisAddress = {
    hostname,
    port: parsed.port === "" ? 6379 : Number(parsed.port),
    tls: parsed.protocol === "rediss:",
    db: Number(dbText),
  };
  if (parsed.username !== "") address.username = decodeURIComponent(parsed.username);
  if (parsed.password !== "") address.password = decodeURIComponent(parsed.password);
  return address;
}
