/**
 * The `emcee` command line, and its programmatic entry.
 *
 * ```sh
 * deno run -A jsr:@emcee/mcp/cli serve tools      # or: bun cli/main.ts serve tools
 * emcee call http://127.0.0.1:8765/mcp add a=1 b=2
 * ```
 *
 * Commands: `serve [dir…]` (tool folders with hot reload), `dev <file|dir>`,
 * `run <file>`, `install <file|dir> --client claude|vscode|cursor`,
 * `proxy <url>`, and the client commands `discover`, `tools`, `call`,
 * `resources`, `read`, `prompts`, `prompt` and `complete`.
 *
 * @example
 * ```ts
 * import { serve } from "./main.ts";
 * const running = await serve({ dirs: ["tools"], port: 0 });
 * console.log(running.url);
 * await running.close();
 * ```
 *
 * @module
 */
import { args, enableCompileCache, exitProcess } from "../runtime/mod.ts";
import { CLIENT_COMMANDS, type ClientCommandName, runClientCommand } from "./client_commands.ts";
import { runInstall } from "./install.ts";
import { runProxy } from "./proxy_command.ts";
import { type CommandIo, runDev, runRun, runServe } from "./serve_commands.ts";
import { runServerHost } from "./server_file.ts";
import { closest } from "./suggest.ts";
import { runToolHost } from "./tool_host.ts";

export { serve, type ServeHandle, type ServeOptions } from "./serve.ts";
export { type ReloadOutcome, type ToolSupervisor } from "./tool_supervisor.ts";
export { prompt, registry, resource, resourceTemplate, tool } from "./define.ts";
export type {
  DefinitionKind,
  LiveRegistry,
  ToolFileContext,
  ToolFileDefinition,
} from "./define.ts";
export type { CommandIo } from "./serve_commands.ts";
export type { FlagValues, LogLevel, Settings } from "./settings.ts";
export type { HostCounts } from "./tool_host.ts";
export type { ToolProblem } from "./tool_files.ts";
// The types the CLI's API names (McpServer, definitions, protocol types), so
// its documentation links resolve; the values stay in the root module.
export type * from "../mod.ts";
export type { CommandLine } from "../runtime/mod.ts";

/** The version `emcee --version` prints. */
export const VERSION = "0.1.0";

const COMMANDS: Record<string, (argv: readonly string[], io: CommandIo) => Promise<number>> = {
  serve: runServe,
  dev: runDev,
  run: runRun,
  install: runInstall,
  proxy: runProxy,
};

/** `emcee --help`. */
export function usageText(): string {
  return [
    "Usage: emcee <command> [options]",
    "",
    "Serve:",
    "  serve [dir...]            Serve a folder of tools, reloading on change (default ./tools)",
    "  dev <file|dir>            Serve with hot reload and print the Inspector command",
    "  run <file>                Serve a file whose default export is an McpServer",
    "  proxy <url>               Serve a remote HTTP or WebSocket server over stdio",
    "  install <file|dir>        Add a server to Claude Desktop, VS Code or Cursor",
    "",
    "Talk to a server (<target>: a URL, a name from mcp.json, or -- <command> <args>):",
    "  discover <target>         Server info, protocol version and capabilities",
    "  tools <target>            List tools",
    "  call <target> <tool> [key=value...]",
    "  resources <target>        List resources and templates",
    "  read <target> <uri>",
    "  prompts <target>          List prompts",
    "  prompt <target> <name> [key=value...]",
    "  complete <target> <ref> <argument> <value>",
    "",
    'Run "emcee <command> --help" for a command\'s options.',
    "",
  ].join("\n");
}

/**
 * Runs the command line `argv` (without the program name) and resolves with
 * the exit code: 0 success, 1 failure (for `call`, a tool error), 2 a bad
 * command line, 3 a server that could not be reached.
 *
 * @example
 * ```ts
 * import { main } from "./main.ts";
 * const code = await main(["tools", "http://127.0.0.1:8765/mcp"]);
 * ```
 */
export async function main(
  argv: readonly string[],
  io: CommandIo = { print: (line) => console.log(line), error: (line) => console.error(line) },
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    io.print(usageText());
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-V") {
    io.print(`emcee ${VERSION}`);
    return 0;
  }
  // The child processes of `serve` and `dev`: internal, not listed.
  // Both report a failure to start on stderr, in the lines the parent reads.
  if (command === "__tool-host" || command === "__server-host") {
    try {
      const connection = command === "__tool-host"
        ? await runToolHost(rest)
        : await runServerHost(rest[0] ?? "");
      await connection.closed;
      return 0;
    } catch {
      return 1;
    }
  }
  const run = COMMANDS[command];
  if (run !== undefined) return await run(rest, io);
  if ((CLIENT_COMMANDS as readonly string[]).includes(command)) {
    return await runClientCommand(command as ClientCommandName, rest, io);
  }
  const suggestion = closest(command, [...Object.keys(COMMANDS), ...CLIENT_COMMANDS]);
  io.error(
    `emcee: unknown command "${command}"${suggestion ? ` (did you mean "${suggestion}"?)` : ""}`,
  );
  io.error('Run "emcee --help" for the commands.');
  return 2;
}

if ((import.meta as { main?: boolean }).main) {
  // The tool hosts are this program again, one per reload: on Node, let them reuse compiled code.
  await enableCompileCache();
  exitProcess(await main(args()));
}
