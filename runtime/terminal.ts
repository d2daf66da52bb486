/**
 * Whether a standard stream is an interactive terminal, so a command can draw
 * progress bars for a person and stay quiet for a pipe or a file.
 *
 * @module
 */

interface DenoTerminalLike {
  stdout?: { isTerminal?: () => boolean };
  stderr?: { isTerminal?: () => boolean };
}

interface ProcessTerminalLike {
  stdout?: { isTTY?: boolean };
  stderr?: { isTTY?: boolean };
}

/**
 * Whether `stream` of this process is a terminal (a TTY). `false` for pipes,
 * files, and runtimes that cannot tell.
 *
 * @example
 * ```ts
 * import { isTerminal } from "./terminal.ts";
 * if (isTerminal("stderr")) console.error("drawing a progress bar");
 * ```
 */
export function isTerminal(stream: "stdout" | "stderr"): boolean {
  const deno = (globalThis as { Deno?: DenoTerminalLike }).Deno;
  if (deno !== undefined) {
    try {
      return deno[stream]?.isTerminal?.() === true;
    } catch {
      return false;
    }
  }
  const host = (globalThis as { process?: ProcessTerminalLike }).process;
  return host?.[stream]?.isTTY === true;
}
