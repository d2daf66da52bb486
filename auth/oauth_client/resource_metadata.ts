/**
 * Protected resource metadata discovery (RFC 9728) from the client side: the
 * URL from the challenge's `resource_metadata` first, then the path-aware
 * well-known URL, then the root one (MCP authorization, "Protected Resource
 * Metadata Discovery Requirements"), and the check that the document's
 * `resource` names the server being called.
 *
 * @module
 */
import { canonicalResourceUri, PROTECTED_RESOURCE_WELL_KNOWN } from "../resource.ts";
import { OAuthClientError } from "./errors.ts";
import { getJson, type JsonRecord, stringArray } from "./http.ts";

/** A protected resource metadata document as read by the client (RFC 9728 §2). */
export interface ResourceMetadataDocument {
  /** The resource identifier; the client sends it as `resource` (RFC 8707). */
  resource: string;
  /** Issuer identifiers of the authorization servers, in the server's order. */
  authorization_servers: string[];
  /** Scopes for basic use. */
  scopes_supported?: string[];
  /** DPoP algorithms the resource accepts (RFC 9449 §5.1). */
  dpop_signing_alg_values_supported?: string[];
  /** Whether the resource accepts only DPoP-bound tokens (RFC 9449 §5.1). */
  dpop_bound_access_tokens_required?: boolean;
  /** Further members. */
  [member: string]: unknown;
}

/** A document and where it was found. */
export interface DiscoveredResourceMetadata {
  /** The URL that answered. */
  url: string;
  /** The validated document. */
  document: ResourceMetadataDocument;
}

/**
 * The URLs to try, in order: `fromChallenge` (when given), the path-aware
 * well-known URL (for a server URL with a path), then the root one.
 *
 * @example
 * ```ts
 * import { resourceMetadataCandidates } from "./resource_metadata.ts";
 * resourceMetadataCandidates(new URL("https://example.com/public/mcp"));
 * // → ["https://example.com/.well-known/oauth-protected-resource/public/mcp",
 * //    "https://example.com/.well-known/oauth-protected-resource"]
 * ```
 */
export function resourceMetadataCandidates(serverUrl: URL, fromChallenge?: string): string[] {
  const candidates: string[] = [];
  if (fromChallenge !== undefined) candidates.push(new URL(fromChallenge, serverUrl).href);
  const path = serverUrl.pathname.replace(/\/$/, "");
  if (path !== "") candidates.push(`${serverUrl.origin}${PROTECTED_RESOURCE_WELL_KNOWN}${path}`);
  candidates.push(`${serverUrl.origin}${PROTECTED_RESOURCE_WELL_KNOWN}`);
  return [...new Set(candidates)];
}

/**
 * Whether the metadata's `resource` covers `serverUrl`: the same origin, and
 * a path equal to the server's or an ancestor of it at a segment boundary (a
 * root document names the whole host). Comparison is in canonical form.
 *
 * @example
 * ```ts
 * import { resourceCovers } from "./resource_metadata.ts";
 * resourceCovers("https://example.com", new URL("https://example.com/mcp")); // → true
 * resourceCovers("https://evil.example.com/mcp", new URL("https://example.com/mcp")); // → false
 * ```
 */
export function resourceCovers(resource: string, serverUrl: URL): boolean {
  let wanted: URL;
  let served: URL;
  try {
    wanted = new URL(canonicalResourceUri(resource));
    served = new URL(canonicalResourceUri(serverUrl));
  } catch {
    return false;
  }
  if (wanted.origin !== served.origin) return false;
  const prefix = wanted.pathname.replace(/\/$/, "");
  const path = served.pathname;
  return path === prefix || path.startsWith(`${prefix}/`) || prefix === "";
}

function documentOf(body: JsonRecord, url: string): ResourceMetadataDocument {
  if (typeof body.resource !== "string") {
    throw new OAuthClientError(
      "invalid_metadata",
      `The protected resource metadata at ${url} has no resource`,
    );
  }
  const servers = stringArray(body.authorization_servers);
  if (servers === undefined || servers.length === 0) {
    throw new OAuthClientError(
      "invalid_metadata",
      `The protected resource metadata at ${url} names no authorization server`,
    );
  }
  const scopes = stringArray(body.scopes_supported);
  return {
    ...body,
    resource: body.resource,
    authorization_servers: servers,
    ...(scopes !== undefined ? { scopes_supported: scopes } : {}),
  } as ResourceMetadataDocument;
}

/** Options of {@link fetchResourceMetadata}. */
export interface FetchResourceMetadataOptions {
  /** The `resource_metadata` URL of the challenge, tried first. */
  resourceMetadataUrl?: string;
  /** The `fetch` to use. */
  fetch?: typeof fetch;
  /** Aborts the requests. */
  signal?: AbortSignal;
}

/**
 * The protected resource metadata of the MCP server at `serverUrl`, or
 * undefined when no candidate URL answered 2xx (a 2025-03-26 server). A
 * document whose `resource` does not cover `serverUrl` is refused: the client
 * must not take another server's authorization servers.
 */
export async function fetchResourceMetadata(
  serverUrl: URL,
  options: FetchResourceMetadataOptions = {},
): Promise<DiscoveredResourceMetadata | undefined> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  for (const url of resourceMetadataCandidates(serverUrl, options.resourceMetadataUrl)) {
    const result = await getJson(fetchImpl, url, "protected resource metadata", options.signal);
    if (!result.ok) continue;
    const document = documentOf(result.body, url);
    if (!resourceCovers(document.resource, serverUrl)) {
      throw new OAuthClientError(
        "resource_mismatch",
        `The protected resource metadata at ${url} is for ${document.resource}, not ${serverUrl.href}`,
      );
    }
    return { url, document };
  }
  return undefined;
}
