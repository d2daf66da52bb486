/**
 * The era a server speaks is a property of the server, not of a request: the
 * client remembers it per origin (HTTP) or per command line (stdio) for the
 * life of the process, so later connections skip the probe.
 *
 * @module
 */

/** What was learned about a server. */
export interface EraRecord {
  /** "modern" (per-request `_meta`) or "legacy" (initialize handshake). */
  era: "modern" | "legacy";
  /** The protocol version that worked. */
  protocolVersion: string;
  /** For HTTP: whether the legacy server needed the old HTTP+SSE transport. */
  httpSse?: boolean;
}

const records = new Map<string, EraRecord>();

/**
 * The module-wide era cache. Keys come from {@link eraKeyForUrl} and
 * {@link eraKeyForCommand}.
 */
export const eraCache: {
  get(key: string): EraRecord | undefined;
  set(key: string, record: EraRecord): void;
  delete(key: string): void;
  clear(): void;
} = {
  get: (key) => records.get(key),
  set: (key, record) => void records.set(key, record),
  delete: (key) => void records.delete(key),
  clear: () => records.clear(),
};

/** The cache key of an HTTP server: its origin. */
export function eraKeyForUrl(url: URL): string {
  return `http:${url.origin}`;
}

/** The cache key of a stdio server: its full command line. */
export function eraKeyForCommand(command: string, args: readonly string[]): string {
  return `stdio:${JSON.stringify([command, ...args])}`;
}
