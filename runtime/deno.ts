/**
 * The Deno adapter: `Deno.env`, `Deno.args`, `Deno.stdin`/`stdout`/`stderr`, `Deno.Command`,
 * `Deno.serve`, `Deno.addSignalListener`, and the file system (`deno_fs.ts`).
 *
 * @module
 */
import type { RuntimeAdapter, ShutdownSignal } from "./adapter.ts";
import type { ChildProcessHandle, SpawnOptions } from "./child_process.ts";
import {
  guardHandler,
  type HttpHandler,
  type HttpServerHandle,
  isBufferable,
  type NativeServeOptions,
  serverHandle,
} from "./http.ts";
import { setClientAddress } from "./client_address.ts";
import { createDenoFileSystem, type DenoFileSystemLike } from "./deno_fs.ts";
import { type ProcessStdio, serializeWrites } from "./stdio.ts";
import {
  createSocketRegistry,
  type DenoUpgradeWebSocket,
  isWebSocketUpgrade,
  registerNativeUpgrade,
  upgradeOnDeno,
} from "./websocket/upgrade.ts";

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

function serveDenoHttp(
  deno: DenoLike,
  handler: HttpHandler,
  options: NativeServeOptions,
): HttpServerHandle {
  const guarded = guardHandler(handler, options.onError);
  const openBodies = new Set<() => void>();
  const sockets = createSocketRegistry();
  const server = deno.serve({
    port: options.port,
    hostname: options.hostname,
    // Overriding onListen also stops Deno printing "Listening on ..." to stdout, which would
    // corrupt a stdio transport sharing the process.
    onListen(): void {},
    async handler(
      request: Request,
      info?: { remoteAddr?: Partial<DenoNetAddr> },
    ): Promise<Response> {
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
      const wrapped = new Request(request, { signal: disconnect.signal });
      setClientAddress(wrapped, info?.remoteAddr?.hostname);
      const upgrade = deno.upgradeWebSocket;
      if (upgrade !== undefined && isWebSocketUpgrade(request)) {
        // Deno upgrades only the request it handed out, not the copy the handler sees.
        registerNativeUpgrade(wrapped, (upgradeOptions) => {
          const upgraded = upgradeOnDeno(upgrade, request, upgradeOptions);
          sockets.add(upgraded.socket);
          return upgraded;
        });
      }
      const response = await guarded(wrapped);
      if (response.status === 101) return response; // the WebSocket handshake answer
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
  return serverHandle(server.addr.hostname, server.addr.port, async () => {
    const closingSockets = sockets.closeAll();
    const shutdown = server.shutdown();
    for (const end of [...openBodies]) end();
    await closingSockets;
    await shutdown;
  });
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
    serve: (handler: HttpHandler, options: NativeServeOptions): HttpServerHandle =>
      serveDenoHttp(deno, handler, options),
    files: createDenoFileSystem(deno),
    onSignal(signal: ShutdownSignal, listener: () => void): () => void {
      deno.addSignalListener(signal, listener);
      return () => deno.removeSignalListener(signal, listener);
    },
  };
}
