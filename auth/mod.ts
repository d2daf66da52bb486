/**
 * The resource-server side of MCP authorization (OAuth 2.1 bearer tokens):
 * `bearerAuth` as the `authenticate` hook of `createHttpHandler`, protected
 * resource metadata (RFC 9728) and its endpoint, audience checks (RFC 8707),
 * RFC 6750 challenges, and token verifiers (static for development, JWT on
 * Web Crypto). No authorization server and no network access: keys and
 * tokens come from the caller.
 *
 * @example
 * ```ts
 * import { McpServer } from "../server/server.ts";
 * import { jwtVerifier, withAuth } from "./mod.ts";
 * declare const publicJwk: JsonWebKey;
 *
 * const resource = "https://mcp.example.com/mcp";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const handler = withAuth(server, {
 *   resource,
 *   authorizationServers: ["https://auth.example.com"],
 *   scopesSupported: ["mcp"],
 *   requiredScopes: ["mcp"],
 *   verify: jwtVerifier({ jwks: { keys: [publicJwk] }, issuer: "https://auth.example.com" }),
 * });
 * // Deno.serve(handler); tools see context.auth.subject and context.auth.scopes
 * ```
 *
 * @module
 */
export * from "./resource.ts";
export * from "./challenge.ts";
export * from "./bearer.ts";
export * from "./static_verifier.ts";
export * from "./jwt.ts";
export * from "./metadata.ts";
export * from "./with_auth.ts";
