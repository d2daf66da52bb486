/**
 * The OAuth 2.1 client of an MCP server as a {@link TokenProvider}: a
 * transport asks it for headers and reports refusals; it discovers the
 * authorization server on the first 401, gets a client identity, runs the
 * authorization code grant (or client credentials), refreshes, steps up on
 * `insufficient_scope`, and signs DPoP proofs — all with bounded retries.
 *
 * @module
 */
import type {
  AuthChallenge,
  AuthorizationHeaders,
  TokenProvider,
  TokenRequestContext,
} from "../../protocol/token_provider.ts";
import type { AssertionSource } from "./assertion.ts";
import type { ClientCredentials } from "./client_auth.ts";
import {
  type AuthorizationServerMetadata,
  discoverAuthorization,
  type DiscoveredAuthorization,
} from "./discovery.ts";
import {
  createDpopKey,
  type DpopKey,
  DpopNonces,
  dpopProof,
  dpopProofNonce,
  supportsDpopEs256,
} from "./dpop.ts";
import { OAuthClientError } from "./errors.ts";
import {
  authorizeAsClient,
  authorizeWithAssertion,
  authorizeWithUser,
  type GrantResult,
  type GrantRun,
  storedTokensOf,
} from "./grants.ts";
import type { AuthorizationInteraction } from "./interaction.ts";
import { supportsS256 } from "./pkce.ts";
import { type ClientGrant, type ClientMetadata, resolveClient } from "./registration.ts";
import {
  coversScopes,
  scopeList,
  scopeParameter,
  selectScopes,
  unionScopes,
  withOfflineAccess,
} from "./scopes.ts";
import {
  accessTokenUsable,
  MemoryTokenStore,
  type StoredTokens,
  type TokenStore,
  type TokenStoreKey,
} from "./store.ts";
import { isGrantRejected, requestToken, type TokenRequestDpop } from "./token_request.ts";
import { type ResourceChallenge, resourceChallenge } from "./www_authenticate.ts";

/** Options of {@link OAuthTokenProvider}. */
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

function authorizationValue(tokens: StoredTokens): string {
  return `${tokens.tokenType} ${tokens.accessToken}`;
}

/**
 * An OAuth client for one MCP server, to hand to a transport.
 *
 * @example
 * ```ts
 * import { OAuthTokenProvider } from "./provider.ts";
 * import { loopbackInteraction } from "./loopback.ts";
 * const interaction = await loopbackInteraction();
 * const auth = new OAuthTokenProvider({
 *   serverUrl: "https://mcp.example.com/mcp",
 *   interaction,
 *   clientMetadataUrl: "https://app.example.com/oauth/client.json",
 *   clientMetadata: { client_name: "Example app" },
 * });
 * const headers = await auth.headers({ url: "https://mcp.example.com/mcp", method: "POST" });
 * // undefined until the server's first 401 has been handed to auth.onUnauthorized(…)
 * await interaction.close();
 * ```
 */
export class OAuthTokenProvider implements TokenProvider {
  #options: OAuthClientOptions;
  #serverUrl: URL;
  #store: TokenStore;
  #fetch: typeof fetch;
  #now: () => number;
  #skewMs: number;
  #grant: ClientGrant;
  #metadataCache = new Map<string, AuthorizationServerMetadata>();
  #nonces = new DpopNonces();
  #dpopKey: Promise<DpopKey> | undefined;
  #dpopWanted = false;
  #discovered: DiscoveredAuthorization | undefined;
  #client: ClientCredentials | undefined;
  #preRegisteredIssuer: string | undefined;
  #tokens: StoredTokens | undefined;
  #bearerHeaders: AuthorizationHeaders | undefined;
  #pending: Promise<boolean> | undefined;

  /** Creates the provider; nothing is fetched until the server first refuses a request. */
  constructor(options: OAuthClientOptions) {
    this.#options = options;
    this.#serverUrl = new URL(options.serverUrl);
    this.#store = options.store ?? new MemoryTokenStore();
    this.#fetch = options.fetch ?? globalThis.fetch.bind(globalThis);
    this.#now = options.now ?? Date.now;
    this.#skewMs = (options.clockSkewSeconds ?? 30) * 1000;
    this.#grant = options.grant ?? "authorization_code";
  }

