/**
 * `emcee serve` as a function: loads the settings, starts the tools with hot
 * reload and serves them over Streamable HTTP and WebSocket on one URL, or stdio.
 *
 * @module
 */
import type { HttpHandler } from "../transports/http/server.ts";
import { createHttpHandler } from "../transports/http/server.ts";
import type { OriginPolicy } from "../transports/http/origin_guard.ts";
import { serveStdio } from "../transports/stdio/server.ts";
import { createWebSocketHandler } from "../transports/websocket/server.ts";
import {
  type CommandLine,
  enableCompileCache,
  environment,
  fileInfo,
  fromFileUrl,
  resolvePath,
  scriptCommand,
  serveHttp,
} from "../runtime/mod.ts";
import type { ServerEndpoint } from "../protocol/mod.ts";
import type { FlagValues, LogLevel, Settings } from "./settings.ts";
import { loadSettings } from "./load_settings.ts";
import { type ReloadOutcome, superviseTools, type ToolSupervisor } from "./tool_supervisor.ts";
import { bundledToolsDirectory, type ToolProblem } from "./tool_files.ts";

/** Options of {@link serve}: any setting (the strongest layer), and what is not a setting. */
export interface ServeOptions extends Partial<Settings> {
  /** The tool directories; another name for `toolDirs`. */
  dirs?: string[];
  /** Parsed command-line flags, weaker than the options given here. */
  flags?: FlagValues;
  /** The directory holding `.env` and `emcee.jsonc`. Default: the working directory. */
  directory?: string;
  /** Receives the log lines; default: stderr, filtered by `logLevel`. */
  log?: (level: LogLevel, message: string) => void;
  /** Receives every load and reload. */
  onReload?: (outcome: ReloadOutcome) => void;
  /** The command starting a tool host; default this program's `__tool-host`. */
  hostCommand?: (dirs: readonly string[]) => CommandLine;
}

/** A running `emcee serve`. */
export interface ServeHandle {
  /** The resolved settings. */
  readonly settings: Settings;
  /** The endpoint's URL, when serving HTTP. */
  readonly url: string | undefined;
  /** The tools and their reloads. */
  readonly tools: ToolSupervisor;
  /** Resolves when serving ends: stdin closed (stdio), or `close()` called. */
  readonly finished: Promise<void>;
  /** Stops serving and stops the tools. */
  close(): Promise<void>;
}

const LEVELS: readonly LogLevel[] = ["debug", "info", "notice", "warning", "error"];

/** How this program starts a tool host: `main.ts __tool-host <dir>…` on this runtime. */
export function defaultHostCommand(dirs: readonly string[]): CommandLine {
  const main = fromFileUrl(new URL("./main.ts", import.meta.url));
  return scriptCommand(main, ["__tool-host", ...dirs]);
}

/**
 * The host command with the `.env` file's variables in its environment, so tools read their
 * keys from it; the real environment wins, as `.env` readers do.
 */
function withDotenv(
  hostCommand: (dirs: readonly string[]) => CommandLine,
  dotenv: Record<string, string>,
): (dirs: readonly string[]) => CommandLine {
  if (Object.keys(dotenv).length === 0) return hostCommand;
  return (dirs) => {
    const line = hostCommand(dirs);
    return { ...line, env: { ...dotenv, ...(line.env ?? environment()) } };
  };
}

/** `file:line:column: message`, as compilers print it. */
export function formatProblem(problem: ToolProblem): string {
  const where = problem.line === undefined
    ? problem.file
    : `${problem.file}:${problem.line}${problem.column === undefined ? "" : `:${problem.column}`}`;
  return `${where}: ${problem.message}`;
}

function describeOutcome(outcome: ReloadOutcome): string {
  if (!outcome.ok) {
    return `reload failed, still serving the previous tools: ${outcome.error.message}`;
  }
  const { counts } = outcome;
  const parts = [
    `${counts.tools} tools`,
    `${counts.resources + counts.resourceTemplates} resources`,
    `${counts.prompts} prompts`,
  ];
  const verb = outcome.generation === 1 ? "loaded" : `reloaded (#${outcome.generation})`;
  return `${verb} ${parts.join(", ")} from ${counts.files} files in ${outcome.ms} ms`;
}

function withPath(handler: HttpHandler, path: string): HttpHandler {
  return (request) => {
    if (new URL(request.url).pathname === path) return handler(request);
    return new Response(`Not found: the MCP endpoint is ${path}\n`, { status: 404 });
  };
}

/**
 * Serves the tools in `dirs` (reloading them when files change, unless
 * `watch` is off) over Streamable HTTP on `host:port` + `path`, or stdio.
 * Settings come from the options, then `flags`, the environment, `.env`,
 * `emcee.jsonc` and the defaults.
 *
 * @example
 * ```ts
 * import { serve } from "./serve.ts";
 * const running = await serve({ dirs: ["tools"], port: 0 });
 * console.log(running.url); // http://127.0.0.1:40123/mcp
 * await running.close();
 * ```
 */
