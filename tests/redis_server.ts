/**
 * A throwaway `redis-server` for tests: found on PATH or in /usr/bin (installed with apt-get
 * when missing), started on a free loopback port with no persistence, ready once it logs that it
 * accepts connections, and stopped (or restarted on the same port) on demand.
 */
import { type ChildProcessHandle, serveHttp, spawnProcess } from "../runtime/mod.ts";
import { debianExecutable } from "./debian_package.ts";

/** Options for {@linkcode startRedis}. */
export interface StartRedisOptions {
  /** Makes the server require this password (`requirepass`), for `AUTH` tests. */
  password?: string;
  /** Extra `redis-server` arguments, e.g. `["--databases", "4"]`. */
  args?: string[];
}

/** A running test server. */
export interface RedisServer {
  /** `redis://127.0.0.1:port` (with `:password@` when it has one). */
  url: string;
  /** The port it listens on; the same after `restart()`. */
  port: number;
  /** Stops it and waits for the process to end. */
  stop(): Promise<void>;
  /** Stops it and starts it again on the same port; resolves once it accepts connections. */
  restart(): Promise<void>;
}

const READY = "Ready to accept connections";
/** The path of `redis-server`, installing it once per process when missing. */
export function findRedisServer(): Promise<string> {
  return debianExecutable("redis-server", ["redis-server"]);
}

async function freePort(): Promise<number> {
  const probe = await serveHttp(() => new Response(), { port: 0, hostname: "127.0.0.1" });
  await probe.close();
  return probe.port;
}

interface Running {
  child: ChildProcessHandle;
  drained: Promise<void>;
}

/** Starts the server; rejects with its output if it ends before it is ready. */
async function launch(binary: string, port: number, options: StartRedisOptions): Promise<Running> {
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  if (options.password !== undefined) args.push("--requirepass", options.password);
  args.push(...(options.args ?? []));
  const child = spawnProcess(binary, args, { stderr: "ignore" });
  void child.stdin.close().catch(() => {});
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  let ready = false;
  const readyOrEnd = (async () => {
    while (!ready) {
      const { done, value } = await reader.read();
      if (done) return false;
      output += value;
      ready = output.includes(READY);
    }
    return true;
  })();
  if (!(await readyOrEnd)) {
    await child.exited.catch(() => {});
    throw new Error(`redis-server on port ${port} ended before it was ready:\n${output}`);
  }
  // Keep reading what it logs, or a full pipe would block it.
  const drained = (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
  return { child, drained };
}

async function halt(running: Running): Promise<void> {
  running.child.kill("SIGTERM");
  await running.child.exited;
  await running.drained;
}

/**
 * Starts a `redis-server` on a free 127.0.0.1 port without persistence.
 *
 * @example
 * ```ts
 * import { startRedis } from "./redis_server.ts";
 * const redis = await startRedis({ password: "secret" });
 * console.log(redis.url); // redis://:secret@127.0.0.1:PORT
 * await redis.stop();
 * ```
 */
export async function startRedis(options: StartRedisOptions = {}): Promise<RedisServer> {
  const binary = await findRedisServer();
  let running: Running | undefined;
  let port = 0;
  let lastError: unknown;
  // The free port may be taken between probing and binding: try a few.
  for (let attempt = 0; attempt < 5 && !running; attempt++) {
    port = await freePort();
    try {
      running = await launch(binary, port, options);
    } catch (error) {
      lastError = error;
    }
  }
  if (!running) throw new Error("could not start redis-server", { cause: lastError });
  const auth = options.password === undefined ? "" : `:${encodeURIComponent(options.password)}@`;
  // One stop or restart at a time: a stop during a restart (a failed test's `after` hook) must
  // stop the server the restart starts, or it outlives the test and keeps Node's loop alive.
  let queue: Promise<void> = Promise.resolve();
  const serialised = (step: () => Promise<void>): Promise<void> => {
    const result = queue.then(step);
    queue = result.catch(() => {});
    return result;
  };
  const stop = async (): Promise<void> => {
    const current = running;
    running = undefined;
    if (current) await halt(current);
  };
  return {
    url: `redis://${auth}127.0.0.1:${port}`,
    port,
    stop(): Promise<void> {
      return serialised(stop);
    },
    restart(): Promise<void> {
      return serialised(async () => {
        await stop();
        running = await launch(binary, port, options);
      });
    },
  };
}
