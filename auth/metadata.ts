/**
 * OAuth 2.0 Protected Resource Metadata (RFC 9728): the document an MCP
 * server publishes to name its authorization servers, and a handler serving
 * it at both well-known URLs with CORS for browser clients.
 *
 * @module
 */
import {
  canonicalResourceUri,
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadataUrl,
} from "./resource.ts";

/** Options of {@link protectedResourceMetadata}. */
export interface ProtectedResourceMetadataOptions {
  /** This MCP server's canonical URI, e.g. `https://mcp.example.com/mcp`. */
  resource: string | URL;
  /** Issuer URLs of the authorization servers whose tokens are accepted; at least one. */
  authorizationServers: readonly string[];
  /** Scopes for basic use (`scopes_supported`); leave out `offline_access`. */
  scopesSupported?: readonly string[];
  /** Human-readable name (`resource_name`). */
  resourceName?: string;
  /** Developer documentation URL (`resource_documentation`). */
  resourceDocumentation?: string;
  /** Policy URL (`resource_policy_uri`). */
  resourcePolicyUri?: string;
  /** Terms of service URL (`resource_tos_uri`). */
  resourceTosUri?: string;
  /** `dpop_bound_access_tokens_required` (RFC 9449 §5.2): only DPoP-bound tokens are accepted. */
  dpopBoundAccessTokensRequired?: boolean;
  /** `dpop_signing_alg_values_supported` (RFC 9449 §5.2): the DPoP proof algorithms accepted. */
  dpopSigningAlgValuesSupported?: readonly string[];
  /** Other RFC 9728 §2 members, e.g. `jwks_uri`. */
  extra?: { [member: string]: unknown };
}

/** The RFC 9728 §2 document. */
export interface ProtectedResourceMetadata {
  /** The resource identifier. */
  resource: string;
  /** Authorization server issuer URLs. */
  authorization_servers: string[];
  /** How tokens may be presented: only the Authorization header. */
  bearer_methods_supported: string[];
  /** Scopes for basic use. */
  scopes_supported?: string[];
  /** Human-readable name. */
  resource_name?: string;
  /** Developer documentation URL. */
  resource_documentation?: string;
  /** Policy URL. */
  resource_policy_uri?: string;
  /** Terms of service URL. */
  resource_tos_uri?: string;
  /** Further members. */
  [member: string]: unknown;
}

/**
 * The protected resource metadata document of an MCP server.
 *
 * @example
 * ```ts
 * import { protectedResourceMetadata } from "./metadata.ts";
 * protectedResourceMetadata({
 *   resource: "https://mcp.example.com/mcp",
 *   authorizationServers: ["https://auth.example.com"],
 *   scopesSupported: ["mcp"],
 * });
 * // → { resource: "https://mcp.example.com/mcp", authorization_servers: ["https://auth.example.com"],
 * //     bearer_methods_supported: ["header"], scopes_supported: ["mcp"] }
 * ```
 */
export function protectedResourceMetadata(
  options: ProtectedResourceMetadataOptions,
): ProtectedResourceMetadata {
  if (options.authorizationServers.length === 0) {
    throw new TypeError("Protected resource metadata names at least one authorization server");
  }
  const document: ProtectedResourceMetadata = {
    ...options.extra,
    resource: canonicalResourceUri(options.resource),
    authorization_servers: [...options.authorizationServers],
    bearer_methods_supported: ["header"],
  };
  if (options.scopesSupported) document.scopes_supported = [...options.scopesSupported];
  if (options.resourceName !== undefined) document.resource_name = options.resourceName;
  if (options.resourceDocumentation !== undefined) {
    document.resource_documentation = options.resourceDocumentation;
  }
  if (options.resourcePolicyUri !== undefined) {
    document.resource_policy_uri = options.resourcePolicyUri;
  }
  if (options.resourceTosUri !== undefined) document.resource_tos_uri = options.resourceTosUri;
  if (options.dpopSigningAlgValuesSupported !== undefined) {
    document.dpop_signing_alg_values_supported = [...options.dpopSigningAlgValuesSupported];
  }
  if (options.dpopBoundAccessTokensRequired !== undefined) {
    document.dpop_bound_access_tokens_required = options.dpopBoundAccessTokensRequired;
  }
  return document;
}

const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, OPTIONS",
  // Official clients send MCP-Protocol-Version on discovery, which needs a preflight.
  "access-control-allow-headers": "*",
  "access-control-max-age": "86400",
};

/** A handler that answers only some requests. */
export type PartialHttpHandler = (request: Request) => Promise<Response | undefined>;

/**
 * The paths the metadata of `resource` is served at: the path-suffixed
 * well-known path (RFC 9728 §3.1) and, for a resource with a path, the root one.
 */
function metadataPaths(resource: string): Set<string> {
  const suffixed = new URL(protectedResourceMetadataUrl(resource)).pathname;
  return new Set([suffixed, PROTECTED_RESOURCE_WELL_KNOWN]);
}

/**
 * Serves the metadata document at `/.well-known/oauth-protected-resource/<mcp
 * path>` and `/.well-known/oauth-protected-resource`, with CORS so browser
 * clients can read it; answers `undefined` for any other path, so it composes
 * in front of another handler.
 *
 * @example
 * ```ts
 * import { protectedResourceMetadataHandler } from "./metadata.ts";
 * const metadata = protectedResourceMetadataHandler({
 *   resource: "https://mcp.example.com/mcp",
 *   authorizationServers: ["https://auth.example.com"],
 * });
 * const response = await metadata(
 *   new Request("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"),
 * );
 * // response?.status → 200
 * ```
 */
export function protectedResourceMetadataHandler(
  options: ProtectedResourceMetadataOptions,
): PartialHttpHandler {
  const document = protectedResourceMetadata(options);
  const body = JSON.stringify(document);
  const paths = metadataPaths(document.resource);
  return (request: Request): Promise<Response | undefined> => {
    const path = new URL(request.url).pathname.replace(/(.)\/$/, "$1");
    if (!paths.has(path)) return Promise.resolve(undefined);
    const method = request.method;
    if (method === "OPTIONS") {
      return Promise.resolve(new Response(null, { status: 204, headers: CORS }));
    }
    if (method !== "GET" && method !== "HEAD") {
      return Promise.resolve(
        new Response(null, { status: 405, headers: { ...CORS, allow: "GET, HEAD, OPTIONS" } }),
      );
    }
    return Promise.resolve(
      new Response(method === "HEAD" ? null : body, {
        status: 200,
        headers: {
          ...CORS,
          "content-type": "application/json",
          "cache-control": "public, max-age=3600",
        },
      }),
    );
  };
}
