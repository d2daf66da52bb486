/**
 * The token endpoint (OAuth 2.1 §3.2): `authorization_code` (single-use
 * codes bound to client, redirect URI, PKCE challenge and resource; a replay
 * revokes what the code issued), `refresh_token` (rotated on every use; a
 * rotated token used again revokes the whole grant) and `client_credentials`.
 * A request with a valid DPoP proof (RFC 9449 §5) gets an access token bound
 * to the proof's key (`token_type` `DPoP`); a public client's refresh tokens
 * are bound to that key too. Responses are `no-store`; errors are RFC 6749
 * §5.2 JSON. Optionally proofs must carry a server nonce (§8), and a code
 * bound with `dpop_jkt` needs a proof by that key (§10).
 *
 * @module
 */
import {
  type DpopProofChecker,
  dpopProofChecker,
  DpopProofError,
  dpopProofHeader,
} from "../dpop_proof.ts";
import { issueAccessToken } from "./access_token.ts";
import { authenticateClient } from "./client_auth.ts";
import { jsonResponse, OAuthError, oauthErrorResponse, readForm } from "./http.ts";
import type { AuthorizationServerContext } from "./options.ts";
import { chosenResource, grantedScopes } from "./scope.ts";
import { randomToken, sha256Base64Url } from "./secrets.ts";
import type { AuthorizationCodeRecord, ClientRecord } from "./store.ts";

/** RFC 7636 §4.1 `code-verifier`. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** The RFC 6749 §5.1 success body. */
interface TokenResponse {
  access_token: string;
  token_type: "Bearer" | "DPoP";
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

function tokenType(jkt: string | undefined): TokenResponse["token_type"] {
  return jkt === undefined ? "Bearer" : "DPoP";
}

/**
 * A new refresh token, carrying the thumbprint it is bound to after a `~`
 * (not base64url, and not the `.` that marks access tokens for revocation
 * and introspection). Only its hash is stored, so the binding cannot be
 * altered without the token ceasing to be found.
 */
function newRefreshToken(jkt: string | undefined): string {
  return jkt === undefined ? randomToken() : `${randomToken()}~${jkt}`;
}

/** The thumbprint a refresh token is bound to, if any. */
function refreshTokenBinding(token: string): string | undefined {
  const tilde = token.indexOf("~");
  return tilde < 0 ? undefined : token.slice(tilde + 1);
}

/** RFC 9449 §5: only a public client's refresh tokens are bound; a confidential one authenticates. */
function refreshBinding(client: ClientRecord, jkt: string | undefined): string | undefined {
  return client.tokenEndpointAuthMethod === "none" ? jkt : undefined;
}

/**
 * RFC 9449 §10: a code bound with `dpop_jkt` is redeemed only with a proof by
 * that key. No proof: `invalid_dpop_proof` (the client must add one); a proof
 * by another key: `invalid_grant` (the grant is not this key's).
 */
function checkCodeBinding(code: AuthorizationCodeRecord, jkt: string | undefined): void {
  if (code.dpopJkt === undefined || code.dpopJkt === jkt) return;
  if (jkt === undefined) {
    throw new DpopProofError(
      "The authorization code is bound to a DPoP key (dpop_jkt); the request needs a proof",
    );
  }
  throw invalidGrant(
    "The DPoP proof is not signed by the key the authorization code is bound to (dpop_jkt)",
  );
}

async function authorizationCodeGrant(
  context: AuthorizationServerContext,
  client: ClientRecord,
  form: URLSearchParams,
  jkt: string | undefined,
): Promise<TokenResponse> {
  const code = required(form, "code");
  const verifier = required(form, "code_verifier");
  const codeHash = await sha256Base64Url(code);
  const found = await context.store.peekCode(codeHash);
  if (found === undefined) throw invalidGrant("The authorization code is invalid");
  // RFC 9449 §10, before the code is used: without the key a thief can neither
  // redeem the code nor spoil it (or, replaying it, revoke what it issued).
  checkCodeBinding(found, jkt);
  const used = await context.store.consumeCode(codeHash);
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
  const access = await issueAccessToken(context, { ...grant, jkt });
  const refresh = client.grantTypes.includes("refresh_token")
    ? newRefreshToken(refreshBinding(client, jkt))
    : undefined;
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
    token_type: tokenType(jkt),
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
  jkt: string | undefined,
): Promise<TokenResponse> {
  if (!client.grantTypes.includes("refresh_token")) {
    throw new OAuthError("unauthorized_client", "This client may not use refresh tokens");
  }
  const refreshToken = required(form, "refresh_token");
  const presented = await sha256Base64Url(refreshToken);
  const found = await context.store.findGrantByRefreshToken(presented);
  if (found === undefined) throw invalidGrant("The refresh token is invalid");
  const grant = found.grant;
  if (grant.clientId !== client.clientId) {
    throw invalidGrant("The refresh token was issued to another client");
  }
  // Before the reuse check: without the key, a thief cannot even get the grant revoked.
  const boundTo = refreshTokenBinding(refreshToken);
  if (boundTo !== undefined && boundTo !== jkt) {
    throw new DpopProofError(
      jkt === undefined
        ? "The refresh token is bound to a DPoP key; the request needs a proof"
        : "The DPoP proof is not signed by the key the refresh token is bound to",
    );
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
    jkt,
  });
  const next = newRefreshToken(boundTo ?? refreshBinding(client, jkt));
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
    token_type: tokenType(jkt),
    expires_in: access.expiresIn,
    scope: scopes.join(" "),
    refresh_token: next,
  };
}

