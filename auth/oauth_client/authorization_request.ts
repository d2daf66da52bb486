/**
 * The front channel of the authorization code grant: the authorization URL
 * (PKCE S256, `state`, `resource` per RFC 8707, `scope`) and the validation
 * of what comes back on the redirect — RFC 9207 `iss` first (by simple string
 * comparison, as the MCP specification's table says), then `state`, then an
 * error or the code.
 *
 * @module
 */
import type { AuthorizationServerMetadata } from "./discovery.ts";
import { OAuthClientError, OAuthResponseError } from "./errors.ts";
import { assertSecureUrl } from "./http.ts";
import { randomToken } from "./jws.ts";
import { createPkcePair, supportsS256 } from "./pkce.ts";

/** The parameters of the redirect back to the client. */
export interface AuthorizationCallback {
  /** The authorization code, on success. */
  code?: string;
  /** The `state` echoed back. */
  state?: string;
  /** The issuer (RFC 9207), when the server sends it. */
  iss?: string;
  /** The OAuth error code, on failure. */
  error?: string;
  /** The error's description. */
  errorDescription?: string;
}

/**
 * The callback parameters of a redirect URL (query, or fragment as a fallback).
 *
 * @example
 * ```ts
 * import { callbackFromUrl } from "./authorization_request.ts";
 * callbackFromUrl("http://127.0.0.1:8976/callback?code=abc&state=xyz&iss=https%3A%2F%2Fauth.example.com");
 * // → { code: "abc", state: "xyz", iss: "https://auth.example.com" }
 * ```
 */
export function callbackFromUrl(url: string | URL): AuthorizationCallback {
  const parsed = new URL(url);
  let params = parsed.searchParams;
  if (!params.has("code") && !params.has("error") && parsed.hash.length > 1) {
    params = new URLSearchParams(parsed.hash.slice(1));
  }
  const callback: AuthorizationCallback = {};
  const code = params.get("code");
  const state = params.get("state");
  const iss = params.get("iss");
  const error = params.get("error");
  const description = params.get("error_description");
  if (code !== null) callback.code = code;
  if (state !== null) callback.state = state;
  if (iss !== null) callback.iss = iss;
  if (error !== null) callback.error = error;
  if (description !== null) callback.errorDescription = description;
  return callback;
}

/** What the client remembers between sending the user away and the redirect back. */
export interface PendingAuthorization {
  /** Where to send the user. */
  url: URL;
  /** The `state` sent. */
  state: string;
  /** The PKCE verifier for the token request. */
  codeVerifier: string;
  /** The issuer of the validated metadata, recorded for the RFC 9207 check. */
  issuer: string;
  /** Whether the metadata promised `iss` in every response. */
  issRequired: boolean;
  /** The `redirect_uri` sent (and to repeat at the token endpoint). */
  redirectUri: string;
  /** The `resource` sent. */
  resource: string;
  /** The `scope` sent, if any. */
  scope?: string;
}

/** Options of {@link prepareAuthorization}. */
export interface PrepareAuthorizationOptions {
  /** The validated metadata of the authorization server. */
  metadata: AuthorizationServerMetadata;
  /** The client identifier. */
  clientId: string;
  /** The registered redirect URI. */
  redirectUri: string;
  /** The `resource` (RFC 8707). */
  resource: string;
  /** Space-separated scopes; omitted when undefined or empty. */
  scope?: string;
  /** The DPoP key's thumbprint, sent as `dpop_jkt` to bind the code to it (RFC 9449 §10). */
  dpopJkt?: string;
}

/**
 * Builds the authorization request. Refuses a server whose metadata does not
 * advertise PKCE S256, as the MCP specification requires.
 *
 * @example
 * ```ts
 * import { prepareAuthorization } from "./authorization_request.ts";
 * const pending = await prepareAuthorization({
 *   metadata: {
 *     issuer: "https://auth.example.com",
 *     authorization_endpoint: "https://auth.example.com/authorize",
 *     code_challenge_methods_supported: ["S256"],
 *   },
 *   clientId: "client-1",
 *   redirectUri: "http://127.0.0.1:8976/callback",
 *   resource: "https://mcp.example.com/mcp",
 *   scope: "files:read",
 * });
 * // pending.url → https://auth.example.com/authorize?response_type=code&client_id=client-1&…
 * ```
 */
export async function prepareAuthorization(
  options: PrepareAuthorizationOptions,
): Promise<PendingAuthorization> {
  const { metadata } = options;
  if (!supportsS256(metadata.code_challenge_methods_supported)) {
    throw new OAuthClientError(
      "pkce_unsupported",
      `The authorization server ${metadata.issuer} does not advertise PKCE S256 (code_challenge_methods_supported); refusing to authorize without it`,
    );
  }
  if (typeof metadata.authorization_endpoint !== "string") {
    throw new OAuthClientError(
      "invalid_metadata",
      `The authorization server ${metadata.issuer} has no authorization_endpoint`,
    );
  }
  const url = assertSecureUrl(metadata.authorization_endpoint, "authorization endpoint");
  const pkce = await createPkcePair();
  const state = randomToken(32);
  const params = url.searchParams;
  params.set("response_type", "code");
  params.set("client_id", options.clientId);
  params.set("redirect_uri", options.redirectUri);
  params.set("code_challenge", pkce.challenge);
  params.set("code_challenge_method", pkce.method);
  params.set("state", state);
  params.set("resource", options.resource);
  if (options.scope) params.set("scope", options.scope);
  if (options.dpopJkt !== undefined) params.set("dpop_jkt", options.dpopJkt);
  return {
    url,
    state,
    codeVerifier: pkce.verifier,
    issuer: metadata.issuer,
    issRequired: metadata.authorization_response_iss_parameter_supported === true,
    redirectUri: options.redirectUri,
    resource: options.resource,
    ...(options.scope ? { scope: options.scope } : {}),
  };
}

/**
 * The code of a valid authorization response. In order: a present `iss` must
 * equal the recorded issuer character for character (no URL normalisation),
 * and must be present when the metadata promised it; `state` must match;
 * then an error response becomes an {@link OAuthResponseError}. Nothing of a
 * response failing the first two checks is acted on or shown.
 */
export function authorizationCode(
  pending: PendingAuthorization,
  callback: AuthorizationCallback,
): string {
  if (callback.iss !== undefined) {
    if (callback.iss !== pending.issuer) {
      throw new OAuthClientError(
        "iss_mismatch",
        `The authorization response came from issuer ${
          JSON.stringify(callback.iss)
        }, not ${pending.issuer}; discarding it (RFC 9207)`,
      );
    }
  } else if (pending.issRequired) {
    throw new OAuthClientError(
      "iss_missing",
      `The authorization server ${pending.issuer} promised an iss parameter but the response has none; discarding it (RFC 9207)`,
    );
  }
  if (callback.state !== pending.state) {
    throw new OAuthClientError(
      "state_mismatch",
      "The authorization response does not carry the state this client sent; discarding it",
    );
  }
  if (callback.error !== undefined) {
    throw new OAuthResponseError(callback.error, callback.errorDescription, 0);
  }
  if (!callback.code) {
    throw new OAuthClientError("invalid_response", "The authorization response has no code");
  }
  return callback.code;
}
