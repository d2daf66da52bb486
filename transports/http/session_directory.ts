/**
 * Where legacy sessions are known beyond the process that holds them, so another instance
 * behind the same load balancer can adopt a session it did not open: the
 * {@linkcode SessionDirectory} interface, the in-process default
 * ({@linkcode createMemorySessionDirectory}), and the snapshot of a `LegacySession` it keeps.
 *
 * The session table of each instance stays a cache of live sessions; the directory is the
 * truth: a session is live while its directory record is, and it is counted against the caps
 * there (so they hold across instances). A Redis directory lives in `store/`.
 *
 * @module
 */
import type { ClientCapabilities, Implementation } from "../../protocol/capabilities.ts";
import type { LoggingLevel } from "../../protocol/logging.ts";
import type { LegacySession } from "../../protocol/server_endpoint.ts";
import {
  createSessionQuota,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
} from "../session_quota.ts";

/** What of a `LegacySession` survives a move to another instance. */
export interface SessionSnapshot {
  /** The negotiated protocol version. */
  protocolVersion?: string;
  /** What the client declared at initialize. */
  clientCapabilities: ClientCapabilities;
  /** Who the client is. */
  clientInfo?: Implementation;
  /** Whether `notifications/initialized` arrived. */
  initialized: boolean;
  /** Minimum level set by `logging/setLevel`. */
  logLevel?: LoggingLevel;
  /** URIs subscribed with `resources/subscribe`. */
  subscriptions: string[];
}

/** One session as the directory keeps it. */
export interface DirectoryRecord {
  /** The `Mcp-Session-Id`. */
  id: string;
  /** The principal that opened it; only it may use the session. */
  principal: string;
  /** The quota owner it counts against (`quotaOwner(…)`). */
  owner: string;
  /** Its state. */
  session: SessionSnapshot;
}

/** Sessions shared by the instances of one endpoint. */
export interface SessionDirectory {
  /** Records a new session; resolves with the ids ended to make room for it under the caps. */
  create(record: DirectoryRecord): Promise<string[]>;
  /** The live session `id`, or `undefined`. */
  get(id: string): Promise<DirectoryRecord | undefined>;
  /** Stores the new state of a live session; no-op when it is not live. */
  update(id: string, session: SessionSnapshot): Promise<void>;
  /** Marks `id` used (refreshing its expiry); resolves with it, or `undefined` if not live. */
  touch(id: string): Promise<DirectoryRecord | undefined>;
  /** Ends `id`; `false` when it was not live. */
  delete(id: string): Promise<boolean>;
  /** Whether `id` named a session that ended (for "ended" rather than "not found"). */
  ended(id: string): Promise<boolean>;
}

/** Limits of {@linkcode createMemorySessionDirectory}. */
export interface MemorySessionDirectoryLimits {
  /** Live sessions in all. Default 1 000. */
  maxSessions?: number;
  /** Live sessions per quota owner. Default 100. */
  maxSessionsPerPrincipal?: number;
  /** Ended ids remembered. Default 10 000. */
  rememberEnded?: number;
}

/**
 * A directory in this process, for several handlers of one process (and as the model of the
 * shared ones): the quota policy of `session_quota.ts`, no expiry.
 *
 * @example
 * ```ts
 * import { createMemorySessionDirectory } from "./session_directory.ts";
 * const sessionDirectory = createMemorySessionDirectory({ maxSessions: 100 });
 * // createHttpHandler(serverA, { legacy: { sessionDirectory } });
 * // createHttpHandler(serverB, { legacy: { sessionDirectory } });
 * ```
 */
