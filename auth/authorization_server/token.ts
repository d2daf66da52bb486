/**
 * The token endpoint (OAuth 2.1 §3.2): `authorization_code` (single-use
 * codes bound to client, redirect URI, PKCE challenge and resource; a replay
 * revokes what the code issued), `refresh_token` (rotated on every use; a
 * rotated token used again revokes the whole grant) and `client_credentials`.
 * Responses are `no-store`; errors are RFC 6749 §5.2 JSON.
 *
 * @module
 */
import { issueAccessToken } from "./access_token.ts";
import { authenticateClient } from "./client_auth.ts";
import { jsonResponse, OAuthError, oauthErrorResponse, readForm } from "./http.ts";
import type { AuthorizationServerContext } from "./options.ts";
import { chosenResource, grantedScopes } from "./scope.ts";
import { randomToken, sha256Base64Url } from "./secrets.ts";
import type { ClientRecord } from "./store.ts";

/** RFC 7636 §4.1 `code-verifier`. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** The RFC 6749 §5.1 success body. */
interface TokenResponse {
  access_token: string;
  token_type: "Bearer";
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

function required(form: URLSearchParams, name: string): string {
  const value = form.get(name);
  if (value === null || value === "") {
    throw new OAuthError("invalid_request", `${name} is required`);
  }
  return value;
}

function invalidGrant(message: string): OAuthError {
  return new OAuthError("invalid_grant", message);
}

async function authorizationCodeGrant(
  context: AuthorizationServerContext,
  client: ClientRecord,
  form: URLSearchParams,
): Promise<TokenResponse> {
  const code = required(form, "code");
  const verifier = required(form, "code_verifier");
  const used = await context.store.consumeCode(await sha256Base64Url(code));
  if (used === undefined) throw invalidGrant("The authorization code is invalid");
  const record = used.code;
  if (!used.firstUse) {
    // RFC 6749 §4.1.2: a code used twice is compromised, and so is what it issued.
    await context.store.revokeGrant(record.grantId);
    throw invalidGrant("The authorization code was already used; its tokens are revoked");
  }
  if (record.expiresAt <= context.now()) throw invalidGrant("The authorization code expired");
  if (record.clientId !== client.clientId) {
    throw invalidGrant("The authorization code was issued to another client");
  }
  const redirectUri = form.get("redirect_uri");
  // RFC 6749 §4.1.3: required and identical when the authorization request named one.
  const mustMatch = record.redirectUriGiven || redirectUri !== null;
  if (mustMatch && redirectUri !== record.redirectUri) {
    throw invalidGrant("The redirect_uri differs from the authorization request's");
  }
  if (!CODE_VERIFIER.test(verifier)) {
    throw new OAuthError("invalid_request", "code_verifier is not 43 to 128 unreserved characters");
  }
  if (await sha256Base64Url(verifier) !== record.codeChallenge) {
    throw invalidGrant("The code_verifier does not match the code_challenge");
  }
  const resource = chosenResource(form.getAll("resource"), undefined, record.resource);
  const grant = {
    subject: record.subject,
    clientId: client.clientId,
    scopes: record.scopes,
    resource,
  };
  const access = await issueAccessToken(context, grant);
  const refresh = client.grantTypes.includes("refresh_token") ? randomToken() : undefined;
  await context.store.saveGrant({
    grantId: record.grantId,
    ...grant,
    refreshTokenHash: refresh === undefined ? undefined : await sha256Base64Url(refresh),
    expiresAt: context.now() + context.refreshTokenTtlMs,
    revoked: false,
    accessTokens: [{ jti: access.jti, expiresAt: access.expiresAt }],
  });
  const body: TokenResponse = {
    access_token: access.token,
    token_type: "Bearer",
    expires_in: access.expiresIn,
    scope: record.scopes.join(" "),
  };
  if (refresh !== undefined) body.refresh_token = refresh;
  return body;
}

async function refreshTokenGrant(
  context: AuthorizationServerContext,
  client: ClientRecord,
  form: URLSearchParams,
): Promise<TokenResponse> {
  if (!client.grantTypes.includes("refresh_token")) {
    throw new OAuthError("unauthorized_client", "This client may not use refresh tokens");
  }
  const presented = await sha256Base64Url(required(form, "refresh_token"));
  const found = await context.store.findGrantByRefreshToken(presented);
  if (found === undefined) throw invalidGrant("The refresh token is invalid");
  const grant = found.grant;
  if (grant.clientId !== client.clientId) {
    throw invalidGrant("The refresh token was issued to another client");
  }
  if (grant.revoked) throw invalidGrant("The refresh token was revoked");
  if (!found.current) {
    // A rotated token came back: one of its two holders is an attacker (RFC 9700 §4.14.2).
    await context.store.revokeGrant(grant.grantId);
    throw invalidGrant("The refresh token was already used; the grant is revoked");
  }
  if (grant.expiresAt <= context.now()) throw invalidGrant("The refresh token expired");
  const scopes = grantedScopes(form.get("scope"), context.scopes, grant.scopes);
  const resource = chosenResource(form.getAll("resource"), undefined, grant.resource);
  const access = await issueAccessToken(context, {
    subject: grant.subject,
    clientId: client.clientId,
    scopes,
    resource,
  });
  const next = randomToken();
  const rotated = await context.store.rotateRefreshToken(
    grant.grantId,
    presented,
    await sha256Base64Url(next),
    { jti: access.jti, expiresAt: access.expiresAt },
  );
  if (!rotated) {
    // Another request rotated it first: the same token was used twice.
    await context.store.revokeGrant(grant.grantId);
    throw invalidGrant("The refresh token was already used; the grant is revoked");
  }
  return {
    access_token: access.token,
    token_type: "Bearer",
    expires_in: access.expiresIn,
    scope: scopes.join(" "),
    refresh_token: next,
  };
}

async function clientCredentialsGrant(
  context: AuthorizationServerContext,
  client: ClientRecord,
  form: URLSearchParams,
): Promise<TokenResponse> {
  if (client.secretHash === undefined || !client.grantTypes.includes("client_credentials")) {
    throw new OAuthError("unauthorized_client", "This client may not use client_credentials");
  }
  const scopes = grantedScopes(form.get("scope"), context.scopes);
  const resource = chosenResource(form.getAll("resource"), context.resources);
  const access = await issueAccessToken(context, {
    subject: client.clientId,
    clientId: client.clientId,
    scopes,
    resource,
  });
  return {
    access_token: access.token,
    token_type: "Bearer",
    expires_in: access.expiresIn,
    scope: scopes.join(" "),
  };
}

const GRANTS: {
  [grant: string]: (
    context: AuthorizationServerContext,
    client: ClientRecord,
    form: URLSearchParams,
  ) => Promise<TokenResponse>;
} = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
};

/**
 * `POST /token`.
 *
 * @example
 * ```ts
 * import { resolveOptions } from "./options.ts";
 * import { handleToken } from "./token.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * const response = await handleToken(context, new Request("http://127.0.0.1:3000/token", {
 *   method: "POST",
 *   headers: { "content-type": "application/x-www-form-urlencoded" },
 *   body: "grant_type=password&client_id=nobody",
 * }));
 * // response.status → 400, { error: "unsupported_grant_type", … }
 * ```
 */
export async function handleToken(
  context: AuthorizationServerContext,
  request: Request,
): Promise<Response> {
  try {
    const form = await readForm(request);
    const grantType = required(form, "grant_type");
    const grant = Object.hasOwn(GRANTS, grantType) ? GRANTS[grantType] : undefined;
    if (grant === undefined) {
      throw new OAuthError(
        "unsupported_grant_type",
        `The grant_type ${grantType} is not supported`,
      );
    }
    const { client } = await authenticateClient(context, request, form);
    return jsonResponse(await grant(context, client, form));
  } catch (error) {
    if (error instanceof OAuthError) return oauthErrorResponse(error);
    throw error;
  }
}
