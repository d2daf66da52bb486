/**
 * A signing key shared by every instance on one Redis server: the first instance to ask makes
 * it, the others read it, so MRTR `requestState` sealed by one instance opens on any other.
 *
 * @module
 */
import type { RedisClient } from "./redis/client.ts";

/** Options for {@linkcode sharedSecret}. */
export interface SharedSecretOptions {
  /** Prefix of the key. Default `"emcee:"`. */
  prefix?: string;
}

const HEX_KEY = /^[0-9a-f]{64}$/;

function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function fromHex(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/**
 * The 32-byte secret named `name` in `redis` (key `<prefix>secret:<name>`): `SET NX` of a random
 * one, then `GET`, so concurrent first callers agree on whichever was set first. The key has no
 * expiry; delete it to rotate, which invalidates state sealed with the old key.
 *
 * `ServerOptions.requestStateSecret` takes bytes, not a promise: await this before constructing
 * the server.
 *
 * @example
 * ```ts
 * import { connectRedis } from "./redis/mod.ts";
 * import { sharedSecret } from "./shared_secret.ts";
 * import { McpServer } from "../server/server.ts";
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 * const requestStateSecret = await sharedSecret(redis, "request-state");
 * const server = new McpServer({ name: "demo", version: "1.0.0" }, { requestStateSecret });
 * ```
 */
export async function sharedSecret(
  redis: RedisClient,
  name: string,
  options: SharedSecretOptions = {},
): Promise<Uint8Array> {
  const key = `${options.prefix ?? "emcee:"}secret:${name}`;
  const candidate = toHex(crypto.getRandomValues(new Uint8Array(32)));
  await redis.send(["SET", key, candidate, "NX"]);
  const stored = await redis.get(key);
  if (stored === null || !HEX_KEY.test(stored)) {
    // Only another writer can cause this: a key deleted just now, or one not made here.
    throw new Error(`Redis key ${key} does not hold a 32-byte hex secret`);
  }
  return fromHex(stored);
}