export function createMemorySessionDirectory(
  limits: MemorySessionDirectoryLimits = {},
): SessionDirectory {
  const records = new Map<string, DirectoryRecord>();
  const quota = createSessionQuota({
    maxSessions: limits.maxSessions ?? DEFAULT_MAX_SESSIONS,
    maxSessionsPerPrincipal: limits.maxSessionsPerPrincipal ?? DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
  });
  const remember = limits.rememberEnded ?? 10_000;
  const ended = new Set<string>();
  const end = (id: string): boolean => {
    if (!records.delete(id)) return false;
    quota.release(id);
    ended.add(id);
    if (ended.size > remember) ended.delete(ended.values().next().value!);
    return true;
  };
  // Copies in and out, as a shared store would: no instance sees another's objects.
  const copy = (record: DirectoryRecord): DirectoryRecord => structuredClone(record);
  return {
    create(record) {
      const evicted = quota.admit(record.id, record.owner);
      for (const id of evicted) end(id);
      records.set(record.id, copy(record));
      return Promise.resolve(evicted);
    },
    get(id) {
      const record = records.get(id);
      return Promise.resolve(record && copy(record));
    },
    update(id, session) {
      const record = records.get(id);
      if (record) record.session = structuredClone(session);
      return Promise.resolve();
    },
    touch(id) {
      quota.touch(id);
      const record = records.get(id);
      return Promise.resolve(record && copy(record));
    },
    delete: (id) => Promise.resolve(end(id)),
    ended: (id) => Promise.resolve(ended.has(id)),
  };
}

/** The snapshot of `session` now. */
export function snapshotOf(session: LegacySession): SessionSnapshot {
  return {
    protocolVersion: session.protocolVersion,
    clientCapabilities: session.clientCapabilities,
    clientInfo: session.clientInfo,
    initialized: session.initialized,
    logLevel: session.logLevel,
    subscriptions: [...session.subscriptions],
  };
}

const OBSERVED = [
  "protocolVersion",
  "clientCapabilities",
  "clientInfo",
  "initialized",
  "logLevel",
] as const;

/**
 * Restores `snapshot` into `session` (when given), then calls `onChange` once per burst of
 * changes to what {@linkcode SessionSnapshot} holds: the server writes those fields directly,
 * so they are turned into accessors rather than every writer taught to report. Returns the
 * function that restores a newer snapshot (another instance's changes) without reporting it.
 */
export function observeSession(
  session: LegacySession,
  snapshot: SessionSnapshot | undefined,
  onChange: () => void,
): (snapshot: SessionSnapshot) => void {
  let queued = false;
  const changed = () => {
    if (queued) return;
    queued = true;
    queueMicrotask(() => {
      queued = false;
      onChange();
    });
  };
  const fields = session as unknown as Record<string, unknown>;
  const values: Record<string, unknown> = {};
  for (const name of OBSERVED) {
    values[name] = snapshot ? snapshot[name] : fields[name];
    Object.defineProperty(session, name, {
      enumerable: true,
      get: () => values[name],
      set(next) {
        if (next === values[name]) return;
        values[name] = next;
        changed();
      },
    });
  }
  const raw = new WeakMap<Set<string>, { add(uri: string): void; clear(): void }>();
  const watch = (set: Set<string>): Set<string> => {
    const add = set.add.bind(set);
    const remove = set.delete.bind(set);
    const clear = set.clear.bind(set);
    raw.set(set, { add, clear });
    set.add = (uri) => (set.has(uri) || changed(), add(uri));
    set.delete = (uri) => (set.has(uri) && changed(), remove(uri));
    set.clear = () => (changed(), clear());
    return set;
  };
  let subscriptions = watch(snapshot ? new Set(snapshot.subscriptions) : session.subscriptions);
  Object.defineProperty(session, "subscriptions", {
    enumerable: true,
    get: () => subscriptions,
    set(next: Set<string>) {
      subscriptions = watch(next);
      changed();
    },
  });
  return (newer) => {
    for (const name of OBSERVED) values[name] = newer[name];
    const quiet = raw.get(subscriptions)!;
    quiet.clear();
    for (const uri of newer.subscriptions) quiet.add(uri);
  };
}
