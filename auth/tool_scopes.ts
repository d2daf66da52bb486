/**
 * Per-tool scopes on a protected MCP server: a tool declares the scopes a
 * call needs (`scopes` on its definition), and a `tools/call` whose token
 * lacks one is refused with the MCP specification's scope challenge, HTTP 403
 * `insufficient_scope`, so the client can ask for more and retry (step-up
 * authorization). The check reads the tool name from the JSON-RPC body, so it
 * runs as the `authorize` hook of the HTTP handler, after `bearerAuth`.
 *
 * @module
 */
import type { JsonRpcRequest } from "../protocol/jsonrpc.ts";
import type { AuthInfo } from "../protocol/server_endpoint.ts";
import type { Authorize } from "../transports/http/admission.ts";
import { type BearerAuthOptions, insufficientScopeResponse } from "./bearer.ts";

/** Where the check finds a tool's scopes: an `McpServer`, or any lookup. */
export interface ToolScopeSource {
  /** The scopes the tool `name` needs, or `undefined` (none, or no such tool). */
  toolScopes(name: string): readonly string[] | undefined;
}

/** Options of {@link toolScopeCheck}: those of `bearerAuth` that shape its challenges. */
export type ToolScopeCheckOptions = Pick<
  BearerAuthOptions,
  "resource" | "resourceMetadataUrl" | "realm" | "dpop" | "requiredScopes" | "scopeSatisfies"
>;

function exactScope(granted: readonly string[], required: string): boolean {
  return granted.includes(required);
}

/**
 * The `authorize` hook of `createHttpHandler` enforcing tools' scopes: a
 * `tools/call` of a tool whose scopes the principal's token does not all
 * satisfy gets HTTP 403 with `WWW-Authenticate: Bearer
 * error="insufficient_scope", scope="…", resource_metadata="…"`. The `scope`
 * names `requiredScopes` and the tool's scopes, so a client that asks for
 * exactly those keeps what it already had. Calls without a principal
 * (no `authenticate`) are refused the same way when the tool needs scopes.
 * {@link withAuth} installs it; use this when you build the handler yourself.
 *
 * @example
 * ```ts
 * import { McpServer } from "../server/server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * import { bearerAuth } from "./bearer.ts";
 * import { staticTokenVerifier } from "./static_verifier.ts";
 * import { toolScopeCheck } from "./tool_scopes.ts";
 *
 * const resource = "http://127.0.0.1:3000/mcp";
 * const server = new McpServer({ name: "files", version: "1.0.0" });
 * server.tool({ name: "write_file", scopes: ["files:write"], handler: () => "written" });
 * const verify = staticTokenVerifier({ "dev-token": { scopes: ["mcp"] } }, { audience: resource });
 * const handler = createHttpHandler(server, {
 *   authenticate: bearerAuth({ resource, verify }),
 *   authorize: toolScopeCheck(server, { resource }),
 * });
 * ```
 */
export function toolScopeCheck(
  tools: ToolScopeSource,
  options: ToolScopeCheckOptions,
): Authorize {
  const satisfies = options.scopeSatisfies ?? exactScope;
  return (message: JsonRpcRequest, auth: AuthInfo | undefined, request: Request) => {
    const name = message.method === "tools/call" ? message.params?.name : undefined;
    if (typeof name !== "string") return undefined;
    const needed = tools.toolScopes(name);
    if (needed === undefined || needed.length === 0) return undefined;
    const granted = auth?.scopes ?? [];
    if (needed.every((scope) => satisfies(granted, scope))) return undefined;
    const scopes = [...new Set([...(options.requiredScopes ?? []), ...needed])];
    return insufficientScopeResponse(
      options,
      request,
      scopes,
      `The tool '${name}' needs the scopes: ${needed.join(" ")}`,
    );
  };
}
