/**
 * The Node adapter: `process` for the environment, arguments, exit, stdio and signals;
 * `node:child_process` and `node:http` (loaded only when used) for children, serving and the
 * keep-alive HTTP client (`node_http_client.ts`), and
 * `node:fs` for files (`node_fs.ts`). Bun reuses its process half (see `bun.ts`).
 *
 * @module
 */
import type { RuntimeAdapter, ShutdownSignal } from "./adapter.ts";
import type { ChildProcessExit, ChildProcessHandle, SpawnOptions } from "./child_process.ts";
import type { HttpHandler, HttpServerHandle, NativeServeOptions } from "./http.ts";
import { createNodeFileSystem } from "./node_fs.ts";
import { createNodeHttpFetch, type NodeHttpClientModule } from "./node_http_client.ts";
import {
  type NodeReadableLike,
  nodeReadableToWeb,
  type NodeWritableLike,
  nodeWritableToWeb,
  READ_AHEAD_BYTES,
} from "./node_streams.ts";
import { type ProcessStdio, serializeWrites } from "./stdio.ts";

/** The subset of Node's (and Bun's) `process` global that is used here. */
export interface NodeProcessLike {
  /** The environment, read live. */
  env: Record<string, string | undefined>;
  /** The executable, the script (absent when evaluating code), then the user's arguments. */
  argv: string[];
  /** The runtime's own options, e.g. `["-e", "code"]`. */
  execArgv: string[];
  /** Standard input. */
  stdin: NodeReadableLike;
  /** Standard output. */
  stdout: NodeWritableLike;
  /** Standard error. */
  stderr: NodeWritableLike;
  /** Ends the process. */
  exit(code: number): never;
  /** Synchronous access to a builtin module (Node >= 20.16, Bun, Deno). */
  getBuiltinModule?(id: string): unknown;
  /** The working directory. */
  cwd?(): string;
  /** Adds a listener, here for signals. */
  on?(event: string, listener: () => void): unknown;
  /** Removes a listener added with `on`. */
  off?(event: string, listener: () => void): unknown;
}

interface NodeChildProcessLike {
  pid?: number;
  stdin: NodeWritableLike;
  stdout: NodeReadableLike;
  stderr: NodeReadableLike | null;
  exitCode: number | null;
  signalCode: string | null;
  on(event: string, listener: (...args: never[]) => void): unknown;
  kill(signal?: string): boolean;
}

interface NodeChildProcessModule {
  spawn(
    command: string,
    args: string[],
    options: {
      cwd?: string;
      env?: Record<string, string>;
      stdio: ["pipe", "pipe", "pipe" | "inherit" | "ignore"];
      windowsHide: boolean;
    },
  ): NodeChildProcessLike;
}

/** Options that make Node and Bun evaluate code given on the command line instead of a script. */
const EVAL_OPTION = /^(-e|-p|-pe|-ep|--eval|--print)(=|$)/;

/**
 * The user's arguments: `argv` minus the executable and the script. Code evaluated with `-e` or
 * `-p` has no script entry in `argv`, so only the executable is dropped then.
 */
export function userArguments(argv: readonly string[], execArgv: readonly string[]): string[] {
  const evaluating = execArgv.some((option) => EVAL_OPTION.test(option));
  return argv.slice(evaluating ? 1 : 2);
}

function missingProcess(): Error {
  return new Error("This operation needs Deno, Bun or Node; no `process` global was found");
}

function processStdio(process: NodeProcessLike): ProcessStdio {
  return {
    readable: nodeReadableToWeb(process.stdin, {
      onCancel: "destroy",
      // Read stdin only on demand: buffered-ahead input would be lost to a later reader.
      highWaterMark: 0,
    }),
    write: serializeWrites((bytes) =>
      new Promise<void>((resolve, reject) => {
        process.stdout.write(bytes, (error) => (error ? reject(error) : resolve()));
      })
    ),
    writeError(text: string): void {
      process.stderr.write(text);
    },
  };
}

function spawnChild(
  process: NodeProcessLike,
  command: string,
  args: string[],
  options: SpawnOptions,
): ChildProcessHandle {
  // Synchronous, import-free access to a builtin, because spawning must hand back a handle
  // without awaiting a dynamic import.
  const childProcess = process.getBuiltinModule?.("node:child_process") as
    | NodeChildProcessModule
    | undefined;
  if (childProcess === undefined) {
    throw new Error("spawnProcess needs process.getBuiltinModule (Node >= 20.16)");
  }
  const stderr = options.stderr ?? "inherit";
  const child = childProcess.spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["pipe", "pipe", stderr],
    windowsHide: true,
  });
  const exited = new Promise<ChildProcessExit>((resolve, reject) => {
    let started = false;
    child.on("spawn", () => (started = true));
    child.on("error", (error: Error) => {
      if (!started) reject(error);
    });
    child.on("exit", (code: number | null, signal: string | null) => resolve({ code, signal }));
  });
  exited.catch(() => {});
  const pipe = { onCancel: "destroy", highWaterMark: READ_AHEAD_BYTES } as const;
  return {
    stdin: nodeWritableToWeb(child.stdin),
    stdout: nodeReadableToWeb(child.stdout, pipe),
    stderr: child.stderr ? nodeReadableToWeb(child.stderr, pipe) : undefined,
    pid: child.pid,
    exited,
    kill(signal = "SIGTERM"): void {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/**
 * The adapter for Node, over its `process` global. Without one (an edge runtime), the
 * environment reads as empty, there are no arguments, and everything else throws.
 */
export function createNodeAdapter(process: NodeProcessLike | undefined): RuntimeAdapter {
  let stdoutErrorsObserved = false;
  const requireProcess = (): NodeProcessLike => {
    if (process === undefined) throw missingProcess();
    return process;
  };
  return {
    name: "node",
    env: (name: string): string | undefined => process?.env[name],
    environment(): Record<string, string> {
      const copy: Record<string, string> = {};
      for (const [name, value] of Object.entries(process?.env ?? {})) {
        if (value !== undefined) copy[name] = value;
      }
      return copy;
    },
    args: (): string[] => (process ? userArguments(process.argv, process.execArgv) : []),
    exit: (code: number): never => requireProcess().exit(code),
    stdio(): ProcessStdio {
      const current = requireProcess();
      if (!stdoutErrorsObserved) {
        // A reader that went away (EPIPE) must reject pending writes, not crash the process
        // with an unhandled 'error' event; the write callbacks carry the error to the caller.
        stdoutErrorsObserved = true;
        current.stdout.on("error", () => {});
        current.stderr.on("error", () => {});
      }
      return processStdio(current);
    },
    spawn: (command: string, args: string[], options: SpawnOptions): ChildProcessHandle =>
      spawnChild(requireProcess(), command, args, options),
    fetch: createNodeHttpFetch(() =>
      process?.getBuiltinModule?.("node:http") as NodeHttpClientModule | undefined
    ),
    // The HTTP and WebSocket layers load on first use, so that a stdio server never loads them.
    serve: async (handler: HttpHandler, options: NativeServeOptions): Promise<HttpServerHandle> =>
      (await import("./node_serve.ts")).serveNodeHttp(handler, options),
    files: createNodeFileSystem((): string => {
      const current = requireProcess();
      if (current.cwd === undefined) throw missingProcess();
      return current.cwd();
    }),
    onSignal(signal: ShutdownSignal, listener: () => void): () => void {
      const current = requireProcess();
      if (current.on === undefined || current.off === undefined) throw missingProcess();
      current.on(signal, listener);
      return () => current.off?.(signal, listener);
    },
  };
}
