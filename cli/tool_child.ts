/**
 * One generation of `emcee serve`'s tools: a child process that loaded the tool
 * directories and serves them over stdio, with a connected client. Reloading
 * replaces the child, so old code never stays in memory.
 *
 * @module
 */
import { connectClient, type McpClient } from "../client/client.ts";
import type { CommandLine } from "../runtime/mod.ts";
import { type HostCounts, parseHostLine } from "./tool_host.ts";
import type { ToolProblem } from "./tool_files.ts";

/** A started tool child. */
export interface ToolChild {
  /** Connected to the child. */
  readonly client: McpClient;
  /** What the child could not load or register. */
  readonly problems: readonly ToolProblem[];
  /** What it serves. */
  readonly counts: HostCounts;
  /** Stops the child: closes its stdin, then SIGTERM, then SIGKILL, each after a grace period. */
  close(): Promise<void>;
}

/** Options of {@link startToolChild}. */
export interface ToolChildOptions {
  /** Longest wait for the child to load and answer. Default 30 000 ms. */
  readyTimeoutMs?: number;
  /** Grace periods of {@link ToolChild.close}. Default 2000 ms. */
  shutdownGraceMs?: number;
  /** Receives what the child's tools write to stderr (not the loader's own lines). */
  onOutput?: (line: string) => void;
}

const relay = (): Promise<never> =>
  Promise.reject(new Error("answered by the local client through the proxy"));

/**
 * Starts `command` (a process that runs the tool host) and connects to it once it has
 * reported what it loaded. Rejects, with the child's last stderr lines, if it exits or
 * goes quiet first.
 *
 * @example
 * ```ts
 * import { startToolChild } from "./tool_child.ts";
 * import { scriptCommand } from "../runtime/mod.ts";
 * const child = await startToolChild(scriptCommand("cli/main.ts", ["__tool-host", "tools"]));
 * console.log(child.counts.tools, "tools;", child.problems.length, "problems");
 * await child.close();
 * ```
 */
export async function startToolChild(
  command: CommandLine,
  options: ToolChildOptions = {},
): Promise<ToolChild> {
  const problems: ToolProblem[] = [];
  let markReady!: (counts: HostCounts) => void;
  let markFatal!: (error: Error) => void;
  const ready = new Promise<HostCounts>((resolve, reject) => {
    markReady = resolve;
    markFatal = reject;
  });
  ready.catch(() => {}); // Raced below; a fatal line may arrive while connecting.
  const onOutput = options.onOutput ?? ((line: string) => console.error(line));
  const onStderrLine = (line: string) => {
    const parsed = parseHostLine(line);
    if (parsed === undefined) onOutput(line);
    else if (parsed.type === "problem") problems.push(parsed.problem);
    else if (parsed.type === "ready") markReady(parsed.counts);
    else markFatal(new Error(parsed.message));
  };
  const timeoutMs = options.readyTimeoutMs ?? 30_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the tool host did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  let client: McpClient | undefined;
  let connecting: Promise<McpClient> | undefined;
  try {
    connecting = connectClient(
      { command: command.command, args: command.args, env: command.env, onStderrLine },
      { name: "emcee-serve", version: "0.1.0" },
      {
        eraCache: false,
        shutdownGraceMs: options.shutdownGraceMs,
        handlers: { elicit: relay, sample: relay, roots: relay },
      },
    );
    client = await Promise.race([connecting, timedOut, ready.then(() => connecting!)]);
    const counts = await Promise.race([ready, timedOut]);
    const connected = client;
    return { client: connected, problems, counts, close: () => connected.close() };
  } catch (error) {
    // Still connecting when the wait ran out: close it once it connects.
    if (client) await client.close().catch(() => {});
    else connecting?.then((late) => late.close(), () => {}).catch(() => {});
    throw new Error(`could not start the tools: ${errorText(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
