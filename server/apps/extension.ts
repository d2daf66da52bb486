/**
 * The MCP Apps extension (`io.modelcontextprotocol/ui`, SEP-1865) on the
 * server: declared (in both eras) only when the `apps` server option is set,
 * its UIs served as `ui://` resources of type `text/html;profile=mcp-app`
 * with their `_meta.ui` (CSP, permissions, domain, border) on both the listing
 * and the read contents. Tools link to a UI with {@link appTool}.
 *
 * @module
 */
import type { Icon, ResourceContents } from "../../protocol/mod.ts";
import type { RequestContext } from "../context.ts";
import type { ResourceDefinition } from "../definitions.ts";
import type { ServerExtension } from "../extension.ts";
import { APP_MIME_TYPE, type AppResourceMeta, APPS_EXTENSION } from "./meta.ts";

/** One MCP App's UI: an HTML document served as a `ui://` resource. */
export interface AppDefinition extends AppResourceMeta {
  /** Its URI; must start with `ui://`. */
  uri: string;
  /** Programmatic name. */
  name: string;
  /** Display title. */
  title?: string;
  /** Description. */
  description?: string;
  /** Icons. */
  icons?: Icon[];
  /** The HTML, or a function producing it on each read. */
  html: string | ((context: RequestContext) => string | Promise<string>);
}

/** Options of {@link createAppsExtension} (and the `apps` server option). */
export interface AppsOptions {
  /** The UIs served, in `resources/list` order. */
  apps: readonly AppDefinition[];
}

/** The apps extension, with the resources that serve its UIs. */
export interface AppsExtension extends ServerExtension {
  /** Resources to register on the server (the `apps` server option does it). */
  readonly resources: readonly ResourceDefinition[];
}

/** The `_meta` of an app's listing and contents; `undefined` when it sets nothing. */
function uiMeta(app: AppDefinition): { ui: AppResourceMeta } | undefined {
  const ui: AppResourceMeta = {};
  if (app.csp) ui.csp = app.csp;
  if (app.permissions) ui.permissions = app.permissions;
  if (app.domain !== undefined) ui.domain = app.domain;
  if (app.prefersBorder !== undefined) ui.prefersBorder = app.prefersBorder;
  return Object.keys(ui).length > 0 ? { ui } : undefined;
}

function appResource(app: AppDefinition): ResourceDefinition {
  const meta = uiMeta(app);
  const resource: ResourceDefinition = {
    uri: app.uri,
    name: app.name,
    mimeType: APP_MIME_TYPE,
    read: async (uri, context) => {
      const text = typeof app.html === "string" ? app.html : await app.html(context);
      const contents: ResourceContents = { uri, mimeType: APP_MIME_TYPE, text };
      // Hosts read the sandbox settings from the contents first, the listing as a fallback.
      if (meta) contents._meta = meta;
      return [contents];
    },
  };
  if (app.title !== undefined) resource.title = app.title;
  if (app.description !== undefined) resource.description = app.description;
  if (app.icons) resource.icons = app.icons;
  if (meta) resource._meta = meta;
  return resource;
}

/**
 * Creates the apps extension. Every app's URI must start with `ui://` and be
 * unique (a `TypeError` says which is not). Most servers pass the options as
 * the `apps` server option, which also registers the UIs as resources; with
 * `extensions: [...]`, register `extension.resources` yourself.
 *
 * @example
 * ```ts
 * import { McpServer } from "../server.ts";
 * import { appTool } from "./tool.ts";
 * const server = new McpServer({ name: "clock", version: "1.0.0" }, {
 *   apps: { apps: [{ uri: "ui://clock/view.html", name: "clock", html: "<p>now</p>" }] },
 * });
 * server.tool(appTool({ name: "now", handler: () => new Date().toISOString() }, {
 *   resourceUri: "ui://clock/view.html",
 * }));
 * ```
 */
export function createAppsExtension(options: AppsOptions): AppsExtension {
  const seen = new Set<string>();
  for (const app of options.apps) {
    if (!app.uri.startsWith("ui://") || app.uri.length <= "ui://".length) {
      throw new TypeError(`An MCP App's URI must start with "ui://" (got "${app.uri}")`);
    }
    if (seen.has(app.uri)) throw new TypeError(`MCP App "${app.uri}" is defined twice`);
    seen.add(app.uri);
  }
  return {
    id: APPS_EXTENSION,
    settings: {},
    // Nothing in it is specific to 2026-07-28: legacy hosts render apps too.
    legacy: true,
    resources: options.apps.map(appResource),
  };
}
