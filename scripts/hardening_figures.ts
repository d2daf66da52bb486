/**
 * The figures of issue 15's closing note (not part of the test command), measured against an
 * emcee server in a child process of the same runtime (GC exposed, `ulimit -n` raised):
 *
 *   node scripts/hardening_figures.ts
 *   deno run -A scripts/hardening_figures.ts
 *   bun scripts/hardening_figures.ts
 *   FIGURES=corpus,latency,sessions FIGURES_SESSIONS=10000 node scripts/hardening_figures.ts
 *
 * 1. A malformed-request corpus (both eras' JSON-RPC and header mistakes, raw HTTP/1.1
 *    mistakes; see scripts/hardening/corpus.ts): 5xx answers, connection errors, answers that
 *    lost the request's id, internal errors, and whether the server still serves afterwards.
 * 2. A normal client's p99 latency (sequential stateless tools/call) with no load, under 500
 *    slowloris connections and under 200 legacy clients whose GET stream is never read while
 *    the server broadcasts to them; the server's RSS with those 200 after ~20 s.
 * 3. Heap after GC and RSS with 0 and with 10 000 idle legacy sessions, per session.
 *
 * Prints Markdown tables, each with the load average when it was measured.
 *
 * @module
 */
import {
  args,
  getEnv,
  readTextFile,
  runtimeName,
  runtimeVersion,
  spawnProcess,
} from "../runtime/mod.ts";
import { callText, delay, mib, sampleMemory, startServer } from "./hardening/client.ts";
import { runCorpus } from "./hardening/run_corpus.ts";
import {
  broadcast,
  idleSessions,
  type Latency,
  measureLatency,
  nonReadingStreams,
  slowloris,
} from "./hardening/load.ts";
import { runFiguresServer } from "./hardening/server.ts";

const SELF = new URL(import.meta.url).pathname;
const FD_LIMIT = Number(getEnv("FIGURES_FD_LIMIT") ?? 20_000);
const LATENCY_SECONDS = Number(getEnv("FIGURES_LATENCY_SECONDS") ?? 4);
const SLOWLORIS = Number(getEnv("FIGURES_SLOWLORIS") ?? 500);
const NON_READERS = Number(getEnv("FIGURES_NON_READERS") ?? 200);
const SESSIONS = Number(getEnv("FIGURES_SESSIONS") ?? 10_000);

async function loadAverage(): Promise<string> {
  try {
    return (await readTextFile("/proc/loadavg")).split(" ").slice(0, 3).join(" ");
  } catch {
    return "?";
  }
}

async function commandOutput(command: string, argv: string[]): Promise<string> {
  const child = spawnProcess(command, argv, { stderr: "ignore" });
  const text = await new Response(child.stdout).text();
  await child.exited;
  return text.trim();
}

const ms = (value: number): string => value.toFixed(1);

function latencyRow(label: string, latency: Latency, extra: string, load: string): string {
  return `| ${label} | ${latency.calls} | ${ms(latency.p50)} | ${ms(latency.p99)} | ${
    ms(latency.max)
  } | ${latency.errors}${
    latency.lastError ? ` (${latency.lastError.slice(0, 60)})` : ""
  } | ${extra} | ${load} |`;
}

