/**
 * The proxy server: a remote MCP server, reached through a connected
 * `McpClient`, served as a local `McpServer` (see {@link createProxyServer}).
 *
 * @example
 * ```ts
 * import { McpClient } from "../../client/client.ts";
 * import { createProxyServer } from "./mod.ts";
 * declare const client: McpClient; // connected to the remote
 * const proxy = await createProxyServer(client);
 * proxy.server.tool({ name: "local", handler: () => "served here, not remotely" });
 * await proxy.close();
 * ```
 *
 * @module
 */
export {
  createProxyServer,
  type ProxyOptions,
  type ProxyServer,
  type ReplacedRemote,
} from "./proxy.ts";
export { type ProxyConnectOptions, type ProxyTarget } from "./target.ts";
