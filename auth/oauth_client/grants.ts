/**
 * One run of each grant the provider drives, as plain functions: the
 * authorization code grant with the user (authorization URL → interaction →
 * validated callback → code exchange) and the client credentials grant, and
 * the JWT bearer grant, and the record a token response becomes in the store.
 *
 * @module
 */
import { assertionFor, type AssertionSource } from "./assertion.ts";
import { authorizationCode, prepareAuthorization } from "./authorization_request.ts";
import type { ClientCredentials } from "./client_auth.ts";
import type { DiscoveredAuthorization } from "./discovery.ts";
import type { AuthorizationInteraction } from "./interaction.ts";
import type { StoredTokens } from "./store.ts";
import { requestToken, type TokenRequestDpop, type TokenResponse } from "./token_request.ts";

/** What a grant run needs. */
export interface GrantRun {
  /** Where the tokens come from and are for. */
  found: DiscoveredAuthorization;
  /** The client identity at that server. */
  client: ClientCredentials;
  /** The `scope` to ask for, if any. */
  scope: string | undefined;
  /** DPoP settings, when tokens are to be bound. */
  dpop: TokenRequestDpop | undefined;
  /** The `fetch` to use. */
  fetch: typeof fetch;
  /** Aborts the run. */
  signal: AbortSignal | undefined;
  /** The clock. */
  now: () => number;
}

/** A token response and the scope that was asked for it. */
export interface GrantResult {
  /** The token endpoint's answer. */
  response: TokenResponse;
  /** The `scope` asked (kept so a refresh can ask for it again). */
  requestedScope: string | undefined;
}

/** The authorization code grant: the user approves through `interaction`. */
export async function authorizeWithUser(
  run: GrantRun,
  interaction: AuthorizationInteraction,
): Promise<GrantResult> {
  const { found, client } = run;
  const pending = await prepareAuthorization({
    metadata: found.metadata,
    clientId: client.clientId,
    redirectUri: interaction.redirectUri,
    resource: found.resource,
    scope: run.scope,
    // A code stolen from the redirect is useless without the key (RFC 9449 §10).
    ...(run.dpop === undefined ? {} : { dpopJkt: run.dpop.key.thumbprint }),
  });
  const callback = await interaction.authorize(pending.url, {
    state: pending.state,
    issuer: found.issuer,
    signal: run.signal,
  });
  const code = authorizationCode(pending, callback);
  const response = await requestToken({
    metadata: found.metadata,
    client,
    grant: {
      type: "authorization_code",
      code,
      redirectUri: pending.redirectUri,
      codeVerifier: pending.codeVerifier,
    },
    resource: found.resource,
    dpop: run.dpop,
    fetch: run.fetch,
    signal: run.signal,
    now: run.now,
  });
  return { response, requestedScope: pending.scope };
}

/** The client credentials grant: the client acts on its own behalf. */
export async function authorizeAsClient(run: GrantRun): Promise<GrantResult> {
  const response = await requestToken({
    metadata: run.found.metadata,
    client: run.client,
    grant: { type: "client_credentials" },
    resource: run.found.resource,
    scope: run.scope,
    dpop: run.dpop,
    fetch: run.fetch,
    signal: run.signal,
    now: run.now,
  });
  return { response, requestedScope: run.scope };
}

/**
 * The JWT bearer grant (RFC 7523 §2.1): a JWT from `source` (a workload
 * identity token, an ID-JAG) is exchanged for an access token. A refusal is
 * final: asking again with the same assertion, or with another grant, is
 * what the grant forbids.
 */
export async function authorizeWithAssertion(
  run: GrantRun,
  source: AssertionSource,
): Promise<GrantResult> {
  const { found } = run;
  const assertion = await assertionFor(source, {
    issuer: found.issuer,
    tokenEndpoint: String(found.metadata.token_endpoint),
    resource: found.resource,
    scope: run.scope,
    signal: run.signal,
  });
  const response = await requestToken({
    metadata: found.metadata,
    client: run.client,
    grant: { type: "jwt_bearer", assertion },
    resource: found.resource,
    scope: run.scope,
    dpop: run.dpop,
    fetch: run.fetch,
    signal: run.signal,
    now: run.now,
  });
  return { response, requestedScope: run.scope };
}

/**
 * The stored form of a token response. Refresh token rotation: a new
 * refresh token replaces the old one; without one, the old stays valid.
 * Granted scopes default to those asked (RFC 6749 §5.1).
 */
export function storedTokensOf(
  result: GrantResult,
  previous: StoredTokens | undefined,
  now: number,
  dpopThumbprint: string | undefined,
): StoredTokens {
  const { response, requestedScope } = result;
  const tokens: StoredTokens = {
    accessToken: response.accessToken,
    tokenType: response.tokenType,
    obtainedAt: now,
  };
  if (response.expiresIn !== undefined) tokens.expiresAt = now + response.expiresIn * 1000;
  const refreshToken = response.refreshToken ?? previous?.refreshToken;
  if (refreshToken !== undefined) tokens.refreshToken = refreshToken;
  if (requestedScope !== undefined) tokens.requestedScope = requestedScope;
  const granted = response.scope ?? requestedScope;
  if (granted !== undefined) tokens.grantedScope = granted;
  if (response.tokenType === "DPoP" && dpopThumbprint !== undefined) {
    tokens.dpopThumbprint = dpopThumbprint;
  }
  return tokens;
}
