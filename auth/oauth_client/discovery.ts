/**
 * Authorization server discovery: metadata by RFC 8414 and then OpenID
 * Connect Discovery, path-aware and root, in the order of the MCP
 * specification; the RFC 8414 §3.3 rule that the document's `issuer` is
 * identical to the identifier it was looked up with; and the whole chain from
 * an MCP server URL (protected resource metadata → issuer → metadata), with
 * the 2025-03-26 fallbacks for servers that publish no resource metadata.
 *
 * @module
 */
import { canonicalResourceUri } from "../resource.ts";
import { OAuthClientError } from "./errors.ts";
import { assertSecureUrl, getJson } from "./http.ts";
import { fetchResourceMetadata, type ResourceMetadataDocument } from "./resource_metadata.ts";

/** Authorization server metadata (RFC 8414 §2, OpenID Connect Discovery §3) as the client reads it. */
export interface AuthorizationServerMetadata {
  /** The issuer identifier, identical to the one it was discovered with. */
  issuer: string;
  /** Where the user is sent (authorization code grant). */
  authorization_endpoint?: string;
  /** Where codes, refresh tokens and client credentials are exchanged. */
  token_endpoint?: string;
  /** Dynamic client registration (RFC 7591). */
  registration_endpoint?: string;
  /** Scopes the server knows; `offline_access` here allows asking for it. */
  scopes_supported?: string[];
  /** Grant types supported. */
  grant_types_supported?: string[];
  /** PKCE methods; the client proceeds only when `S256` is listed. */
  code_challenge_methods_supported?: string[];
  /** Client authentication methods at the token endpoint. */
  token_endpoint_auth_methods_supported?: string[];
  /** Algorithms for `private_key_jwt` assertions. */
  token_endpoint_auth_signing_alg_values_supported?: string[];
  /** RFC 9207: the authorization response carries `iss`. */
  authorization_response_iss_parameter_supported?: boolean;
  /** The server accepts an https URL of a client metadata document as `client_id`. */
  client_id_metadata_document_supported?: boolean;
  /** DPoP proof algorithms accepted (RFC 9449 §5.1). */
  dpop_signing_alg_values_supported?: string[];
  /** Further members. */
  [member: string]: unknown;
}

/**
 * The metadata URLs of `issuer`, in the order the MCP specification gives.
 *
 * @example
 * ```ts
 * import { authorizationServerMetadataUrls } from "./discovery.ts";
 * authorizationServerMetadataUrls("https://auth.example.com/tenant1");
 * // → ["https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
 * //    "https://auth.example.com/.well-known/openid-configuration/tenant1",
 * //    "https://auth.example.com/tenant1/.well-known/openid-configuration"]
 * ```
 */
