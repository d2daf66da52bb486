// tools/call over Streamable HTTP, stateless 2026-07-28: emcee vs the official
// @modelcontextprotocol/server 2.x, on the same runtime in the same run.
//
//   node_modules/.bin/node bench/server/bench.ts
//   node_modules/.bin/deno run -A bench/server/bench.ts
//   node_modules/.bin/bun run bench/server/bench.ts
//
// What is measured. Each server runs in its own child process of the same runtime (child.ts), so
// the load generator (this process: a fixed number of `fetch` loops on keep-alive connections)
// and the server each get one of the two cores. Every request is the same `tools/call` of an
// `echo` tool whose input schema ({ text: string }, required, no extra properties) is checked on
// every call. For each concurrency the servers alternate, each cell getting a warm-up then a
// timed run, over BENCH_ROUNDS rounds whose requests and latencies are pooled. Besides req/s and
// latency, the child reports its CPU time, giving server CPU µs per request: the least noisy
// number, and the one that still means something when the load generator is the bottleneck
// (its own CPU use is shown as "gen CPU"). A third child, the "HTTP floor", serves a fixed
// JSON-RPC result through the same HTTP layer without MCP: what the servers spend above it is
// their MCP cost. The 1-minute load average is printed before and after; above the core count,
// other processes were competing and every number is inflated.
//
// How each server is built (servers.ts):
// - emcee: one `McpServer`, `createHttpHandler(server, { legacy: false })`.
// - official 2.4: it implements 2026-07-28 natively, so its modern stateless entry is used:
//   `createMcpHandler(factory, { legacy: "reject" })`, whose factory builds a fresh `McpServer`
//   per request (the SDK's documented model). Its handler is web-standard (`handler.fetch`).
//   Schema: zod (`z.object({ text: z.string() }).strict()`, its idiom) by default, or the same
//   raw JSON Schema through `fromJsonSchema` (Ajv) with BENCH_OFFICIAL_SCHEMA=json.
// - Both are served by emcee's `serveHttp` (runtime/): Deno.serve on Deno, Bun.serve
//   on Bun, node:http + `toNodeHandler` on Node. The official handler needs no Node http and no
//   adapter of its own on any runtime, so the HTTP layer is identical for both servers and only
//   the MCP handling differs.
//
// The request (identical for both; both require the SEP-2243 headers): `_meta` with
// protocolVersion 2026-07-28 and clientCapabilities, and the headers MCP-Protocol-Version,
// Mcp-Method, Mcp-Name, Content-Type: application/json, Accept: application/json,
// text/event-stream. No initialize: the modern era has none. Before measuring, each server's
// answer to a valid call (the echoed text) and to an invalid one (a tool error result) is checked;
// during the run every response must be 200 and contain the echoed text, or it counts as an error.
//
// Knobs (environment): BENCH_MS (timed run per cell, default 5000), BENCH_WARMUP_MS (1000),
// BENCH_ROUNDS (2), BENCH_CONCURRENCY ("16,1"), BENCH_OFFICIAL_SCHEMA ("zod" | "json").
// Defaults take about 75 s per runtime; a watchdog ends the run after 170 s.

import {
  type ChildProcessHandle,
  cpuUsage,
  executablePath,
  exitProcess,
  getEnv,
  runtimeName,
  runtimeVersion,
  spawnProcess,
} from "../../runtime/mod.ts";
import type { ServerKind } from "./servers.ts";
import { availableParallelism, loadavg } from "node:os";

const PROTOCOL_VERSION = "2026-07-28";
const ECHO_TEXT = "hello, benchmark";

const measureMs = Number(getEnv("BENCH_MS") ?? "5000");
const warmupMs = Number(getEnv("BENCH_WARMUP_MS") ?? "1000");
const rounds = Number(getEnv("BENCH_ROUNDS") ?? "2");
const concurrencies = (getEnv("BENCH_CONCURRENCY") ?? "16,1").split(",").map(Number);
const officialSchema = getEnv("BENCH_OFFICIAL_SCHEMA") === "json" ? "json" : "zod";
const KINDS: readonly ServerKind[] = ["emcee", "official", "floor"];

function callBody(args: { [key: string]: unknown }): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: {
      name: "echo",
      arguments: args,
      _meta: {
        "io.modelcontextprotocol/protocolVersion": PROTOCOL_VERSION,
        "io.modelcontextprotocol/clientCapabilities": {},
      },
    },
  });
}

const HEADERS: { [name: string]: string } = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": PROTOCOL_VERSION,
  "mcp-method": "tools/call",
  "mcp-name": "echo",
};
const VALID_BODY = callBody({ text: ECHO_TEXT });
const EXPECTED_FRAGMENT = JSON.stringify(ECHO_TEXT);

// ---- child processes -------------------------------------------------------------------------

