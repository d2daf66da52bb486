/**
 * Resource identifiers (RFC 8707 §2, RFC 9728 §1.2): the canonical URI of an
 * MCP server, comparison of a token's audience against it, and the well-known
 * URL of its protected resource metadata (RFC 9728 §3.1).
 *
 * @module
 */

/** The well-known suffix of protected resource metadata (RFC 9728 §3). */
export const PROTECTED_RESOURCE_WELL_KNOWN: string = "/.well-known/oauth-protected-resource";

/**
 * The canonical form of a resource identifier: an absolute http(s) URI with a
 * lowercase scheme and host, no default port, no fragment, and no trailing
 * slash on an empty path. Throws on anything else, since a server that cannot
 * name itself cannot check audiences.
 *
 * @example
 * ```ts
 * import { canonicalResourceUri } from "./resource.ts";
 * canonicalResourceUri("HTTPS://MCP.Example.com:443/"); // → "https://mcp.example.com"
 * canonicalResourceUri("https://mcp.example.com/mcp"); // → "https://mcp.example.com/mcp"
 * ```
 */
export function canonicalResourceUri(resource: string | URL): string {
  const text = String(resource);
  if (text.includes("#")) throw new TypeError(`A resource identifier has no fragment: ${text}`);
  const url = new URL(text);
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`A resource identifier is an http(s) URI: ${text}`);
  }
  const path = url.pathname === "/" && url.search === "" ? "" : url.pathname;
  return `${url.origin}${path}${url.search}`;
}

/** The canonical form of `value`, or `undefined` when it is not an http(s) URI. */
function canonicalOrUndefined(value: string): string | undefined {
  try {
    return canonicalResourceUri(value);
  } catch {
    return undefined;
  }
}

/**
 * Whether an audience value names `resource`: URIs compare in canonical form
 * (case of scheme and host, default port and a bare trailing slash do not
 * matter); anything else compares as an exact string.
 *
 * @example
 * ```ts
 * import { audienceIncludes } from "./resource.ts";
 * audienceIncludes(["https://mcp.example.com/mcp"], "https://MCP.example.com/mcp"); // → true
 * audienceIncludes("https://other.example.com/mcp", "https://mcp.example.com/mcp"); // → false
 * ```
 */
export function audienceIncludes(
  audience: string | readonly string[] | undefined,
  resource: string | URL,
): boolean {
  if (audience === undefined) return false;
  const wanted = String(resource);
  const canonicalWanted = canonicalOrUndefined(wanted);
  const values = typeof audience === "string" ? [audience] : audience;
  return values.some((value) =>
    typeof value === "string" &&
    (value === wanted ||
      (canonicalWanted !== undefined && canonicalOrUndefined(value) === canonicalWanted))
  );
}

/**
 * The URL of the protected resource metadata of `resource`, path-suffixed per
 * RFC 9728 §3.1: `/.well-known/oauth-protected-resource` goes between the host
 * and the path. This is the value of `resource_metadata` in challenges.
 *
 * @example
 * ```ts
 * import { protectedResourceMetadataUrl } from "./resource.ts";
 * protectedResourceMetadataUrl("https://mcp.example.com/mcp");
 * // → "https://mcp.example.com/.well-known/oauth-protected-resource/mcp"
 * protectedResourceMetadataUrl("https://mcp.example.com");
 * // → "https://mcp.example.com/.well-known/oauth-protected-resource"
 * ```
 */
export function protectedResourceMetadataUrl(resource: string | URL): string {
  const url = new URL(canonicalResourceUri(resource));
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.origin}${PROTECTED_RESOURCE_WELL_KNOWN}${path}${url.search}`;
}
