/** Shared fixtures for client tests: child-process servers and small HTTP servers. */
import { type ChildProcessHandle, spawnProcess } from "../../runtime/runtime.ts";

/** Absolute path of a file relative to the repository root. */
export function repoPath(relative: string): string {
  return decodeURIComponent(new URL(`../../${relative}`, import.meta.url).pathname);
}

/** The Node binary of the toolchain (fixtures built on the official SDKs run on Node). */
export const NODE: string = repoPath("node_modules/.bin/node");

/** A fixture HTTP server running in a child process. */
export interface FixtureServer {
  /** The URL it printed. */
  url: string;
  /** Writes a line to its stdin (fixtures read commands there). */
  send(line: string): Promise<void>;
  /** Stops it (closes stdin, then kills). */
  stop(): Promise<void>;
}

async function stopChild(
  child: ChildProcessHandle,
  writer: WritableStreamDefaultWriter<Uint8Array>,
): Promise<void> {
  await writer.close().catch(() => {});
  const timer = setTimeout(() => child.kill("SIGKILL"), 2000);
  await child.exited.catch(() => {});
  clearTimeout(timer);
}

/** Starts `node <script> ...args` and waits for its `LISTENING <url>` line. */
export async function startFixture(script: string, args: string[] = []): Promise<FixtureServer> {
  const child = spawnProcess(NODE, [repoPath(script), ...args], { stderr: "inherit" });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const deadline = setTimeout(() => child.kill("SIGKILL"), 15_000);
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`${script} exited before listening`);
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(deadline);
  }
  const match = /LISTENING (\S+)/.exec(text);
  if (!match) throw new Error(`${script} printed ${text}`);
  // Keep draining stdout so the child never blocks on a full pipe.
  (async () => {
    try {
      while (!(await reader.read()).done) { /* drain */ }
    } catch { /* closed */ }
  })();
  const writer = child.stdin.getWriter();
  return {
    url: match[1],
    send: (line) => writer.write(new TextEncoder().encode(`${line}\n`)),
    stop: () => stopChild(child, writer),
  };
}

/** A promise settled from outside: tests resolve it from the event they wait for. */
export interface Deferred<T> {
  /** Settles when `resolve` or `reject` is called. */
  readonly promise: Promise<T>;
  /** Fulfils the promise. */
  resolve(value: T): void;
  /** Rejects the promise. */
  reject(reason: unknown): void;
}

/** A new {@link Deferred}. */
export function deferred<T = void>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (reason: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/**
 * `promise`, or a rejection naming `what` if it has not settled after `ms`: a
 * bound on a wait for an event, so a missing event fails the test instead of
 * hanging it. It never decides when the test goes on.
 */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

/** An array to push into whose `full` promise resolves once it holds `count` items. */
export function collect<T>(count: number): { items: T[]; push(item: T): void; full: Promise<T[]> } {
  const items: T[] = [];
  const done = deferred<T[]>();
  return {
    items,
    push(item) {
      items.push(item);
      if (items.length === count) done.resolve(items);
    },
    full: done.promise,
  };
}
