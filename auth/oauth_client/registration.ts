/**
 * How the client gets a `client_id` at an authorization server, in the
 * order of the MCP specification: pre-registered credentials; a client ID
 * metadata document (an https URL as `client_id`) when the server advertises
 * `client_id_metadata_document_supported`; credentials registered earlier and
 * stored; dynamic client registration (RFC 7591) at `registration_endpoint`;
 * else the application is asked. Credentials are bound to their issuer.
 *
 * @module
 */
import type { ClientCredentials, TokenEndpointAuthMethod } from "./client_auth.ts";
import type { AuthorizationServerMetadata } from "./discovery.ts";
import { OAuthClientError, oauthErrorFrom } from "./errors.ts";
import { assertSecureUrl, isLoopbackHost, readJsonObject, stringArray } from "./http.ts";
import type { TokenStore } from "./store.ts";

/** Client metadata (RFC 7591 §2) for registration and for a metadata document. */
export interface ClientMetadata {
  /** Shown to the user on the consent screen. */
  client_name: string;
  /** Filled in from the interaction's redirect URI when absent. */
  redirect_uris?: string[];
  /** Default: the grant in use plus `refresh_token`. */
  grant_types?: string[];
  /** Default `["code"]` for the authorization code grant. */
  response_types?: string[];
  /** Default: `none` when the server allows it (a native public client). */
  token_endpoint_auth_method?: TokenEndpointAuthMethod;
  /** OIDC registration: `native` for loopback/custom-scheme redirects, else `web` (derived when absent). */
  application_type?: "native" | "web";
  /** Further members: `client_uri`, `logo_uri`, `scope`, `software_id`, `jwks_uri`, … */
  [member: string]: unknown;
}

/**
 * The grants the OAuth client drives: with a user (`authorization_code`), as
 * itself (`client_credentials`), or with a JWT assertion (`jwt_bearer`,
 * RFC 7523: a workload identity token, or an ID-JAG from the user's IdP).
 */
export type ClientGrant = "authorization_code" | "client_credentials" | "jwt_bearer";

/** RFC 7523 §2.1: the `grant_type` of the JWT bearer grant. */
export const JWT_BEARER_GRANT_TYPE = "urn:ietf:params:oauth:grant-type:jwt-bearer";

/** The `grant_type` value of `grant` on the wire. */
export function grantTypeValue(grant: ClientGrant | "refresh_token"): string {
  return grant === "jwt_bearer" ? JWT_BEARER_GRANT_TYPE : grant;
}

/**
 * `native` when every redirect URI is loopback or a private-use scheme (an
 * app, a CLI), else `web` (SEP-837: DCR requests must name one).
 */
export function applicationTypeOf(redirectUris: readonly string[]): "native" | "web" {
  const native = redirectUris.every((uri) => {
    try {
      const url = new URL(uri);
      return (url.protocol !== "https:" && url.protocol !== "http:") ||
        isLoopbackHost(url.hostname);
    } catch {
      return false;
    }
  });
  return native ? "native" : "web";
}

/** Whether `url` may be a client ID metadata document URL: https with a path. */
export function isClientMetadataDocumentUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" && parsed.pathname !== "/" && parsed.hash === "";
  } catch {
    return false;
  }
}

function requestedAuthMethod(
  metadata: AuthorizationServerMetadata,
  grant: ClientGrant,
): TokenEndpointAuthMethod {
  const supported = metadata.token_endpoint_auth_methods_supported;
  if (grant === "authorization_code" && (supported === undefined || supported.includes("none"))) {
    return "none";
  }
  if (supported === undefined || supported.includes("client_secret_basic")) {
    return "client_secret_basic";
  }
  if (supported.includes("client_secret_post")) return "client_secret_post";
  return "none";
}

/** The registration request body for `grant`. */
export function registrationRequest(
  clientMetadata: ClientMetadata,
  metadata: AuthorizationServerMetadata,
  grant: ClientGrant,
  redirectUri: string | undefined,
): ClientMetadata {
  const redirectUris = clientMetadata.redirect_uris ?? (redirectUri ? [redirectUri] : []);
  const request: ClientMetadata = {
    ...clientMetadata,
    grant_types: clientMetadata.grant_types ??
      (grant === "authorization_code"
        ? ["authorization_code", "refresh_token"]
        : [grantTypeValue(grant)]),
    token_endpoint_auth_method: clientMetadata.token_endpoint_auth_method ??
      requestedAuthMethod(metadata, grant),
    application_type: clientMetadata.application_type ?? applicationTypeOf(redirectUris),
  };
  if (grant === "authorization_code") {
    request.redirect_uris = redirectUris;
    request.response_types = clientMetadata.response_types ?? ["code"];
  }
  return request;
}

/** Options of {@link registerClient}. */
export interface RegisterClientOptions {
  /** The authorization server's validated metadata (with `registration_endpoint`). */
  metadata: AuthorizationServerMetadata;
  /** The registration request body (see {@link registrationRequest}). */
  request: ClientMetadata;
  /** The `fetch` to use. */
  fetch?: typeof fetch;
  /** Aborts the request. */
  signal?: AbortSignal;
}

/**
 * Dynamic client registration (RFC 7591 §3). A refusal (e.g. redirect URIs
 * an OIDC server will not take for this `application_type`) is an
 * `OAuthResponseError` naming the server's reason.
 */
