/**
 * The OAuth 2.1 client side of MCP authorization: discovery (RFC 9728,
 * RFC 8414, OpenID Connect), client registration (pre-registered, client ID
 * metadata documents, RFC 7591), the authorization code grant with PKCE S256
 * and RFC 9207 `iss` checks, client credentials, refresh, step-up, DPoP
 * (RFC 9449), and a token store — packaged as a `TokenProvider` a client
 * transport calls. Web Crypto and `fetch` only.
 *
 * @example
 * ```ts
 * import { loopbackInteraction, OAuthTokenProvider } from "./mod.ts";
 * const interaction = await loopbackInteraction();
 * const auth = new OAuthTokenProvider({
 *   serverUrl: "https://mcp.example.com/mcp",
 *   interaction,
 *   clientMetadata: { client_name: "My CLI" },
 * });
 * // createHttpClientTransport(url, { auth }) — the transport calls auth.headers()/onUnauthorized()
 * await interaction.close();
 * ```
 *
 * @module
 */
export type {
  AuthChallenge,
  AuthorizationHeaders,
  TokenProvider,
  TokenRequestContext,
} from "../../protocol/token_provider.ts";
export {
  type AssertionContext,
  type AssertionSource,
  idJagAssertion,
  type IdJagOptions,
} from "./assertion.ts";
export {
  type AuthorizationCallback,
  authorizationCode,
  callbackFromUrl,
  type PendingAuthorization,
  prepareAuthorization,
  type PrepareAuthorizationOptions,
} from "./authorization_request.ts";
export {
  applyClientAuth,
  clientAssertion,
  type ClientCredentials,
  selectAuthMethod,
  type TokenEndpointAuthMethod,
} from "./client_auth.ts";
export {
  type AuthorizationServerMetadata,
  authorizationServerMetadataUrls,
  defaultEndpointMetadata,
  discoverAuthorization,
  type DiscoverAuthorizationOptions,
  type DiscoveredAuthorization,
  fetchAuthorizationServerMetadata,
  type FetchMetadataOptions,
} from "./discovery.ts";
export {
  createDpopKey,
  dpopHtu,
  type DpopKey,
  DpopNonces,
  dpopProof,
  type DpopProofOptions,
  jwkThumbprint,
} from "./dpop.ts";
export { OAuthClientError, type OAuthClientErrorCode, OAuthResponseError } from "./errors.ts";
export {
  type AuthorizationContext,
  type AuthorizationInteraction,
  redirectFollowingInteraction,
} from "./interaction.ts";
export type { PrivateKeyInput, SigningAlgorithm } from "./jws.ts";
export {
  type LoopbackInteraction,
  loopbackInteraction,
  type LoopbackInteractionOptions,
} from "./loopback.ts";
export { createPkcePair, type PkcePair } from "./pkce.ts";
export { type OAuthClientOptions, OAuthTokenProvider } from "./provider.ts";
export {
  applicationTypeOf,
  type ClientGrant,
  type ClientMetadata,
  type ClientSource,
  registerClient,
  type RegisterClientOptions,
  registrationRequest,
  resolveClient,
  type ResolveClientOptions,
} from "./registration.ts";
export {
  type DiscoveredResourceMetadata,
  fetchResourceMetadata,
  type FetchResourceMetadataOptions,
  resourceCovers,
  resourceMetadataCandidates,
  type ResourceMetadataDocument,
} from "./resource_metadata.ts";
export { fileTokenStore, type FileTokenStoreOptions, TokenFileError } from "./file_store.ts";
export type { FileLockOptions } from "./file_lock.ts";
export { scopeList, selectScopes, unionScopes, withOfflineAccess } from "./scopes.ts";
export {
  accessTokenUsable,
  MemoryTokenStore,
  type StoredTokens,
  type TokenStore,
  type TokenStoreKey,
} from "./store.ts";
export {
  requestToken,
  type TokenGrant,
  type TokenRequestDpop,
  type TokenRequestOptions,
  type TokenResponse,
} from "./token_request.ts";
export {
  type AuthenticationChallenge,
  parseWwwAuthenticate,
  type ResourceChallenge,
  resourceChallenge,
} from "./www_authenticate.ts";
