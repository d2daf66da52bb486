/**
 * The protocol core shared by emcee's server and client: JSON-RPC framing,
 * error codes, versions, `_meta` keys, MCP types, the request engine, SSE and
 * the HTTP metadata header rules.
 *
 * @example
 * ```ts
 * import { ErrorCode, McpError, parseMessage } from "@emcee/mcp/protocol";
 * const incoming = parseMessage('{"jsonrpc":"2.0","id":1,"method":"tools/list"}');
 * if (incoming.kind === "invalid") throw new McpError(ErrorCode.InvalidRequest, "bad");
 * ```
 *
 * @module
 */
export * from "./errors.ts";
export * from "./jsonrpc.ts";
export * from "./versions.ts";
export * from "./meta.ts";
export * from "./types.ts";
export * from "./engine.ts";
export * from "./transport.ts";
export * from "./sse.ts";
export * from "./headers.ts";
export * from "./tasks.ts";
export * from "./server_endpoint.ts";
export * from "./subscriptions.ts";
