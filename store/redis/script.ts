/**
 * A Lua script run by its SHA-1 (`EVALSHA`), so the text crosses the wire only when Redis
 * does not have it cached yet: on the first run, after a restart or after `SCRIPT FLUSH`.
 *
 * @module
 */
import type { RedisClient } from "./client.ts";
import { RedisError } from "./errors.ts";
import type { RedisArgument, RespValue } from "./resp.ts";

/** A script made by {@linkcode defineScript}. */
export interface RedisScript {
  /** The Lua source. */
  readonly source: string;
  /**
   * Runs the script with `EVALSHA`, sending the source with `EVAL` instead when Redis answers
   * `NOSCRIPT` (`EVAL` caches it, so the next run is an `EVALSHA` again).
   */
  run(
    redis: Pick<RedisClient, "send">,
    keys: readonly RedisArgument[],
    args: readonly RedisArgument[],
  ): Promise<RespValue>;
}

/** The lowercase hex SHA-1 of the UTF-8 text, the name Redis caches a script under. */
async function sha1Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-1", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

/**
 * Defines a Lua script; its SHA-1 is computed once, on the first run.
 *
 * @example
 * ```ts
 * import { connectRedis } from "./client.ts";
 * import { defineScript } from "./script.ts";
 * const increment = defineScript("return redis.call('INCRBY', KEYS[1], ARGV[1])");
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 * console.log(await increment.run(redis, ["visits"], [2]));
 * ```
 */
export function defineScript(source: string): RedisScript {
  let sha: Promise<string> | undefined;
  return {
    source,
    async run(redis, keys, args) {
      sha ??= sha1Hex(source);
      const tail = [keys.length, ...keys, ...args];
      try {
        return await redis.send(["EVALSHA", await sha, ...tail]);
      } catch (error) {
        if (!(error instanceof RedisError && error.code === "NOSCRIPT")) throw error;
        return await redis.send(["EVAL", source, ...tail]);
      }
    },
  };
}
