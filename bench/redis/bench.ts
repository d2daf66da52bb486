// Legacy 2025-11-25 sessions on Redis against in memory, and one against two Redis-backed
// instances behind a round-robin proxy, on Deno, Bun and Node, with what Redis itself spends:
//
//   node bench/redis/bench.ts [node deno bun]        QUICK=1: ~1.5 minutes (full: ~4)
//
// The orchestrator runs on Node (any runtime works); each server (server_child.ts: the `add`
// tool, sessions in memory or on `redisStore`) is a child process of the runtime under test,
// and so is the proxy (proxy_child.ts: tests/store/fixtures/round_robin.ts), the redis-server one
// started here (tests/redis_server.ts). The load is `wrk -t1 -c32`, each
// request a tools/call in the next of 8 open sessions; session churn (initialize, initialized,
// DELETE) is 8 fetch loops. Pairs (memory/Redis, one/two instances) run in interleaved reps,
// their order alternating; each figure is the median over the reps.
//
// CPU per call comes from /proc/<pid>/stat (user + system, every thread) of the server
// children, of the proxy and of redis-server; commands per call from INFO
// commandstats. On a busy machine calls/s swings with the other load; CPU per call moves much
// less, and 1 / (Redis CPU per call) is what one Redis core sustains. Writes
// bench/results/redis.md and prints it.

