// `emcee serve <dir>`, as a user starts it: how long until it answers, and how long a saved
// tool file takes to be served. Deno, Bun and Node are each measured from one run of this
// bench, which can itself run on any of them:
//
//   node_modules/.bin/node bench/cli/bench.ts
//   node_modules/.bin/deno run -A bench/cli/bench.ts
//   node_modules/.bin/bun run bench/cli/bench.ts
//
// What is measured.
// - Cold start: spawn `<runtime> cli/main.ts serve --port 0 <dir>` (a fresh temp dir holding
//   one tool file), read its stderr up to the `serving on <url>` line, then POST one tools/call
//   (stateless 2026-07-28, no initialize). Timed from the spawn to that call's answer, which
//   must carry the tool's text. The parent's start, the settings, the first tool host child's
//   start and load, and the proxy's connection to it are all inside. BENCH_COLD runs (default
//   10) per runtime, each a new process and a new directory.
// - Reload: with one server running (watching, the default 50 ms debounce), rewrite the tool
//   file so its answer changes, then call tools/call in a tight loop until the answer is the
//   new one. Timed from the start of the write to that answer: debounce, a new tool host child,
//   its load, and the swap. BENCH_RELOADS rewrites (default 20) per runtime, after 2 unmeasured
//   ones. Each wait is bounded (30 s); a timeout fails the bench.
// The 1-minute load average is printed before and after: above the core count, other processes
// competed and every number is inflated. A watchdog ends the run after 600 s.

import {
  type ChildProcessHandle,
  exitProcess,
  getEnv,
  joinPath,
  makeDirectory,
  removeFile,
  runtimeName,
  runtimeVersion,
  spawnProcess,
  writeTextFile,
} from "../../runtime/mod.ts";
import { availableParallelism, loadavg, tmpdir } from "node:os";

type Runtime = "deno" | "bun" | "node";

const PROTOCOL_VERSION = "2026-07-28";
const COLD_RUNS = Number(getEnv("BENCH_COLD") ?? "10");
const RELOAD_RUNS = Number(getEnv("BENCH_RELOADS") ?? "20");
const RELOAD_WARMUP = 2;
const WAIT_MS = 30_000;
const RUNTIMES: readonly Runtime[] = (getEnv("BENCH_RUNTIMES") ?? "deno,bun,node")
  .split(",") as Runtime[];

const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const main = joinPath(root, "cli", "main.ts");

function executable(runtime: Runtime): string {
  return joinPath(root, "node_modules", ".bin", runtime);
}

function serveArgs(runtime: Runtime, dir: string): string[] {
  const args = [main, "serve", "--port", "0", dir];
  return runtime === "deno" ? ["run", "-A", ...args] : args;
}

/** A tool whose answer is `text`. */
function toolSource(text: string): string {
  return `export default {
  name: "answer",
  handler: () => ({ content: [{ type: "text", text: ${JSON.stringify(text)} }] }),
};
`;
}

const HEADERS: { [name: string]: string } = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": PROTOCOL_VERSION,
  "mcp-method": "tools/call",
  "mcp-name": "answer",
};
const BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: {
    name: "answer",
    arguments: {},
    _meta: {
      "io.modelcontextprotocol/protocolVersion": PROTOCOL_VERSION,
      "io.modelcontextprotocol/clientCapabilities": {},
    },
  },
});

/** One tools/call; the answer's text. */
async function call(url: string): Promise<string> {
  const response = await fetch(url, { method: "POST", headers: HEADERS, body: BODY });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`tools/call: HTTP ${response.status}: ${text}`);
  const json = JSON.parse(text) as { result?: { content?: { text?: string }[] } };
  const answer = json.result?.content?.[0]?.text;
  if (answer === undefined) throw new Error(`tools/call: no text in ${text.slice(0, 300)}`);
  return answer;
}

// ---- a served directory ----------------------------------------------------------------------

interface Served {
  child: ChildProcessHandle;
  url: string;
  stop(): Promise<void>;
}

const running = new Set<ChildProcessHandle>();

/** Resolves with the URL of the `serving on` line; keeps draining stderr after it. */
function servingUrl(child: ChildProcessHandle): Promise<string> {
  const reader = child.stderr!.getReader();
  const decoder = new TextDecoder();
  const lines: string[] = [];
  return new Promise<string>((resolve, reject) => {
    let found = false;
    let buffered = "";
    const timer = setTimeout(() => {
      if (!found) reject(new Error(`no "serving on" line in ${WAIT_MS} ms: ${lines.join("\n")}`));
    }, WAIT_MS);
    (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffered += decoder.decode(value, { stream: true });
        let newline;
        while ((newline = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, newline);
          buffered = buffered.slice(newline + 1);
          if (found) continue;
          lines.push(line);
          const match = /serving on (\S+)/.exec(line);
          if (match) {
            found = true;
            clearTimeout(timer);
            resolve(match[1]);
          }
        }
      }
      clearTimeout(timer);
      if (!found) reject(new Error(`exited before serving: ${lines.join("\n")}`));
    })().catch(reject);
  });
}

