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
import { OAuthClientError } from "./errors.ts";
import {
  authorizeAsClient,
  authorizeWithAssertion,
  authorizeWithUser,
  type GrantResult,
  type GrantRun,
  storedTokensOf,
} from "./grants.ts";
import { supportsS256 } from "./pkce.ts";
import type { OAuthClientOptions } from "./provider_options.ts";
import { authorizationValue, ProviderDpop } from "./provider_dpop.ts";
import { type ClientGrant, resolveClient } from "./registration.ts";
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
import { isGrantRejected, requestToken } from "./token_request.ts";

export type { OAuthClientOptions } from "./provider_options.ts";
import { type ResourceChallenge, resourceChallenge } from "./www_authenticate.ts";

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
  #dpop: ProviderDpop;
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
    this.#dpop = new ProviderDpop({ mode: options.dpop, key: options.dpopKey, now: this.#now });
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
    return this.#dpop.headers(tokens, request);
  }

  /** {@inheritDoc TokenProvider.onUnauthorized} */
  onUnauthorized(challenge: AuthChallenge): Promise<boolean> {
    const parsed = resourceChallenge(challenge.wwwAuthenticate);
    if (parsed?.error === "use_dpop_nonce") {
      return Promise.resolve(this.#dpop.acceptNonce(challenge));
    }
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

  async #renewForRequest(request: TokenRequestContext): Promise<AuthorizationHeaders | undefined> {
    // A failed renewal sends the request without a token; its 401 starts a new authorization.
    const renewed = await this.#exclusive(() => this.#renew(request.signal)).catch(() => false);
    const tokens = this.#tokens;
    if (!renewed || tokens === undefined || !this.#usable(tokens)) return undefined;
    return tokens.tokenType === "Bearer"
      ? this.#bearerHeaders
      : this.#dpop.headers(tokens, request);
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
    this.#dpop.decide(found, parsed);
    const key = { issuer: found.issuer, resource: found.resource };
    let stored = await this.#store.getTokens(key);
    if (stored !== undefined && !(await this.#dpop.boundToOurKey(stored))) {
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
        dpop: await this.#dpop.forTokenRequest(tokens.tokenType === "DPoP"),
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
      dpop: await this.#dpop.forTokenRequest(),
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
      ? (await this.#dpop.keyPair()).thumbprint
      : undefined;
    const tokens = storedTokensOf(result, previous, this.#now(), thumbprint);
    await this.#store.setTokens(this.#key()!, tokens);
    this.#setTokens(tokens);
  }
}