interface BenchChild {
  kind: ServerKind;
  url: string;
  /** The child's CPU time so far, µs. */
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

function lineReader(stream: ReadableStream<Uint8Array>): () => Promise<string> {
  const reader = stream.getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  return async () => {
    while (!buffered.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error("bench child closed its stdout");
      buffered += decoder.decode(value, { stream: true });
    }
    const newline = buffered.indexOf("\n");
    const line = buffered.slice(0, newline);
    buffered = buffered.slice(newline + 1);
    return line;
  };
}

function childCommand(kind: ServerKind): string[] {
  const script = decodeURIComponent(new URL("./child.ts", import.meta.url).pathname);
  const args = [script, kind, officialSchema];
  const runtime = runtimeName();
  if (runtime === "deno") return ["run", "-A", ...args];
  if (runtime === "bun") return ["run", ...args];
  return args;
}

const children: ChildProcessHandle[] = [];

async function startChild(kind: ServerKind): Promise<BenchChild> {
  const child = spawnProcess(executablePath(), childCommand(kind), { stderr: "inherit" });
  children.push(child);
  const readLine = lineReader(child.stdout);
  const writer = child.stdin.getWriter();
  const encoder = new TextEncoder();
  const { port } = JSON.parse(await readLine()) as { port: number };
  return {
    kind,
    url: `http://127.0.0.1:${port}/mcp`,
    async cpu() {
      await writer.write(encoder.encode("cpu\n"));
      const { user, system } = JSON.parse(await readLine()) as { user: number; system: number };
      return user + system;
    },
    async stop() {
      await writer.close().catch(() => {});
      const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
      await child.exited.catch(() => {});
      clearTimeout(timer);
    },
  };
}

// ---- verification ----------------------------------------------------------------------------

async function post(url: string, body: string): Promise<{ status: number; json: unknown }> {
  const response = await fetch(url, { method: "POST", headers: HEADERS, body });
  const text = await response.text();
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("application/json")) {
    throw new Error(`expected a JSON response, got ${type}: ${text.slice(0, 200)}`);
  }
  return { status: response.status, json: JSON.parse(text) };
}

function toolResult(
  json: unknown,
): { content?: { type: string; text?: string }[]; isError?: true } {
  const result = (json as { result?: unknown }).result;
  if (typeof result !== "object" || result === null) {
    throw new Error(`expected a result, got ${JSON.stringify(json).slice(0, 300)}`);
  }
  return result as { content?: { type: string; text?: string }[]; isError?: true };
}

/** Checks one valid and one invalid call before anything is timed. */
async function verify(child: BenchChild): Promise<void> {
  if (child.kind === "floor") return;
  const valid = await post(child.url, VALID_BODY);
  const result = toolResult(valid.json);
  const text = result.content?.[0]?.text;
  if (valid.status !== 200 || result.isError || text !== ECHO_TEXT) {
    throw new Error(`${child.kind}: wrong echo result: ${JSON.stringify(valid)}`);
  }
  const invalid = await post(child.url, callBody({ text: 42 }));
  if (invalid.status !== 200 || toolResult(invalid.json).isError !== true) {
    throw new Error(
      `${child.kind}: invalid arguments were not a tool error: ${
        JSON.stringify(invalid).slice(0, 300)
      }`,
    );
  }
}

// ---- load generator --------------------------------------------------------------------------

interface Sample {
  requests: number;
  errors: number;
  elapsedMs: number;
  serverCpuUs: number;
  generatorCpuUs: number;
  latencies: number[];
}

async function load(url: string, concurrency: number, durationMs: number): Promise<Sample> {
  const latencies: number[] = [];
  let errors = 0;
  let firstError: string | undefined;
  const start = performance.now();
  const end = start + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      try {
        const response = await fetch(url, { method: "POST", headers: HEADERS, body: VALID_BODY });
        const text = await response.text();
        if (response.status !== 200 || !text.includes(EXPECTED_FRAGMENT)) {
          errors++;
          firstError ??= `${response.status} ${text.slice(0, 200)}`;
          continue;
        }
      } catch (error) {
        errors++;
        firstError ??= String(error);
        continue;
      }
      latencies.push(performance.now() - sent);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  if (firstError) console.error(`  first error at ${url}: ${firstError}`);
  return {
    requests: latencies.length,
    errors,
    elapsedMs: performance.now() - start,
    serverCpuUs: 0,
    generatorCpuUs: 0,
    latencies,
  };
}

function cpuNow(): number {
  const { user, system } = cpuUsage();
  return user + system;
}

async function measure(child: BenchChild, concurrency: number): Promise<Sample> {
  await load(child.url, concurrency, warmupMs);
  const serverBefore = await child.cpu();
  const generatorBefore = cpuNow();
  const sample = await load(child.url, concurrency, measureMs);
  sample.generatorCpuUs = cpuNow() - generatorBefore;
  sample.serverCpuUs = await child.cpu() - serverBefore;
  return sample;
}

