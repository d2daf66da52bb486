/**
 * The Bun adapter: `Bun.spawn` and `Bun.serve` for children and serving; everything else
 * through Bun's Node-compatible `process`, which implements Node's stream semantics (including
 * backpressure callbacks) faithfully.
 *
 * @module
 */
import type { RuntimeAdapter } from "./adapter.ts";
import type { ChildProcessHandle, SpawnOptions } from "./child_process.ts";
import type { HttpHandler, HttpServerHandle, NativeServeOptions } from "./http.ts";
import { createNodeAdapter, type NodeProcessLike } from "./node.ts";
import type { BunFetch, BunWebSocketHandlers } from "./websocket/bun_upgrade.ts";

interface BunFileSink {
  write(bytes: Uint8Array): number;
  flush(): number | Promise<number>;
  end(): number | Promise<number>;
}

interface BunSubprocess {
  pid: number;
  stdin: BunFileSink;
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array> | number | undefined;
  exited: Promise<number>;
  exitCode: number | null;
  signalCode: string | null;
  kill(signal?: "SIGTERM" | "SIGKILL" | "SIGINT"): void;
}

/** What `Bun.serve` returns, as far as it is used. */
export interface BunServer {
  hostname: string;
  port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

/** The subset of the `Bun` global that is used here. Declared locally: no Bun types needed. */
export interface BunLike {
  /** Bun's version; its presence identifies Bun. */
  version: string;
  /** Starts a child process. */
  spawn(
    command: string[],
    options: {
      cwd?: string;
      env?: Record<string, string>;
      stdin: "pipe";
      stdout: "pipe";
      stderr: "pipe" | "inherit" | "ignore";
    },
  ): BunSubprocess;
  /** Starts an HTTP server. */
  serve(options: {
    port: number;
    hostname: string;
    idleTimeout: number;
    fetch: BunFetch;
    websocket: BunWebSocketHandlers;
  }): BunServer;
}

/** Bun's stdin is a FileSink; present it as a WritableStream that waits for each flush. */
function bunSinkToWeb(sink: BunFileSink): WritableStream<Uint8Array> {
  return new WritableStream<Uint8Array>({
    async write(chunk): Promise<void> {
      sink.write(chunk);
      await sink.flush();
    },
    async close(): Promise<void> {
      await sink.end();
    },
    async abort(): Promise<void> {
      await sink.end();
    },
  });
}

function spawnChild(
  bun: BunLike,
  command: string,
  args: string[],
  options: SpawnOptions,
): ChildProcessHandle {
  const stderr = options.stderr ?? "inherit";
  const child = bun.spawn([command, ...args], {
    cwd: options.cwd,
    env: options.env,
    stdin: "pipe",
    stdout: "pipe",
    stderr,
  });
  let running = true;
  const exited = child.exited.then(() => {
    running = false;
    return { code: child.signalCode === null ? child.exitCode : null, signal: child.signalCode };
  });
  return {
    stdin: bunSinkToWeb(child.stdin),
    stdout: child.stdout,
    stderr: child.stderr instanceof ReadableStream ? child.stderr : undefined,
    pid: child.pid,
    exited,
    kill(signal = "SIGTERM"): void {
      if (running) child.kill(signal);
    },
  };
}

/** The adapter for Bun, over its `Bun` and `process` globals. */
export function createBunAdapter(
  bun: BunLike,
  process: NodeProcessLike | undefined,
): RuntimeAdapter {
  return {
    ...createNodeAdapter(process),
    name: "bun",
    spawn: (command: string, args: string[], options: SpawnOptions): ChildProcessHandle =>
      spawnChild(bun, command, args, options),
    // Bun's own `fetch` is fast; the `node:http` client of the Node half would only add a layer.
    fetch: (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
      globalThis.fetch(input, init),
    // The HTTP and WebSocket layers load on first use, so that a stdio server never loads them.
    serve: async (handler: HttpHandler, options: NativeServeOptions): Promise<HttpServerHandle> =>
      (await import("./bun_serve.ts")).serveBunHttp(bun, handler, options),
  };
}
