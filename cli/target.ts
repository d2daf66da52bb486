/**
 * Which server a client command talks to: a URL, a command after `--`, or a
 * server name looked up in the MCP configuration files people already have
 * (`mcp.json`, VS Code's `.vscode/mcp.json`, Claude Desktop's config).
 *
 * The parsing is pure ({@link parseServerConfig}, {@link resolveTarget});
 * only {@link readServerConfigs} touches the file system.
 *
 * @module
 */

import { defaultConfigPath } from "./client_configs.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import type { StdioServerParameters } from "../transports/stdio/client.ts";
import { parseJsonc } from "./jsonc.ts";
import {
  currentDirectory,
  FileNotFoundError,
  homeDirectory,
  joinPath,
  readTextFile,
} from "../runtime/mod.ts";

/** A server reached over HTTP or WebSocket, with headers to send (from a config file). */
export interface UrlTarget {
  /** Always `"url"`. */
  readonly kind: "url";
  /** The server's address: http, https, ws or wss. */
  readonly url: string;
  /** Headers from the config entry, if any. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A server spawned as a child process and spoken to over its stdio. */
export interface StdioTarget {
  /** Always `"stdio"`. */
  readonly kind: "stdio";
  /** The command, arguments and environment for the child. */
  readonly params: StdioServerParameters;
}

/** Where a client command connects. */
export type ResolvedTarget = UrlTarget | StdioTarget;

/** One config file's text and where it came from, for names in errors. */
export interface ServerConfigSource {
  /** The file's path (or any label), used in error messages. */
  readonly path: string;
  /** The file's JSONC text. */
  readonly text: string;
}

/** A target that cannot be resolved: no target given, a bad URL, an unknown name, a malformed config. */
export class TargetError extends Error {
  /** Builds the error with a finished message and the underlying cause, if any. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TargetError";
  }
}

const URL_SCHEMES = new Set(["http:", "https:", "ws:", "wss:"]);

/** Whether `text` looks like an address rather than a server name. */
function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
}

/**
 * Reads the servers of one config file, in either format:
 * `{ "mcpServers": { name: { command, args, env } | { url, headers } } }`
 * (Claude Desktop, Cursor, `mcp.json`) or VS Code's
 * `{ "servers": { name: { type, command, args, env, url, headers } } }`.
 *
 * @throws {TargetError} when the text is not JSONC or an entry has neither
 * `command` nor `url`; the file's path is in the message.
 *
 * @example
 * ```ts
 * import { parseServerConfig } from "./target.ts";
 * parseServerConfig({ path: "mcp.json", text: '{ "mcpServers": { "demo": { "url": "http://127.0.0.1:3000/mcp" } } }' });
 * // Map { "demo" => { kind: "url", url: "http://127.0.0.1:3000/mcp" } }
 * ```
 */
export function parseServerConfig(source: ServerConfigSource): Map<string, ResolvedTarget> {
  let root: unknown;
  try {
    root = parseJsonc(source.text, source.path);
  } catch (error) {
    throw new TargetError(`${source.path}: ${(error as Error).message}`, { cause: error });
  }
  const servers = new Map<string, ResolvedTarget>();
  if (!isObject(root)) return servers;
  for (const key of ["mcpServers", "servers"]) {
    const section = root[key];
    if (!isObject(section)) continue;
    for (const [name, entry] of Object.entries(section)) {
      if (!servers.has(name)) servers.set(name, entryTarget(source.path, name, entry));
    }
  }
  return servers;
}

function entryTarget(path: string, name: string, entry: unknown): ResolvedTarget {
  const where = `${path}: server ${JSON.stringify(name)}`;
  if (!isObject(entry)) throw new TargetError(`${where} is not an object`);
  if (typeof entry.url === "string") {
    const headers = stringRecord(entry.headers, `${where}: headers`);
    return headers === undefined
      ? { kind: "url", url: entry.url }
      : { kind: "url", url: entry.url, headers };
  }
  if (typeof entry.command === "string") {
    const args = entry.args === undefined ? [] : entry.args;
    if (!Array.isArray(args) || !args.every((arg) => typeof arg === "string")) {
      throw new TargetError(`${where}: args must be a list of strings`);
    }
    const env = stringRecord(entry.env, `${where}: env`);
    const params: StdioServerParameters = { command: entry.command, args };
    // Kept as written; the client commands add it to the inherited environment.
    if (env !== undefined) params.env = env;
    return { kind: "stdio", params };
  }
  throw new TargetError(`${where} has neither "command" nor "url"`);
}

function stringRecord(value: unknown, where: string): Record<string, string> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value) || !Object.values(value).every((v) => typeof v === "string")) {
    throw new TargetError(`${where} must be an object of strings`);
  }
  return value as Record<string, string>;
}