function pool(samples: Sample[]): Sample {
  return {
    requests: samples.reduce((sum, s) => sum + s.requests, 0),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    elapsedMs: samples.reduce((sum, s) => sum + s.elapsedMs, 0),
    serverCpuUs: samples.reduce((sum, s) => sum + s.serverCpuUs, 0),
    generatorCpuUs: samples.reduce((sum, s) => sum + s.generatorCpuUs, 0),
    latencies: samples.flatMap((s) => s.latencies),
  };
}

// ---- report ----------------------------------------------------------------------------------

interface Row {
  kind: ServerKind;
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  cpuPerRequest: number;
  serverCore: number;
  generatorCore: number;
  errors: number;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summarize(kind: ServerKind, concurrency: number, sample: Sample): Row {
  const sorted = sample.latencies.sort((a, b) => a - b);
  return {
    kind,
    concurrency,
    rps: (sample.requests / sample.elapsedMs) * 1000,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    cpuPerRequest: sample.serverCpuUs / Math.max(1, sample.requests),
    serverCore: sample.serverCpuUs / 10 / sample.elapsedMs,
    generatorCore: sample.generatorCpuUs / 10 / sample.elapsedMs,
    errors: sample.errors,
  };
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

const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : "-";

const LABELS: { [kind in ServerKind]: string } = {
  emcee: "emcee",
  official: `official 2.4 (${officialSchema})`,
  floor: "HTTP floor, no MCP",
};

function report(rows: Row[]): string {
  const results = table(
    [
      "server",
      "conc",
      "req/s",
      "p50 ms",
      "p99 ms",
      "srv CPU µs/req",
      "srv CPU",
      "gen CPU",
      "errors",
    ],
    rows.map((r) => [
      LABELS[r.kind],
      String(r.concurrency),
      fixed(r.rps, 0),
      fixed(r.p50, 3),
      fixed(r.p99, 3),
      fixed(r.cpuPerRequest, 1),
      `${fixed(r.serverCore, 0)}%`,
      `${fixed(r.generatorCore, 0)}%`,
      String(r.errors),
    ]),
  );
  const ratios = table(
    ["emcee / official", "req/s", "p50", "p99", "srv CPU µs/req"],
    concurrencies.map((c) => {
      const e = rows.find((r) => r.kind === "emcee" && r.concurrency === c)!;
      const o = rows.find((r) => r.kind === "official" && r.concurrency === c)!;
      return [
        `concurrency ${c}`,
        `${fixed(e.rps / o.rps, 2)}x`,
        `${fixed(e.p50 / o.p50, 2)}x`,
        `${fixed(e.p99 / o.p99, 2)}x`,
        `${fixed(e.cpuPerRequest / o.cpuPerRequest, 2)}x`,
      ];
    }),
  );
  return `${results}\n\n${ratios}`;
}

// ---- main ------------------------------------------------------------------------------------

const watchdog = setTimeout(() => {
  console.error("bench/server: over 170 s, giving up");
  for (const child of children) child.kill("SIGKILL");
  exitProcess(2);
}, 170_000);

const runtime = runtimeName();
const version = runtimeVersion();
console.log(
  `\n## server: tools/call over Streamable HTTP (stateless 2026-07-28) — ${runtime} ${version}\n`,
);
console.log(
  `${rounds} round(s) × ${warmupMs} ms warm-up + ${measureMs} ms per cell; ` +
    `server in a child process, load generator = fetch loops in the parent\n`,
);

function loadLine(when: string): string {
  const load = loadavg()[0];
  const cores = availableParallelism();
  const warning = load > cores ? " — busy machine, numbers are inflated" : "";
  return `load average (1 min) ${when}: ${load.toFixed(2)} on ${cores} cores${warning}`;
}
console.log(loadLine("before"));

const started: BenchChild[] = [];
try {
  for (const kind of KINDS) started.push(await startChild(kind));
  for (const child of started) await verify(child);
  const rows: Row[] = [];
  for (const concurrency of concurrencies) {
    const samples = new Map<ServerKind, Sample[]>(KINDS.map((k) => [k, []]));
    for (let round = 0; round < rounds; round++) {
      // Alternate the order so drift (thermal, GC, JIT) does not favour one server.
      const order = round % 2 === 0 ? started : [...started].reverse();
      for (const child of order) samples.get(child.kind)!.push(await measure(child, concurrency));
    }
    for (const kind of KINDS) rows.push(summarize(kind, concurrency, pool(samples.get(kind)!)));
  }
  console.log(loadLine("after") + "\n");
  console.log(report(rows));
} finally {
  await Promise.all(started.map((child) => child.stop()));
  clearTimeout(watchdog);
}
