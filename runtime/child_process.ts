/**
 * A child process as every runtime adapter presents it: web-stream stdio, an exit promise and
 * `kill`.
 *
 * @module
 */

/** How a child process ended: an exit code, or the signal that killed it. */
export interface ChildProcessExit {
  /** Exit code, or `null` when the process was killed by a signal. */
  code: number | null;
  /** The terminating signal (e.g. `"SIGTERM"`), or `null` after a normal exit. */
  signal: string | null;
}

/** Options for `spawnProcess`. */
export interface SpawnOptions {
  /**
   * The child's complete environment. It replaces, not extends, the parent's environment;
   * omit it to inherit the parent's.
   */
  env?: Record<string, string>;
  /** Working directory for the child; defaults to the current one. */
  cwd?: string;
  /** What to do with the child's stderr; defaults to `"inherit"` (shown alongside ours). */
  stderr?: "inherit" | "pipe" | "ignore";
}

/** A running child process with web-stream stdio. */
export interface ChildProcessHandle {
  /** The child's stdin; close it to signal end-of-input. */
  stdin: WritableStream<Uint8Array>;
  /** The child's stdout. */
  stdout: ReadableStream<Uint8Array>;
  /** The child's stderr, only with `stderr: "pipe"`. Read or cancel it so the child never blocks. */
  stderr?: ReadableStream<Uint8Array>;
  /** The operating-system process id; `undefined` if the process could not be started. */
  pid: number | undefined;
  /** Settles when the process has ended; rejects if it could not be started. */
  exited: Promise<ChildProcessExit>;
  /**
   * Sends a signal (default `"SIGTERM"`; `"SIGINT"` is what Ctrl-C sends); does nothing if the
   * process already ended.
   */
  kill(signal?: "SIGTERM" | "SIGKILL" | "SIGINT"): void;
}

/**
 * A handle for a process that could not be started: its streams error and `exited` rejects with
 * `error`, as Node reports a failed spawn, so callers handle one shape on every runtime.
 */
export function failedChild(error: unknown): ChildProcessHandle {
  const exited = Promise.reject(error);
  exited.catch(() => {}); // The caller may never await it; avoid an unhandled rejection.
  return {
    stdin: new WritableStream({
      start(controller): void {
        controller.error(error);
      },
    }),
    stdout: new ReadableStream({
      start(controller): void {
        controller.error(error);
      },
    }),
    pid: undefined,
    exited,
    kill(): void {},
  };
}
