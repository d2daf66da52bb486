// emcee against the raw limit of each runtime and against the official SDK: Streamable HTTP
// (stateless 2026-07-28, and 2025-11-25 inside a session answering JSON or SSE), stdio (pipelined
// and one at a time), cold start, and memory. Run by bench/run.sh; on its own:
//
//   node bench/perf/bench.ts [node deno bun]        QUICK=1 for a ~2 minute run
//   ROWS=stdio,session-json,session-sse REPS=5       only those rows, 5 reps each
//   KINDS=emcee,raw                                  only those servers
//
// The orchestrator runs on Node; every server is a child process of the runtime under test, and
// the HTTP load comes from `wrk -t1 -c32` (its own process), or from 32 fetch loops in this
// process when wrk is missing (BENCH_GENERATOR=fetch forces them). On a 2-core machine the load
// generator and the server then have a core each. For every row the servers run in 3 interleaved
// reps (order alternating), each ratio is taken within a rep and the median is reported.
//
// The servers (fixtures.ts, raw_http.ts): an `add` tool with a JSON Schema input
// ({ a: number, b: number }, both required, nothing else). emcee and the official SDK are served
// by emcee's serveHttp; "raw" is the runtime's own HTTP server (Deno.serve, Bun.serve, node:http)
// parsing the body, adding and writing a result of emcee's shape, or a line server on stdio.
//
// Writes bench/results/latest.md and bench/results/latest.svg, and prints the table.

import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import type { Kind, Runtime } from "./children.ts";
import type { HttpMode } from "./fixtures.ts";
import { type HttpChild, startHttp } from "./http.ts";
import { hasWrk, runLoad } from "./load.ts";
import { type Cell, chart, markdown } from "./report.ts";
import { coldStart, startStdio, stdioRate } from "./stdio.ts";
import { args, exitProcess, getEnv, runtimeVersion } from "../../runtime/mod.ts";

const quick = getEnv("QUICK") === "1";
const requested = args().filter((a): a is Runtime => /^(node|deno|bun)$/.test(a));
const runtimes: Runtime[] = requested.length > 0 ? requested : ["node", "deno", "bun"];
const REPS = Number(getEnv("REPS") ?? 3);
// ROWS=stdio,session-json,... runs only those row groups (stateless, session-json, session-sse,
// stdio: the stdio rows and cold start); unset runs every row.
const onlyRows = getEnv("ROWS")?.split(",").map((row) => row.trim()).filter((row) => row !== "");
const wanted = (group: string): boolean => onlyRows === undefined || onlyRows.includes(group);
const measureS = quick ? 1 : 4;
const warmupS = quick ? 1 : 2;
const CONNECTIONS = 32;
const pipelinedCalls = quick ? 5000 : 20000;
const serialCalls = quick ? 1000 : 4000;
const useWrk = getEnv("BENCH_GENERATOR") !== "fetch" && hasWrk();
const KINDS: Kind[] = (getEnv("KINDS")?.split(",") ?? ["emcee", "raw", "official"])
  .filter((kind): kind is Kind => /^(emcee|raw|official)$/.test(kind));
const MODES: [HttpMode, string][] = [
  ["stateless", "HTTP stateless 2026-07-28 tools/call"],
  ["session-json", "HTTP 2025-11-25 session tools/call, JSON"],
  ["session-sse", "HTTP 2025-11-25 session tools/call, SSE"],
];

const watchdog = setTimeout(() => {
  console.error("bench/perf: over 15 minutes, giving up");
  exitProcess(2);
}, 15 * 60_000);

const cells: Cell[] = [];
const notes: string[] = [];
const log = (text: string) => console.error(text);
const load1 = () => loadavg()[0].toFixed(2);

function cell(runtime: Runtime, row: string, unit: string, higherIsBetter: boolean): Cell {
  const made: Cell = { runtime, row, unit, higherIsBetter, reps: {} };
  cells.push(made);
  return made;
}

function push(target: Cell, kind: Kind, value: number): void {
  (target.reps[kind] ??= []).push(value);
}

/** Each rep runs every kind once, the order reversed on odd reps so drift favours no one. */
async function interleaved(run: (kind: Kind, rep: number) => Promise<void>): Promise<void> {
  for (let rep = 0; rep < REPS; rep++) {
    for (const kind of rep % 2 === 0 ? KINDS : [...KINDS].reverse()) await run(kind, rep);
  }
}

