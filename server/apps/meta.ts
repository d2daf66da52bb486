/**
 * The vocabulary of MCP Apps (`io.modelcontextprotocol/ui`, SEP-1865): the
 * extension identifier, the HTML profile's MIME type, the `_meta.ui` a tool
 * and a UI resource carry, and whether a client declared it renders apps.
 *
 * @module
 */
import type { ClientCapabilities } from "../../protocol/mod.ts";

/** The extension identifier, under `capabilities.extensions` on both sides. */
export const APPS_EXTENSION = "io.modelcontextprotocol/ui";

/** The MIME type of an MCP App's HTML (`text/html;profile=mcp-app`). */
export const APP_MIME_TYPE = "text/html;profile=mcp-app";

/** The legacy flat `_meta` key for a tool's UI resource, still read by older hosts. */
export const LEGACY_RESOURCE_URI_KEY = "ui/resourceUri";

/** Who may call an app-linked tool: the model, the app (its own UI), or both (the default). */
export type AppToolVisibility = "model" | "app";

/** A tool's `_meta.ui`: the UI resource shown for its results, and who may call it. */
export interface AppToolMeta {
  /** The `ui://` resource the host renders for this tool. */
  resourceUri?: string;
  /** Who may call it. Default (absent): `["model", "app"]`. */
  visibility?: AppToolVisibility[];
}

/** Origins a UI may reach, for the host's Content Security Policy. Absent: none beyond its own. */
export interface AppCsp {
  /** Origins for fetch, XHR and WebSocket (`connect-src`). */
  connectDomains?: string[];
  /** Origins for scripts, styles, images, fonts and media. */
  resourceDomains?: string[];
  /** Origins of nested iframes (`frame-src`). */
  frameDomains?: string[];
  /** Origins allowed as the document's base URI (`base-uri`). */
  baseUriDomains?: string[];
}

/** Browser permissions a UI asks the host for (each an empty object when asked). */
export interface AppPermissions {
  /** Camera access. */
  camera?: Record<string, never>;
  /** Microphone access. */
  microphone?: Record<string, never>;
  /** Geolocation. */
  geolocation?: Record<string, never>;
  /** Writing to the clipboard. */
  clipboardWrite?: Record<string, never>;
}

/** A UI resource's `_meta.ui`: how the host should sandbox and frame it. */
export interface AppResourceMeta {
  /** The origins it may reach. */
  csp?: AppCsp;
  /** The permissions it asks for. */
  permissions?: AppPermissions;
  /** A dedicated sandbox origin (its format is the host's). */
  domain?: string;
  /** Whether it prefers a visible border and background. */
  prefersBorder?: boolean;
}

/** What a client declares under `extensions["io.modelcontextprotocol/ui"]`. */
export interface AppsClientSettings {
  /** The UI MIME types it renders; must include {@link APP_MIME_TYPE} for MCP Apps. */
  mimeTypes?: string[];
}

/**
 * The client's MCP Apps settings, or `undefined` when it did not declare the
 * extension. In the 2026-07-28 era a client declares per request; in the
 * legacy era at `initialize` (`context.clientCapabilities` holds either).
 */
export function appsClientSettings(
  capabilities: ClientCapabilities | undefined,
): AppsClientSettings | undefined {
  const declared = capabilities?.extensions?.[APPS_EXTENSION];
  if (typeof declared !== "object" || declared === null || Array.isArray(declared)) {
    return undefined;
  }
  return declared as AppsClientSettings;
}

/**
 * Whether the client renders MCP Apps of `mimeType` (default {@link APP_MIME_TYPE}):
 * a handler answers such a client with what its UI shows, another with text alone.
 *
 * @example
 * ```ts
 * import { clientRendersApps } from "./meta.ts";
 * clientRendersApps({
 *   extensions: { "io.modelcontextprotocol/ui": { mimeTypes: ["text/html;profile=mcp-app"] } },
 * }); // true
 * clientRendersApps({}); // false
 * ```
 */
export function clientRendersApps(
  capabilities: ClientCapabilities | undefined,
  mimeType: string = APP_MIME_TYPE,
): boolean {
  const mimeTypes = appsClientSettings(capabilities)?.mimeTypes;
  return Array.isArray(mimeTypes) && mimeTypes.includes(mimeType);
}
