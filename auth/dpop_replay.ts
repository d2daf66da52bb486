/**
 * The replay cache of DPoP proofs (RFC 9449 §11.1): each proof's `jti` is
 * remembered for as long as its `iat` could still pass, so a captured proof
 * cannot be sent again. In memory and bounded in entries by default; plug in
 * a shared store when several server instances take the same tokens.
 *
 * @module
 */

/** Where proof identifiers are remembered. */
export interface DpopReplayCache {
  /**
   * Remembers `key` until `expiresAt` (ms since the epoch). Returns false,
   * remembering nothing, when `key` is already remembered and not yet expired:
   * the proof is a replay. `now` is the checker's clock.
   */
  remember(key: string, expiresAt: number, now: number): boolean | Promise<boolean>;
}

/** The in-memory {@link DpopReplayCache}, with its current size. */
export interface MemoryDpopReplayCache extends DpopReplayCache {
  /** How many identifiers are remembered now (never more than `maxEntries`). */
  readonly size: number;
}

/** Options of {@link dpopReplayCache}. */
export interface DpopReplayCacheOptions {
  /**
   * The most identifiers remembered; when full, the one expiring soonest is
   * forgotten first, so a flood of proofs cannot grow memory. Size it above
   * the proofs expected within the `iat` window. Default 10000.
   */
  maxEntries?: number;
}

/**
 * A replay cache in memory, bounded by `maxEntries`. Expired identifiers are
 * dropped as new ones arrive.
 *
 * @example
 * ```ts
 * import { dpopReplayCache } from "./dpop_replay.ts";
 * const cache = dpopReplayCache({ maxEntries: 50_000 });
 * // bearerAuth({ resource, verify, dpop: { replayCache: cache } })
 * cache.remember("jkt jti-1", Date.now() + 65_000, Date.now()); // → true
 * cache.remember("jkt jti-1", Date.now() + 65_000, Date.now()); // → false: a replay
 * ```
 */
export function dpopReplayCache(options: DpopReplayCacheOptions = {}): MemoryDpopReplayCache {
  const maxEntries = Math.max(1, Math.floor(options.maxEntries ?? 10000));
  // key → expiry. The checker gives every key the same lifetime, so insertion
  // order is expiry order and expired keys are always at the front.
  const entries = new Map<string, number>();

  function forgetExpired(now: number): void {
    for (const [key, expiresAt] of entries) {
      if (expiresAt > now) return;
      entries.delete(key);
    }
  }

  return {
    get size(): number {
      return entries.size;
    },
    remember(key: string, expiresAt: number, now: number): boolean {
      forgetExpired(now);
      const known = entries.get(key);
      if (known !== undefined && known > now) return false;
      entries.delete(key);
      while (entries.size >= maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
      entries.set(key, expiresAt);
      return true;
    },
  };
}
