/**
 * The one place where emcee touches anything runtime-specific: process stdio, child processes,
 * HTTP serving, environment variables and exiting. Deno, Bun and Node are detected through
 * `globalThis`; `node:*` modules are loaded only on the code path that needs them, so importing
 * this module on an edge runtime (e.g. Cloudflare Workers) never fails.
 *
 * @module
 */

/** The JavaScript runtimes emcee runs on. */
export type RuntimeName = "deno" | "bun" | "node";

// ---------------------------------------------------------------------------------------------
// Narrow views of the runtime globals. Declared locally so this file type-checks without
// runtime-specific type packages, and so nothing is assumed beyond what is used.

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
  kill(signal?: "SIGTERM" | "SIGKILL"): void;
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

interface DenoNetAddr {
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
  handler(request: Request): Promise<Response>;
}

interface DenoLike {
  version: { deno: string };
  stdin: { readable: ReadableStream<Uint8Array> };
  stdout: DenoWriter;
  stderr: DenoWriter;
  env: { get(name: string): string | undefined };
  exit(code: number): never;
  Command: new (command: string, options: DenoCommandOptions) => { spawn(): DenoChild };
  serve(options: DenoServeOptions): DenoHttpServer;
}

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
  kill(signal?: "SIGTERM" | "SIGKILL"): void;
}

interface BunServer {
  hostname: string;
  port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}

interface BunLike {
  version: string;
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
  serve(options: {
    port: number;
    hostname: string;
    idleTimeout: number;
    fetch(request: Request): Promise<Response>;
  }): BunServer;
}

