/**
 * One call to protect an MCP server: the Streamable HTTP handler with
 * `bearerAuth`, behind the protected resource metadata endpoint.
 *
 * @module
 */
import type { HttpHandler } from "../runtime/http.ts";
import type { Authorize } from "../transports/http/admission.ts";
import type { McpServer } from "../server/server.ts";
import { createHttpHandler, type HttpHandlerOptions } from "../transports/http/server.ts";
import { bearerAuth, type BearerAuthOptions } from "./bearer.ts";
import { dpopAlgorithms } from "./dpop_proof.ts";
import { toolScopeCheck } from "./tool_scopes.ts";
import {
  protectedResourceMetadataHandler,
  type ProtectedResourceMetadataOptions,
} from "./metadata.ts";

/** Options of {@link withAuth}: the bearer checks and the metadata document, sharing `resource`. */
export type McpAuthOptions = BearerAuthOptions & ProtectedResourceMetadataOptions;

/**
 * Puts the protected resource metadata endpoints in front of `handler`: GET
 * (and CORS preflight) on the well-known paths of `options.resource` answer
 * the document, everything else goes to `handler` unchanged. Use it when you
 * build the MCP handler yourself.
 *
 * @example
 * ```ts
 * import { McpServer } from "../server/server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * import { bearerAuth } from "./bearer.ts";
 * import { staticTokenVerifier } from "./static_verifier.ts";
 * import { withResourceMetadata } from "./with_auth.ts";
 *
 * const resource = "http://127.0.0.1:3000/mcp";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const verify = staticTokenVerifier({ "dev-token": { scopes: [] } }, { audience: resource });
 * const handler = withResourceMetadata(
 *   createHttpHandler(server, { authenticate: bearerAuth({ resource, verify }) }),
 *   { resource, authorizationServers: ["https://auth.example.com"] },
 * );
 * // Deno.serve({ hostname: "127.0.0.1", port: 3000 }, handler);
 * ```
 */
export function withResourceMetadata(
  handler: HttpHandler,
  options: ProtectedResourceMetadataOptions,
): HttpHandler {
  const metadata = protectedResourceMetadataHandler(options);
  return async (request: Request): Promise<Response> =>
    (await metadata(request)) ?? handler(request);
}

/** The metadata options, with what the `dpop` options imply (RFC 9449 §5.2) unless given. */
function resourceMetadataOptions(options: McpAuthOptions): ProtectedResourceMetadataOptions {
  const dpop = options.dpop;
  if (dpop === undefined) return options;
  return {
    ...options,
    dpopSigningAlgValuesSupported: options.dpopSigningAlgValuesSupported ?? dpopAlgorithms(dpop),
    dpopBoundAccessTokensRequired: options.dpopBoundAccessTokensRequired ??
      (dpop.required === true ? true : undefined),
  };
}

/**
 * The Streamable HTTP handler of `server`, protected by bearer tokens and
 * serving its protected resource metadata: {@link withResourceMetadata} around
 * `createHttpHandler(server, { ...http, authenticate: bearerAuth(options) })`.
 * With `dpop`, the metadata names the proof algorithms, and with
 * `dpop: { required: true }` also `dpop_bound_access_tokens_required`.
 * Tools, prompts, resources and resource templates that declare `scopes` are
 * enforced too ({@link toolScopeCheck}): a `tools/call`, `prompts/get` or
 * `resources/read` whose token lacks them gets 403 `insufficient_scope`
 * (lists still show every item). An `authorize` in `http` runs after that
 * check.
 *
 * @example
 * ```ts
 * import { McpServer } from "../server/server.ts";
 * import { staticTokenVerifier } from "./static_verifier.ts";
 * import { withAuth } from "./with_auth.ts";
 *
 * const resource = "http://127.0.0.1:3000/mcp";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const handler = withAuth(server, {
 *   resource,
 *   authorizationServers: ["https://auth.example.com"],
 *   scopesSupported: ["mcp"],
 *   requiredScopes: ["mcp"],
 *   verify: staticTokenVerifier({ "dev-token": { scopes: ["mcp"] } }, { audience: resource }),
 * });
 * // Deno.serve({ hostname: "127.0.0.1", port: 3000 }, handler);
 * ```
 */
export function withAuth(
  server: McpServer,
  options: McpAuthOptions,
  http: Omit<HttpHandlerOptions, "authenticate"> = {},
): HttpHandler {
  const toolScopes = toolScopeCheck(server, options);
  const more = http.authorize;
  const authorize: Authorize = more === undefined
    ? toolScopes
    : async (message, auth, request) =>
      (await toolScopes(message, auth, request)) ?? more(message, auth, request);
  return withResourceMetadata(
    createHttpHandler(server, { ...http, authenticate: bearerAuth(options), authorize }),
    resourceMetadataOptions(options),
  );
}
