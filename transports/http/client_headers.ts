/**
 * The headers of a POST carrying one message: JSON in, JSON or SSE accepted, and the request
 * metadata headers of 2026-07-28 (`MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`).
 *
 * @module
 */
import { encodeHeaderValue, mcpNameField } from "../../protocol/headers.ts";
import { isObject, type JsonRpcMessage } from "../../protocol/jsonrpc.ts";
import { MetaKey } from "../../protocol/meta.ts";

/**
 * The headers for POSTing `message`: `base` (session, auth, user headers), then the content
 * negotiation and metadata headers, then `extra` (e.g. `Mcp-Param-*`), which wins.
 *
 * @example
 * ```ts
 * import { messageHeaders } from "./client_headers.ts";
 * const headers = messageHeaders({}, { jsonrpc: "2.0", id: 1, method: "tools/list" });
 * console.log(headers["mcp-method"]); // "tools/list"
 * ```
 */
export function messageHeaders(
  base: Record<string, string>,
  message: JsonRpcMessage,
  extra?: Record<string, string>,
): Record<string, string> {
  const headers: Record<string, string> = { ...base };
  headers["content-type"] = "application/json";
  headers.accept = "application/json, text/event-stream";
  if ("method" in message) {
    const params = message.params;
    const meta = isObject(params?._meta) ? params._meta : undefined;
    const version = meta?.[MetaKey.protocolVersion];
    if (typeof version === "string") headers["mcp-protocol-version"] = version;
    else if (message.method === "initialize" && typeof params?.protocolVersion === "string") {
      headers["mcp-protocol-version"] = params.protocolVersion;
    }
    headers["mcp-method"] = message.method;
    const nameField = mcpNameField(message.method);
    if (nameField !== undefined) {
      const name = params?.[nameField];
      if (typeof name === "string") headers["mcp-name"] = encodeHeaderValue(name);
    }
  }
  if (extra !== undefined) Object.assign(headers, extra);
  return headers;
}
