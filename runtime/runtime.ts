/**
 * The runtime-independent functions emcee uses wherever something differs between Deno, Bun
 * and Node: the environment, arguments, exiting, stdio, child processes and HTTP serving. Each
 * forwards to the adapter picked once when `adapter.ts` loaded.
 *
 * @module
 */
import { currentAdapter, type RuntimeName } from "./adapter.ts";
import { type ChildProcessHandle, failedChild, type SpawnOptions } from "./child_process.ts";
import {
  type HttpHandler,
  type HttpServerHandle,
  type ServeEngine,
  type ServeLimits,
  serveLimits,
} from "./http.ts";
import type { ProcessStdio } from "./stdio.ts";

/**
 * Names the runtime executing this code. Deno is recognised first because it also provides a
 * Node-compatible `process`; anything that is neither Deno nor Bun is treated as Node.
 *
 * @example
 * ```ts
 * import { runtimeName } from "./runtime.ts";
 * if (runtimeName() === "deno") console.error("running on Deno");
 * ```
 */
export function runtimeName(): RuntimeName {
  return currentAdapter.name;
}

/**
 * Reads an environment variable, or `undefined` if it is unset or unreadable (Deno without
 * `--allow-env`, or a runtime without a process environment).
 *
 * @example
 * ```ts
 * import { getEnv } from "./runtime.ts";
 * const port = Number(getEnv("PORT") ?? 3000);
 * ```
 */
export function getEnv(name: string): string | undefined {
  return currentAdapter.env(name);
}

/**
 * A copy of the whole environment (empty where it cannot be read): what a child process
 * inherits, to extend with `{ ...environment(), EXTRA: "1" }` when `spawnProcess` is given
 * an `env`, which replaces the environment.
 *
 * @example
 * ```ts
 * import { environment, spawnProcess } from "./runtime.ts";
 * spawnProcess("node", ["server.js"], { env: { ...environment(), DEBUG: "1" } });
 * ```
 */
export function environment(): Record<string, string> {
  return currentAdapter.environment();
}

/**
 * The user's command-line arguments: what follows the script (`node server.ts --stdio`,
 * `deno run -A server.ts --stdio`, `bun server.ts --stdio` all give `["--stdio"]`), or what
 * follows the code given to `-e`. Empty on a runtime without a process (an edge runtime).
 * Each call returns a fresh array.
 *
 * @example
 * ```ts
 * import { args } from "./runtime.ts";
 * const stdioMode = args().includes("--stdio");
 * ```
 */
export function args(): string[] {
  return currentAdapter.args();
}

/**
 * Ends the current process immediately with `code`.
 *
 * @example
 * ```ts
 * import { exitProcess, getEnv } from "./runtime.ts";
 * if (!getEnv("API_KEY")) exitProcess(1);
 * ```
 */
export function exitProcess(code: number): never {
  return currentAdapter.exit(code);
}

/**
 * The process's stdin, stdout and stderr; call it once per process, since stdin has one reader.
 * Stdin is read on demand and ends at end-of-file; once it has ended (or been cancelled) and
 * pending writes are done, nothing keeps the process alive.
 *
 * @example
 * ```ts
 * import { stdio } from "./runtime.ts";
 * const io = stdio();
 * for await (const chunk of io.readable) await io.write(chunk); // echo
 * io.writeError("stdin closed\n");
 * ```
 */
export function stdio(): ProcessStdio {
  return currentAdapter.stdio();
}

/**
 * Starts `command` with `args` and pipes its stdin and stdout as web streams. Start-up failures
 * (such as a missing executable) reject `exited` and error the streams on every runtime.
 *
 * To shut a child down politely: close `stdin`, wait, `kill("SIGTERM")`, wait, `kill("SIGKILL")`.
 *
 * @example
 * ```ts
 * import { spawnProcess } from "./runtime.ts";
 * const child = spawnProcess("npx", ["-y", "@modelcontextprotocol/server-everything"]);
 * const writer = child.stdin.getWriter();
 * await writer.write(new TextEncoder().encode('{"jsonrpc":"2.0","id":1,"method":"ping"}\n'));
 * await writer.close();
 * console.log(await child.exited); // { code: 0, signal: null }
 * ```
 */
export function spawnProcess(
  command: string,
  args: string[],
  options: SpawnOptions = {},
): ChildProcessHandle {
  try {
    return currentAdapter.spawn(command, args, options);
  } catch (error) {
    // Deno and Bun throw synchronously where Node reports asynchronously; normalise to Node's.
    return failedChild(error);
  }
}

/** Options for {@linkcode serveHttp}; the limits default as {@linkcode ServeLimits} says. */
export interface ServeHttpOptions extends Partial<ServeLimits> {
  /** TCP port; `0` (the default) picks a free one, reported in the result. */
  port?: number;
  /** Interface to bind; defaults to `127.0.0.1` so nothing is exposed by accident. */
  hostname?: string;
  /** Aborting it closes the server, like calling `close()`. */
  signal?: AbortSignal;
  /** Called once the server listens, with the actual address. */
  onListen?: (address: { hostname: string; port: number }) => void;
  /** Receives errors thrown by the handler (answered with 500); defaults to `console.error`. */
  onError?: (error: unknown) => void;
  /**
   * `"guarded"` (the default) serves with the limits; `"native"` runs `Deno.serve`, `Bun.serve`
   * or `node:http` without our connection guard: faster on Bun, for a server behind a
   * reverse proxy that enforces its own limits ({@linkcode ServeEngine}).
   */
  engine?: ServeEngine;
}

/**
 * Serves `handler` over HTTP/1.1 on Deno and Bun (our own server on `Deno.listen` or
 * `Bun.listen`) and Node (`node:http`), with head and body deadlines and a connection cap ({@linkcode ServeLimits}) so
 * that clients that never finish a request cannot stop it answering others; behind a reverse
 * proxy that enforces its own limits, `engine: "native"` serves with `Deno.serve` or `Bun.serve`.
 * Responses stream: each chunk of a body (e.g. each SSE event) is sent as soon as it is
 * produced. `request.signal` aborts when the client disconnects.
 *
 * @example
 * ```ts
 * import { serveHttp } from "./runtime.ts";
 * const server = await serveHttp((request) => Response.json({ path: new URL(request.url).pathname }), {
 *   port: 0,
 * });
 * console.error(`listening on ${server.url}`);
 * await server.close();
 * ```
 */
export async function serveHttp(
  handler: HttpHandler,
  options: ServeHttpOptions = {},
): Promise<HttpServerHandle> {
  options.signal?.throwIfAborted();
  const server = await currentAdapter.serve(handler, {
    port: options.port ?? 0,
    hostname: options.hostname ?? "127.0.0.1",
    onError: options.onError ?? console.error,
    engine: options.engine ?? "guarded",
    ...serveLimits(options),
  });
  options.signal?.addEventListener("abort", () => void server.close(), { once: true });
  options.onListen?.({ hostname: server.hostname, port: server.port });
  return server;
}
