/**
 * `_meta`: the metadata map on requests, results and wire objects, and the
 * keys MCP 2026-07-28 reserves in it.
 *
 * @module
 */

/** `_meta` maps: reverse-DNS keys to arbitrary values. */
export type Meta = { [key: string]: unknown };

/** Reserved `_meta` key names. */
export const MetaKey: {
  readonly protocolVersion: "io.modelcontextprotocol/protocolVersion";
  readonly clientInfo: "io.modelcontextprotocol/clientInfo";
  readonly clientCapabilities: "io.modelcontextprotocol/clientCapabilities";
  readonly logLevel: "io.modelcontextprotocol/logLevel";
  readonly subscriptionId: "io.modelcontextprotocol/subscriptionId";
  readonly serverInfo: "io.modelcontextprotocol/serverInfo";
  readonly progressToken: "progressToken";
  readonly relatedTask: "io.modelcontextprotocol/related-task";
} = {
  protocolVersion: "io.modelcontextprotocol/protocolVersion",
  clientInfo: "io.modelcontextprotocol/clientInfo",
  clientCapabilities: "io.modelcontextprotocol/clientCapabilities",
  logLevel: "io.modelcontextprotocol/logLevel",
  subscriptionId: "io.modelcontextprotocol/subscriptionId",
  serverInfo: "io.modelcontextprotocol/serverInfo",
  progressToken: "progressToken",
  relatedTask: "io.modelcontextprotocol/related-task",
};
