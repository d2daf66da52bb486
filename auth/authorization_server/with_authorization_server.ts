/**
 * One call for a protected MCP server with its own authorization server on
 * the same origin, for local use: the MCP handler behind bearer auth, the
 * protected resource metadata naming this authorization server, and the
 * authorization server's endpoints beside them.
 *
 * @module
 */
import type { BearerAuthOptions } from "../bearer.ts";
import type { ProtectedResourceMetadataOptions } from "../metadata.ts";
import { canonicalResourceUri } from "../resource.ts";
import { withAuth } from "../with_auth.ts";
import type { McpServer } from "../../server/server.ts";
import type { HttpHandler, HttpHandlerOptions } from "../../transports/http/server.ts";
import { authorizationServer } from "./handler.ts";
import type { AuthorizationServerDpopOptions, AuthorizationServerOptions } from "./options.ts";

/** Options of {@link withAuthorizationServer}. */
export interface McpAuthorizationServerOptions
  extends
    Omit<AuthorizationServerOptions, "issuer" | "resources" | "dpop">,
    Pick<BearerAuthOptions, "requiredScopes" | "scopesFor" | "scopeSatisfies" | "realm" | "dpop">,
    Pick<
      ProtectedResourceMetadataOptions,
      "resourceName" | "resourceDocumentation" | "resourcePolicyUri" | "resourceTosUri"
    > {
  /** The MCP server's canonical URI, e.g. `http://127.0.0.1:3000/mcp`; tokens are issued for it. */
  resource: string | URL;
  /** The issuer. Default: the origin of `resource`, where the endpoints are served. */
  issuer?: string | URL;
  /** DPoP at the token endpoint (`dpop` configures the MCP endpoint), e.g. `{ requireNonce: true }`. */
  tokenEndpointDpop?: AuthorizationServerDpopOptions;
}

/**
 * The Streamable HTTP handler of `server`, protected by access tokens from a
 * built-in authorization server served on the same origin. Scopes default
 * to `requiredScopes`: they are what the server offers and what a client
 * gets when it names none.
 *
 * @example
 * ```ts
 * import { McpServer } from "../../server/server.ts";
 * import { consentPage } from "./consent.ts";
 * import { withAuthorizationServer } from "./with_authorization_server.ts";
 *
 * const server = new McpServer({ name: "private", version: "1.0.0" });
 * const handler = withAuthorizationServer(server, {
 *   resource: "http://127.0.0.1:3000/mcp",
 *   requiredScopes: ["mcp"],
 *   consent: consentPage({ subject: "ada" }),
 * });
 * // serveHttp(handler, { port: 3000 }): the AS issuer is http://127.0.0.1:3000
 * ```
 */
export function withAuthorizationServer(
  server: McpServer,
  options: McpAuthorizationServerOptions,
  http: Omit<HttpHandlerOptions, "authenticate"> = {},
): HttpHandler {
  const resource = canonicalResourceUri(options.resource);
  const {
    resource: _resource,
    issuer,
    requiredScopes,
    scopesFor,
    scopeSatisfies,
    realm,
    dpop,
    resourceName,
    resourceDocumentation,
    resourcePolicyUri,
    resourceTosUri,
    tokenEndpointDpop,
    ...serverOptions
  } = options;
  const scopesSupported = options.scopesSupported ?? requiredScopes;
  const as = authorizationServer({
    ...serverOptions,
    issuer: issuer ?? new URL(resource).origin,
    resources: [resource],
    scopesSupported,
    defaultScopes: options.defaultScopes ?? requiredScopes,
    dpop: tokenEndpointDpop,
  });
  const mcp = withAuth(server, {
    resource,
    verify: as.tokenVerifier(resource),
    authorizationServers: [as.issuer],
    scopesSupported,
    requiredScopes,
    scopesFor,
    scopeSatisfies,
    realm,
    dpop,
    resourceName,
    resourceDocumentation,
    resourcePolicyUri,
    resourceTosUri,
  }, http);
  return async (request: Request): Promise<Response> => (await as.route(request)) ?? mcp(request);
}