/** The subset of a Node readable stream (stdin, child stdout, request body) that is used here. */
interface NodeReadableLike {
  on(event: string, listener: (...args: never[]) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  destroy(error?: Error): unknown;
}

/** The subset of a Node writable stream (stdout, child stdin) that is used here. */
interface NodeWritableLike {
  on(event: string, listener: (...args: never[]) => void): unknown;
  write(chunk: Uint8Array | string, callback?: (error?: Error | null) => void): boolean;
  end(): unknown;
  destroy(error?: Error): unknown;
  readonly destroyed: boolean;
  readonly writableFinished: boolean;
}

interface NodeProcessLike {
  env: Record<string, string | undefined>;
  execPath: string;
  stdin: NodeReadableLike;
  stdout: NodeWritableLike;
  stderr: NodeWritableLike;
  exit(code: number): never;
  getBuiltinModule?(id: string): unknown;
}

function denoGlobal(): DenoLike | undefined {
  const deno = (globalThis as unknown as { Deno?: DenoLike }).Deno;
  return typeof deno?.version?.deno === "string" ? deno : undefined;
}

function bunGlobal(): BunLike | undefined {
  const bun = (globalThis as unknown as { Bun?: BunLike }).Bun;
  return typeof bun?.version === "string" ? bun : undefined;
}

function nodeProcess(): NodeProcessLike {
  const process = (globalThis as unknown as { process?: NodeProcessLike }).process;
  if (process === undefined) {
    throw new Error("This operation needs Deno, Bun or Node; no `process` global was found");
  }
  return process;
}

/**
 * Names the runtime executing this code. Deno is checked first because it also provides a
 * Node-compatible `process`; anything that is neither Deno nor Bun is treated as Node.
 *
 * @example
 * ```ts
 * if (runtimeName() === "deno") console.error("running on Deno");
 * ```
 */
export function runtimeName(): RuntimeName {
  if (denoGlobal()) return "deno";
  if (bunGlobal()) return "bun";
  return "node";
}

/**
 * Reads an environment variable, or `undefined` if it is unset or unreadable (Deno without
 * `--allow-env`, or a runtime without a process environment).
 *
 * @example
 * ```ts
 * const port = Number(getEnv("PORT") ?? 3000);
 * ```
 */
export function getEnv(name: string): string | undefined {
  const deno = denoGlobal();
  if (deno) {
    try {
      return deno.env.get(name);
    } catch {
      return undefined;
    }
  }
  return (globalThis as unknown as { process?: NodeProcessLike }).process?.env[name];
}

/**
 * Ends the current process immediately with `code`.
 *
 * @example
 * ```ts
 * if (!getEnv("API_KEY")) exitProcess(1);
 * ```
 */
export function exitProcess(code: number): never {
  const deno = denoGlobal();
  if (deno) return deno.exit(code);
  return nodeProcess().exit(code);
}

// ---------------------------------------------------------------------------------------------
// Stream bridges for Node-style streams (also used on Bun for its Node-compatible process stdio).

function asUint8Array(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) {
    // A plain view: Node Buffers are Uint8Array subclasses with different `slice` semantics.
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  return new TextEncoder().encode(String(chunk));
}

/** Bytes buffered ahead of the consumer for pipes and request bodies. */
const READ_AHEAD_BYTES = 64 * 1024;

/**
 * Wraps a Node readable as a web stream that pauses the source when the consumer falls behind,
 * ends at `end`, and errors if the source closes without ending (e.g. a client disconnect).
 * Nothing is read before the first `pull`, so an unread stream never holds the process open.
 */
function nodeReadableToWeb(
  source: NodeReadableLike,
  options: { onCancel: "destroy" | "drain"; highWaterMark: number },
): ReadableStream<Uint8Array> {
  let settled = false;
  let listening = false;
  const listen = (controller: ReadableStreamDefaultController<Uint8Array>): void => {
    listening = true;
    source.on("data", (chunk: unknown) => {
      if (settled) return;
      controller.enqueue(asUint8Array(chunk));
      if ((controller.desiredSize ?? 0) <= 0) source.pause();
    });
    source.on("end", () => {
      if (settled) return;
      settled = true;
      controller.close();
    });
    source.on("error", (error: Error) => {
      if (settled) return;
      settled = true;
      controller.error(error);
    });
    source.on("close", () => {
      if (settled) return;
      settled = true;
      controller.error(new Error("Stream closed before it ended"));
    });
  };
  return new ReadableStream<Uint8Array>({
    pull(controller): void {
      if (!listening) listen(controller);
      source.resume();
    },
    cancel(): void {
      settled = true;
      // Draining lets Node finish an HTTP request cleanly; destroying releases stdin/pipes.
      if (options.onCancel === "destroy") source.destroy();
      else source.resume();
    },
  }, {
    highWaterMark: options.highWaterMark,
    size: (chunk: Uint8Array): number => chunk.byteLength,
  });
}

/** Wraps a Node writable as a web stream whose writes settle once Node accepted the bytes. */
function nodeWritableToWeb(target: NodeWritableLike): WritableStream<Uint8Array> {
  // Errors also arrive through write/end callbacks; without a listener Node would throw them.
  target.on("error", () => {});
  return new WritableStream<Uint8Array>({
    write(chunk): Promise<void> {
      return new Promise((resolve, reject) => {
        target.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
    },
    close(): Promise<void> {
      // `end(callback)` never calls back on an already-destroyed stream (e.g. the child exited),
      // so settle on whichever of finish/close/error comes first.
      if (target.destroyed || target.writableFinished) return Promise.resolve();
      return new Promise((resolve) => {
        target.on("finish", () => resolve());
        target.on("close", () => resolve());
        target.on("error", () => resolve());
        target.end();
      });
    },
    abort(reason): void {
      target.destroy(reason instanceof Error ? reason : undefined);
    },
  });
}

// ---------------------------------------------------------------------------------------------
// stdio

/** The current process's standard streams, as used by the stdio transport. */
export interface ProcessStdio {
  /** Standard input; ends when stdin reaches end-of-file. Cancel it to stop reading early. */
  readable: ReadableStream<Uint8Array>;
  /** Writes to standard output; calls are written in call order and settle once accepted. */
  write(bytes: Uint8Array): Promise<void>;
  /** Writes a log line (or any text) to standard error, best effort and without waiting. */
  writeError(text: string): void;
}

/** Chains writes so they reach the output in call order even when callers do not await. */
function serializeWrites(
  writeOnce: (bytes: Uint8Array) => Promise<void>,
): (bytes: Uint8Array) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (bytes: Uint8Array): Promise<void> => {
    const result = tail.then(() => writeOnce(bytes));
    tail = result.catch(() => {});
    return result;
  };
}

async function writeAllDeno(writer: DenoWriter, bytes: Uint8Array): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) offset += await writer.write(bytes.subarray(offset));
}

function writeAllDenoSync(writer: DenoWriter, bytes: Uint8Array): void {
  let offset = 0;
  while (offset < bytes.length) offset += writer.writeSync(bytes.subarray(offset));
}

let stdoutErrorsObserved = false;

/**
 * The process's stdin, stdout and stderr; call it once per process, since stdin has one reader.
 * Stdin is read on demand and ends at end-of-file; once it has ended (or been cancelled) and
 * pending writes are done, nothing keeps the process alive.
 *
 * @example
 * ```ts
 * const io = stdio();
 * for await (const chunk of io.readable) await io.write(chunk); // echo
 * io.writeError("stdin closed\n");
 * ```
 */
