/**
 * MCP Apps (`io.modelcontextprotocol/ui`, SEP-1865): interactive UIs served
 * as `ui://` resources of type `text/html;profile=mcp-app`, linked to tools
 * through `_meta.ui`. Set the `apps` server option to serve and declare it.
 *
 * @example
 * ```ts
 * import { McpServer } from "../server.ts";
 * import { appTool, clientRendersApps } from "./mod.ts";
 * const server = new McpServer({ name: "dice", version: "1.0.0" }, {
 *   apps: { apps: [{ uri: "ui://dice/board.html", name: "board", html: "<div id=board></div>" }] },
 * });
 * server.tool(appTool({
 *   name: "roll",
 *   handler: (_args, context) =>
 *     clientRendersApps(context.clientCapabilities) ? "4 (see the board)" : "You rolled 4",
 * }, { resourceUri: "ui://dice/board.html" }));
 * ```
 *
 * @module
 */
export {
  type AppDefinition,
  type AppsExtension,
  type AppsOptions,
  createAppsExtension,
} from "./extension.ts";
export {
  APP_MIME_TYPE,
  type AppCsp,
  type AppPermissions,
  type AppResourceMeta,
  APPS_EXTENSION,
  type AppsClientSettings,
  appsClientSettings,
  type AppToolMeta,
  type AppToolVisibility,
  clientRendersApps,
  LEGACY_RESOURCE_URI_KEY,
} from "./meta.ts";
export { appTool, type AppToolLink } from "./tool.ts";
