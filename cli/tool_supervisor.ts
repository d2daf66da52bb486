/**
 * Hot reload for `emcee serve`: a local server that forwards to a child
 * process holding the tools, and replaces the child when a tool file changes.
 *
 * Each generation of tools runs in a fresh process, so the code a reload
 * drops is freed with its process (module caches never let go of it in
 * place). The swap is atomic: calls arriving after it reach the new child,
 * calls already in flight finish on the old one, and connected clients are
 * told the lists changed.
 *
 * @module
 */
import type { Implementation } from "../protocol/mod.ts";
import type { McpServer } from "../server/server.ts";
import { createProxyServer, type ProxyServer } from "../server/proxy/proxy.ts";
import {
  backgroundTimeout,
  baseName,
  type CommandLine,
  type FileChange,
  watchPaths,
} from "../runtime/mod.ts";
import { startToolChild, type ToolChild } from "./tool_child.ts";
import type { ToolProblem } from "./tool_files.ts";
import type { HostCounts } from "./tool_host.ts";

/** What one reload did. */
export type ReloadOutcome =
  | {
    /** The new tools are served. */
    readonly ok: true;
    /** Counts from 1, the first load. */
    readonly generation: number;
    /** What the new generation serves. */
    readonly counts: HostCounts;
    /** Files or definitions it could not load; everything else is served. */
    readonly problems: readonly ToolProblem[];
    /** From the start of the reload to the new tools answering. */
    readonly ms: number;
  }
  | {
    /** The new tools could not start; the previous ones are still served. */
    readonly ok: false;
    /** Why. */
    readonly error: Error;
    /** From the start of the reload to the failure. */
    readonly ms: number;
  };

/** Options of {@link superviseTools}. */
export interface ToolSupervisorOptions {
  /** The tool directories. */
  dirs: readonly string[];
  /** The command that starts a tool host serving `dirs` over stdio. */
  hostCommand: (dirs: readonly string[]) => CommandLine;
  /** Reload when a file under `dirs` changes. Default true. */
  watch?: boolean;
  /** The local server's identity. Default `emcee`. */
  info?: Implementation;
  /** The local server's instructions. */
  instructions?: string;
  /** How long calls in flight may keep a replaced child alive. Default 30 000 ms. */
  drainTimeoutMs?: number;
  /**
   * How many replaced children may wait for their calls in flight at once;
   * beyond it the oldest is stopped (its calls fail). Default 4.
   */
  maxDraining?: number;
  /** Longest wait for a child to load. Default 30 000 ms. */
  readyTimeoutMs?: number;
  /** Quiet time before changed files are reloaded. Default 50 ms. */
  debounceMs?: number;
  /** Receives every load and reload, the first included. */
  onReload?: (outcome: ReloadOutcome) => void;
  /** Receives what tool code writes to stderr. Default: our stderr. */
  onOutput?: (line: string) => void;
  /** Receives watcher and shutdown errors. Default `console.error`. */
  onError?: (error: unknown) => void;
}

/** Running, reloadable tools. */
export interface ToolSupervisor {
  /** The local server: serve it on any transport. */
  readonly server: McpServer;
  /** The generation being served, from 1. */
  readonly generation: number;
  /** What the served generation could not load. */
  readonly problems: readonly ToolProblem[];
  /**
   * Reloads now. Reloads asked for while one runs are folded into one more
   * after it; resolves with the outcome of the last.
   */
  reload(): Promise<ReloadOutcome>;
  /** Stops watching, ends the local server and stops every child. */
  close(): Promise<void>;
}

function ignoredChange(change: FileChange): boolean {
  const name = baseName(change.path);
  // Editors' swap and backup files, and hidden files, are not tool code.
  return name.startsWith(".") || name.endsWith("~") || /\.sw[a-p]$/.test(name) ||
    /[\\/](node_modules|\.git)[\\/]/.test(change.path);
}

/**
 * Loads the tools in a child process and serves them through a local
 * server that follows every reload.
 *
 * @example
 * ```ts
 * import { superviseTools } from "./tool_supervisor.ts";
 * import { scriptCommand } from "../runtime/mod.ts";
 * import { serveStdio } from "../transports/stdio/server.ts";
 * const tools = await superviseTools({
 *   dirs: ["tools"],
 *   hostCommand: (dirs) => scriptCommand("cli/main.ts", ["__tool-host", ...dirs]),
 *   onReload: (outcome) => console.error(outcome),
 * });
 * await serveStdio(tools.server);
 * ```
 */