export function stdio(): ProcessStdio {
  const deno = denoGlobal();
  if (deno) {
    return {
      readable: deno.stdin.readable,
      write: serializeWrites((bytes) => writeAllDeno(deno.stdout, bytes)),
      writeError(text: string): void {
        try {
          writeAllDenoSync(deno.stderr, new TextEncoder().encode(text));
        } catch {
          // stderr closed: logging is best effort.
        }
      },
    };
  }
  // Bun implements Node's process streams faithfully (including backpressure callbacks), so
  // Node and Bun share this path.
  const process = nodeProcess();
  if (!stdoutErrorsObserved) {
    // A reader that went away (EPIPE) must reject pending writes, not crash the process with an
    // unhandled 'error' event; the write callbacks below carry the error to the caller.
    stdoutErrorsObserved = true;
    process.stdout.on("error", () => {});
    process.stderr.on("error", () => {});
  }
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

// ---------------------------------------------------------------------------------------------
// Child processes

/** How a child process ended: an exit code, or the signal that killed it. */
export interface ChildProcessExit {
  /** Exit code, or `null` when the process was killed by a signal. */
  code: number | null;
  /** The terminating signal (e.g. `"SIGTERM"`), or `null` after a normal exit. */
  signal: string | null;
}

/** Options for {@linkcode spawnProcess}. */
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
  /** Sends a signal (default `"SIGTERM"`); does nothing if the process already ended. */
  kill(signal?: "SIGTERM" | "SIGKILL"): void;
}

function failedChild(error: unknown): ChildProcessHandle {
  const failing = (): ReadableStream<Uint8Array> =>
    new ReadableStream({
      start(controller): void {
        controller.error(error);
      },
    });
  const exited = Promise.reject(error);
  exited.catch(() => {}); // The caller may never await it; avoid an unhandled rejection.
  return {
    stdin: new WritableStream({
      start(controller): void {
        controller.error(error);
      },
    }),
    stdout: failing(),
    pid: undefined,
    exited,
    kill(): void {},
  };
}

