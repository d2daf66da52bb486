/**
 * `emcee run <file>`: a file whose default export is a server (an `McpServer`,
 * or a function returning one, perhaps asynchronously), and the host process
 * `emcee dev <file>` reloads it in.
 *
 * @module
 */
import type { ServerEndpoint } from "../protocol/mod.ts";
import { resolvePath, stdio, toFileUrl } from "../runtime/mod.ts";
import type { ServerConnection } from "../transports/connect.ts";
import { serveStdio } from "../transports/stdio/server.ts";
import { importProblem } from "./import_problem.ts";
import { formatHostLine } from "./tool_host.ts";

/** Why a server file cannot be served; `message` names the file. */
export class ServerFileError extends Error {
  /** The file, absolute. */
  readonly file: string;
  /** The line the problem is on, when the runtime told it. */
  readonly line: number | undefined;
  /** Builds the error. */
  constructor(file: string, message: string, init: { line?: number; cause?: unknown } = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "ServerFileError";
    this.file = file;
    this.line = init.line;
  }
}

// A structural check: the file may import emcee from another copy (jsr:, npm:),
// whose McpServer class is not ours.
function isServer(value: unknown): value is ServerEndpoint {
  if (typeof value !== "object" || value === null) return false;
  const server = value as Record<string, unknown>;
  return typeof server.handleRequest === "function" &&
    typeof server.handleNotification === "function" &&
    typeof server.attachSession === "function";
}

/**
 * Imports `path` and returns the server its default export is or makes.
 *
 * @throws {ServerFileError} when the file fails to load (with the line where
 * known) or its default export is not a server.
 *
 * @example
 * ```ts
 * import { loadServerFile } from "./server_file.ts";
 * import { serveStdio } from "../transports/stdio/server.ts";
 * await serveStdio(await loadServerFile("server.ts"));
 * ```
 */
export async function loadServerFile(path: string): Promise<ServerEndpoint> {
  const file = resolvePath(path);
  const url = toFileUrl(file);
  let module: { default?: unknown };
  try {
    module = await import(url);
  } catch (error) {
    const problem = importProblem(file, url, error);
    throw new ServerFileError(file, `${file}: ${problem.message}`, {
      line: problem.line,
      cause: error,
    });
  }
  let exported = module.default;
  if (typeof exported === "function" && !isServer(exported)) {
    try {
      exported = await (exported as () => unknown)();
    } catch (error) {
      throw new ServerFileError(file, `${file}: its default export threw: ${String(error)}`, {
        cause: error,
      });
    }
  }
  if (!isServer(exported)) {
    throw new ServerFileError(
      file,
      `${file}: the default export must be an McpServer or a function returning one` +
        (exported === undefined ? " (there is no default export)" : ""),
    );
  }
  return exported;
}

/**
 * The host process of `emcee dev <file>`: loads the server file, serves it
 * over stdio and reports on stderr as the tool host does (`emcee:ready`, or
 * `emcee:problem` then `emcee:fatal`).
 */
export async function runServerHost(path: string): Promise<ServerConnection> {
  const write = (line: string) => stdio().writeError(`${line}\n`);
  let server: ServerEndpoint;
  try {
    server = await loadServerFile(path);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof ServerFileError) {
      write(formatHostLine({
        type: "problem",
        problem: { file: error.file, line: error.line, message },
      }));
    }
    write(formatHostLine({ type: "fatal", message }));
    throw error;
  }
  const connection = await serveStdio(server);
  write(formatHostLine({
    type: "ready",
    counts: { files: 1, tools: 0, resources: 0, resourceTemplates: 0, prompts: 0 },
  }));
  return connection;
}
