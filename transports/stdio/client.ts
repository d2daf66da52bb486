/**
 * The stdio client transport: spawns the server as a child process and speaks
 * newline-delimited JSON over its stdin and stdout, on Deno, Bun and Node.
 * Shutdown is polite first: close stdin, wait, SIGTERM, wait, SIGKILL.
 *
 * @module
 */
import type { Transport, TransportSink } from "../../protocol/transport.ts";
import type { ChildProcessExit, ChildProcessHandle } from "../../runtime/child_process.ts";
import { spawnProcess } from "../../runtime/runtime.ts";
import { createStreamTransport } from "../stream.ts";

/** What to start. */
export interface StdioServerParameters {
  /** The executable. */
  command: string;
  /** Its arguments. */
  args?: string[];
  /** The child's complete environment; inherits ours when absent. */
  env?: Record<string, string>;
  /** Working directory. */
  cwd?: string;
  /**
   * The child's stderr: passed through to ours (`"inherit"`, the default), captured
   * (`"capture"`, see {@link StdioClientTransport.stderrText}), or dropped (`"ignore"`).
   */
  stderr?: "inherit" | "capture" | "ignore";
  /**
   * Receives each line the child writes to stderr (without its newline; a line longer than
   * 64 KiB arrives in pieces). Implies capturing: stderr is piped, not passed through.
   */
  onStderrLine?: (line: string) => void;
}

/** Options for {@link createStdioClientTransport}. */
export interface StdioClientOptions {
  /** Grace period after closing stdin, and again after SIGTERM. Default 2000 ms. */
  shutdownGraceMs?: number;
  /** Longest line accepted from the server. Default 64 MiB. */
  maxLineBytes?: number;
}

/** The stdio client transport. */
export interface StdioClientTransport extends Transport {
  /** Discriminator for the client. */
  readonly kind: "stdio";
  /** The command line, for messages and the era cache. */
  readonly commandLine: readonly string[];
  /** The child's process id. */
  readonly pid: number | undefined;
  /** How the child ended, once it has. */
  readonly exit: ChildProcessExit | undefined;
  /** The captured tail of the child's stderr (with `stderr: "capture"`). */
  readonly stderrText: string;
  /** Why the connection ended, for error messages. */
  readonly closeReason: string | undefined;
}

const STDERR_TAIL = 8192;
const STDERR_LINE = 65536;

/** Feeds decoded stderr text to `listener` a line at a time; returns the feed. */
function lineSplitter(listener: (line: string) => void): (text: string, end?: boolean) => void {
  let pending = "";
  return (text, end = false) => {
    pending += text;
    let newline = pending.indexOf("\n");
    while (newline >= 0) {
      listener(pending.slice(0, newline).replace(/\r$/, ""));
      pending = pending.slice(newline + 1);
      newline = pending.indexOf("\n");
    }
    while (pending.length > STDERR_LINE) {
      listener(pending.slice(0, STDERR_LINE));
      pending = pending.slice(STDERR_LINE);
    }
    if (end && pending !== "") {
      listener(pending);
      pending = "";
    }
  };
}

function waitFor(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    promise.then(
      () => {
        clearTimeout(timer);
        resolve(true);
      },
      () => {
        clearTimeout(timer);
        resolve(true);
      },
    );
  });
}

/**
 * Spawns `parameters.command` and returns a transport over its stdio. The
 * child is started by `start`.
 *
 * @example
 * ```ts
 * import { createStdioClientTransport } from "./client.ts";
 * const transport = createStdioClientTransport({ command: "node", args: ["server.js"] });
 * ```
 */
export function createStdioClientTransport(
  parameters: StdioServerParameters,
  options: StdioClientOptions = {},
): StdioClientTransport {
  const grace = options.shutdownGraceMs ?? 2000;
  const args = parameters.args ?? [];
  let child: ChildProcessHandle | undefined;
  let inner: Transport | undefined;
  let exit: ChildProcessExit | undefined;
  let stderrText = "";
  let closeReason: string | undefined;
  let shuttingDown: Promise<void> | undefined;
  let writer: WritableStreamDefaultWriter<Uint8Array> | undefined;
  let sinkClosed: Promise<void> = Promise.resolve();

  const describeExit = (): string => {
    const how = exit === undefined
      ? "closed its output"
      : exit.signal !== null
      ? `was killed by ${exit.signal}`
      : `exited with code ${exit.code}`;
    const tail = stderrText.trim().split("\n").slice(-5).join("\n");
    return `server process ${parameters.command} ${how}${tail ? `; stderr: ${tail}` : ""}`;
  };

  const shutdown = (): Promise<void> => {
    shuttingDown ??= (async () => {
      if (!child) return;
      const exited = child.exited;
      try {
        await writer?.close();
      } catch {
        // stdin already closed by the child exiting.
      }
      if (await waitFor(exited, grace)) return;
      child.kill("SIGTERM");
      if (await waitFor(exited, grace)) return;
      child.kill("SIGKILL");
      await waitFor(exited, grace);
    })();
    return shuttingDown;
  };

  return {
    kind: "stdio",
    commandLine: [parameters.command, ...args],
    get pid() {
      return child?.pid;
    },
    get exit() {
      return exit;
    },
    get stderrText() {
      return stderrText;
    },
    get closeReason() {
      return closeReason;
    },
    start(sink: TransportSink) {
      const onLine = parameters.onStderrLine;
      const mode = onLine ? "capture" : parameters.stderr ?? "inherit";
      child = spawnProcess(parameters.command, args, {
        env: parameters.env,
        cwd: parameters.cwd,
        stderr: mode === "capture" ? "pipe" : mode,
      });
      const running = child;
      running.exited.then(
        (status) => (exit = status),
        (error) => {
          exit = { code: null, signal: null };
          stderrText += `\n${error instanceof Error ? error.message : String(error)}`;
        },
      );
      if (running.stderr) {
        (async () => {
          const decoder = new TextDecoder();
          const feed = onLine ? lineSplitter(onLine) : undefined;
          try {
            for await (const chunk of running.stderr!) {
              const text = decoder.decode(chunk, { stream: true });
              feed?.(text);
              stderrText = (stderrText + text).slice(-STDERR_TAIL);
            }
          } catch {
            // stderr closed with the process.
          }
          feed?.(decoder.decode(), true);
        })();
      }
      writer = running.stdin.getWriter();
      writer.closed.catch(() => {});
      const activeWriter = writer;
      inner = createStreamTransport({
        readable: running.stdout,
        write: (bytes) => activeWriter.write(bytes),
        close: () => shutdown(),
      }, { maxLineBytes: options.maxLineBytes });
      let markClosed!: () => void;
      sinkClosed = new Promise((resolve) => (markClosed = resolve));
      return inner.start({
        message: (incoming) => sink.message(incoming),
        close: () => {
          // Give the exit status a moment to arrive so the reason names it.
          waitFor(running.exited, 250).then(() => {
            closeReason ??= describeExit();
            sink.close();
            markClosed();
          });
        },
      });
    },
    send(message) {
      if (!inner) return Promise.reject(new Error("Transport not started"));
      return inner.send(message);
    },
    async close() {
      closeReason ??= "closed by the client";
      await inner?.close();
      await shutdown();
      await sinkClosed;
    },
  };
}