import { mkdirSync, writeFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { type LineChild, type Runtime, spawnChild } from "../perf/children.ts";
import { type RedisServer, startRedis } from "../../tests/redis_server.ts";
import { args, exitProcess, getEnv, runtimeVersion } from "../../runtime/mod.ts";
import {
  checkCall,
  churnSessions,
  commandMix,
  cpuUs,
  endSession,
  openSession,
  probeRedis,
  type RedisProbe,
  wrkSessions,
} from "./measure.ts";
import { messageCosts } from "./messages.ts";

const quick = getEnv("QUICK") === "1";
const requested = args().filter((a): a is Runtime => /^(node|deno|bun)$/.test(a));
const runtimes: Runtime[] = requested.length > 0 ? requested : ["deno", "bun", "node"];
const REPS = Number(getEnv("REPS") ?? (quick ? 2 : 3));
const measureS = quick ? 2 : 4; // whole seconds: wrk takes no fractions
const warmupS = 1;
const churnS = quick ? 1 : 3;
const CONNECTIONS = 32;
const SESSIONS = 8;
const CHURN_LOOPS = 8;
const MESSAGES = quick ? 20000 : 80000;
const HELD_SESSIONS = 500;

const watchdog = setTimeout(() => {
  console.error("bench/redis: over 12 minutes, giving up");
  exitProcess(2);
}, 12 * 60_000);
const log = (text: string) => console.error(text);
const load1 = () => loadavg()[0].toFixed(2);
const median = (values: number[]): number => {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  if (sorted.length === 0) return NaN;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** A server child serving the `add` tool, in memory or on Redis. */
interface Instance {
  child: LineChild;
  pid: number;
  url: string;
}

async function startInstance(runtime: Runtime, redisUrl: string | undefined): Promise<Instance> {
  const child = spawnChild(
    runtime,
    "../redis/server_child.ts",
    redisUrl ? ["redis", redisUrl] : ["memory"],
  );
  const { port } = JSON.parse(await child.line()) as { port: number };
  return { child, pid: child.process.pid!, url: `http://127.0.0.1:${port}` };
}

/** Where the load goes: one instance, or a proxy in this process over several. */
interface Target {
  label: string;
  url: string;
  instances: Instance[];
  proxy: LineChild | undefined;
  sessions: string[];
  stop(): Promise<void>;
}

async function target(
  label: string,
  runtime: Runtime,
  redisUrl: string | undefined,
  count: number,
  proxied: boolean,
): Promise<Target> {
  const instances: Instance[] = [];
  for (let i = 0; i < count; i++) instances.push(await startInstance(runtime, redisUrl));
  const proxy = proxied
    ? spawnChild(runtime, "../redis/proxy_child.ts", instances.map((one) => one.url))
    : undefined;
  const url = proxy
    ? `http://127.0.0.1:${(JSON.parse(await proxy.line()) as { port: number }).port}/mcp`
    : `${instances[0].url}/mcp`;
  const sessions: string[] = [];
  for (let i = 0; i < SESSIONS; i++) sessions.push(await openSession(url));
  // Each session answers (on every instance, behind the proxy) before anything is timed.
  for (const id of sessions) for (let i = 0; i < count; i++) await checkCall(url, id);
  return {
    label,
    url,
    instances,
    proxy,
    sessions,
    async stop() {
      await Promise.all(sessions.map((id) => endSession(url, id).catch(() => {})));
      await proxy?.stop();
      await Promise.all(instances.map((one) => one.child.stop()));
    },
  };
}

/** One timed run's figures, per call. */
interface Run {
  rps: number;
  serverUs: number;
  proxyUs: number;
  redisUs: number;
  commands: number;
  mix: string;
  errors: number;
}

const serverCpu = (t: Target) => t.instances.reduce((sum, one) => sum + cpuUs(one.pid), 0);

async function measureCalls(t: Target, probe: RedisProbe, seconds: number): Promise<Run> {
  const server = serverCpu(t);
  const proxyPid = t.proxy?.process.pid;
  const proxy = proxyPid ? cpuUs(proxyPid) : 0;
  const redis = await probe.snapshot();
  const result = await wrkSessions(t.url, t.sessions, CONNECTIONS, seconds);
  const redisAfter = await probe.snapshot();
  const calls = result.rps * seconds;
  return {
    rps: result.rps,
    serverUs: (serverCpu(t) - server) / calls,
    proxyUs: proxyPid ? (cpuUs(proxyPid) - proxy) / calls : NaN,
    redisUs: (redisAfter.cpuUs - redis.cpuUs) / calls,
    commands: (redisAfter.commands - redis.commands) / calls,
    mix: commandMix(redis, redisAfter, calls),
    errors: result.errors,
  };
}

async function measureChurn(t: Target, probe: RedisProbe, seconds: number): Promise<Run> {
  const server = serverCpu(t);
  const redis = await probe.snapshot();
  const result = await churnSessions(t.url, CHURN_LOOPS, seconds);
  const redisAfter = await probe.snapshot();
  const n = result.sessions;
  return {
    rps: n / result.elapsedS,
    serverUs: (serverCpu(t) - server) / n,
    proxyUs: NaN,
    redisUs: (redisAfter.cpuUs - redis.cpuUs) / n,
    commands: (redisAfter.commands - redis.commands) / n,
    mix: commandMix(redis, redisAfter, n),
    errors: result.errors,
  };
}

/** Median figures of one case over the reps. */
interface Row {
  runtime: Runtime;
  label: string;
  runs: Run[];
}

const rows: Row[] = [];
const notes: string[] = [];

/** Runs `measure` on each target of the pair `REPS` times, the order alternating. */
async function interleaved(
  runtime: Runtime,
  pair: Target[],
  measure: (t: Target) => Promise<Run>,
  suffix: string,
): Promise<Row[]> {
  const made = pair.map((t) => ({ runtime, label: t.label + suffix, runs: [] as Run[] }));
  for (let rep = 0; rep < REPS; rep++) {
    const order = rep % 2 === 0 ? [0, 1] : [1, 0];
    for (const index of order) made[index].runs.push(await measure(pair[index]));
  }
  rows.push(...made);
  return made;
}

const pick = (row: Row, key: keyof Omit<Run, "mix">) => median(row.runs.map((run) => run[key]));
const ratio = (a: Row, b: Row, key: keyof Omit<Run, "mix">) => {
  const values = a.runs.map((run, i) => run[key] / b.runs[i][key]);
  return `${median(values).toFixed(2)}× [${values.map((v) => v.toFixed(2)).join(" ")}]`;
};

/** Redis memory per open legacy session, and per session closed (its tombstone, for the TTL). */
async function sessionBytes(
  redisServer: RedisServer,
  probe: RedisProbe,
  runtime: Runtime,
): Promise<string> {
  const instance = await startInstance(runtime, redisServer.url);
  const memory = async () =>
    Number(/used_memory:(\d+)/.exec(String(await probe.redis.send(["INFO", "memory"])))?.[1]);
  const url = `${instance.url}/mcp`;
  const ids: string[] = [];
  try {
    const before = await memory();
    for (let i = 0; i < HELD_SESSIONS; i += 25) {
      ids.push(...await Promise.all(Array.from({ length: 25 }, () => openSession(url))));
    }
    const held = await memory();
    for (let i = 0; i < ids.length; i += 25) {
      await Promise.all(ids.slice(i, i + 25).map((id) => endSession(url, id)));
    }
    const closed = await memory();
    const per = (bytes: number) => (bytes / ids.length).toFixed(0);
    return `${runtime}: ${per(held - before)} B open, ${per(closed - before)} B once closed`;
  } finally {
    await instance.child.stop();
  }
}

const started = new Date();
const redisServer = await startRedis();
const probe = await probeRedis(redisServer.url);
const redisVersion = /redis_version:(\S+)/.exec(String(await probe.redis.send(["INFO", "server"])))
  ?.[1];
const heldBytes: string[] = [];
const ratios: string[] = [];
try {
  for (const runtime of runtimes) {
    const before = load1();
    log(`bench/redis on ${runtime} (load average ${before})`);
    const direct = [
      await target("memory store, one instance", runtime, undefined, 1, false),
      await target("Redis store, one instance", runtime, redisServer.url, 1, false),
    ];
    for (const t of direct) await wrkSessions(t.url, t.sessions, CONNECTIONS, warmupS);
    const [memory, onRedis] = await interleaved(
      runtime,
      direct,
      (t) => measureCalls(t, probe, measureS),
      ": tools/call",
    );
    const [memoryChurn, redisChurn] = await interleaved(
      runtime,
      direct,
      (t) => measureChurn(t, probe, churnS),
      ": session open+close",
    );
    await Promise.all(direct.map((t) => t.stop()));
    log(`  ${runtime} memory against Redis: done (load ${load1()})`);
    const scaled = [
      await target("Redis store, one instance behind the proxy", runtime, redisServer.url, 1, true),
      await target(
        "Redis store, two instances behind the proxy",
        runtime,
        redisServer.url,
        2,
        true,
      ),
    ];
    for (const t of scaled) await wrkSessions(t.url, t.sessions, CONNECTIONS, warmupS);
    const [one, two] = await interleaved(
      runtime,
      scaled,
      (t) => measureCalls(t, probe, measureS),
      ": tools/call",
    );
    await Promise.all(scaled.map((t) => t.stop()));
    heldBytes.push(await sessionBytes(redisServer, probe, runtime));
    ratios.push(
      `${runtime}: Redis/memory calls/s ${ratio(onRedis, memory, "rps")}, server CPU/call ` +
        `${ratio(onRedis, memory, "serverUs")}; session open+close Redis/memory per s ` +
        `${ratio(redisChurn, memoryChurn, "rps")}; two/one instances calls/s ` +
        `${ratio(two, one, "rps")}`,
    );
    const after = load1();
    const busy = Math.max(Number(before), Number(after)) > availableParallelism()
      ? " (above the core count: other processes competed, calls/s is noisy and low)"
      : "";
    notes.push(`${runtime}: load average (1 min) ${before} before, ${after} after${busy}`);
    log(`  ${runtime} one against two instances: done (load ${load1()})`);
  }
  const costs = await messageCosts(redisServer.url, probe, MESSAGES, 64);
  clearTimeout(watchdog);
  report(costs);
} finally {
  probe.close();
  await redisServer.stop();
}

/** Two significant digits: what these figures are good for. */
function roughly(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(2))) : "–";
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

function report(costs: Awaited<ReturnType<typeof messageCosts>>): void {
  const lines = [
    "# emcee on Redis: legacy sessions, instances, messages",
    "",
    `${started.toISOString()}, ${availableParallelism()} cores, orchestrator Node ` +
    `${runtimeVersion()}, redis-server ${redisVersion ?? "?"}${quick ? ", QUICK=1" : ""}`,
    `tools/call: wrk -t1 -c${CONNECTIONS} over ${SESSIONS} legacy 2025-11-25 sessions in turn, ` +
    `${REPS} interleaved reps of ${measureS} s; session open+close: ${CHURN_LOOPS} fetch loops ` +
    `(initialize, notifications/initialized, DELETE), ${REPS} reps of ${churnS} s; medians. ` +
    "CPU µs per call from /proc (user + system); the proxy runs on the runtime under test.",
    ...notes.map((note) => `- ${note}`),
    "",
    "| runtime | case | per s | server CPU µs | proxy CPU µs | Redis CPU µs | Redis commands | commands (each) |",
    "|---|---|---:|---:|---:|---:|---:|---|",
  ];
  for (const row of rows) {
    const errors = row.runs.reduce((sum, run) => sum + run.errors, 0);
    lines.push(
      `| ${row.runtime} | ${row.label}${errors > 0 ? ` (${errors} errors)` : ""} | ` +
        `${fixed(pick(row, "rps"), 0)} | ${fixed(pick(row, "serverUs"), 1)} | ` +
        `${fixed(pick(row, "proxyUs"), 1)} | ${fixed(pick(row, "redisUs"), 1)} | ` +
        `${fixed(pick(row, "commands"), 2)} | ${row.runs.at(-1)?.mix ?? ""} |`,
    );
  }
  lines.push("", "Ratios (median [per rep]):", "", ...ratios.map((line) => `- ${line}`), "");
  lines.push(
    "Messages between instances (from the orchestrator, emcee's Redis client, 64 in flight):",
    "",
    "| message | per s | Redis CPU µs | Redis commands | commands (each) |",
    "|---|---:|---:|---:|---|",
    ...costs.map((cost) =>
      `| ${cost.label} | ${fixed(cost.perSecond, 0)} | ${fixed(cost.redisUsPerMessage, 1)} | ` +
      `${fixed(cost.commandsPerMessage, 2)} | ${cost.mix} |`
    ),
    "",
    `Redis memory per legacy session (INFO memory, ${HELD_SESSIONS} opened then closed; a closed ` +
      `session leaves a tombstone for the session TTL): ${heldBytes.join("; ")}`,
    "",
  );
  lines.push(...capacity(costs), "");
  const text = lines.join("\n");
  console.log(text);
  const results = fileURLToPath(new URL("../results/", import.meta.url));
  mkdirSync(results, { recursive: true });
  writeFileSync(`${results}redis.md`, text);
  console.log("written: bench/results/redis.md");
}

/** One Redis core's capacity by these figures: 1 / (Redis CPU per unit), median over runtimes. */
function capacity(costs: Awaited<ReturnType<typeof messageCosts>>): string[] {
  const perCore = (suffix: string) => {
    const us = median(
      rows.filter((row) => row.label === `Redis store, one instance${suffix}`)
        .map((row) => pick(row, "redisUs")),
    );
    return `${roughly(1e6 / us)}/s (${fixed(us, 1)} µs of Redis CPU each)`;
  };
  return [
    "Capacity of one Redis node (one core: redis-server runs commands on one thread), " +
    "1 / (Redis CPU per unit), median over the runtimes. Commands are INFO commandstats: they " +
    "count what a script runs, so a legacy tools/call's 8 are one round trip (one EVAL). On a " +
    "machine busier than its core count Redis CPU per command is inflated: a lower bound.",
    "",
    `- legacy tools/call: ${perCore(": tools/call")}`,
    `- legacy session open+close: ${perCore(": session open+close")}`,
    ...costs.map((cost) =>
      `- ${cost.label}: ${roughly(1e6 / cost.redisUsPerMessage)}/s ` +
      `(${fixed(cost.redisUsPerMessage, 1)} µs each)`
    ),
  ];
}
