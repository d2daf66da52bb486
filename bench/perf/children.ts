// Spawning the bench children of bench/perf on a given runtime and talking to them line by line.

import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** A runtime the servers run on. */
export type Runtime = "node" | "deno" | "bun";
/** A server under test. */
export type Kind = "emcee" | "raw" | "official";

const root = fileURLToPath(new URL("../../", import.meta.url));

function command(runtime: Runtime, script: string, args: string[]): [string, string[]] {
  const local = `${root}node_modules/.bin/${runtime}`;
  const bin = existsSync(local) ? local : runtime;
  const file = fileURLToPath(new URL(script, import.meta.url));
  // BENCH_CHILD_FLAGS: runtime flags for every child, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`
  // (Node, Bun) or `--v8-flags=--prof` (Deno) to profile the servers under load.
  const flags = (process.env.BENCH_CHILD_FLAGS ?? "").split(" ").filter((flag) => flag !== "");
  return [
    bin,
    runtime === "deno" ? ["run", "-A", ...flags, file, ...args] : [...flags, file, ...args],
  ];
}

/** A child whose stdout is read as lines. */
export interface LineChild {
  process: ChildProcess;
  /** The next line (a queue: lines are never lost). */
  line(): Promise<string>;
  /** Calls `onLine` for every line from now on instead of queueing (`undefined` stops). */
  stream(onLine: ((line: string) => void) | undefined): void;
  write(text: string): void;
  stop(): Promise<void>;
}

/** Spawns `script` (relative to this folder) on `runtime`, stderr passed through. */
export function spawnChild(runtime: Runtime, script: string, args: string[]): LineChild {
  const [bin, argv] = command(runtime, script, args);
  const child = spawn(bin, argv, {
    stdio: ["pipe", "pipe", "inherit"],
    env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" },
  });
  const queued: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  let listener: ((line: string) => void) | undefined;
  let pending = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.stdout!.setEncoding("utf8");
  child.stdout!.on("data", (chunk: string) => {
    pending += chunk;
    let newline: number;
    while ((newline = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      if (listener) listener(line);
      else if (waiting.length > 0) waiting.shift()!(line);
      else queued.push(line);
    }
  });
  return {
    process: child,
    line: () =>
      queued.length > 0
        ? Promise.resolve(queued.shift()!)
        : new Promise<string>((resolve, reject) => {
          waiting.push(resolve);
          exited.then(() => reject(new Error(`${runtime} ${script} ${args} exited`)));
        }),
    stream(onLine) {
      listener = onLine;
    },
    write: (text) => void child.stdin!.write(text),
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await exited;
      clearTimeout(timer);
    },
  };
}
