/**
 * Where each MCP client keeps its server list, and the shape of one entry there.
 *
 * @module
 */

import { joinPath } from "../runtime/mod.ts";

/** The MCP clients `emcee install` knows how to configure. */
export type ClientName = "claude" | "vscode" | "cursor";

/** All known client names, for usage messages. */
export const CLIENT_NAMES: readonly ClientName[] = ["claude", "vscode", "cursor"];

/** The operating-system family, which decides where Claude Desktop keeps its file. */
export type PlatformFamily = "linux" | "darwin" | "windows";

/** What a launched server needs: the program, its arguments and extra environment. */
export interface ServerLaunch {
  /** The executable. */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Extra environment variables. */
  env: Record<string, string>;
}

/** Facts about the machine that locating a config file depends on. */
export interface LocationContext {
  /** The operating-system family. */
  platform: PlatformFamily;
  /** The user's home directory, if known. */
  home: string | undefined;
  /** `%APPDATA%` on Windows, if set. */
  appData: string | undefined;
  /** The working directory (VS Code's config is per workspace). */
  cwd: string;
}

/** Whether `name` is one of {@linkcode CLIENT_NAMES}. */
export function isClientName(name: string): name is ClientName {
  return (CLIENT_NAMES as readonly string[]).includes(name);
}

/** The top-level key that holds the servers in the client's config file. */
export function serversKey(client: ClientName): "mcpServers" | "servers" {
  return client === "vscode" ? "servers" : "mcpServers";
}

/**
 * The default config file of `client`, or `undefined` when the needed directory is unknown.
 *
 * @example
 * ```ts
 * import { defaultConfigPath } from "./client_configs.ts";
 * defaultConfigPath("cursor", { platform: "linux", home: "/home/a", appData: undefined, cwd: "/w" });
 * // "/home/a/.cursor/mcp.json"
 * ```
 */
export function defaultConfigPath(client: ClientName, where: LocationContext): string | undefined {
  if (client === "vscode") return joinPath(where.cwd, ".vscode", "mcp.json");
  if (client === "cursor") {
    return where.home === undefined ? undefined : joinPath(where.home, ".cursor", "mcp.json");
  }
  const file = "claude_desktop_config.json";
  if (where.platform === "windows") {
    return where.appData === undefined ? undefined : joinPath(where.appData, "Claude", file);
  }
  if (where.home === undefined) return undefined;
  if (where.platform === "darwin") {
    return joinPath(where.home, "Library", "Application Support", "Claude", file);
  }
  return joinPath(where.home, ".config", "Claude", file);
}

/** The JSON value to store under the servers key for `launch`, in the client's format. */
export function clientEntry(client: ClientName, launch: ServerLaunch): Record<string, unknown> {
  // VS Code requires the transport type; the others infer stdio from `command`.
  const base = { command: launch.command, args: launch.args, env: launch.env };
  return client === "vscode" ? { type: "stdio", ...base } : base;
}