async function clientCredentialsGrant(
  context: AuthorizationServerContext,
  client: ClientRecord,
  form: URLSearchParams,
  jkt: string | undefined,
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
    jkt,
  });
  return {
    access_token: access.token,
    token_type: tokenType(jkt),
    expires_in: access.expiresIn,
    scope: scopes.join(" "),
  };
}

const GRANTS: {
  [grant: string]: (
    context: AuthorizationServerContext,
    client: ClientRecord,
    form: URLSearchParams,
    jkt: string | undefined,
  ) => Promise<TokenResponse>;
} = {
  authorization_code: authorizationCodeGrant,
  refresh_token: refreshTokenGrant,
  client_credentials: clientCredentialsGrant,
};

// One checker per server, so each has its own replay cache and clock.
const proofCheckers = new WeakMap<AuthorizationServerContext, DpopProofChecker>();

/** The thumbprint of the request's DPoP proof, checked for this endpoint; none without a proof. */
async function proofKey(
  context: AuthorizationServerContext,
  request: Request,
): Promise<string | undefined> {
  if (!request.headers.has("dpop")) return undefined;
  let check = proofCheckers.get(context);
  if (check === undefined) {
    check = dpopProofChecker({ now: context.now, nonces: context.dpopNonces });
    proofCheckers.set(context, check);
  }
  // The endpoint's own URL, not request.url, which a proxy may have rewritten.
  const url = context.endpoints.token;
  const verified = await check({ proof: dpopProofHeader(request), method: request.method, url });
  return verified.jkt;
}

/** RFC 9449 §8: with nonces required, every answer tells the client the nonce to use next. */
function nonceHeaders(context: AuthorizationServerContext): { [name: string]: string } {
  if (context.dpopNonces === undefined) return {};
  return {
    "dpop-nonce": context.dpopNonces.current(),
    "access-control-expose-headers": "DPoP-Nonce",
  };
}

/** RFC 9449 §5, §8: a refused proof is a 400 `invalid_dpop_proof` or `use_dpop_nonce`. */
function dpopErrorResponse(context: AuthorizationServerContext, error: DpopProofError): Response {
  const headers = nonceHeaders(context);
  if (error.nonce !== undefined) headers["dpop-nonce"] = error.nonce;
  return jsonResponse({ error: error.code, error_description: error.message }, 400, headers);
}

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
    const jkt = await proofKey(context, request);
    const { client } = await authenticateClient(context, request, form);
    return jsonResponse(await grant(context, client, form, jkt), 200, nonceHeaders(context));
  } catch (error) {
    if (error instanceof OAuthError) return oauthErrorResponse(error);
    if (error instanceof DpopProofError) return dpopErrorResponse(context, error);
    throw error;
  }
}
