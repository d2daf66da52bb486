/**
 * The Deno adapter: `Deno.env`, `Deno.args`, `Deno.stdin`/`stdout`/`stderr`, `Deno.Command`,
 * `Deno.serve`, `Deno.addSignalListener`, and the file system (`deno_fs.ts`).
 *
 * @module
 */
import type { RuntimeAdapter, ShutdownSignal } from "./adapter.ts";
import type { ChildProcessHandle, SpawnOptions } from "./child_process.ts";
import type { HttpHandler, HttpServerHandle, NativeServeOptions } from "./http.ts";
import { createDenoFileSystem, type DenoFileSystemLike } from "./deno_fs.ts";
import { type ProcessStdio, serializeWrites } from "./stdio.ts";
import type { DenoUpgradeWebSocket } from "./websocket/upgrade.ts";

interface DenoWriter {
  write(bytes: Uint8Array): Promise<number>;
  writeSync(bytes: Uint8Array): number;
}

interface DenoCommandStatus {
  code: number;
  signal: string | null;
}

interface DenoChild {
  pid: number;
  stdin: WritableStream<Uint8Array>;
  stdout: ReadableStream<Uint8Array>;
  stderr: ReadableStream<Uint8Array>;
  status: Promise<DenoCommandStatus>;
  kill(signal?: "SIGTERM" | "SIGKILL" | "SIGINT"): void;
}

interface DenoCommandOptions {
  args: string[];
  cwd?: string;
  env?: Record<string, string>;
  clearEnv?: boolean;
  stdin: "piped";
  stdout: "piped";
  stderr: "piped" | "inherit" | "null";
}

/** A listening address as Deno reports it. */
export interface DenoNetAddr {
  hostname: string;
  port: number;
}

interface DenoHttpServer {
  addr: DenoNetAddr;
  shutdown(): Promise<void>;
  finished: Promise<void>;
}

interface DenoServeOptions {
  port: number;
  hostname: string;
  onListen(addr: DenoNetAddr): void;
  handler(request: Request, info?: { remoteAddr?: Partial<DenoNetAddr> }): Promise<Response>;
}

/** The subset of the `Deno` global that is used here. Declared locally: no Deno types needed. */
export interface DenoLike extends DenoFileSystemLike {
  /** Deno's versions; `version.deno` identifies Deno. */
  version: { deno: string };
  /** The user's arguments after the script. */
  args: string[];
  /** Standard input. */
  stdin: { readable: ReadableStream<Uint8Array> };
  /** Standard output. */
  stdout: DenoWriter;
  /** Standard error. */
  stderr: DenoWriter;
  /** The environment; `get` throws without `--allow-env`. */
  env: { get(name: string): string | undefined; toObject(): Record<string, string> };
  /** Ends the process. */
  exit(code: number): never;
  /** Describes a child process to spawn. */
  Command: new (command: string, options: DenoCommandOptions) => { spawn(): DenoChild };
  /** Starts an HTTP server. */
  serve(options: DenoServeOptions): DenoHttpServer;
  /** Upgrades a request of `serve` to a WebSocket. */
  upgradeWebSocket?: DenoUpgradeWebSocket;
  /** Listens for an operating-system signal. */
  addSignalListener(signal: ShutdownSignal, handler: () => void): void;
  /** Stops listening for a signal. */
  removeSignalListener(signal: ShutdownSignal, handler: () => void): void;
}

async function writeAllDeno(writer: DenoWriter, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await writer.write(bytes.subarray(offset));
}

function writeAllDenoSync(writer: DenoWriter, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += writer.writeSync(bytes.subarray(offset));
}

const encoder = new TextEncoder();

function processStdio(deno: DenoLike): ProcessStdio {
  return {
    readable: deno.stdin.readable,
    write: serializeWrites((bytes) => writeAllDeno(deno.stdout, bytes)),
    writeError(text: string): void {
      try {
        writeAllDenoSync(deno.stderr, encoder.encode(text));
      } catch {
        // stderr closed: logging is best effort.
      }
    },
  };
}

function spawnChild(
  deno: DenoLike,
  command: string,
  args: string[],
  options: SpawnOptions,
): ChildProcessHandle {
  const stderr = options.stderr ?? "inherit";
  const child = new deno.Command(command, {
    args,
    cwd: options.cwd,
    env: options.env,
    clearEnv: options.env !== undefined,
    stdin: "piped",
    stdout: "piped",
    stderr: stderr === "pipe" ? "piped" : stderr === "ignore" ? "null" : "inherit",
  }).spawn();
  let running = true;
  const exited = child.status.then((status) => {
    running = false;
    return { code: status.signal === null ? status.code : null, signal: status.signal };
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: stderr === "pipe" ? child.stderr : undefined,
    pid: child.pid,
    exited,
    kill(signal = "SIGTERM"): void {
      if (!running) return;
      try {
        child.kill(signal);
      } catch {
        // Already exited between the check and the call.
      }
    },
  };
}

/** The adapter for Deno, over its `Deno` global. */
export function createDenoAdapter(deno: DenoLike): RuntimeAdapter {
  return {
    name: "deno",
    env(name: string): string | undefined {
      try {
        return deno.env.get(name);
      } catch {
        return undefined; // No --allow-env: read as unset.
      }
    },
    environment(): Record<string, string> {
      try {
        return deno.env.toObject();
      } catch {
        return {}; // No --allow-env.
      }
    },
    args: (): string[] => [...deno.args],
    exit: (code: number): never => deno.exit(code),
    stdio: (): ProcessStdio => processStdio(deno),
    spawn: (command: string, args: string[], options: SpawnOptions): ChildProcessHandle =>
      spawnChild(deno, command, args, options),
    fetch: (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
      globalThis.fetch(input, init),
    // The HTTP and WebSocket layers load on first use, so that a stdio server never loads them.
    serve: async (handler: HttpHandler, options: NativeServeOptions): Promise<HttpServerHandle> =>
      (await import("./deno_serve.ts")).serveDenoHttp(deno, handler, options),
    files: createDenoFileSystem(deno),
    onSignal(signal: ShutdownSignal, listener: () => void): () => void {
      deno.addSignalListener(signal, listener);
      return () => deno.removeSignalListener(signal, listener);
    },
  };
}