  /** What discovery found, once it ran. */
  get discovered(): DiscoveredAuthorization | undefined {
    return this.#discovered;
  }

  /** The tokens in use, if any. */
  get tokens(): StoredTokens | undefined {
    return this.#tokens;
  }

  /** {@inheritDoc TokenProvider.headers} */
  headers(
    request: TokenRequestContext,
  ): AuthorizationHeaders | undefined | Promise<AuthorizationHeaders | undefined> {
    const tokens = this.#tokens;
    if (tokens === undefined) return undefined;
    if (!this.#usable(tokens)) return this.#renewForRequest(request);
    if (tokens.tokenType === "Bearer") return this.#bearerHeaders;
    return this.#dpopHeaders(tokens, request);
  }

  /** {@inheritDoc TokenProvider.onUnauthorized} */
  onUnauthorized(challenge: AuthChallenge): Promise<boolean> {
    const parsed = resourceChallenge(challenge.wwwAuthenticate);
    if (parsed?.error === "use_dpop_nonce") return Promise.resolve(this.#acceptNonce(challenge));
    if (this.#isStale(challenge)) return Promise.resolve(true);
    // A token just obtained and refused again: the server will not take it.
    if (challenge.retries >= 2) return Promise.resolve(false);
    return this.#exclusive(() => this.#reauthorize(challenge, parsed));
  }

  /** {@inheritDoc TokenProvider.onForbidden} */
  onForbidden(challenge: AuthChallenge): Promise<boolean> {
    const parsed = resourceChallenge(challenge.wwwAuthenticate);
    if (parsed?.error !== "insufficient_scope") return Promise.resolve(false);
    if (this.#isStale(challenge)) return Promise.resolve(true);
    const tokens = this.#tokens;
    const required = parsed.scopes ?? [];
    if (
      tokens === undefined || this.#discovered === undefined || required.length === 0 ||
      challenge.retries >= (this.#options.stepUpRetryLimit ?? 3)
    ) {
      return Promise.resolve(false);
    }
    const requested = scopeList(tokens.requestedScope);
    // Already asked for (or granted) all of it: another authorization will not help.
    if (coversScopes(unionScopes(requested, scopeList(tokens.grantedScope)), required)) {
      return Promise.resolve(false);
    }
    return this.#exclusive(async () => {
      await this.#obtain(unionScopes(requested, required, this.#options.scopes), challenge.signal);
      return true;
    });
  }

  /** Forgets the tokens of the current server (a sign-out on this side). */
  async signOut(): Promise<void> {
    const key = this.#key();
    this.#setTokens(undefined);
    if (key) await this.#store.deleteTokens(key);
  }

  #key(): TokenStoreKey | undefined {
    const found = this.#discovered;
    return found && { issuer: found.issuer, resource: found.resource };
  }

  #usable(tokens: StoredTokens): boolean {
    return accessTokenUsable(tokens, this.#now(), this.#skewMs);
  }

  #setTokens(tokens: StoredTokens | undefined): void {
    this.#tokens = tokens;
    this.#bearerHeaders = tokens?.tokenType === "Bearer"
      ? { authorization: authorizationValue(tokens) }
      : undefined;
  }

  #dpopKeyPair(): Promise<DpopKey> {
    return this.#dpopKey ??= this.#options.dpopKey
      ? Promise.resolve(this.#options.dpopKey)
      : createDpopKey();
  }

  async #dpopHeaders(
    tokens: StoredTokens,
    request: TokenRequestContext,
  ): Promise<AuthorizationHeaders> {
    const proof = await dpopProof(await this.#dpopKeyPair(), {
      method: request.method,
      url: request.url,
      accessToken: tokens.accessToken,
      nonce: this.#nonces.get(request.url),
      now: this.#now(),
    });
    return { authorization: authorizationValue(tokens), dpop: proof };
  }

  async #renewForRequest(request: TokenRequestContext): Promise<AuthorizationHeaders | undefined> {
    // A failed renewal sends the request without a token; its 401 starts a new authorization.
    const renewed = await this.#exclusive(() => this.#renew(request.signal)).catch(() => false);
    const tokens = this.#tokens;
    if (!renewed || tokens === undefined || !this.#usable(tokens)) return undefined;
    return tokens.tokenType === "Bearer" ? this.#bearerHeaders : this.#dpopHeaders(tokens, request);
  }

  async #renew(signal?: AbortSignal): Promise<boolean> {
    const tokens = this.#tokens;
    if (tokens === undefined || this.#discovered === undefined) return false;
    if (this.#usable(tokens)) return true;
    if (tokens.refreshToken !== undefined && (await this.#tryRefresh(tokens, signal))) return true;
    await this.signOut();
    if (this.#grant === "authorization_code") return false;
    await this.#obtain(scopeList(tokens.requestedScope), signal);
    return true;
  }

  #acceptNonce(challenge: AuthChallenge): boolean {
    const nonce = challenge.dpopNonce;
    if (!nonce || challenge.sent?.dpop === undefined) return false;
    if (dpopProofNonce(challenge.sent.dpop) === nonce) return false;
    this.#nonces.set(challenge.url, nonce);
    return true;
  }

  /** Whether the refused request carried something other than the current, usable token. */
  #isStale(challenge: AuthChallenge): boolean {
    const tokens = this.#tokens;
    return tokens !== undefined && this.#usable(tokens) &&
      challenge.sent?.authorization !== authorizationValue(tokens);
  }

  #exclusive(work: () => Promise<boolean>): Promise<boolean> {
    if (this.#pending) return this.#pending;
    const run = work().finally(() => {
      if (this.#pending === run) this.#pending = undefined;
    });
    this.#pending = run;
    return run;
  }

  async #reauthorize(
    challenge: AuthChallenge,
    parsed: ResourceChallenge | undefined,
  ): Promise<boolean> {
    const refused = challenge.sent?.authorization;
    const found = await this.#discover(parsed?.resourceMetadata, challenge.signal);
    this.#dpopWanted = this.#wantsDpop(found, parsed);
    const key = { issuer: found.issuer, resource: found.resource };
    let stored = await this.#store.getTokens(key);
    if (stored !== undefined && !(await this.#boundToOurKey(stored))) {
      await this.#store.deleteTokens(key);
      stored = undefined;
    }
    if (stored !== undefined && authorizationValue(stored) !== refused && this.#usable(stored)) {
      this.#setTokens(stored); // e.g. tokens a persistent store kept from an earlier run
      return true;
    }
    const wanted = unionScopes(
      selectScopes(parsed?.scopes, found.resourceMetadata?.scopes_supported),
      scopeList(stored?.requestedScope),
      this.#options.scopes,
    );
    if (
      stored?.refreshToken !== undefined &&
      coversScopes(scopeList(stored.requestedScope), wanted) &&
      (await this.#tryRefresh(stored, challenge.signal))
    ) {
      return true;
    }
    this.#setTokens(undefined);
    await this.#store.deleteTokens(key);
    await this.#obtain(wanted, challenge.signal);
    return true;
  }

  async #discover(
    resourceMetadataUrl: string | undefined,
    signal?: AbortSignal,
  ): Promise<DiscoveredAuthorization> {
    const found = await discoverAuthorization(this.#serverUrl, {
      resourceMetadataUrl,
      fetch: this.#fetch,
      signal,
      metadataCache: this.#metadataCache,
      selectAuthorizationServer: this.#options.selectAuthorizationServer,
    });
    const previous = this.#discovered;
    if (previous?.issuer !== found.issuer || previous.resource !== found.resource) {
      // Credentials and tokens belong to one authorization server (SEP-2352).
      this.#client = undefined;
      this.#setTokens(undefined);
    }
    this.#discovered = found;
    return found;
  }

  #wantsDpop(found: DiscoveredAuthorization, parsed: ResourceChallenge | undefined): boolean {
    const mode = this.#options.dpop ?? "auto";
    if (mode === false || !supportsDpopEs256(found.metadata.dpop_signing_alg_values_supported)) {
      return false;
    }
    return mode === true || this.#dpopWanted || parsed?.schemes.includes("dpop") === true ||
      found.resourceMetadata?.dpop_bound_access_tokens_required === true;
  }

  async #boundToOurKey(tokens: StoredTokens): Promise<boolean> {
    if (tokens.dpopThumbprint === undefined) return true;
    if (this.#dpopKey === undefined && this.#options.dpopKey === undefined) return false;
    return (await this.#dpopKeyPair()).thumbprint === tokens.dpopThumbprint;
  }

  async #dpopFor(force = false): Promise<TokenRequestDpop | undefined> {
    if (!force && !this.#dpopWanted) return undefined;
    return { key: await this.#dpopKeyPair(), nonces: this.#nonces };
  }

  async #clientFor(
    found: DiscoveredAuthorization,
    signal?: AbortSignal,
  ): Promise<ClientCredentials> {
    if (this.#client !== undefined) return this.#client;
    const { client } = await resolveClient({
      issuer: found.issuer,
      metadata: found.metadata,
      grant: this.#grant,
      redirectUri: this.#options.interaction?.redirectUri,
      preRegistered: (issuer) => this.#preRegistered(issuer),
      clientMetadataUrl: this.#options.clientMetadataUrl,
      clientMetadata: this.#options.clientMetadata ?? { client_name: "emcee MCP client" },
      store: this.#store,
      requestClient: this.#options.requestClient,
      fetch: this.#fetch,
      signal,
      now: this.#now(),
    });
    this.#client = client;
    return client;
  }

  async #preRegistered(issuer: string): Promise<ClientCredentials | undefined> {
    const option = this.#options.client;
    if (typeof option === "function") return await option(issuer);
    if (option === undefined || option.issuer !== undefined) return option;
    // One client for an unnamed server: bound to the first issuer it is used with.
    this.#preRegisteredIssuer ??= issuer;
    return { ...option, issuer: this.#preRegisteredIssuer };
  }

  /** Refreshes with the scope first asked for; false when the server refused the grant. */
  async #tryRefresh(tokens: StoredTokens, signal?: AbortSignal): Promise<boolean> {
    const found = this.#discovered!;
    try {
      const response = await requestToken({
        metadata: found.metadata,
        client: await this.#clientFor(found, signal),
        grant: { type: "refresh_token", refreshToken: tokens.refreshToken! },
        resource: found.resource,
        scope: tokens.requestedScope,
        dpop: await this.#dpopFor(tokens.tokenType === "DPoP"),
        fetch: this.#fetch,
        signal,
        now: this.#now,
      });
      await this.#adopt({ response, requestedScope: tokens.requestedScope }, tokens);
      return true;
    } catch (error) {
      if (isGrantRejected(error)) return false;
      throw error;
    }
  }

  /** A new grant: client credentials, or the authorization code flow with the user. */
  async #obtain(scopes: string[], signal?: AbortSignal): Promise<void> {
    const found = this.#discovered!;
    const { metadata } = found;
    const interaction = this.#options.interaction;
    if (this.#grant === "authorization_code") {
      // Refuse before registering anywhere: MCP clients must not authorize without S256.
      if (!supportsS256(metadata.code_challenge_methods_supported)) {
        throw new OAuthClientError(
          "pkce_unsupported",
          `The authorization server ${found.issuer} does not advertise PKCE S256; refusing to authorize`,
        );
      }
      if (interaction === undefined) {
        throw new OAuthClientError(
          "interaction_required",
          `${this.#serverUrl.href} needs authorization by a user, and no interaction was configured`,
        );
      }
    }
    const asked = this.#grant !== "authorization_code" || this.#options.offlineAccess === false
      ? scopes
      : withOfflineAccess(scopes, metadata.scopes_supported);
    const run: GrantRun = {
      found,
      client: await this.#clientFor(found, signal),
      scope: scopeParameter(asked),
      dpop: await this.#dpopFor(),
      fetch: this.#fetch,
      signal,
      now: this.#now,
    };
    const result = interaction !== undefined && this.#grant === "authorization_code"
      ? await authorizeWithUser(run, interaction)
      : this.#grant === "jwt_bearer"
      ? await authorizeWithAssertion(run, this.#assertion())
      : await authorizeAsClient(run);
    await this.#adopt(result, undefined);
  }

  #assertion(): AssertionSource {
    const source = this.#options.assertion;
    if (source === undefined) {
      throw new OAuthClientError("client_unavailable", "The jwt_bearer grant needs an assertion");
    }
    return source;
  }

  async #adopt(result: GrantResult, previous: StoredTokens | undefined): Promise<void> {
    const thumbprint = result.response.tokenType === "DPoP"
      ? (await this.#dpopKeyPair()).thumbprint
      : undefined;
    const tokens = storedTokensOf(result, previous, this.#now(), thumbprint);
    await this.#store.setTokens(this.#key()!, tokens);
    this.#setTokens(tokens);
  }
}
