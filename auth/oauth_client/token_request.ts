/**
 * The token endpoint (OAuth 2.1 §3.2): the authorization code, refresh token
 * and client credentials grants, each with `resource` (RFC 8707) and the
 * client's authentication; a DPoP proof when asked, with one retry carrying
 * the server's nonce on `use_dpop_nonce` (RFC 9449 §8); and the validation of
 * the answer.
 *
 * @module
 */
import { applyClientAuth, type ClientCredentials } from "./client_auth.ts";
import type { AuthorizationServerMetadata } from "./discovery.ts";
import { type DpopKey, type DpopNonces, dpopProof } from "./dpop.ts";
import { OAuthClientError, oauthErrorFrom, OAuthResponseError } from "./errors.ts";
import { assertSecureUrl, postForm, readJsonObject } from "./http.ts";
import { grantTypeValue } from "./registration.ts";

/** What is exchanged for a token. */
export type TokenGrant =
  | { type: "authorization_code"; code: string; redirectUri: string; codeVerifier: string }
  | { type: "refresh_token"; refreshToken: string }
  | { type: "client_credentials" }
  | { type: "jwt_bearer"; assertion: string };

/** A successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  /** The access token. */
  accessToken: string;
  /** `Bearer`, or `DPoP` for a token bound to the proof key. */
  tokenType: "Bearer" | "DPoP";
  /** Lifetime in seconds, when given. */
  expiresIn?: number;
  /** A refresh token, when issued (rotated on each refresh by public clients' servers). */
  refreshToken?: string;
  /** The scopes granted, when they differ from those asked or the server says so. */
  scope?: string;
}

/** DPoP settings of a token request. */
export interface TokenRequestDpop {
  /** The proof key. */
  key: DpopKey;
  /** Nonces by origin, read and updated. */
  nonces: DpopNonces;
}

/** Options of {@link requestToken}. */
export interface TokenRequestOptions {
  /** The authorization server's validated metadata. */
  metadata: AuthorizationServerMetadata;
  /** Who is asking. */
  client: ClientCredentials;
  /** What is exchanged. */
  grant: TokenGrant;
  /** The `resource` (RFC 8707). */
  resource: string;
  /** Space-separated scopes; omitted when undefined or empty. */
  scope?: string;
  /** Send a DPoP proof. */
  dpop?: TokenRequestDpop;
  /** The `fetch` to use. */
  fetch?: typeof fetch;
  /** Aborts the request. */
  signal?: AbortSignal;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

function grantBody(grant: TokenGrant): URLSearchParams {
  const body = new URLSearchParams({ grant_type: grantTypeValue(grant.type) });
  if (grant.type === "jwt_bearer") {
    body.set("assertion", grant.assertion);
  } else if (grant.type === "authorization_code") {
    body.set("code", grant.code);
    body.set("redirect_uri", grant.redirectUri);
    body.set("code_verifier", grant.codeVerifier);
  } else if (grant.type === "refresh_token") {
    body.set("refresh_token", grant.refreshToken);
  }
  return body;
}

function tokenResponseOf(body: { [member: string]: unknown }, proofSent: boolean): TokenResponse {
  if (typeof body.access_token !== "string" || body.access_token === "") {
    throw new OAuthClientError("invalid_response", "The token response has no access_token");
  }
  const type = typeof body.token_type === "string" ? body.token_type.toLowerCase() : "";
  if (type !== "bearer" && type !== "dpop") {
    throw new OAuthClientError(
      "invalid_response",
      `The token response has an unusable token_type ${JSON.stringify(body.token_type)}`,
    );
  }
  if (type === "dpop" && !proofSent) {
    throw new OAuthClientError(
      "invalid_response",
      "The authorization server issued a DPoP token for a request without a proof",
    );
  }
  const response: TokenResponse = {
    accessToken: body.access_token,
    tokenType: type === "dpop" ? "DPoP" : "Bearer",
  };
  if (typeof body.expires_in === "number" && Number.isFinite(body.expires_in)) {
    response.expiresIn = body.expires_in;
  } else if (typeof body.expires_in === "string" && /^\d+$/.test(body.expires_in)) {
    response.expiresIn = Number(body.expires_in);
  }
  if (typeof body.refresh_token === "string" && body.refresh_token !== "") {
    response.refreshToken = body.refresh_token;
  }
  if (typeof body.scope === "string") response.scope = body.scope;
  return response;
}

/**
 * Exchanges a grant for tokens. An OAuth error answer becomes an
 * {@link OAuthResponseError} (`invalid_grant` for a dead refresh token).
 *
 * @example
 * ```ts
 * import { requestToken } from "./token_request.ts";
 * const tokens = await requestToken({
 *   metadata: { issuer: "https://auth.example.com", token_endpoint: "https://auth.example.com/token" },
 *   client: { clientId: "svc", clientSecret: "s3cret" },
 *   grant: { type: "client_credentials" },
 *   resource: "https://mcp.example.com/mcp",
 *   scope: "mcp",
 * });
 * console.log(tokens.accessToken, tokens.expiresIn);
 * ```
 */
export async function requestToken(options: TokenRequestOptions): Promise<TokenResponse> {
  const { metadata } = options;
  if (typeof metadata.token_endpoint !== "string") {
    throw new OAuthClientError(
      "invalid_metadata",
      `The authorization server ${metadata.issuer} has no token_endpoint`,
    );
  }
  const endpoint = assertSecureUrl(metadata.token_endpoint, "token endpoint").href;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const now = options.now ?? Date.now;
  const dpop = options.dpop;
  for (let attempt = 0;; attempt++) {
    const body = grantBody(options.grant);
    body.set("resource", options.resource);
    if (options.scope) body.set("scope", options.scope);
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    // Built afresh on every attempt: an assertion's and a proof's jti are single-use.
    await applyClientAuth(options.client, metadata, body, headers, now());
    if (dpop) {
      headers.dpop = await dpopProof(dpop.key, {
        method: "POST",
        url: endpoint,
        nonce: dpop.nonces.get(endpoint),
        now: now(),
      });
    }
    const response = await postForm(
      fetchImpl,
      endpoint,
      body,
      headers,
      options.signal,
      `The token request to ${endpoint}`,
    );
    const nonce = response.headers.get("dpop-nonce");
    if (dpop && nonce) dpop.nonces.set(endpoint, nonce);
    if (response.ok) {
      return tokenResponseOf(await readJsonObject(response, "token response"), dpop !== undefined);
    }
    const error = await oauthErrorFrom(response, "The token request");
    if (dpop && nonce && error.error === "use_dpop_nonce" && attempt === 0) continue;
    throw error;
  }
}

/** Whether an error from {@link requestToken} means the grant itself is dead (reauthorize). */
export function isGrantRejected(error: unknown): boolean {
  return error instanceof OAuthResponseError;
}