export async function serve(options: ServeOptions = {}): Promise<ServeHandle> {
  const { dirs, flags, directory, log: logOption, onReload, hostCommand, ...code } = options;
  if (dirs !== undefined) code.toolDirs = dirs;
  const { settings, sources, warnings, dotenv } = await loadSettings({ code, flags, directory });
  const threshold = LEVELS.indexOf(settings.logLevel);
  const log = logOption ?? ((level: LogLevel, message: string) => {
    if (LEVELS.indexOf(level) >= threshold) console.error(`emcee: ${message}`);
  });
  for (const warning of warnings) log("warning", warning);

  let toolDirs = settings.toolDirs.map((dir) => resolvePath(directory ?? ".", dir));
  if (sources.toolDirs === "default" && (await fileInfo(toolDirs[0])) === undefined) {
    log("notice", `no ${settings.toolDirs[0]}/ directory: serving the bundled examples`);
    toolDirs = [bundledToolsDirectory()];
  }
  // The examples never change (and inside a compiled executable there is no folder to watch).
  const bundled = toolDirs.length === 1 && toolDirs[0] === bundledToolsDirectory();
  // Each reload starts a tool host; on Node they then reuse compiled code instead of
  // recompiling every module.
  await enableCompileCache();
  const tools = await superviseTools({
    dirs: toolDirs,
    hostCommand: withDotenv(hostCommand ?? defaultHostCommand, dotenv),
    watch: settings.watch && !bundled,
    info: { name: settings.name, version: "0.1.0" },
    onReload: (outcome) => {
      log(outcome.ok ? "info" : "error", describeOutcome(outcome));
      if (outcome.ok) {
        for (const problem of outcome.problems) log("warning", formatProblem(problem));
      }
      onReload?.(outcome);
    },
    onError: (error) => log("error", error instanceof Error ? error.message : String(error)),
  });
  return settings.stdio
    ? await serveOverStdio(settings, tools)
    : await serveOverHttp(settings, tools, log);
}

async function serveOverStdio(settings: Settings, tools: ToolSupervisor): Promise<ServeHandle> {
  const connection = await serveStdio(tools.server);
  const close = async () => {
    await connection.close();
    await tools.close();
  };
  const finished = connection.closed.then(() => tools.close());
  return { settings, url: undefined, tools, finished, close };
}

/**
 * The origin and host checks for the settings. On a loopback interface only
 * loopback `Host` headers pass (DNS-rebinding protection) plus `allowedHosts`;
 * bound to another interface on purpose, any `Host` passes unless
 * `allowedHosts` lists them. Browser origins need `allowedOrigins` either way.
 */
export function originPolicy(
  settings: Pick<Settings, "host" | "allowedOrigins" | "allowedHosts">,
): OriginPolicy {
  const loopback = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/i.test(settings.host);
  const hosts = settings.allowedHosts;
  return {
    allowedOrigins: settings.allowedOrigins,
    allowedHosts: hosts.length > 0 ? hosts : undefined,
    localhostOnly: loopback || hosts.length > 0,
  };
}

/** An MCP endpoint being served over HTTP. */
export interface HttpEndpoint {
  /** Its URL. */
  readonly url: string;
  /** Stops listening. */
  close(): Promise<void>;
}

/**
 * Serves `server` over Streamable HTTP at the settings' host, port and path
 * (anything else answers 404), allowing the settings' origins.
 */
export async function listenHttp(
  server: ServerEndpoint,
  settings: Pick<Settings, "host" | "port" | "path" | "allowedOrigins" | "allowedHosts">,
): Promise<HttpEndpoint> {
  const policy = originPolicy(settings);
  // WebSocket (experimental) and Streamable HTTP on the one URL.
  const handler = withPath(
    createWebSocketHandler(server, { ...policy, fallback: createHttpHandler(server, policy) }),
    settings.path,
  );
  let http;
  try {
    http = await serveHttp(handler, { port: settings.port, hostname: settings.host });
  } catch (error) {
    throw new Error(`cannot listen on ${settings.host}:${settings.port}: ${String(error)}`, {
      cause: error,
    });
  }
  const host = http.hostname.includes(":") ? `[${http.hostname}]` : http.hostname;
  return { url: `http://${host}:${http.port}${settings.path}`, close: () => http.close() };
}

async function serveOverHttp(
  settings: Settings,
  tools: ToolSupervisor,
  log: (level: LogLevel, message: string) => void,
): Promise<ServeHandle> {
  let http: HttpEndpoint;
  try {
    http = await listenHttp(tools.server, settings);
  } catch (error) {
    await tools.close();
    throw error;
  }
  log("info", `serving on ${http.url}`);
  let markFinished!: () => void;
  const finished = new Promise<void>((resolve) => (markFinished = resolve));
  let closing: Promise<void> | undefined;
  const close = () =>
    closing ??= (async () => {
      await http.close();
      await tools.close();
      markFinished();
    })();
  return { settings, url: http.url, tools, finished, close };
}