async function startServe(runtime: Runtime, dir: string): Promise<Served> {
  const child = spawnProcess(executable(runtime), serveArgs(runtime, dir), {
    cwd: dir,
    stderr: "pipe",
  });
  running.add(child);
  void child.stdout.cancel().catch(() => {}); // HTTP mode: stdout is unused.
  const stop = async () => {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
    await child.exited.catch(() => {});
    clearTimeout(timer);
    running.delete(child);
  };
  try {
    return { child, url: await servingUrl(child), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

async function withDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = joinPath(
    tmpdir(),
    `emcee-bench-cli-${Date.now()}-${Math.random().toString(36).slice(2)}`,
  );
  await makeDirectory(dir, { recursive: true });
  try {
    return await body(dir);
  } finally {
    await removeFile(dir, { recursive: true, ignoreMissing: true });
  }
}

// ---- the two measurements --------------------------------------------------------------------

async function coldStart(runtime: Runtime): Promise<number> {
  return await withDir(async (dir) => {
    await writeTextFile(joinPath(dir, "answer.ts"), toolSource("cold"));
    const begun = performance.now();
    const served = await startServe(runtime, dir);
    try {
      const answer = await call(served.url);
      const ms = performance.now() - begun;
      if (answer !== "cold") throw new Error(`cold start answered ${JSON.stringify(answer)}`);
      return ms;
    } finally {
      await served.stop();
    }
  });
}

async function reloads(runtime: Runtime): Promise<number[]> {
  return await withDir(async (dir) => {
    const file = joinPath(dir, "answer.ts");
    await writeTextFile(file, toolSource("v0"));
    const served = await startServe(runtime, dir);
    const times: number[] = [];
    try {
      if ((await call(served.url)) !== "v0") throw new Error("the first answer is not v0");
      for (let i = 1; i <= RELOAD_WARMUP + RELOAD_RUNS; i++) {
        const expected = `v${i}`;
        const begun = performance.now();
        await writeTextFile(file, toolSource(expected));
        let calls = 0;
        for (;;) {
          calls++;
          if ((await call(served.url)) === expected) break;
          if (performance.now() - begun > WAIT_MS) {
            throw new Error(
              `${expected} not served ${WAIT_MS} ms after the write (${calls} calls)`,
            );
          }
        }
        if (i > RELOAD_WARMUP) times.push(performance.now() - begun);
      }
      return times;
    } finally {
      await served.stop();
    }
  });
}

// ---- report ----------------------------------------------------------------------------------

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function stats(samples: number[]): { median: number; p90: number; min: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length / 2;
  const median = sorted.length % 2 === 0
    ? (sorted[mid - 1] + sorted[mid]) / 2
    : sorted[Math.floor(mid)];
  return { median, p90: percentile(sorted, 90), min: sorted[0], max: sorted[sorted.length - 1] };
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    "| " + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join(" | ") +
    " |";
  const rule = "|" + widths.map((w, i) => "-".repeat(w + 1) + (i === 0 ? "-" : ":")).join("|") +
    "|";
  return [line(header), rule, ...rows.map(line)].join("\n");
}

async function versionOf(runtime: Runtime): Promise<string> {
  const child = spawnProcess(executable(runtime), ["--version"], { stderr: "ignore" });
  const text = await new Response(child.stdout).text();
  await child.exited.catch(() => {});
  return /\d+\.\d+\.\d+/.exec(text)?.[0] ?? "?";
}

// ---- main ------------------------------------------------------------------------------------

const watchdog = setTimeout(() => {
  console.error("bench/cli: over 600 s, giving up");
  for (const child of running) child.kill("SIGKILL");
  exitProcess(2);
}, 600_000);

const load = () => loadavg()[0].toFixed(2);
console.log(
  `\n## cli: emcee serve cold start and reload — bench on ${runtimeName()} ${runtimeVersion()}\n`,
);
console.log(
  `cold start: ${COLD_RUNS} runs; reload: ${RELOAD_RUNS} rewrites after ${RELOAD_WARMUP} ` +
    `unmeasured; ${availableParallelism()} cores, load average ${load()} before`,
);

const rows: string[][] = [];
for (const runtime of RUNTIMES) {
  const cold: number[] = [];
  for (let i = 0; i < COLD_RUNS; i++) cold.push(await coldStart(runtime));
  const reload = await reloads(runtime);
  const c = stats(cold);
  const r = stats(reload);
  const ms = (value: number) => value.toFixed(0);
  rows.push([
    `${runtime} ${await versionOf(runtime)}`,
    ms(c.median),
    ms(c.p90),
    `${ms(c.min)}–${ms(c.max)}`,
    ms(r.median),
    ms(r.p90),
    `${ms(r.min)}–${ms(r.max)}`,
  ]);
  console.error(`bench/cli: ${runtime} done`);
}

console.log(
  "\n" +
    table(
      [
        "runtime",
        "cold median ms",
        "cold p90 ms",
        "cold range",
        "reload median ms",
        "reload p90 ms",
        "reload range",
      ],
      rows,
    ),
);
console.log(`\nload average ${load()} after`);
clearTimeout(watchdog);
