/**
 * Middleware: functions around every request a server serves
 * (`server.use`) and around every tool handler (`server.useTool`). The first
 * registered is the outermost: it sees the request first and the result last.
 * A middleware may answer without calling `next` (short-circuit), or throw an
 * `McpError`, which becomes the JSON-RPC error response.
 *
 * Without middleware the dispatch path is unchanged: the server checks one
 * array length and calls the router directly, so no closure or promise is
 * added per request.
 *
 * @module
 */
import { isObject } from "../protocol/jsonrpc.ts";
import { MetaKey } from "../protocol/meta.ts";
import type { JsonObject, JsonRpcRequest, RequestId, RequestScope } from "../protocol/mod.ts";
import type { AuthInfo } from "../protocol/server_endpoint.ts";
import type { RequestContext } from "./context.ts";

/** One request as a {@link Middleware} sees it. */
export interface McpRequest {
  /** The JSON-RPC method, e.g. `tools/call`. */
  readonly method: string;
  /** The request's params (`{}` when it has none). */
  readonly params: JsonObject;
  /** The JSON-RPC id. */
  readonly id: RequestId;
  /** "modern" (2026-07-28) or "legacy" (initialize-based), as the router will serve it. */
  readonly era: "modern" | "legacy";
  /** The protocol version: the session's (legacy) or the request's `_meta` (modern), when known. */
  readonly protocolVersion?: string;
  /** The legacy session id, when there is one. */
  readonly sessionId?: string;
  /** The authenticated principal, when the transport authenticated one. */
  readonly auth?: AuthInfo;
  /** The transport's scope of the request (session, stream, abort signal). */
  readonly scope: RequestScope;
  /** The request as it arrived. */
  readonly request: JsonRpcRequest;
}

/**
 * Runs around a request. Return `next()` (possibly changed) to go on, return a
 * result without calling it to answer at once, or throw an `McpError` to
 * answer with that error.
 *
 * @example A per-client rate limit
 * ```ts
 * import { McpServer } from "./server.ts";
 * import { ErrorCode, McpError } from "../protocol/errors.ts";
 * const server = new McpServer({ name: "limited", version: "1.0.0" });
 * const counts = new Map<string, number>();
 * server.use((request, next) => {
 *   const client = request.auth?.subject ?? request.sessionId ?? "anonymous";
 *   const count = (counts.get(client) ?? 0) + 1;
 *   counts.set(client, count);
 *   if (count > 100) throw new McpError(ErrorCode.InvalidRequest, "Rate limit exceeded");
 *   return next();
 * });
 * ```
 */
export type Middleware = (
  request: McpRequest,
  next: () => Promise<JsonObject>,
) => Promise<JsonObject>;

/** One tool call as a {@link ToolMiddleware} sees it. */
export interface ToolCall {
  /** The tool's name. */
  readonly name: string;
  /** The arguments, not yet validated against the tool's input schema. */
  readonly args: JsonObject;
  /** The context the handler will receive. */
  readonly context: RequestContext;
}

/**
 * Runs around a tool handler. `next()` validates the arguments and runs the
 * handler; `next({ ...call, args })` runs it with other arguments. It resolves
 * to the `CallToolResult`, which the middleware may change or replace.
 *
 * @example Timing every tool call
 * ```ts
 * import { McpServer } from "./server.ts";
 * const server = new McpServer({ name: "timed", version: "1.0.0" });
 * server.useTool(async (call, next) => {
 *   const started = performance.now();
 *   try {
 *     return await next();
 *   } finally {
 *     console.log(`${call.name} took ${performance.now() - started} ms`);
 *   }
 * });
 * ```
 */
export type ToolMiddleware = (
  call: ToolCall,
  next: (call?: ToolCall) => Promise<JsonObject>,
) => Promise<JsonObject>;

/** The era the router will serve a request in (see routing.ts `dispatch`). */
function eraOf(request: JsonRpcRequest, scope: RequestScope): {
  era: "modern" | "legacy";
  protocolVersion?: string;
} {
  const session = scope.session;
  if (request.method === "initialize") {
    return { era: session ? "legacy" : "modern" };
  }
  const meta = request.params?._meta;
  const version = isObject(meta) ? meta[MetaKey.protocolVersion] : undefined;
  if (session?.protocolVersion && version === undefined) {
    return { era: "legacy", protocolVersion: session.protocolVersion };
  }
  return { era: "modern", protocolVersion: typeof version === "string" ? version : undefined };
}

/** Describes a request for middleware. */
export function describeRequest(request: JsonRpcRequest, scope: RequestScope): McpRequest {
  const { era, protocolVersion } = eraOf(request, scope);
  return {
    method: request.method,
    params: request.params ?? {},
    id: request.id,
    era,
    protocolVersion,
    sessionId: scope.session?.id,
    auth: scope.auth,
    scope,
    request,
  };
}

/**
 * Runs `request` through `chain` (first outermost), ending in `serve`. A
 * modern result a middleware made up without `resultType` is marked complete,
 * as every 2026-07-28 result must say what it is.
 */
export async function runMiddleware(
  chain: readonly Middleware[],
  request: McpRequest,
  serve: () => Promise<JsonObject>,
): Promise<JsonObject> {
  const at = (index: number): Promise<JsonObject> => {
    if (index === chain.length) return serve();
    let called = false;
    return chain[index](request, () => {
      if (called) return Promise.reject(new Error("next() called twice by a middleware"));
      called = true;
      return at(index + 1);
    });
  };
  // A middleware that throws synchronously still ends as a rejected promise.
  const result = await Promise.resolve().then(() => at(0));
  if (request.era === "modern" && result.resultType === undefined) result.resultType = "complete";
  return result;
}

/** Runs a tool call through `chain` (first outermost), ending in `call`. */
export function runToolMiddleware(
  chain: readonly ToolMiddleware[],
  first: ToolCall,
  call: (call: ToolCall) => Promise<JsonObject>,
): Promise<JsonObject> {
  const at = (index: number, current: ToolCall): Promise<JsonObject> => {
    if (index === chain.length) return call(current);
    return chain[index](current, (next) => at(index + 1, next ?? current));
  };
  return Promise.resolve().then(() => at(0, first));
}
