/**
 * A JSON Web Key Set fetched from a URL (an authorization server's
 * `jwks_uri`), for `jwtVerifier`: cached for the response's `Cache-Control:
 * max-age` within a floor and a ceiling, refreshed when a token names an
 * unknown `kid` (key rotation), with refreshes rate-limited and each fetch
 * bounded in size and time.
 *
 * @module
 */
import { readTextAtMost } from "../protocol/bounded_read.ts";
import type { JsonWebKeySet, KeySetSource } from "./jwt.ts";
import type { JwkWithId } from "./jws.ts";

/** Options of {@link remoteJwks}. */
export interface RemoteJwksOptions {
  /** The fetch used. Default the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** The shortest a fetched set is kept, whatever `max-age` says (also for `no-cache`). Default 60 s. */
  minCacheSeconds?: number;
  /** The longest a fetched set is kept, whatever `max-age` says. Default 86400 s (a day). */
  maxCacheSeconds?: number;
  /** How long a set is kept when the response has no `max-age`. Default 600 s. */
  defaultCacheSeconds?: number;
  /**
   * At most one fetch per this many seconds, whatever triggers it (expiry,
   * an unknown `kid`, a failed fetch), so tokens with made-up key ids cannot
   * make this server hammer the authorization server. Default 30 s.
   */
  minRefreshIntervalSeconds?: number;
  /** The largest key set document accepted, in bytes. Default 65536. */
  maxBytes?: number;
  /** How long one fetch may take, ms. Default 5000. */
  timeoutMs?: number;
}

/** A {@link KeySetSource} backed by a URL, with its cache exposed for inspection. */
export interface RemoteJwks extends KeySetSource {
  /** The URL the keys come from. */
  readonly url: string;
  /**
   * Fetches the set now unless the rate limit forbids it; resolves to the
   * keys in the cache afterwards. A failed fetch rejects (the cache stays).
   */
  refresh(): Promise<readonly JwkWithId[]>;
}

/** The key set could not be fetched or was not a key set. */
export class JwksFetchError extends Error {
  /** An error with `message`; `options.cause` is the underlying error, if any. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "JwksFetchError";
  }
}

/** The `max-age` of a Cache-Control value, or `undefined` (also for `no-store` and `no-cache`). */
function maxAgeOf(cacheControl: string | null): number | undefined {
  if (cacheControl === null) return undefined;
  const directives = cacheControl.toLowerCase().split(",").map((part) => part.trim());
  if (directives.some((part) => part === "no-store" || part === "no-cache")) return 0;
  for (const directive of directives) {
    const match = /^max-age\s*=\s*"?(\d+)"?$/.exec(directive);
    if (match) return Number(match[1]);
  }
  return undefined;
}

function keysOf(document: unknown): JwkWithId[] {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw new JwksFetchError("The key set is not a JSON object");
  }
  const keys = (document as Partial<JsonWebKeySet>).keys;
  if (!Array.isArray(keys)) throw new JwksFetchError("The key set has no keys array");
  return keys.filter((key): key is JwkWithId =>
    typeof key === "object" && key !== null && typeof key.kty === "string"
  );
}

/**
 * The key set at `url`, fetched when first needed and kept per its
 * `Cache-Control` (clamped to `[minCacheSeconds, maxCacheSeconds]`). A token
 * whose `kid` is not in the cache triggers a refresh; refreshes happen at most
 * once per `minRefreshIntervalSeconds`, concurrent callers share one fetch,
 * and a failed refresh keeps serving the keys fetched before (a token that
 * needs a key nobody has is refused, not waited for). Documents over
 * `maxBytes` or fetches over `timeoutMs` fail.
 *
 * @example
 * ```ts
 * import { remoteJwks } from "./jwks.ts";
 * import { jwtVerifier } from "./jwt.ts";
 * const verify = jwtVerifier({
 *   jwks: remoteJwks("https://auth.example.com/.well-known/jwks.json"),
 *   issuer: "https://auth.example.com",
 *   audience: "https://mcp.example.com/mcp",
 * });
 * // withAuth(server, { resource: "https://mcp.example.com/mcp", verify, … })
 * ```
 */
export function remoteJwks(url: string | URL, options: RemoteJwksOptions = {}): RemoteJwks {
  const href = String(url);
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const now = options.now ?? Date.now;
  const floorMs = (options.minCacheSeconds ?? 60) * 1000;
  const ceilingMs = Math.max(floorMs, (options.maxCacheSeconds ?? 86400) * 1000);
  const defaultMs = (options.defaultCacheSeconds ?? 600) * 1000;
  const intervalMs = (options.minRefreshIntervalSeconds ?? 30) * 1000;
  const maxBytes = options.maxBytes ?? 65536;
  const timeoutMs = options.timeoutMs ?? 5000;

  let keys: readonly JwkWithId[] | undefined;
  let expiresAt = -Infinity;
  let lastAttempt = -Infinity;
  let inFlight: Promise<readonly JwkWithId[]> | undefined;

  async function download(): Promise<readonly JwkWithId[]> {
    let response: Response;
    try {
      response = await doFetch(href, {
        headers: { accept: "application/jwk-set+json, application/json" },
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new JwksFetchError(`Fetching the key set at ${href} failed`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new JwksFetchError(`The key set at ${href} answered HTTP ${response.status}`);
    }
    let text: string | undefined;
    try {
      text = await readTextAtMost(response, maxBytes);
    } catch (error) {
      throw new JwksFetchError(`Reading the key set at ${href} failed`, { cause: error });
    }
    if (text === undefined) {
      throw new JwksFetchError(`The key set at ${href} is larger than ${maxBytes} bytes`);
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      throw new JwksFetchError(`The key set at ${href} is not JSON`, { cause: error });
    }
    const fetched = keysOf(document);
    const maxAge = maxAgeOf(response.headers.get("cache-control"));
    const lifetime = maxAge === undefined ? defaultMs : maxAge * 1000;
    keys = fetched;
    expiresAt = now() + Math.min(ceilingMs, Math.max(floorMs, lifetime));
    return fetched;
  }

  /** Starts a fetch unless one is running or the rate limit forbids it; `undefined` then. */
  function startRefresh(): Promise<readonly JwkWithId[]> | undefined {
    if (inFlight) return inFlight;
    if (now() - lastAttempt < intervalMs) return undefined;
    lastAttempt = now();
    inFlight = download().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  async function refreshQuietly(): Promise<void> {
    const running = startRefresh();
    if (running === undefined) return;
    try {
      await running;
    } catch (error) {
      if (keys === undefined) throw error;
      // Stale keys serve until the next allowed attempt.
    }
  }

  return {
    url: href,
    async keysFor(kid: string | undefined): Promise<readonly JwkWithId[]> {
      if (inFlight) await refreshQuietly();
      if (keys === undefined || now() >= expiresAt) await refreshQuietly();
      else if (kid !== undefined && !keys.some((key) => key.kid === kid)) await refreshQuietly();
      if (keys === undefined) {
        throw new JwksFetchError(`The key set at ${href} is not available yet`);
      }
      return keys;
    },
    async refresh(): Promise<readonly JwkWithId[]> {
      const running = startRefresh();
      if (running !== undefined) await running;
      return keys ?? [];
    },
  };
}