function spawnDeno(
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

function spawnBun(
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

function spawnNode(command: string, args: string[], options: SpawnOptions): ChildProcessHandle {
  const process = nodeProcess();
  // Synchronous, import-free access to a builtin (Node >= 20.16; Bun and Deno have it too),
  // because spawning must hand back a handle without awaiting a dynamic import.
  const childProcess = process.getBuiltinModule?.("node:child_process") as
    | NodeChildProcessModule
    | undefined;
  if (childProcess === undefined) {
    return failedChild(new Error("spawnProcess needs process.getBuiltinModule (Node >= 20.16)"));
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
  return {
    stdin: nodeWritableToWeb(child.stdin),
    stdout: nodeReadableToWeb(child.stdout, {
      onCancel: "destroy",
      highWaterMark: READ_AHEAD_BYTES,
    }),
    stderr: child.stderr
      ? nodeReadableToWeb(child.stderr, { onCancel: "destroy", highWaterMark: READ_AHEAD_BYTES })
      : undefined,
    pid: child.pid,
    exited,
    kill(signal = "SIGTERM"): void {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    },
  };
}

/**
 * Starts `command` with `args` and pipes its stdin and stdout as web streams. Start-up failures
 * (such as a missing executable) reject `exited` and error the streams on every runtime.
 *
 * To shut a child down politely: close `stdin`, wait, `kill("SIGTERM")`, wait, `kill("SIGKILL")`.
 *
 * @example
 * ```ts
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
  const deno = denoGlobal();
  const bun = bunGlobal();
  try {
    if (deno) return spawnDeno(deno, command, args, options);
    if (bun) return spawnBun(bun, command, args, options);
    return spawnNode(command, args, options);
  } catch (error) {
    // Deno and Bun throw synchronously where Node reports asynchronously; normalise to Node's.
    return failedChild(error);
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP serving

/** A web-standard request handler. */
export type HttpHandler = (request: Request) => Promise<Response> | Response;

/** Options for {@linkcode serveHttp}. */
export interface ServeHttpOptions {
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
}

/** A listening HTTP server started by {@linkcode serveHttp}. */
export interface HttpServerHandle {
  /** The bound hostname. */
  hostname: string;
  /** The bound port (the real one when `0` was requested). */
  port: number;
  /** Base URL without trailing slash, e.g. `http://127.0.0.1:8080`. */
  url: string;
  /** Stops listening and ends open connections, including long-lived streams. Idempotent. */
  close(): Promise<void>;
}

function internalServerError(): Response {
  return new Response("Internal Server Error", {
    status: 500,
    headers: { "content-type": "text/plain; charset=utf-8" },
  });
}

/** Runs the handler so that a throw becomes a 500 instead of a runtime-specific error page. */
function guardHandler(
  handler: HttpHandler,
  onError: (error: unknown) => void,
): (request: Request) => Promise<Response> {
  return async (request: Request): Promise<Response> => {
    try {
      return await handler(request);
    } catch (error) {
      onError(error);
      return internalServerError();
    }
  };
}

function formatUrl(hostname: string, port: number): string {
  return `http://${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

function once(action: () => Promise<void>): () => Promise<void> {
  let result: Promise<void> | undefined;
  return (): Promise<void> => (result ??= action());
}

interface ResponseBodyHooks {
  /** The handler's body ended by itself: the response is complete. */
  onComplete(): void;
  /** The body was cancelled by the runtime (client gone) or ended by server shutdown. */
  onAbandoned(): void;
}

/**
 * Re-wraps a response body so that the server can end it on shutdown (Deno's graceful
 * `shutdown()` waits for every response, which a long-lived SSE stream never finishes) and so
 * that completion and abandonment can be told apart.
 */
function trackedResponse(
  response: Response,
  openBodies: Set<() => void>,
  hooks: ResponseBodyHooks,
): Response {
  if (response.body === null) {
    hooks.onComplete();
    return response;
  }
  const reader = response.body.getReader();
  let end = (): void => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller): void {
      end = (): void => {
        openBodies.delete(end);
        hooks.onAbandoned();
        try {
          controller.close();
        } catch {
          // Already closed or errored.
        }
        reader.cancel().catch(() => {});
      };
      openBodies.add(end);
    },
    async pull(controller): Promise<void> {
      try {
        const { done, value } = await reader.read();
        if (done) {
          openBodies.delete(end);
          hooks.onComplete();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        openBodies.delete(end);
        try {
          controller.error(error);
        } catch {
          // Ended meanwhile.
        }
      }
    },
    cancel(reason): Promise<void> {
      openBodies.delete(end);
      hooks.onAbandoned();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

function serveDeno(
  deno: DenoLike,
  handler: (request: Request) => Promise<Response>,
  port: number,
  hostname: string,
): HttpServerHandle {
  const openBodies = new Set<() => void>();
  const server = deno.serve({
    port,
    hostname,
    // Overriding onListen also stops Deno printing "Listening on ..." to stdout, which would
    // corrupt a stdio transport sharing the process.
    onListen(): void {},
    async handler(request: Request): Promise<Response> {
      // Deno's request.signal also aborts after every *successful* response ("legacy abort",
      // still the default in Deno 2.x), and `info.completed` resolves even when the client left
      // mid-stream. So the handler gets its own signal, aborted only while the response is
      // still undelivered: by Deno's signal, or by Deno cancelling the response body.
      const disconnect = new AbortController();
      let complete = false;
      const abandon = (): void => {
        if (!complete) disconnect.abort(new Error("Client disconnected"));
      };
      request.signal.addEventListener("abort", abandon, { once: true });
      const response = await handler(new Request(request, { signal: disconnect.signal }));
      if (isBufferable(response)) {
        // A whole JSON body is delivered as is; only streams need tracking.
        complete = true;
        request.signal.removeEventListener("abort", abandon);
        return response;
      }
      return trackedResponse(response, openBodies, {
        onComplete: () => (complete = true),
        onAbandoned: abandon,
      });
    },
  });
  return {
    hostname: server.addr.hostname,
    port: server.addr.port,
    url: formatUrl(server.addr.hostname, server.addr.port),
    close: once(async () => {
      const shutdown = server.shutdown();
      for (const end of [...openBodies]) end();
      await shutdown;
    }),
  };
}

function serveBun(
  bun: BunLike,
  handler: (request: Request) => Promise<Response>,
  port: number,
  hostname: string,
): HttpServerHandle {
  const server = bun.serve({
    port,
    hostname,
    // Bun cuts connections idle for 10 s by default, which kills quiet SSE streams; 0 disables.
    idleTimeout: 0,
    fetch: handler,
  });
  return {
    hostname: server.hostname,
    port: server.port,
    url: formatUrl(server.hostname, server.port),
    close: once(async () => {
      await server.stop(true);
    }),
  };
}

// --- Node adapter ---------------------------------------------------------------------------

/** The parts of Node's `http.IncomingMessage` that {@linkcode toNodeHandler} uses. */
export interface NodeIncomingMessageLike {
  /** Request method, e.g. `"POST"`. */
  method?: string;
  /** Request target (path and query). */
  url?: string;
  /** Parsed headers, used when `rawHeaders` is absent. */
  headers: Record<string, string | string[] | undefined>;
  /** Alternating header names and values, preserving repeats. */
  rawHeaders?: string[];
  /** The connection; a TLS socket has `encrypted: true`. */
  socket?: unknown;
  /** Subscribes to stream events. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Pauses the body stream. */
  pause(): unknown;
  /** Resumes the body stream. */
  resume(): unknown;
  /** Destroys the request stream. */
  destroy(error?: Error): unknown;
}

/** The parts of Node's `http.ServerResponse` that {@linkcode toNodeHandler} uses. */
export interface NodeServerResponseLike {
  /** Status code to send. */
  statusCode: number;
  /** Reason phrase to send. */
  statusMessage: string;
  /** Whether the head was already sent. */
  headersSent: boolean;
  /** Whether the whole response was handed to the OS. */
  writableFinished: boolean;
  /** Sets a response header. */
  setHeader(name: string, value: string | string[]): unknown;
  /** Sends the head now, before any body bytes. */
  flushHeaders(): void;
  /** Writes body bytes; `false` means wait for `drain`. */
  write(chunk: Uint8Array): boolean;
  /** Finishes the response. */
  end(chunk?: Uint8Array): unknown;
  /** Subscribes to stream events. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Destroys the connection. */
  destroy(error?: Error): unknown;
}

function requestHeaders(request: NodeIncomingMessageLike): Headers {
  const headers = new Headers();
  const raw = request.rawHeaders;
  if (raw) {
    for (let index = 0; index + 1 < raw.length; index += 2) {
      // HTTP/2 pseudo-headers (":path") are not valid Fetch header names.
      if (!raw[index].startsWith(":")) headers.append(raw[index], raw[index + 1]);
    }
    return headers;
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (name.startsWith(":") || value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  return headers;
}

function toWebRequest(request: NodeIncomingMessageLike, signal: AbortSignal): Request {
  const headers = requestHeaders(request);
  const socket = request.socket;
  const encrypted = typeof socket === "object" && socket !== null && "encrypted" in socket &&
    socket.encrypted === true;
  const protocol = encrypted ? "https" : "http";
  const url = new URL(request.url ?? "/", `${protocol}://${headers.get("host") ?? "localhost"}`);
  const method = request.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  const init: RequestInit & { duplex?: "half" } = { method, headers, signal };
  if (hasBody) {
    init.body = nodeReadableToWeb(request, { onCancel: "drain", highWaterMark: READ_AHEAD_BYTES });
    init.duplex = "half"; // Required by Fetch for a streaming request body.
  }
  return new Request(url, init);
}

/** Whether a response body is a whole JSON document rather than a stream to relay as it comes. */
function isBufferable(response: Response): boolean {
  return (response.headers.get("content-type") ?? "").startsWith("application/json");
}

async function writeWebResponse(
  response: Response,
  target: NodeServerResponseLike,
  isHead: boolean,
  disconnected: AbortSignal,
): Promise<void> {
  target.statusCode = response.status;
  if (response.statusText) target.statusMessage = response.statusText;
  const cookies = response.headers.getSetCookie?.() ?? [];
  for (const [name, value] of response.headers) {
    if (name !== "set-cookie") target.setHeader(name, value);
  }
  if (cookies.length > 0) target.setHeader("set-cookie", cookies);
  const body = response.body;
  if (body === null || isHead) {
    await body?.cancel();
    target.end();
    return;
  }
  if (isBufferable(response)) {
    // JSON answers are small and whole: one write with a Content-Length beats a chunked loop.
    const bytes = new Uint8Array(await response.arrayBuffer());
    target.setHeader("content-length", String(bytes.byteLength));
    target.end(bytes);
    return;
  }
  // Send the head now: a streaming client (SSE) must see the response before the first event.
  target.flushHeaders();
  const reader = body.getReader();
  let wakeWriter: (() => void) | undefined;
  target.on("drain", () => wakeWriter?.());
  const stop = (): void => {
    wakeWriter?.();
    reader.cancel().catch(() => {});
  };
  if (disconnected.aborted) stop();
  else disconnected.addEventListener("abort", stop, { once: true });
  try {
    while (!disconnected.aborted) {
      const { done, value } = await reader.read();
      if (done || disconnected.aborted) break;
      if (!target.write(value)) {
        await new Promise<void>((resolve) => (wakeWriter = resolve));
        wakeWriter = undefined;
      }
    }
  } catch {
    // The body errored mid-stream; the status is already sent, so cut the connection below.
    target.destroy();
    return;
  } finally {
    disconnected.removeEventListener("abort", stop);
  }
  if (!disconnected.aborted) target.end();
}

/**
 * Adapts a web-standard handler to Node's `http` request listener, for mounting emcee in an
 * existing Node server. The request body is streamed, not buffered; `request.signal` aborts
 * when the client disconnects; the response body is written chunk by chunk with backpressure,
 * and its reader is cancelled if the client goes away.
 *
 * @example
 * ```ts
 * import { createServer } from "node:http";
 * const server = createServer(toNodeHandler((request) => new Response("hi")));
 * server.listen(3000, "127.0.0.1");
 * ```
 */
export function toNodeHandler(
  handler: HttpHandler,
  onError: (error: unknown) => void = console.error,
): (request: NodeIncomingMessageLike, response: NodeServerResponseLike) => void {
  const guarded = guardHandler(handler, onError);
  return (request: NodeIncomingMessageLike, response: NodeServerResponseLike): void => {
    const disconnect = new AbortController();
    // `close` before the response finished means the client went away (or the server closed
    // the connection); the request's own `close` fires after a normal body read and is useless.
    response.on("close", () => {
      if (!response.writableFinished) disconnect.abort(new Error("Client disconnected"));
    });
    let webRequest: Request;
    try {
      webRequest = toWebRequest(request, disconnect.signal);
    } catch {
      response.statusCode = 400;
      response.end();
      return;
    }
    guarded(webRequest)
      .then((webResponse) =>
        writeWebResponse(webResponse, response, request.method === "HEAD", disconnect.signal)
      )
      .catch((error: unknown) => {
        onError(error);
        if (!response.headersSent) {
          response.statusCode = 500;
          response.end();
        } else {
          response.destroy();
        }
      });
  };
}

interface NodeHttpServerLike {
  listen(port: number, hostname: string, callback: () => void): unknown;
  address(): { address: string; port: number } | string | null;
  close(callback?: (error?: Error) => void): unknown;
  closeAllConnections?(): void;
  on(event: string, listener: (...args: never[]) => void): unknown;
}

interface NodeHttpModule {
  createServer(
    listener: (request: never, response: never) => void,
  ): NodeHttpServerLike;
}

async function serveNode(
  handler: HttpHandler,
  onError: (error: unknown) => void,
  port: number,
  hostname: string,
): Promise<HttpServerHandle> {
  const http = (await import("node:http")) as unknown as NodeHttpModule;
  const server = http.createServer(toNodeHandler(handler, onError));
  await new Promise<void>((resolve, reject) => {
    server.on("error", reject);
    server.listen(port, hostname, resolve);
  });
  const address = server.address();
  const actualPort = typeof address === "object" && address !== null ? address.port : port;
  return {
    hostname,
    port: actualPort,
    url: formatUrl(hostname, actualPort),
    close: once(() =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Long-lived responses (SSE) would otherwise keep close() waiting forever.
        server.closeAllConnections?.();
      })
    ),
  };
}

/**
 * Serves `handler` over HTTP on Deno (`Deno.serve`), Bun (`Bun.serve`) or Node (`node:http`).
 * Responses stream: each chunk of a body (e.g. each SSE event) is sent as soon as it is
 * produced. `request.signal` aborts when the client disconnects.
 *
 * @example
 * ```ts
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
  const port = options.port ?? 0;
  const hostname = options.hostname ?? "127.0.0.1";
  const onError = options.onError ?? console.error;
  const guarded = guardHandler(handler, onError);
  const deno = denoGlobal();
  const bun = bunGlobal();
  const server = deno
    ? serveDeno(deno, guarded, port, hostname)
    : bun
    ? serveBun(bun, guarded, port, hostname)
    : await serveNode(handler, onError, port, hostname);
  options.signal?.addEventListener("abort", () => void server.close(), { once: true });
  options.onListen?.({ hostname: server.hostname, port: server.port });
  return server;
}
