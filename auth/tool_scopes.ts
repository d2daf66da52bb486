/**
 * Per-item scopes on a protected MCP server: a tool, prompt, resource or
 * resource template declares the scopes using it needs (`scopes` on its
 * definition), and a `tools/call`, `prompts/get` or `resources/read` whose
 * token lacks one is refused with the MCP specification's scope challenge,
 * HTTP 403 `insufficient_scope`, so the client can ask for more and retry
 * (step-up authorization). The check reads the name or URI from the JSON-RPC
 * body, so it runs as the `authorize` hook of the HTTP handler, after
 * `bearerAuth`. Lists are not filtered: every item is listed whatever the
 * token, and its scopes are not published.
 *
 * @module
 */
import type { JsonRpcRequest } from "../protocol/jsonrpc.ts";
import type { AuthInfo } from "../protocol/server_endpoint.ts";
import type { Authorize } from "../transports/http/admission.ts";
import { type BearerAuthOptions, insufficientScopeResponse, scopesAdmittedWith } from "./bearer.ts";

/**
 * Where the check finds an item's scopes: an `McpServer`, or any lookup.
 * Each answers `undefined` for none, or no such item; without
 * `promptScopes` or `resourceScopes`, prompts or resources need none.
 */
export interface ToolScopeSource {
  /** The scopes the tool `name` needs. */
  toolScopes(name: string): readonly string[] | undefined;
  /** The scopes the prompt `name` needs. */
  promptScopes?(name: string): readonly string[] | undefined;
  /** The scopes reading `uri` needs: its fixed resource's, else its first matching template's. */
  resourceScopes?(uri: string): readonly string[] | undefined;
}

/** Options of {@link toolScopeCheck}: those of `bearerAuth` that shape its challenges. */
export type ToolScopeCheckOptions = Pick<
  BearerAuthOptions,
  | "resource"
  | "resourceMetadataUrl"
  | "realm"
  | "dpop"
  | "requiredScopes"
  | "scopesFor"
  | "scopeSatisfies"
>;

function exactScope(granted: readonly string[], required: string): boolean {
  return granted.includes(required);
}

/** What a request uses and the scopes that needs, or `undefined` when it uses no scoped item. */
function scopedItem(
  source: ToolScopeSource,
  message: JsonRpcRequest,
): { what: string; needed: readonly string[] } | undefined {
  const params = message.params;
  let what: string;
  let needed: readonly string[] | undefined;
  if (message.method === "tools/call" && typeof params?.name === "string") {
    what = `The tool '${params.name}'`;
    needed = source.toolScopes(params.name);
  } else if (message.method === "prompts/get" && typeof params?.name === "string") {
    what = `The prompt '${params.name}'`;
    needed = source.promptScopes?.(params.name);
  } else if (message.method === "resources/read" && typeof params?.uri === "string") {
    what = `The resource '${params.uri}'`;
    needed = source.resourceScopes?.(params.uri);
  } else {
    return undefined;
  }
  return needed === undefined || needed.length === 0 ? undefined : { what, needed };
}

/** The scopes the request needed to get in: `bearerAuth`'s own record, else computed again. */
async function admissionScopes(
  options: ToolScopeCheckOptions,
  request: Request,
): Promise<readonly string[]> {
  const admitted = scopesAdmittedWith(request);
  if (admitted !== undefined) return admitted;
  const extra = options.scopesFor ? await options.scopesFor(request) : [];
  return [...(options.requiredScopes ?? []), ...extra];
}

/**
 * The `authorize` hook of `createHttpHandler` enforcing items' scopes: a
 * `tools/call`, `prompts/get` or `resources/read` of an item whose scopes
 * the principal's token does not all satisfy gets HTTP 403 with
 * `WWW-Authenticate: Bearer error="insufficient_scope", scope="…",
 * resource_metadata="…"`. The `scope` names `requiredScopes`, what
 * `scopesFor` asked of the request and the item's scopes, so a client that
 * asks for exactly those keeps what it already had. (After `bearerAuth`, the
 * scopes it required of the request are reused; otherwise `scopesFor` runs
 * again, when the body is read already.) Calls without a principal (no
 * `authenticate`) are refused the same way when the item needs scopes.
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
 * server.resource({ uri: "file:///secret", name: "secret", scopes: ["files:read"], read: () => "…" });
 * const verify = staticTokenVerifier({ "dev-token": { scopes: ["mcp"] } }, { audience: resource });
 * const handler = createHttpHandler(server, {
 *   authenticate: bearerAuth({ resource, verify }),
 *   authorize: toolScopeCheck(server, { resource }),
 * });
 * ```
 */
export function toolScopeCheck(
  source: ToolScopeSource,
  options: ToolScopeCheckOptions,
): Authorize {
  const satisfies = options.scopeSatisfies ?? exactScope;
  return async (message: JsonRpcRequest, auth: AuthInfo | undefined, request: Request) => {
    const item = scopedItem(source, message);
    if (item === undefined) return undefined;
    const granted = auth?.scopes ?? [];
    if (item.needed.every((scope) => satisfies(granted, scope))) return undefined;
    const scopes = [...new Set([...await admissionScopes(options, request), ...item.needed])];
    return insufficientScopeResponse(
      options,
      request,
      scopes,
      `${item.what} needs the scopes: ${item.needed.join(" ")}`,
    );
  };
}
