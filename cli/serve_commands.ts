/**
 * The serving commands of the CLI: `serve`, `dev` and `run`, from their
 * command lines to exit codes (0 ended cleanly, 1 failed, 2 bad command line).
 *
 * @module
 */
import type { ServerEndpoint } from "../protocol/mod.ts";
import {
  fileInfo,
  onShutdownSignal,
  parentDirectory,
  resolvePath,
  scriptCommand,
} from "../runtime/mod.ts";
import { serveStdio } from "../transports/stdio/server.ts";
import { DotenvError } from "./dotenv.ts";
import { type CommandSpec, FlagError, helpText, parseFlags } from "./flags.ts";
import { JsoncError } from "./jsonc.ts";
import { loadSettings } from "./load_settings.ts";
import { listenHttp, serve, type ServeHandle } from "./serve.ts";
import { loadServerFile, ServerFileError } from "./server_file.ts";
import { SETTINGS, SettingsError } from "./settings.ts";
import { fromFileUrl } from "../runtime/mod.ts";

/** Where a command prints: `print` for results, `error` for messages. */
export interface CommandIo {
  /** One line of output. */
  print(line: string): void;
  /** One line of diagnostics. */
  error(line: string): void;
  /** Shows an OAuth authorization URL after it was printed with `error` (tests follow it). */
  openUrl?: (url: URL) => void | Promise<void>;
}

/** `emcee serve`. */
export const SERVE_COMMAND: CommandSpec = {
  name: "serve",
  summary: "Serve the tools, resources and prompts exported by the files in the tool " +
    "directories (recursively), reloading them when a file changes.",
  positionals: {
    name: "dir",
    description: "A tool directory (default ./tools, else the bundled examples).",
    variadic: true,
    setting: "toolDirs",
  },
};

/** `emcee dev`. */
export const DEV_COMMAND: CommandSpec = {
  name: "dev",
  summary: "Serve a tool directory or a server file with hot reload, and print the command " +
    "that opens the MCP Inspector on it.",
  positionals: { name: "target", description: "A tool directory or a server file." },
};

/** `emcee run`. */
export const RUN_COMMAND: CommandSpec = {
  name: "run",
  summary: "Serve a file whose default export is an McpServer (or a function returning one).",
  positionals: { name: "file", description: "The server file." },
};

/** A message for an error in the configuration, or `undefined` if it is something else. */
export function configurationProblem(error: unknown): string | undefined {
  if (
    error instanceof SettingsError || error instanceof JsoncError || error instanceof DotenvError ||
    error instanceof FlagError
  ) return error.message;
  return undefined;
}

/** Waits for `handle` to finish or a shutdown signal, then closes it. */
async function untilDone(handle: { finished: Promise<void>; close(): Promise<void> }) {
  const stop = onShutdownSignal(() => void handle.close());
  try {
    await handle.finished;
  } finally {
    stop();
  }
}

async function runGuarded(
  command: CommandSpec,
  io: CommandIo,
  body: () => Promise<number>,
): Promise<number> {
  try {
    return await body();
  } catch (error) {
    const problem = configurationProblem(error);
    if (problem !== undefined) {
      io.error(`emcee ${command.name}: ${problem}`);
      io.error(`Run "emcee ${command.name} --help" for usage.`);
      return 2;
    }
    io.error(`emcee ${command.name}: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

/** Runs `emcee serve` until stdin closes (stdio) or a shutdown signal; returns the exit code. */
export function runServe(argv: readonly string[], io: CommandIo): Promise<number> {
  return runGuarded(SERVE_COMMAND, io, async () => {
    const parsed = parseFlags(argv, SERVE_COMMAND, SETTINGS);
    if (parsed.help) {
      io.print(helpText(SERVE_COMMAND, SETTINGS));
      return 0;
    }
    const handle = await serve({ flags: parsed.flags });
    await untilDone(handle);
    return 0;
  });
}

function hostForServerFile(file: string) {
  const main = fromFileUrl(new URL("./main.ts", import.meta.url));
  return () => scriptCommand(main, ["__server-host", file]);
}

/** The command that opens the MCP Inspector on a served endpoint. */
export function inspectorCommand(handle: ServeHandle): string {
  if (handle.url) {
    return `npx @modelcontextprotocol/inspector --transport http --server-url ${handle.url}`;
  }
  return "npx @modelcontextprotocol/inspector";
}

/** Runs `emcee dev`: `serve` with hot reload, for a directory or a server file. */
export function runDev(argv: readonly string[], io: CommandIo): Promise<number> {
  return runGuarded(DEV_COMMAND, io, async () => {
    const parsed = parseFlags(argv, DEV_COMMAND, SETTINGS);
    if (parsed.help) {
      io.print(helpText(DEV_COMMAND, SETTINGS));
      return 0;
    }
    const target = parsed.positionals[0];
    const info = target === undefined ? undefined : await fileInfo(resolvePath(target));
    if (target !== undefined && info === undefined) {
      io.error(`emcee dev: ${target} does not exist`);
      return 2;
    }
    const file = info?.isFile ? resolvePath(target!) : undefined;
    const handle = await serve({
      flags: { ...parsed.flags, watch: true },
      ...(target === undefined ? {} : { dirs: [file ? parentDirectory(file) : target] }),
      ...(file ? { hostCommand: hostForServerFile(file) } : {}),
    });
    io.error(`emcee: open the MCP Inspector with: ${inspectorCommand(handle)}`);
    await untilDone(handle);
    return 0;
  });
}

/** Runs `emcee run <file>`: the file's server, in this process, over HTTP or stdio. */
export function runRun(argv: readonly string[], io: CommandIo): Promise<number> {
  return runGuarded(RUN_COMMAND, io, async () => {
    const parsed = parseFlags(argv, RUN_COMMAND, SETTINGS);
    if (parsed.help) {
      io.print(helpText(RUN_COMMAND, SETTINGS));
      return 0;
    }
    const file = parsed.positionals[0];
    if (file === undefined) {
      io.error("emcee run: which file? Usage: emcee run <file> [options]");
      return 2;
    }
    const { settings } = await loadSettings({ flags: parsed.flags });
    let server: ServerEndpoint;
    try {
      server = await loadServerFile(file);
    } catch (error) {
      if (error instanceof ServerFileError) {
        io.error(`emcee run: ${error.message}`);
        return 1;
      }
      throw error;
    }
    if (settings.stdio) {
      const connection = await serveStdio(server);
      await untilDone({ finished: connection.closed, close: () => connection.close() });
      return 0;
    }
    const http = await listenHttp(server, settings);
    io.error(`emcee: MCP endpoint ${http.url}`);
    let markFinished!: () => void;
    const finished = new Promise<void>((resolve) => (markFinished = resolve));
    await untilDone({
      finished,
      close: async () => {
        await http.close();
        markFinished();
      },
    });
    return 0;
  });
}