export async function registerClient(options: RegisterClientOptions): Promise<ClientCredentials> {
  const { metadata, request } = options;
  if (typeof metadata.registration_endpoint !== "string") {
    throw new OAuthClientError(
      "client_unavailable",
      `The authorization server ${metadata.issuer} offers no dynamic client registration`,
    );
  }
  const endpoint = assertSecureUrl(metadata.registration_endpoint, "registration endpoint");
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const response = await fetchImpl(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json" },
    body: JSON.stringify(request),
    signal: options.signal,
  });
  if (!response.ok) throw await oauthErrorFrom(response, "Dynamic client registration");
  const body = await readJsonObject(response, "registration response");
  if (typeof body.client_id !== "string" || body.client_id === "") {
    throw new OAuthClientError("invalid_response", "The registration response has no client_id");
  }
  const client: ClientCredentials = { clientId: body.client_id, issuer: metadata.issuer };
  if (typeof body.client_secret === "string") client.clientSecret = body.client_secret;
  const method = body.token_endpoint_auth_method ?? request.token_endpoint_auth_method;
  if (typeof method === "string") {
    client.tokenEndpointAuthMethod = method as TokenEndpointAuthMethod;
  }
  if (typeof body.client_secret_expires_at === "number") {
    client.clientSecretExpiresAt = body.client_secret_expires_at;
  }
  const redirectUris = stringArray(body.redirect_uris) ?? request.redirect_uris;
  if (redirectUris !== undefined) client.redirectUris = redirectUris;
  return client;
}

/** Where a client identity came from. */
export type ClientSource =
  | "pre-registered"
  | "metadata-document"
  | "stored"
  | "dynamic-registration"
  | "application";

/** Options of {@link resolveClient}. */
export interface ResolveClientOptions {
  /** The issuer the credentials are for. */
  issuer: string;
  /** Its validated metadata. */
  metadata: AuthorizationServerMetadata;
  /** The grant the client will use. */
  grant: ClientGrant;
  /** The redirect URI (authorization code grant). */
  redirectUri?: string;
  /** Pre-registered credentials, per issuer. */
  preRegistered?: (
    issuer: string,
  ) => ClientCredentials | undefined | Promise<ClientCredentials | undefined>;
  /** The https URL of this client's metadata document, for servers that accept one. */
  clientMetadataUrl?: string;
  /** Metadata for dynamic registration. */
  clientMetadata: ClientMetadata;
  /** Where registered credentials are kept. */
  store: TokenStore;
  /** Asked when nothing else gives a client (e.g. a form where the user pastes one). */
  requestClient?: (context: {
    issuer: string;
    metadata: AuthorizationServerMetadata;
  }) => Promise<ClientCredentials | undefined>;
  /** The `fetch` to use. */
  fetch?: typeof fetch;
  /** Aborts registration. */
  signal?: AbortSignal;
  /** The clock, ms since the epoch. */
  now?: number;
}

function storedStillValid(
  client: ClientCredentials,
  options: ResolveClientOptions,
): boolean {
  if (client.issuer !== undefined && client.issuer !== options.issuer) return false;
  const expires = client.clientSecretExpiresAt;
  if (expires !== undefined && expires !== 0 && expires * 1000 <= (options.now ?? Date.now())) {
    return false;
  }
  const redirect = options.redirectUri;
  return options.grant !== "authorization_code" || redirect === undefined ||
    client.redirectUris === undefined || client.redirectUris.includes(redirect);
}

/**
 * The client identity to use at `options.issuer`, by the specification's
 * priority. Pre-registered credentials bound to another issuer are refused
 * rather than sent to the wrong server.
 */
export async function resolveClient(
  options: ResolveClientOptions,
): Promise<{ client: ClientCredentials; source: ClientSource }> {
  const { issuer, metadata } = options;
  const preRegistered = await options.preRegistered?.(issuer);
  if (preRegistered !== undefined) {
    if (preRegistered.issuer !== undefined && preRegistered.issuer !== issuer) {
      throw new OAuthClientError(
        "client_mismatch",
        `The pre-registered client ${preRegistered.clientId} belongs to ${preRegistered.issuer}, but the server now names ${issuer}`,
      );
    }
    return { client: preRegistered, source: "pre-registered" };
  }
  const documentUrl = options.clientMetadataUrl;
  if (documentUrl !== undefined && metadata.client_id_metadata_document_supported === true) {
    if (!isClientMetadataDocumentUrl(documentUrl)) {
      throw new OAuthClientError(
        "client_unavailable",
        `A client ID metadata document URL is https with a path: ${documentUrl}`,
      );
    }
    return {
      client: {
        clientId: documentUrl,
        tokenEndpointAuthMethod: options.clientMetadata.token_endpoint_auth_method ?? "none",
      },
      source: "metadata-document",
    };
  }
  const stored = await options.store.getClient(issuer);
  if (stored !== undefined && storedStillValid(stored, options)) {
    return { client: stored, source: "stored" };
  }
  if (typeof metadata.registration_endpoint === "string") {
    const request = registrationRequest(
      options.clientMetadata,
      metadata,
      options.grant,
      options.redirectUri,
    );
    const client = await registerClient({ ...options, request });
    await options.store.setClient(issuer, client);
    return { client, source: "dynamic-registration" };
  }
  const given = await options.requestClient?.({ issuer, metadata });
  if (given !== undefined) {
    const bound = { ...given, issuer: given.issuer ?? issuer };
    await options.store.setClient(issuer, bound);
    return { client: bound, source: "application" };
  }
  throw new OAuthClientError(
    "client_unavailable",
    `No client identity for ${issuer}: no pre-registered credentials, no client ID metadata document support, no registration endpoint, and the application supplied none`,
  );
}
