/**
 * The session cap policy of every server transport that keeps sessions (Streamable HTTP's
 * legacy sessions, HTTP+SSE streams, WebSocket sessions): a global cap and a per-owner quota.
 *
 * An owner is a principal (see `principalOf`), or, for anonymous requests, the client's
 * address (IPv6 by its /64, which one host usually holds whole), or one shared bucket when
 * the address is unknown. A new session of an owner at its quota replaces that owner's least
 * recently used session, so nobody can take more than `maxSessionsPerPrincipal`. When the
 * table is full, the session evicted is the least recently used one of the owner holding the
 * most sessions, anonymous owners before authenticated ones: anonymous clients, from however
 * many addresses, evict authenticated sessions only once no anonymous session is left.
 *
 * @module
 */

/** Limits of a {@link SessionQuota}. */
export interface SessionQuotaLimits {
  /** Live sessions kept in all. */
  maxSessions: number;
  /** Live sessions kept per owner (principal, or address of an anonymous client). */
  maxSessionsPerPrincipal: number;
}

/** The default of `maxSessions` of the session-keeping transports. */
export const DEFAULT_MAX_SESSIONS = 1000;

/** The default of `maxSessionsPerPrincipal` of the session-keeping transports. */
export const DEFAULT_MAX_SESSIONS_PER_PRINCIPAL = 100;

/**
 * Where an anonymous request comes from, for its quota (e.g. the peer address, or a header a
 * trusted reverse proxy sets); `undefined` when unknown. Only anonymous requests are asked.
 */
export type ClientAddress = (request: Request) => string | undefined;

/** Which sessions are live, by owner, in least-recently-used order. */
export interface SessionQuota {
  /** How many sessions are tracked. */
  readonly size: number;
  /**
   * Tracks a new session `id` of `owner`; returns the ids to end so that it fits, which are no
   * longer tracked.
   */
  admit(id: string, owner: string): string[];
  /** Marks `id` as the most recently used of its owner and overall. */
  touch(id: string): void;
  /** Stops tracking `id` (an ended session); unknown ids are ignored. */
  release(id: string): void;
}

/** The owner prefix of anonymous clients; principals are `""` or JSON, never starting so. */
const ANONYMOUS = "anonymous:";

/** The address an IPv6 host is counted by: its /64 prefix. Other text is kept as is. */
function addressBucket(address: string): string {
  if (!address.includes(":")) return address;
  const bare = address.replace(/^\[|\](:\d+)?$/g, "").replace(/%.*$/, "").toLowerCase();
  const [head, tail = ""] = bare.split("::");
  const left = head === "" ? [] : head.split(":");
  const right = bare.includes("::") ? (tail === "" ? [] : tail.split(":")) : [];
  const groups = [
    ...left,
    ...Array(Math.max(0, 8 - left.length - right.length)).fill("0"),
    ...right,
  ];
  return groups.slice(0, 4).map((group) => group.replace(/^0+(?=.)/, "")).join(":") + "::/64";
}

/**
 * The quota owner of a request: its principal, or for an anonymous one (`principal === ""`)
 * its client address, or one bucket for all anonymous clients of unknown address.
 *
 * @example
 * ```ts
 * import { quotaOwner } from "./session_quota.ts";
 * quotaOwner("", "2001:db8::1") === quotaOwner("", "2001:db8:0:0:ffff::2"); // true: one /64
 * ```
 */
export function quotaOwner(principal: string, address: string | undefined): string {
  if (principal !== "") return principal;
  return ANONYMOUS + (address === undefined || address === "" ? "" : addressBucket(address));
}

/**
 * Creates the tracker of the policy described in the module documentation.
 *
 * @example
 * ```ts
 * import { createSessionQuota } from "./session_quota.ts";
 * const quota = createSessionQuota({ maxSessions: 3, maxSessionsPerPrincipal: 2 });
 * quota.admit("a1", "alice");
 * quota.admit("a2", "alice");
 * quota.admit("a3", "alice"); // ["a1"]: alice is at her quota
 * ```
 */
export function createSessionQuota(limits: SessionQuotaLimits): SessionQuota {
  if (!(limits.maxSessions >= 1) || !(limits.maxSessionsPerPrincipal >= 1)) {
    throw new RangeError("maxSessions and maxSessionsPerPrincipal must be at least 1");
  }
  // Maps iterate in insertion order; re-inserting on use keeps the least recent first.
  const owners = new Map<string, Map<string, number>>();
  const ownerOf = new Map<string, string>();
  let clock = 0;

  const drop = (id: string): void => {
    const owner = ownerOf.get(id);
    if (owner === undefined) return;
    ownerOf.delete(id);
    const sessions = owners.get(owner)!;
    sessions.delete(id);
    if (sessions.size === 0) owners.delete(owner);
  };

  /** The session to evict from a full table: see the module documentation. */
  const victim = (): string => {
    let best: { id: string; count: number; anonymous: boolean; used: number } | undefined;
    for (const [owner, sessions] of owners) {
      const [id, used] = sessions.entries().next().value!;
      const candidate = { id, count: sessions.size, anonymous: owner.startsWith(ANONYMOUS), used };
      const better = best === undefined ||
        (candidate.anonymous !== best.anonymous
          ? candidate.anonymous
          : candidate.count !== best.count
          ? candidate.count > best.count
          : candidate.used < best.used);
      if (better) best = candidate;
    }
    return best!.id;
  };

  return {
    get size() {
      return ownerOf.size;
    },
    admit(id, owner) {
      drop(id);
      const evicted: string[] = [];
      const own = owners.get(owner);
      while (own !== undefined && own.size >= limits.maxSessionsPerPrincipal) {
        const oldest = own.keys().next().value!;
        drop(oldest);
        evicted.push(oldest);
      }
      while (ownerOf.size >= limits.maxSessions) {
        const chosen = victim();
        drop(chosen);
        evicted.push(chosen);
      }
      let sessions = owners.get(owner);
      if (sessions === undefined) owners.set(owner, sessions = new Map());
      sessions.set(id, ++clock);
      ownerOf.set(id, owner);
      return evicted;
    },
    touch(id) {
      const owner = ownerOf.get(id);
      if (owner === undefined) return;
      const sessions = owners.get(owner)!;
      sessions.delete(id);
      sessions.set(id, ++clock);
    },
    release: drop,
  };
}
