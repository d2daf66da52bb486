/**
 * The session table of the HTTP transports (Streamable HTTP's legacy
 * sessions and the HTTP+SSE streams): the cap policy of `session_quota.ts`
 * (a global cap and a per-principal quota); a session answers only the
 * principal that opened it; ended ids are remembered for a while so they can
 * be told apart from unknown ones.
 *
 * @module
 */
import {
  createSessionQuota,
  DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
  quotaOwner,
} from "../session_quota.ts";

/** What the table needs of a session: who opened it. */
export interface OwnedSession {
  /** The principal the session is bound to (`principalOf(auth)`). */
  readonly principal: string;
}

/** Limits of a {@link SessionTable}. */
export interface SessionLimits {
  /** Live sessions kept in all; past this one is evicted (see `session_quota.ts`). */
  maxSessions: number;
  /** Live sessions kept per quota owner; past this its least recent one is ended. Default 100. */
  maxSessionsPerPrincipal?: number;
  /** Ended session ids remembered for {@link SessionTable.ended}. */
  rememberEnded: number;
}

/** Live sessions by id, in least-recently-used order. */
export interface SessionTable<Session extends OwnedSession> {
  /** The number of live sessions. */
  readonly size: number;
  /**
   * Adds a session counted against `owner` (`quotaOwner(…)`; default: its principal); when
   * the owner is at its quota or the table is full, sessions are ended first to make room.
   */
  add(id: string, session: Session, owner?: string): void;
  /** The session `id` if `principal` owns it, now the most recently used; else `undefined`. */
  use(id: string, principal: string): Session | undefined;
  /** Ends a session (running `onEnd`); `false` when no such session is live. */
  end(id: string): boolean;
  /** Whether `id` named a session that ended (among the last `rememberEnded`). */
  ended(id: string): boolean;
}

/**
 * Creates a session table; `onEnd` releases what a session holds, whether it
 * was ended by its client, by its transport, or evicted.
 *
 * @example
 * ```ts
 * import { createSessionTable } from "./sessions.ts";
 * const table = createSessionTable<{ principal: string }>(
 *   { maxSessions: 1, rememberEnded: 10 },
 *   () => {},
 * );
 * table.add("a", { principal: "" });
 * table.add("b", { principal: "" }); // evicts "a"
 * table.ended("a"); // true
 * ```
 */
export function createSessionTable<Session extends OwnedSession>(
  limits: SessionLimits,
  onEnd: (session: Session, id: string) => void,
): SessionTable<Session> {
  const live = new Map<string, Session>();
  const quota = createSessionQuota({
    maxSessions: limits.maxSessions,
    maxSessionsPerPrincipal: limits.maxSessionsPerPrincipal ?? DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
  });
  const ended = new Set<string>();
  const end = (id: string): boolean => {
    const session = live.get(id);
    if (session === undefined) return false;
    live.delete(id);
    quota.release(id);
    if (limits.rememberEnded > 0) {
      ended.add(id);
      if (ended.size > limits.rememberEnded) ended.delete(ended.values().next().value!);
    }
    onEnd(session, id);
    return true;
  };
  return {
    get size() {
      return live.size;
    },
    add(id, session, owner = quotaOwner(session.principal, undefined)) {
      for (const evicted of quota.admit(id, owner)) end(evicted);
      live.set(id, session);
    },
    use(id, principal) {
      const session = live.get(id);
      // A session id is no credential: another principal's request must not reach it.
      if (session === undefined || session.principal !== principal) return undefined;
      quota.touch(id);
      return session;
    },
    end,
    ended: (id) => ended.has(id),
  };
}

/** A cryptographically random id of 32 hex digits (visible ASCII, as session ids must be). */
export function randomId(): string {
  const bytes = crypto.getRandomValues(randomBytes);
  let id = "";
  for (let i = 0; i < bytes.length; i++) id += HEX_BYTES[bytes[i]];
  return id;
}

// One buffer refilled per id (it never escapes) and the byte-to-hex table: an id is made per
// session and per legacy stream, so the per-byte arrays and padStart calls were measurable.
const randomBytes = new Uint8Array(16);
const HEX_BYTES: string[] = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, "0"));
