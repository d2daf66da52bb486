/**
 * DNS-rebinding protection: validation of the `Origin` and `Host` headers.
 *
 * @module
 */

/** Which origins and hosts a server accepts. */
export interface OriginPolicy {
  /** Origins allowed to call (exact `scheme://host[:port]`); loopback origins are always allowed when `localhostOnly`. */
  allowedOrigins?: string[];
  /** Host header values allowed (host or host:port); loopback hosts are always allowed when `localhostOnly`. */
  allowedHosts?: string[];
  /** Accept only loopback Host headers and loopback (or absent) origins. Default true. */
  localhostOnly?: boolean;
}

const LOOPBACK = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/**
 * The host part of a Host header, or the whole text when what follows the
 * host is not a port (`[::1]evil.example` must not pass as `[::1]`).
 */
function hostnameOf(hostHeader: string): string {
  const length = hostHeader.length;
  const end = hostHeader.charCodeAt(0) === 0x5b // "["
    ? hostHeader.indexOf("]") + 1
    : hostHeader.lastIndexOf(":") >= 0
    ? hostHeader.lastIndexOf(":")
    : length;
  if (end <= 0) return hostHeader;
  if (end === length) return hostHeader;
  // What follows must be `:` and digits only (scanned, not sliced and matched: once a request).
  if (hostHeader.charCodeAt(end) !== 0x3a) return hostHeader;
  for (let index = end + 1; index < length; index++) {
    const code = hostHeader.charCodeAt(index);
    if (code < 0x30 || code > 0x39) return hostHeader;
  }
  return hostHeader.slice(0, end);
}

/**
 * Returns why a request must be refused with 403, or `undefined` when it may
 * proceed. A missing `Origin` (non-browser clients) is accepted.
 *
 * @example
 * ```ts
 * import { originProblem } from "./origin_guard.ts";
 * originProblem(new Request("http://127.0.0.1/mcp", { headers: { origin: "http://evil.example" } }), {});
 * // → "Origin http://evil.example is not allowed"
 * ```
 */
export function originProblem(request: Request, policy: OriginPolicy): string | undefined {
  const localhostOnly = policy.localhostOnly !== false;
  const host = request.headers.get("host");
  if (host !== null && (localhostOnly || policy.allowedHosts)) {
    const lower = host.toLowerCase();
    const allowed = (localhostOnly && LOOPBACK.has(hostnameOf(lower))) ||
      (policy.allowedHosts?.some((h) =>
        h.toLowerCase() === lower || h.toLowerCase() === hostnameOf(lower)
      ) ?? false);
    if (!allowed) return `Host ${host} is not allowed`;
  }
  const origin = request.headers.get("origin");
  if (
    origin !== null && (localhostOnly || policy.allowedOrigins) && !originAllowed(origin, policy)
  ) {
    return `Origin ${origin} is not allowed`;
  }
  return undefined;
}

/** Whether an `Origin` header value is allowed by a policy (loopback by default, plus `allowedOrigins`). */
export function originAllowed(origin: string, policy: OriginPolicy): boolean {
  if (policy.allowedOrigins?.includes(origin)) return true;
  if (policy.localhostOnly === false) return policy.allowedOrigins === undefined;
  try {
    const url = new URL(origin);
    // An Origin is scheme://host[:port]; userinfo (`http://evil.example@127.0.0.1`) or a path
    // means it is not one a browser sent, whatever host the URL parser settles on.
    const bare = !origin.includes("@") && url.pathname === "/" && !origin.endsWith("/") &&
      url.search === "" && url.hash === "";
    return bare && (url.protocol === "http:" || url.protocol === "https:") &&
      LOOPBACK.has(url.hostname);
  } catch {
    return false;
  }
}
