/**
 * The options of `OAuthTokenProvider` (provider.ts): which server, which grant, how
 * the client is identified, scopes, DPoP, storage and limits.
 *
 * @module
 */
import type { AssertionSource } from "./assertion.ts";
import type { ClientCredentials } from "./client_auth.ts";
import type { AuthorizationServerMetadata } from "./discovery.ts";
import type { DpopKey } from "./dpop.ts";
import type { AuthorizationInteraction } from "./interaction.ts";
import type { ClientGrant, ClientMetadata } from "./registration.ts";
import type { TokenStore } from "./store.ts";

/** Options of `OAuthTokenProvider` (provider.ts). */
export interface OAuthClientOptions {
  /** The MCP endpoint the tokens are for. */
  serverUrl: string | URL;
  /** The grant. Default `authorization_code` (on behalf of a user). */
  grant?: ClientGrant;
  /** The JWT of the `jwt_bearer` grant: a workload identity token, or `idJagAssertion(…)`. */
  assertion?: AssertionSource;
  /** Sends the user to the authorization server (authorization code grant). */
  interaction?: AuthorizationInteraction;
  /** Pre-registered credentials: one client, or a lookup by issuer. */
  client?:
    | ClientCredentials
    | ((issuer: string) => ClientCredentials | undefined | Promise<ClientCredentials | undefined>);
  /** The https URL of this client's metadata document, used where the server accepts one. */
  clientMetadataUrl?: string;
  /** Metadata for dynamic registration. Default `{ client_name: "emcee MCP client" }`. */
  clientMetadata?: ClientMetadata;
  /** Asked for a client identity when nothing else gives one. */
  requestClient?: (context: {
    issuer: string;
    metadata: AuthorizationServerMetadata;
  }) => Promise<ClientCredentials | undefined>;
  /** Scopes always asked for, besides those the server names. */
  scopes?: readonly string[];
  /** Ask for `offline_access` (a refresh token) where the server lists it. Default true. */
  offlineAccess?: boolean;
  /**
   * DPoP (RFC 9449): `"auto"` (default) binds tokens when the authorization
   * server accepts ES256 proofs and the resource asks for DPoP (a `DPoP`
   * challenge or `dpop_bound_access_tokens_required`); `true` whenever the
   * authorization server accepts them; `false` never.
   */
  dpop?: boolean | "auto";
  /** The DPoP key; default a fresh non-extractable ES256 key per provider. */
  dpopKey?: DpopKey;
  /** Where tokens and registered clients are kept. Default: in memory. */
  store?: TokenStore;
  /** Picks among several authorization servers of the resource. Default: the first with metadata. */
  selectAuthorizationServer?: (issuers: readonly string[]) => string | undefined;
  /**
   * A 403 `insufficient_scope` leads to a step-up only while its request was
   * retried fewer times than this (the retry after a 401 counts). Default 3:
   * at most three authorizations for one request.
   */
  stepUpRetryLimit?: number;
  /** A token this close to expiry counts as expired (at most half its life). Default 30 s. */
  clockSkewSeconds?: number;
  /** The `fetch` for discovery, registration and token requests. */
  fetch?: typeof fetch;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}