/**
 * Decides where to connect: a URL (http, https, ws, wss) as given; the
 * arguments after `--` as a command to spawn; otherwise `target` is a server
 * name looked up in `configs`, the first file that names it winning.
 *
 * @throws {TargetError} when nothing is given, the URL's scheme is not
 * supported, or the name is unknown (the message lists the known names).
 *
 * @example
 * ```ts
 * import { resolveTarget } from "./target.ts";
 * resolveTarget({ rest: ["node", "server.ts", "--stdio"] });
 * // { kind: "stdio", params: { command: "node", args: ["server.ts", "--stdio"] } }
 * resolveTarget({ target: "https://example.com/mcp" });
 * // { kind: "url", url: "https://example.com/mcp" }
 * ```
 */
export function resolveTarget(
  spec: { target?: string; rest?: readonly string[] },
  configs: readonly ServerConfigSource[] = [],
): ResolvedTarget {
  const { target, rest } = spec;
  if (rest !== undefined && rest.length > 0) {
    if (target !== undefined) {
      throw new TargetError(`give either a target (${target}) or a command after --, not both`);
    }
    return { kind: "stdio", params: { command: rest[0], args: rest.slice(1) } };
  }
  if (target === undefined || target === "") {
    throw new TargetError("no server given: pass a URL, a server name, or -- <command> <args>");
  }
  if (looksLikeUrl(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch (error) {
      throw new TargetError(`not a valid URL: ${target}`, { cause: error });
    }
    if (!URL_SCHEMES.has(url.protocol)) {
      throw new TargetError(`unsupported URL scheme ${url.protocol} (use http, https, ws or wss)`);
    }
    return { kind: "url", url: target };
  }
  const known: string[] = [];
  for (const source of configs) {
    const servers = parseServerConfig(source);
    const found = servers.get(target);
    if (found !== undefined) return found;
    for (const name of servers.keys()) if (!known.includes(name)) known.push(name);
  }
  const list = known.length === 0
    ? "no servers are configured"
    : `known servers: ${known.sort().join(", ")}`;
  throw new TargetError(`unknown server ${JSON.stringify(target)} (${list})`);
}

/**
 * The config files searched for server names, in order: `mcp.json` and
 * `.vscode/mcp.json` in `directory`, then Claude Desktop's config on Linux
 * and macOS.
 */
export function configPaths(directory: string, home: string | undefined): string[] {
  const paths = [joinPath(directory, "mcp.json"), joinPath(directory, ".vscode", "mcp.json")];
  for (const platform of ["linux", "darwin"] as const) {
    const claude = defaultConfigPath("claude", {
      platform,
      home,
      appData: undefined,
      cwd: directory,
    });
    if (claude !== undefined) paths.push(claude);
  }
  return paths;
}

/**
 * Reads the config files of {@link configPaths} that exist, for
 * {@link resolveTarget}. A missing file is skipped; any other read error is
 * raised.
 */
export async function readServerConfigs(
  directory: string = currentDirectory(),
  home: string | undefined = homeDirectory(),
): Promise<ServerConfigSource[]> {
  const sources: ServerConfigSource[] = [];
  for (const path of configPaths(directory, home)) {
    try {
      sources.push({ path, text: await readTextFile(path) });
    } catch (error) {
      if (!(error instanceof FileNotFoundError)) throw error;
    }
  }
  return sources;
}
