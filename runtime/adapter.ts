/**
 * The interface every runtime implements, and the detection that picks the one this process
 * runs on, once, when the module loads. Detection only inspects `globalThis`; the `node:*`
 * modules are loaded on the code paths that need them, so loading this on an edge runtime
 * (e.g. Cloudflare Workers) never fails.
 *
 * @module
 */
import { type BunLike, createBunAdapter } from "./bun.ts";
import type { ChildProcessHandle, SpawnOptions } from "./child_process.ts";
import { createDenoAdapter, type DenoLike } from "./deno.ts";
import type { FileSystemPort } from "./file_system.ts";
import type { HttpHandler, HttpServerHandle, NativeServeOptions } from "./http.ts";
import { createNodeAdapter, type NodeProcessLike } from "./node.ts";
import type { ProcessStdio } from "./stdio.ts";

/** The JavaScript runtimes emcee runs on. */
export type RuntimeName = "deno" | "bun" | "node";

/** The signals that ask a process to shut down. */
export type ShutdownSignal = "SIGINT" | "SIGTERM";

/** What emcee needs from a runtime; `runtime.ts` forwards its public functions here. */
export interface RuntimeAdapter {
  /** Which runtime this is. */
  readonly name: RuntimeName;
  /** An environment variable, or `undefined` if unset or unreadable. */
  env(name: string): string | undefined;
  /** The whole environment; empty where it cannot be read. */
  environment(): Record<string, string>;
  /** The user's arguments after the script. */
  args(): string[];
  /** Ends the process. */
  exit(code: number): never;
  /** The process's standard streams. */
  stdio(): ProcessStdio;
  /** Starts a child process; may throw where Node would report the failure asynchronously. */
  spawn(command: string, args: string[], options: SpawnOptions): ChildProcessHandle;
  /** Sends an HTTP request as `fetch` does, on the runtime's fastest client (`http_client.ts`). */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  /** Serves `handler` with the runtime's native HTTP server. */
  serve(
    handler: HttpHandler,
    options: NativeServeOptions,
  ): HttpServerHandle | Promise<HttpServerHandle>;
  /** File-system primitives; `files.ts` and `watch.ts` build on them. */
  readonly files: FileSystemPort;
  /**
   * Calls `listener` whenever the process receives `signal`, instead of the default (exiting);
   * returns a function that removes it. Throws where the signal cannot be listened for.
   */
  onSignal(signal: ShutdownSignal, listener: () => void): () => void;
}

/** The globals that tell the runtimes apart. */
export interface RuntimeGlobals {
  /** Present on Deno. */
  Deno?: unknown;
  /** Present on Bun. */
  Bun?: unknown;
  /** Present on Node, and as a compatibility layer on Deno and Bun. */
  process?: unknown;
}

/**
 * The adapter for the runtime whose globals are `globals`. Deno is checked first because it also
 * provides a Node-compatible `process`; anything that is neither Deno nor Bun is treated as Node.
 */
export function pickAdapter(globals: RuntimeGlobals): RuntimeAdapter {
  const deno = globals.Deno as DenoLike | undefined;
  if (typeof deno?.version?.deno === "string") return createDenoAdapter(deno);
  const process = globals.process as NodeProcessLike | undefined;
  const bun = globals.Bun as BunLike | undefined;
  if (typeof bun?.version === "string") return createBunAdapter(bun, process);
  return createNodeAdapter(process);
}

/** The adapter of the runtime running this process. */
export const currentAdapter: RuntimeAdapter = pickAdapter(globalThis as RuntimeGlobals);
