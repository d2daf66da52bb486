/**
 * The resource-server side of MCP authorization (OAuth 2.1 bearer tokens):
 * `bearerAuth` as the `authenticate` hook of `createHttpHandler`, protected
 * resource metadata (RFC 9728) and its endpoint, audience checks (RFC 8707),
 * RFC 6750 challenges, and token verifiers (static for development, JWT on
 * Web Crypto with fixed keys or a JWKS URL, and RFC 7662 introspection). The
 * built-in authorization server is below. `withAuth` (from the root module) does the
 * wiring below in one call.
 *
 * @example
 * ```ts
 * import { McpServer } from "../server/server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * import { bearerAuth, jwtVerifier, withResourceMetadata } from "./mod.ts";
 * declare const publicJwk: JsonWebKey;
 *
 * const resource = "https://mcp.example.com/mcp";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const verify = jwtVerifier({ jwks: { keys: [publicJwk] }, issuer: "https://auth.example.com" });
 * const handler = withResourceMetadata(
 *   createHttpHandler(server, {
 *     authenticate: bearerAuth({ resource, verify, requiredScopes: ["mcp"] }),
 *   }),
 *   { resource, authorizationServers: ["https://auth.example.com"], scopesSupported: ["mcp"] },
 * );
 * // Deno.serve(handler); tools see context.auth.subject and context.auth.scopes
 * ```
 *
 * @module
 */
export type { AuthInfo } from "../protocol/server_endpoint.ts";
export type { HttpHandler } from "../runtime/http.ts";
export {
  bearerAuth,
  type BearerAuthOptions,
  insufficientScopeResponse,
  InvalidTokenError,
  type TokenVerifier,
  type VerifiedToken,
} from "./bearer.ts";
export {
  type BearerChallenge,
  bearerChallengeHeader,
  type BearerErrorCode,
  bearerErrorResponse,
  type DpopChallenge,
  dpopChallengeHeader,
} from "./challenge.ts";
export {
  type DpopErrorCode,
  dpopNonces,
  type DpopNonceSource,
  type DpopOptions,
  type DpopProofChecker,
  dpopProofChecker,
  DpopProofError,
  dpopProofHeader,
  type DpopProofRequest,
  type VerifiedDpopProof,
} from "./dpop_proof.ts";
export {
  type DpopReplayCache,
  dpopReplayCache,
  type DpopReplayCacheOptions,
  type MemoryDpopReplayCache,
} from "./dpop_replay.ts";
export {
  type JsonWebKeySet,
  type JwkWithId,
  type JwtAlgorithm,
  type JwtClaims,
  type JwtTokenVerifier,
  jwtVerifier,
  type JwtVerifierOptions,
  type KeySetSource,
} from "./jwt.ts";
export { JwksFetchError, type RemoteJwks, remoteJwks, type RemoteJwksOptions } from "./jwks.ts";
export {
  IntrospectionError,
  introspectionVerifier,
  type IntrospectionVerifierOptions,
} from "./introspection.ts";
export {
  type PartialHttpHandler,
  type ProtectedResourceMetadata,
  protectedResourceMetadata,
  protectedResourceMetadataHandler,
  type ProtectedResourceMetadataOptions,
} from "./metadata.ts";
export {
  audienceIncludes,
  canonicalResourceUri,
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadataUrl,
} from "./resource.ts";
export {
  type StaticTokenEntry,
  staticTokenVerifier,
  type StaticTokenVerifierOptions,
} from "./static_verifier.ts";
export { toolScopeCheck, type ToolScopeCheckOptions, type ToolScopeSource } from "./tool_scopes.ts";
export type { Authorize } from "../transports/http/admission.ts";
export type { JsonObject, JsonRpcRequest, RequestId } from "../protocol/mod.ts";
export { withResourceMetadata } from "./with_auth.ts";
// The built-in OAuth 2.1 authorization server.
export { type AuthorizationServer, authorizationServer } from "./authorization_server/handler.ts";
export type {
  AuthorizationServerDpopOptions,
  AuthorizationServerEndpoints,
  AuthorizationServerOptions,
} from "./authorization_server/options.ts";
export type {
  ClientMetadataDocumentLoader,
  ClientMetadataDocumentOptions,
} from "./authorization_server/client_metadata_document.ts";
export {
  type AuthorizationRequestDetails,
  autoApprove,
  type AutoApproveOptions,
  type ConsentDecision,
  type ConsentForm,
  type ConsentOutcome,
  consentPage,
  type ConsentPageOptions,
  type ConsentStep,
} from "./authorization_server/consent.ts";
export {
  type AuthorizationCodeRecord,
  type AuthorizationServerStore,
  type ClientRecord,
  type CodeUse,
  type GrantRecord,
  type GrantType,
  type IssuedAccessToken,
  memoryStore,
  type MemoryStoreOptions,
  type RefreshTokenLookup,
  StoreFullError,
  type TokenEndpointAuthMethod,
} from "./authorization_server/store.ts";
export type { ConfiguredClient } from "./authorization_server/clients.ts";
export type { AuthorizationServerMetadata } from "./authorization_server/metadata.ts";
export {
  generateSigningKey,
  importSigningKey,
  type SigningKey,
} from "./authorization_server/keys.ts";
