/**
 * How to start another process running a script of this program on the same runtime: what a
 * supervisor needs to spawn its workers.
 *
 * @module
 */
import type { RuntimeName } from "./adapter.ts";
import { currentAdapter } from "./adapter.ts";
import { executablePath } from "./process_info.ts";
import { compileCacheDirectory } from "./compile_cache.ts";
import { environment } from "./runtime.ts";

/** A command line: the executable and its arguments. */
export interface CommandLine {
  /** The executable to start. */
  command: string;
  /** Its arguments. */
  args: string[];
  /** Its complete environment, when it needs more than this process's (else it inherits). */
  env?: Record<string, string>;
}

/**
 * Whether `script` (a path or `file:` URL) is inside a single executable made by
 * `bun build --compile` or `deno compile`, whose embedded files live under a virtual root.
 */
export function isEmbeddedScript(script: string): boolean {
  return /^(file:\/\/)?\/\$bunfs\//.test(script) || /[\\/]~BUN[\\/]/.test(script) ||
    /[\\/]deno-compile-[^\\/]+[\\/]/.test(script);
}

/**
 * The pure core of {@link scriptCommand}, for a given runtime and executable.
 *
 * @example
 * ```ts
 * import { commandForScript } from "./script_command.ts";
 * commandForScript("deno", "/usr/bin/deno", "/app/main.ts", ["serve"]);
 * // { command: "/usr/bin/deno", args: ["run", "-A", "/app/main.ts", "serve"] }
 * ```
 */
export function commandForScript(
  runtime: RuntimeName,
  executable: string,
  script: string,
  args: readonly string[],
): CommandLine {
  // A compiled executable already holds the script; it takes the arguments directly.
  if (isEmbeddedScript(script)) return { command: executable, args: [...args] };
  const prefix = runtime === "deno" ? ["run", "-A"] : [];
  return { command: executable, args: [...prefix, script, ...args] };
}

/**
 * The command that runs `script` with `args` on the runtime running this process:
 * `deno run -A script …`, `bun script …`, `node script …`, or, inside a compiled single
 * executable, the executable itself with `args`.
 *
 * @example
 * ```ts
 * import { scriptCommand } from "./script_command.ts";
 * import { spawnProcess } from "./runtime.ts";
 * const worker = new URL("./worker.ts", import.meta.url).pathname;
 * const { command, args } = scriptCommand(worker, ["--id", "1"]);
 * const child = spawnProcess(command, args);
 * ```
 */
export function scriptCommand(script: string, args: readonly string[] = []): CommandLine {
  const line = commandForScript(currentAdapter.name, executablePath(), script, args);
  const cache = compileCacheDirectory();
  // A Node child loads this program's modules before it could turn the cache on itself.
  if (cache !== undefined && currentAdapter.name === "node") {
    line.env = { ...environment(), NODE_COMPILE_CACHE: cache };
  }
  return line;
}