async function httpRows(runtime: Runtime): Promise<void> {
  for (const [mode, row] of MODES) {
    if (!wanted(mode)) continue;
    const rps = cell(runtime, row, "req/s", true);
    const children = new Map<Kind, HttpChild>();
    for (const kind of KINDS) children.set(kind, await startHttp(runtime, kind, mode));
    const rssStart = new Map<Kind, number>();
    for (const [kind, child] of children) rssStart.set(kind, (await child.stats()).rssMb);
    for (const child of children.values()) {
      await runLoad(child.request, CONNECTIONS, warmupS, useWrk);
    }
    let errors = 0;
    await interleaved(async (kind) => {
      const result = await runLoad(children.get(kind)!.request, CONNECTIONS, measureS, useWrk);
      errors += result.errors;
      push(rps, kind, result.errors > 0 ? NaN : result.rps);
    });
    if (errors > 0) notes.push(`${runtime} ${row}: ${errors} failed responses (runs dropped)`);
    if (mode === "stateless") {
      const start = cell(runtime, "RSS at start (after one call)", "MB", false);
      const after = cell(runtime, "RSS after the stateless load", "MB", false);
      for (const [kind, child] of children) {
        push(start, kind, rssStart.get(kind)!);
        push(after, kind, (await child.stats()).rssMb);
      }
    }
    await Promise.all([...children.values()].map((child) => child.child.stop()));
    log(`  ${runtime} ${row}: done (load ${load1()})`);
  }
}

async function stdioRows(runtime: Runtime): Promise<void> {
  const pipelined = cell(runtime, "stdio tools/call, pipelined (64 in flight)", "calls/s", true);
  const serial = cell(runtime, "stdio tools/call, one at a time", "calls/s", true);
  const children = new Map<Kind, Awaited<ReturnType<typeof startStdio>>>();
  for (const kind of KINDS) children.set(kind, await startStdio(runtime, kind));
  for (const child of children.values()) await stdioRate(child, pipelinedCalls / 2, 64);
  await interleaved(async (kind) => {
    push(pipelined, kind, await stdioRate(children.get(kind)!, pipelinedCalls, 64));
    push(serial, kind, await stdioRate(children.get(kind)!, serialCalls, 1));
  });
  await Promise.all([...children.values()].map((child) => child.stop()));
  const cold = cell(runtime, "cold start to first tools/call (stdio)", "ms", false);
  await interleaved(async (kind) => push(cold, kind, await coldStart(runtime, kind)));
  log(`  ${runtime} stdio and cold start: done (load ${load1()})`);
}

const started = new Date();
for (const runtime of runtimes) {
  const before = load1();
  log(`bench/perf on ${runtime} (load average ${before})`);
  await httpRows(runtime);
  if (wanted("stdio")) await stdioRows(runtime);
  const after = load1();
  const busy = Math.max(Number(before), Number(after)) > availableParallelism()
    ? " — above the core count: other processes competed, numbers are noisy and low"
    : "";
  notes.push(`${runtime}: load average (1 min) ${before} before, ${after} after${busy}`);
}
clearTimeout(watchdog);

const versions = `Node ${runtimeVersion()}`;
const header = [
  `${started.toISOString()}, ${availableParallelism()} cores, orchestrator ${versions}` +
  `${quick ? ", QUICK=1" : ""}`,
  `HTTP load: ${
    useWrk ? `wrk -t1 -c${CONNECTIONS}` : `${CONNECTIONS} fetch loops (wrk not used)`
  }, ${REPS} interleaved reps of ${measureS} s after a ${warmupS} s warm-up per server`,
  `stdio: ${pipelinedCalls} calls with 64 in flight, ${serialCalls} calls one at a time, per rep`,
  ...notes,
];
if (availableParallelism() < 2) header.push("fewer than 2 cores: generator and server compete");
const table = markdown(cells, header);
console.log(table);
if (onlyRows === undefined && KINDS.length === 3) {
  const results = fileURLToPath(new URL("../results/", import.meta.url));
  mkdirSync(results, { recursive: true });
  writeFileSync(`${results}latest.md`, table);
  writeFileSync(
    `${results}latest.svg`,
    chart(cells, `emcee / raw and emcee / official (${started.toISOString().slice(0, 10)})`),
  );
  console.log("written: bench/results/latest.md, bench/results/latest.svg");
} else console.log("a partial run (ROWS or KINDS): bench/results left as they were");
