/**
 * {@link appTool}: a tool definition linked to an MCP App's UI through
 * `_meta.ui.resourceUri` (and the legacy flat `ui/resourceUri` key older
 * hosts read).
 *
 * @module
 */
import type { Meta } from "../../protocol/mod.ts";
import { type AppToolMeta, LEGACY_RESOURCE_URI_KEY } from "./meta.ts";

/** How a tool links to its UI. */
export interface AppToolLink extends AppToolMeta {
  /** The `ui://` resource the host renders for this tool's results. */
  resourceUri: string;
}

/**
 * `definition` with `_meta.ui` set to `link` (merged over what `_meta.ui`
 * already holds) and the legacy `ui/resourceUri` key beside it. A tool whose
 * `visibility` is `["app"]` is meant for its UI only: hosts keep it from the
 * model, though `tools/list` still lists it.
 *
 * @example
 * ```ts
 * import { appTool } from "./tool.ts";
 * const refresh = appTool({ name: "refresh", handler: () => "refreshed" }, {
 *   resourceUri: "ui://dashboard/main.html",
 *   visibility: ["app"],
 * });
 * ```
 */
export function appTool<T extends { name: string; _meta?: Meta }>(
  definition: T,
  link: AppToolLink,
): T {
  if (!link.resourceUri.startsWith("ui://")) {
    throw new TypeError(
      `An app tool's resourceUri must start with "ui://" (got "${link.resourceUri}")`,
    );
  }
  const meta = definition._meta ?? {};
  const ui: AppToolMeta = {
    ...(meta.ui as AppToolMeta | undefined),
    resourceUri: link.resourceUri,
  };
  if (link.visibility) ui.visibility = [...link.visibility];
  return { ...definition, _meta: { ...meta, ui, [LEGACY_RESOURCE_URI_KEY]: link.resourceUri } };
}