async function corpusFigures(): Promise<void> {
  const server = await startServer(SELF, FD_LIMIT);
  try {
    const load = await loadAverage();
    const report = await runCorpus(server.url, server.port);
    console.log(
      `\n### 1. Malformed-request corpus (${runtimeName()}; load ${load} → ${await loadAverage()}; ${
        report.seconds.toFixed(0)
      } s)\n`,
    );
    console.log(
      "| group | cases | 5xx | connect errors | id lost | -32603 | closed, no answer | no answer in wait | statuses |",
    );
    console.log("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    const rows = [...report.groups.entries()].sort(([a], [b]) => a.localeCompare(b));
    for (const [name, c] of [...rows, ["**total**", report.total] as const]) {
      const statuses = Object.entries(c.statuses).sort((a, b) => b[1] - a[1])
        .map(([s, n]) => `${s}×${n}`).join(" ");
      console.log(
        `| ${name} | ${c.cases} | ${c.fiveXx} | ${c.connectErrors} | ${c.idLost} | ${c.internalErrors} | ${c.closedWithoutAnswer} | ${c.noAnswerInTime} | ${statuses} |`,
      );
    }
    console.log(
      `\nStill answers a normal call (both eras) afterwards: **${
        report.stillServes ? "yes" : "NO"
      }**`,
    );
    for (const [name, c] of rows) {
      for (const sample of c.samples) {
        console.log(`- ${name}: ${sample.replaceAll("\n", " ").replaceAll("|", "\\|")}`);
      }
    }
  } finally {
    await server.stop();
  }
}

async function latencyFigures(): Promise<void> {
  const server = await startServer(SELF, FD_LIMIT);
  try {
    for (let i = 0; i < 200; i++) await callText(server.url, "echo", { text: "warm" });
    console.log(
      `\n### 2. Normal-client latency, sequential stateless tools/call, ${LATENCY_SECONDS} s each (${runtimeName()}; server ulimit -n ${server.fdLimit})\n`,
    );
    console.log("| condition | calls | p50 ms | p99 ms | max ms | errors | notes | load avg |");
    console.log("|---|---:|---:|---:|---:|---|---|---|");
    const idle = await measureLatency(server.url, LATENCY_SECONDS);
    const idleMemory = await sampleMemory(server.url);
    console.log(latencyRow("no load", idle, `RSS ${mib(idleMemory.rss)} MiB`, await loadAverage()));

    const openedAt = Date.now();
    const loris = await slowloris(server.port, SLOWLORIS);
    const underLoris = await measureLatency(server.url, LATENCY_SECONDS);
    const closedDuring = loris.closedByServer();
    const lorisLoad = await loadAverage();
    await delay(Math.max(0, openedAt + 13_000 - Date.now()));
    const closedBy13 = loris.closedByServer();
    const lorisMemory = await sampleMemory(server.url);
    console.log(latencyRow(
      `${SLOWLORIS} slowloris`,
      underLoris,
      `${loris.opened} opened (${loris.failed} failed); server closed ${closedDuring} during the window, ${closedBy13} by 13 s; RSS ${
        mib(lorisMemory.rss)
      } MiB`,
      lorisLoad,
    ));
    loris.close();
    await delay(500);

    const rssBefore = (await sampleMemory(server.url)).rss;
    const streams = await nonReadingStreams(server.url, server.port, NON_READERS);
    const broadcastAt = Date.now();
    await broadcast(server.url, 10);
    await delay(2000);
    const underStreams = await measureLatency(server.url, LATENCY_SECONDS);
    const streamsLoad = await loadAverage();
    await delay(Math.max(0, broadcastAt + 20_000 - Date.now()));
    const rss20 = await sampleMemory(server.url);
    const sent = await broadcast(server.url, 0);
    console.log(latencyRow(
      `${NON_READERS} non-reading SSE`,
      underStreams,
      `${streams.opened} streams open (${streams.failed} failed); ${sent} updates × ~2 KiB broadcast in ${
        ((Date.now() - broadcastAt) / 1000).toFixed(0)
      } s; server closed ${streams.closedByServer()} streams; RSS ${mib(rssBefore)} → ${
        mib(rss20.rss)
      } MiB after 20 s (heap after GC ${mib(rss20.heapUsed)} MiB)`,
      streamsLoad,
    ));
    streams.close();
  } finally {
    await server.stop();
  }
}

async function sessionFigures(): Promise<void> {
  const server = await startServer(SELF, FD_LIMIT);
  try {
    for (let i = 0; i < 200; i++) await callText(server.url, "echo", { text: "warm" });
    const warm = await idleSessions(server.url, 50);
    const base = await sampleMemory(server.url);
    const load = await loadAverage();
    const start = Date.now();
    const failed = await idleSessions(server.url, SESSIONS);
    const seconds = (Date.now() - start) / 1000;
    await delay(1000);
    const full = await sampleMemory(server.url);
    console.log(
      `\n### 3. Idle legacy sessions (${runtimeName()}; ${SESSIONS} opened in ${
        seconds.toFixed(0)
      } s, ${failed} failed; load ${load} → ${await loadAverage()})\n`,
    );
    console.log(`| | heap after GC | RSS |\n|---|---:|---:|`);
    console.log(
      `| 50 sessions (warm-up${warm ? `, ${warm} failed` : ""}) | ${mib(base.heapUsed)} MiB | ${
        mib(base.rss)
      } MiB |`,
    );
    console.log(
      `| +${SESSIONS} idle sessions | ${mib(full.heapUsed)} MiB | ${mib(full.rss)} MiB |`,
    );
    console.log(
      `| **per session** | **${
        ((full.heapUsed - base.heapUsed) / (SESSIONS - failed)).toFixed(0)
      } B** | **${((full.rss - base.rss) / (SESSIONS - failed)).toFixed(0)} B** |`,
    );
    if (!full.collected) console.log("(GC was not exposed in the child: the heap is not after GC)");
  } finally {
    await server.stop();
  }
}

async function main(): Promise<void> {
  if (args().includes("--server")) return await runFiguresServer();
  const parts = (getEnv("FIGURES") ?? "corpus,latency,sessions").split(",");
  console.log(
    `## Hardening figures: ${runtimeName()} ${runtimeVersion()}, ${new Date().toISOString()}\n`,
  );
  console.log(`uptime: ${await commandOutput("uptime", [])}\n`);
  console.log(
    "runtime/ state (`git diff --stat runtime/`):\n```\n" +
      await commandOutput("git", ["diff", "--stat", "runtime/"]) +
      "\n```\nnew files (`git status --short runtime/ | grep '??'`): " +
      (await commandOutput("git", ["status", "--short", "runtime/"])).split("\n")
        .filter((line) => line.startsWith("??")).map((line) => line.slice(3)).join(", "),
  );
  if (parts.includes("corpus")) await corpusFigures();
  if (parts.includes("latency")) await latencyFigures();
  if (parts.includes("sessions")) await sessionFigures();
  console.log(`\nuptime at the end: ${await commandOutput("uptime", [])}`);
}

await main();
