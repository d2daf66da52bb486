/**
 * The body of the child process `emcee serve` starts (and replaces on every
 * change): loads the tool folders, serves them over stdio, and tells the
 * parent on stderr what happened, one line each, in the format
 * {@link parseHostLine} reads back:
 *
 * ```text
 * emcee:problem {"file":"/t/bad.ts","line":3,"column":12,"message":"SyntaxError: …"}
 * emcee:ready {"files":2,"tools":1,"resources":0,"resourceTemplates":0,"prompts":1}
 * emcee:fatal {"message":"…"}
 * ```
 *
 * stdout carries only JSON-RPC.
 *
 * @module
 */
import type { Implementation } from "../protocol/mod.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import { stdio } from "../runtime/mod.ts";
import { McpServer } from "../server/server.ts";
import type { ServerConnection } from "../transports/connect.ts";
import { serveStdio } from "../transports/stdio/server.ts";
import { registry } from "./define.ts";
import {
  bundledToolsDirectory,
  loadToolFiles,
  registerLoaded,
  type ToolProblem,
} from "./tool_files.ts";

/** How many of each the host serves, from its `emcee:ready` line. */
export interface HostCounts {
  /** Tool files found. */
  files: number;
  /** Tools registered. */
  tools: number;
  /** Fixed resources registered. */
  resources: number;
  /** Resource templates registered. */
  resourceTemplates: number;
  /** Prompts registered. */
  prompts: number;
}

/** One status line of the host, parsed. */
export type HostLine =
  | { type: "problem"; problem: ToolProblem }
  | { type: "ready"; counts: HostCounts }
  | { type: "fatal"; message: string };

/** Options for {@link runToolHost}. */
export interface ToolHostOptions {
  /** The server's identity. Default `{ name: "emcee", version: "0.1.0" }`. */
  info?: Implementation;
  /** Where status lines go (without their newline). Default: stderr. */
  write?: (line: string) => void;
}

const PREFIX = "emcee:";

/** Formats a status line (without the newline). */
export function formatHostLine(line: HostLine): string {
  if (line.type === "problem") return `${PREFIX}problem ${JSON.stringify(line.problem)}`;
  if (line.type === "ready") return `${PREFIX}ready ${JSON.stringify(line.counts)}`;
  return `${PREFIX}fatal ${JSON.stringify({ message: line.message })}`;
}

/**
 * Reads one line of the host's stderr: a problem, the ready counts, or a fatal
 * error; `undefined` for anything else (a tool's own logging).
 *
 * @example
 * ```ts
 * import { parseHostLine } from "./tool_host.ts";
 * const line = parseHostLine('emcee:ready {"files":1,"tools":1,"resources":0,"resourceTemplates":0,"prompts":0}');
 * if (line?.type === "ready") console.log(line.counts.tools); // 1
 * ```
 */
export function parseHostLine(line: string): HostLine | undefined {
  const match = /^emcee:(problem|ready|fatal) (.*)$/.exec(line.trim());
  if (match === null) return undefined;
  let body: unknown;
  try {
    body = JSON.parse(match[2]);
  } catch {
    return undefined;
  }
  if (!isObject(body)) return undefined;
  if (match[1] === "fatal") {
    return typeof body.message === "string" ? { type: "fatal", message: body.message } : undefined;
  }
  if (match[1] === "problem") {
    if (typeof body.file !== "string" || typeof body.message !== "string") return undefined;
    const problem: ToolProblem = { file: body.file, message: body.message };
    if (typeof body.line === "number") problem.line = body.line;
    if (typeof body.column === "number") problem.column = body.column;
    return { type: "problem", problem };
  }
  const keys = ["files", "tools", "resources", "resourceTemplates", "prompts"] as const;
  if (!keys.every((key) => typeof body[key] === "number")) return undefined;
  const counts = Object.fromEntries(keys.map((key) => [key, body[key]])) as unknown as HostCounts;
  return { type: "ready", counts };
}

/**
 * Loads the tool folders `dirs` (the bundled examples, `cli/examples/`, when
 * `dirs` is empty), reports each problem and then the counts on
 * stderr, and serves what loaded over stdio. The capabilities advertise
 * `listChanged` for tools, resources and prompts: the parent swaps this
 * process for a new one on every change, and clients must hear of it. A
 * failure before serving is reported as `emcee:fatal` and rethrown.
 *
 * @example
 * ```ts
 * import { runToolHost } from "./tool_host.ts";
 * const connection = await runToolHost(["tools"]);
 * await connection.closed;
 * ```
 */
export async function runToolHost(
  dirs: readonly string[],
  options: ToolHostOptions = {},
): Promise<ServerConnection> {
  const write = options.write ?? ((line: string) => stdio().writeError(`${line}\n`));
  try {
    const loaded = await loadToolFiles(dirs.length > 0 ? dirs : [bundledToolsDirectory()]);
    const server = new McpServer(options.info ?? { name: "emcee", version: "0.1.0" }, {
      capabilities: {
        tools: { listChanged: true },
        resources: { subscribe: true, listChanged: true },
        prompts: { listChanged: true },
      },
    });
    const problems = [...loaded.problems, ...registerLoaded(server, loaded)];
    for (const problem of problems) write(formatHostLine({ type: "problem", problem }));
    const live = registry(); // what registerLoaded kept, refused definitions excluded
    const counts: HostCounts = {
      files: loaded.files.length,
      tools: live.tools.length,
      resources: live.resources.length,
      resourceTemplates: live.resourceTemplates.length,
      prompts: live.prompts.length,
    };
    const connection = await serveStdio(server);
    write(formatHostLine({ type: "ready", counts }));
    return connection;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    write(formatHostLine({ type: "fatal", message }));
    throw new Error(`emcee tool host failed: ${message}`, { cause: error });
  }
}
