/**
 * What an entry point loads, and how long loading it takes (not part of the test command).
 *
 *   deno run -A scripts/import_graph.ts [entry ...]          graph + import times on all runtimes
 *   IMPORT_RUNS=9 deno run -A scripts/import_graph.ts        more runs per median (default 5)
 *   IMPORT_LIST=1 deno run -A scripts/import_graph.ts x.ts   also list the runtime modules
 *   IMPORT_WHY=websocket deno run -A scripts/import_graph.ts why each matching module is loaded
 *
 * The graph comes from `deno info --json`. "runtime" counts only the modules that importing the
 * entry executes (edges through `import type` are erased and `import()` runs on first use, so
 * neither is followed); "graph" is everything `deno info` lists, both included. Import time is the median of fresh processes
 * that each time one `await import(entry)`, on node, deno and bun (the ones found in
 * node_modules/.bin, else on PATH). "node loads" names what importing the entry makes Node load
 * on its own that a server may never need: its fetch implementation (undici, loaded by the first
 * touch of `Response`, `Request`, `Headers` or `fetch`: tens of ms) and its TypeScript stripper.
 *
 * @module
 */
import { args, getEnv, spawnProcess } from "../runtime/mod.ts";

interface InfoDependency {
  specifier: string;
  code?: { specifier?: string };
  isDynamic?: boolean;
}
interface InfoModule {
  specifier: string;
  size?: number;
  dependencies?: InfoDependency[];
}
interface Info {
  roots: string[];
  modules: InfoModule[];
}

const root = new URL("../", import.meta.url);
const rootPath = decodeURIComponent(root.pathname);
const DEFAULT_ENTRIES = [
  "server/mod.ts",
  "transports/mod.ts",
  "mod.ts",
  "server/server.ts",
  "transports/http/server.ts",
  "transports/stdio/server.ts",
  // What bench/perf/stdio_child.ts imports for emcee (it also imports the official SDK).
  "bench/perf/fixtures.ts",
];

async function run(command: string, argv: string[]): Promise<{ code: number; out: string }> {
  const child = spawnProcess(command, argv, { stderr: "inherit", cwd: rootPath });
  await child.stdin.close();
  const out = await new Response(child.stdout).text();
  const { code } = await child.exited;
  return { code: code ?? -1, out };
}

function binary(name: string): string {
  return `${rootPath}node_modules/.bin/${name}`;
}

async function info(entry: string): Promise<Info> {
  const { code, out } = await run(binary("deno"), ["info", "--json", entry]);
  if (code !== 0) throw new Error(`deno info ${entry} exited ${code}`);
  return JSON.parse(out) as Info;
}

/** Local modules the root loads when imported: static, non-type-only edges; with their parents. */
function executed(graph: Info): Map<string, string | undefined> {
  const byName = new Map(graph.modules.map((module) => [module.specifier, module]));
  const parents = new Map<string, string | undefined>([[graph.roots[0], undefined]]);
  const queue = [graph.roots[0]];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const dependency of byName.get(current)?.dependencies ?? []) {
      const target = dependency.code?.specifier;
      // A dynamic import() runs on first use, not at import time.
      if (target === undefined || dependency.isDynamic || parents.has(target)) continue;
      parents.set(target, current);
      queue.push(target);
    }
  }
  return parents;
}

const local = (specifier: string): string => specifier.replace(root.href, "");

function summary(graph: Info, names: Iterable<string>): { count: number; bytes: number } {
  const sizes = new Map(graph.modules.map((module) => [module.specifier, module.size ?? 0]));
  let count = 0, bytes = 0;
  for (const name of names) {
    if (!name.startsWith(root.href) || name.includes("/node_modules/")) continue;
    count++;
    bytes += sizes.get(name) ?? 0;
  }
  return { count, bytes };
}

function chain(parents: Map<string, string | undefined>, name: string): string {
  const links: string[] = [];
  for (let at: string | undefined = name; at !== undefined; at = parents.get(at)) {
    links.push(local(at));
  }
  return links.join(" <- ");
}

/** What Node loads by itself while importing `entry` (undici, amaro), by a fresh process. */
async function nodeLoads(entry: string): Promise<string> {
  const url = new URL(entry, root).href;
  const code = `await import(${JSON.stringify(url)});console.log(process.moduleLoadList` +
    `.filter((m)=>/deps\\/(undici|amaro)/.test(m)).map((m)=>m.split("/")[2]).join(" "));`;
  const { code: status, out } = await run(binary("node"), ["--input-type=module", "-e", code]);
  if (status !== 0) throw new Error(`node import of ${entry} exited ${status}`);
  return out.trim().split("\n").at(-1) || "-";
}

/** Milliseconds for one `await import(entry)` in a fresh process of `runtime`. */
async function importTime(runtime: string, entry: string): Promise<number> {
  const url = new URL(entry, root).href;
  const code = `const t=performance.now();await import(${JSON.stringify(url)});` +
    `console.log(performance.now()-t);`;
  const argv = runtime === "deno"
    ? ["eval", "--ext=ts", code]
    : runtime === "node"
    ? ["--input-type=module", "-e", code]
    : ["-e", code];
  const { code: status, out } = await run(binary(runtime), argv);
  if (status !== 0) throw new Error(`${runtime} import of ${entry} exited ${status}`);
  // Importing a server module may leave nothing running; the last line is the timing.
  return Number(out.trim().split("\n").at(-1));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

const entries = args().length > 0 ? args() : DEFAULT_ENTRIES;
const runs = Number(getEnv("IMPORT_RUNS") ?? "5");
const why = getEnv("IMPORT_WHY");
const runtimes = ["node", "deno", "bun"];
console.log(
  `entry | runtime modules | runtime KB | graph modules | graph KB | ` +
    runtimes.map((name) => `${name} ms`).join(" | ") + " | node loads",
);
for (const entry of entries) {
  const graph = await info(entry);
  const parents = executed(graph);
  const live = summary(graph, parents.keys());
  const all = summary(graph, graph.modules.map((module) => module.specifier));
  const times: string[] = [];
  for (const runtime of runtimes) {
    const samples: number[] = [];
    for (let i = 0; i < runs; i++) samples.push(await importTime(runtime, entry));
    times.push(median(samples).toFixed(1));
  }
  console.log(
    `${entry} | ${live.count} | ${(live.bytes / 1024).toFixed(1)} | ${all.count} | ` +
      `${(all.bytes / 1024).toFixed(1)} | ${times.join(" | ")} | ${await nodeLoads(entry)}`,
  );
  if (getEnv("IMPORT_LIST") === "1") {
    for (const name of [...parents.keys()].sort()) console.log(`  ${local(name)}`);
  }
  if (why !== undefined) {
    for (const name of [...parents.keys()].sort()) {
      if (name.includes(why)) console.log(`  ${chain(parents, name)}`);
    }
  }
}