export async function superviseTools(options: ToolSupervisorOptions): Promise<ToolSupervisor> {
  const onError = options.onError ?? console.error;
  const drainMs = options.drainTimeoutMs ?? 30_000;
  const maxDraining = options.maxDraining ?? 4;
  const startChild = (): Promise<ToolChild> =>
    startToolChild(options.hostCommand(options.dirs), {
      readyTimeoutMs: options.readyTimeoutMs,
      onOutput: options.onOutput,
    });

  const started = Date.now();
  let current = await startChild();
  let generation = 1;
  options.onReload?.({
    ok: true,
    generation,
    counts: current.counts,
    problems: current.problems,
    ms: Date.now() - started,
  });
  let proxy: ProxyServer;
  try {
    proxy = await createProxyServer(current.client, {
      info: options.info ?? { name: "emcee", version: "0.1.0" },
      server: { instructions: options.instructions },
      onWarning: (message) => onError(new Error(message)),
    });
  } catch (error) {
    await current.close();
    throw error;
  }

  // A replaced child lives on only while calls it started are in flight, for at most
  // `drainMs`, and no more than `maxDraining` of them at once (the oldest go first).
  const draining: { child: ToolChild; stop: () => Promise<void> }[] = [];
  const retire = (child: ToolChild, drained: Promise<void>): void => {
    let stopping: Promise<void> | undefined;
    const entry = {
      child,
      stop: () =>
        stopping ??= (async () => {
          const at = draining.indexOf(entry);
          if (at >= 0) draining.splice(at, 1);
          await child.close().catch(onError);
        })(),
    };
    draining.push(entry);
    while (draining.length > maxDraining) void draining[0].stop();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const bound = new Promise<void>((resolve) => (timer = backgroundTimeout(resolve, drainMs)));
    Promise.race([drained, bound]).then(() => {
      clearTimeout(timer);
      return entry.stop();
    });
  };

  const reloadOnce = async (): Promise<ReloadOutcome> => {
    const begun = Date.now();
    let next: ToolChild;
    try {
      next = await startChild();
    } catch (error) {
      const failure = error instanceof Error ? error : new Error(String(error));
      return { ok: false, error: failure, ms: Date.now() - begun };
    }
    if (closed) {
      await next.close().catch(onError);
      return { ok: false, error: new Error("the server is closing"), ms: Date.now() - begun };
    }
    try {
      const { drained } = await proxy.replace(next.client);
      const old = current;
      current = next;
      generation++;
      retire(old, drained);
    } catch (error) {
      await next.close().catch(onError);
      const failure = new Error(`could not switch to the reloaded tools: ${String(error)}`, {
        cause: error,
      });
      return { ok: false, error: failure, ms: Date.now() - begun };
    }
    return {
      ok: true,
      generation,
      counts: next.counts,
      problems: next.problems,
      ms: Date.now() - begun,
    };
  };

  let closed = false;
  let running: Promise<ReloadOutcome> | undefined;
  let again = false;
  const reload = (): Promise<ReloadOutcome> => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let outcome: ReloadOutcome;
      do {
        again = false;
        outcome = await reloadOnce();
        if (!closed) options.onReload?.(outcome);
      } while (again && !closed);
      return outcome;
    })().finally(() => (running = undefined));
    return running;
  };

  const stopWatching = new AbortController();
  if (options.watch ?? true) {
    try {
      await watchPaths([...options.dirs], (changes) => {
        if (!changes.every(ignoredChange)) void reload();
      }, { signal: stopWatching.signal, debounceMs: options.debounceMs, onError });
    } catch (error) {
      await proxy.close();
      await current.close();
      throw error;
    }
  }

  return {
    server: proxy.server,
    get generation() {
      return generation;
    },
    get problems() {
      return current.problems;
    },
    reload,
    async close() {
      if (closed) return;
      closed = true;
      stopWatching.abort();
      await running?.catch(() => {});
      await proxy.close();
      await Promise.all([current.close().catch(onError), ...draining.map((entry) => entry.stop())]);
    },
  };
}
