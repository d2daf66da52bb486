/**
 * Redis failures that mean "not reachable now" (a connection that failed or dropped, a command
 * without reply in time) turned into a `StoreUnavailableError`, which the HTTP handler answers
 * with 503 and `Retry-After`; other errors (a script's error reply) pass unchanged.
 *
 * @module
 */
import { RedisConnectionError, RedisTimeoutError } from "./redis/errors.ts";
import { StoreUnavailableError } from "../protocol/store_errors.ts";

/** `error` as a `StoreUnavailableError` when it says Redis is unreachable; else `error`. */
export function asUnavailable(error: unknown, retryAfterSeconds = 1): unknown {
  if (error instanceof RedisConnectionError || error instanceof RedisTimeoutError) {
    return new StoreUnavailableError(
      "The shared store (Redis) is unreachable",
      retryAfterSeconds,
      error,
    );
  }
  return error;
}

/** Runs `operation`, rejecting with {@linkcode asUnavailable} of its failure. */
export async function guarded<T>(operation: () => Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    throw asUnavailable(error);
  }
}
