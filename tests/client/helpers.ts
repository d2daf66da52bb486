/** Shared fixtures for client tests: child-process servers and small HTTP servers. */
import { type ChildProcessHandle, spawnProcess } from "../../runtime/mod.ts";
import { type Deferred, deferred, within } from "../async.ts";

export { type Deferred, deferred, within };

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