export function authorizationServerMetadataUrls(issuer: string): string[] {
  const url = assertSecureUrl(issuer, "authorization server issuer");
  if (url.search !== "" || url.hash !== "") {
    throw new OAuthClientError(
      "invalid_metadata",
      `An issuer identifier has no query or fragment: ${issuer}`,
    );
  }
  const path = url.pathname.replace(/\/$/, "");
  if (path === "") {
    return [
      `${url.origin}/.well-known/oauth-authorization-server`,
      `${url.origin}/.well-known/openid-configuration`,
    ];
  }
  return [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
}

/** Options of {@link fetchAuthorizationServerMetadata}. */
export interface FetchMetadataOptions {
  /** The `fetch` to use. */
  fetch?: typeof fetch;
  /** Aborts the requests. */
  signal?: AbortSignal;
}

/**
 * The metadata of `issuer`, or undefined when no well-known URL answered.
 * A document whose `issuer` is not exactly `issuer` is never used; when that
 * is all there was, the answer is an `issuer_mismatch` error.
 */
export function fetchAuthorizationServerMetadata(
  issuer: string,
  options: FetchMetadataOptions = {},
): Promise<AuthorizationServerMetadata | undefined> {
  return fetchMetadata(issuer, options, (claimed) => claimed === issuer);
}

async function fetchMetadata(
  issuer: string,
  options: FetchMetadataOptions,
  accepts: (claimed: unknown) => boolean,
): Promise<AuthorizationServerMetadata | undefined> {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  let mismatch: string | undefined;
  for (const url of authorizationServerMetadataUrls(issuer)) {
    const result = await getJson(fetchImpl, url, "authorization server metadata", options.signal);
    if (!result.ok) continue;
    if (typeof result.body.issuer !== "string" || !accepts(result.body.issuer)) {
      mismatch ??= `The metadata at ${url} names issuer ${
        JSON.stringify(result.body.issuer)
      }, not ${issuer}`;
      continue;
    }
    return result.body as AuthorizationServerMetadata;
  }
  if (mismatch !== undefined) throw new OAuthClientError("issuer_mismatch", mismatch);
  return undefined;
}

/**
 * 2025-03-26 discovery: the metadata is located by the MCP server's origin,
 * not by an issuer identifier, so an issuer on that same origin is accepted
 * (and recorded for the RFC 9207 check); another origin never is.
 */
function fetchLegacyMetadata(
  origin: string,
  options: FetchMetadataOptions,
): Promise<AuthorizationServerMetadata | undefined> {
  return fetchMetadata(origin, options, (claimed) => {
    try {
      return typeof claimed === "string" && new URL(claimed).origin === origin;
    } catch {
      return false;
    }
  });
}

/**
 * The endpoints a 2025-03-26 client assumes when the server's origin has no
 * metadata: `/authorize`, `/token` and `/register` at that origin.
 */
export function defaultEndpointMetadata(origin: string): AuthorizationServerMetadata {
  return {
    issuer: origin,
    authorization_endpoint: `${origin}/authorize`,
    token_endpoint: `${origin}/token`,
    registration_endpoint: `${origin}/register`,
    // That revision required PKCE S256 of every server.
    code_challenge_methods_supported: ["S256"],
  };
}

/** Everything discovery learned about where and how to get a token. */
export interface DiscoveredAuthorization {
  /** The `resource` to send (RFC 8707): the metadata's, else the server's canonical URI. */
  resource: string;
  /** The protected resource metadata, absent for a 2025-03-26 server. */
  resourceMetadata?: ResourceMetadataDocument;
  /** The issuer the tokens and client credentials belong to. */
  issuer: string;
  /** Its metadata (or the 2025-03-26 default endpoints). */
  metadata: AuthorizationServerMetadata;
  /** Discovered the 2025-03-26 way: no protected resource metadata. */
  legacy: boolean;
}

/** Options of {@link discoverAuthorization}. */
export interface DiscoverAuthorizationOptions extends FetchMetadataOptions {
  /** The `resource_metadata` URL of the server's challenge. */
  resourceMetadataUrl?: string;
  /** Authorization server metadata already known, by issuer. */
  metadataCache?: Map<string, AuthorizationServerMetadata>;
  /** Picks among several authorization servers; default: the first that has metadata. */
  selectAuthorizationServer?: (issuers: readonly string[]) => string | undefined;
}

async function cachedMetadata(
  issuer: string,
  options: DiscoverAuthorizationOptions,
): Promise<AuthorizationServerMetadata | undefined> {
  const cached = options.metadataCache?.get(issuer);
  if (cached) return cached;
  const metadata = await fetchAuthorizationServerMetadata(issuer, options);
  if (metadata) options.metadataCache?.set(issuer, metadata);
  return metadata;
}

/**
 * Finds the authorization server of the MCP server at `serverUrl`.
 *
 * @example
 * ```ts
 * import { discoverAuthorization } from "./discovery.ts";
 * const found = await discoverAuthorization(new URL("https://mcp.example.com/mcp"), {
 *   resourceMetadataUrl: "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
 * });
 * console.log(found.issuer, found.metadata.token_endpoint, found.resource);
 * ```
 */
export async function discoverAuthorization(
  serverUrl: URL,
  options: DiscoverAuthorizationOptions = {},
): Promise<DiscoveredAuthorization> {
  const found = await fetchResourceMetadata(serverUrl, options);
  if (found === undefined) {
    // 2025-03-26: the MCP server's origin is the authorization server.
    const origin = serverUrl.origin;
    const metadata = (await fetchLegacyMetadata(origin, options)) ??
      defaultEndpointMetadata(origin);
    return {
      resource: canonicalResourceUri(serverUrl),
      issuer: metadata.issuer,
      metadata,
      legacy: true,
    };
  }
  const { document } = found;
  const chosen = options.selectAuthorizationServer?.(document.authorization_servers);
  const issuers = chosen !== undefined ? [chosen] : document.authorization_servers;
  const failures: unknown[] = [];
  for (const issuer of issuers) {
    try {
      const metadata = await cachedMetadata(issuer, options);
      if (metadata) {
        return {
          resource: document.resource,
          resourceMetadata: document,
          issuer,
          metadata,
          legacy: false,
        };
      }
      failures.push(new Error(`No metadata at any well-known URL of ${issuer}`));
    } catch (error) {
      if (options.signal?.aborted) throw error;
      failures.push(error);
    }
  }
  const first = failures[0];
  if (failures.length === 1 && first instanceof OAuthClientError) throw first;
  throw new OAuthClientError(
    first instanceof OAuthClientError ? first.code : "discovery_failed",
    `No usable authorization server for ${serverUrl.href}: ${
      failures.map((failure) => failure instanceof Error ? failure.message : String(failure))
        .join("; ")
    }`,
    { cause: failures.length === 1 ? first : new AggregateError(failures) },
  );
}
