// What bench/redis measures with: CPU of a process from /proc, Redis's command count and CPU,
// legacy 2025-11-25 sessions opened and ended with fetch, wrk driving tools/call over several
// sessions in turn, and the session churn (initialize, initialized, DELETE) as fetch loops.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connectRedis, type RedisClient } from "../../store/redis/client.ts";
import type { LoadResult } from "../perf/load.ts";

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICK_US = 10_000;

/** CPU µs (user + system, all threads) used so far by process `pid`, from /proc. */
export function cpuUs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) * TICK_US;
}

/** Redis's totals at one moment. */
export interface RedisSnapshot {
  cpuUs: number;
  /** Commands run so far, the probe's own INFO excluded. */
  commands: number;
  /** Calls so far per command name. */
  byCommand: Map<string, number>;
}

/** A connection watching one redis-server: its pid, and snapshots to subtract. */
export interface RedisProbe {
  pid: number;
  redis: RedisClient;
  snapshot(): Promise<RedisSnapshot>;
  close(): void;
}

/** Connects to `url` and finds the server's pid (INFO server). */
export async function probeRedis(url: string): Promise<RedisProbe> {
  const redis = await connectRedis(url);
  const server = String(await redis.send(["INFO", "server"]));
  const pid = Number(/process_id:(\d+)/.exec(server)?.[1]);
  if (!Number.isInteger(pid)) throw new Error(`no process_id in INFO: ${server.slice(0, 200)}`);
  return {
    pid,
    redis,
    async snapshot() {
      const stats = String(await redis.send(["INFO", "commandstats"]));
      const byCommand = new Map<string, number>();
      let commands = 0;
      for (const match of stats.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) {
        if (match[1] === "info") continue;
        byCommand.set(match[1], Number(match[2]));
        commands += Number(match[2]);
      }
      return { cpuUs: cpuUs(pid), commands, byCommand };
    },
    close: () => redis.close(),
  };
}

/** Per-command calls between two snapshots, per `units`, as `get 1.00, set 2.00`. */
export function commandMix(before: RedisSnapshot, after: RedisSnapshot, units: number): string {
  const parts: string[] = [];
  for (const [name, calls] of after.byCommand) {
    const delta = calls - (before.byCommand.get(name) ?? 0);
    if (delta / units >= 0.005) parts.push(`${name} ${(delta / units).toFixed(2)}`);
  }
  return parts.join(", ");
}

const ACCEPT = "application/json, text/event-stream";
const VERSION = "2025-11-25";
const EXPECT = '"text":"5"';

/** The headers of a request inside session `id`. */
function sessionHeaders(id: string): { [name: string]: string } {
  return {
    "content-type": "application/json",
    accept: ACCEPT,
    "mcp-session-id": id,
    "mcp-protocol-version": VERSION,
  };
}

/** The tools/call body every request of the load sends. */
export const CALL_BODY: string = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "add", arguments: { a: 2, b: 3 } },
});

/** Opens a 2025-11-25 session (initialize, then notifications/initialized); returns its id. */
export async function openSession(url: string): Promise<string> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: ACCEPT },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: VERSION,
        capabilities: {},
        clientInfo: { name: "bench", version: "0.0.0" },
      },
    }),
  });
  const text = await response.text();
  const id = response.headers.get("mcp-session-id");
  if (!id || !text.includes(VERSION)) throw new Error(`initialize failed: ${text.slice(0, 300)}`);
  const initialized = await fetch(url, {
    method: "POST",
    headers: sessionHeaders(id),
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await initialized.text();
  if (initialized.status !== 202) throw new Error(`initialized: ${initialized.status}`);
  return id;
}

/** Ends session `id` with DELETE. */
export async function endSession(url: string, id: string): Promise<void> {
  const response = await fetch(url, { method: "DELETE", headers: sessionHeaders(id) });
  await response.text();
  if (response.status >= 300) throw new Error(`DELETE: ${response.status}`);
}

/** One tools/call in session `id`, checked; throws on a wrong answer. */
export async function checkCall(url: string, id: string): Promise<void> {
  const response = await fetch(url, {
    method: "POST",
    headers: sessionHeaders(id),
    body: CALL_BODY,
  });
  const text = await response.text();
  if (response.status !== 200 || !text.includes(EXPECT)) {
    throw new Error(`tools/call: ${response.status} ${text.slice(0, 300)}`);
  }
}

const lua = (text: string) => JSON.stringify(text); // JSON string escapes are valid Lua

/** A wrk script sending the tools/call POST in each session of `ids` in turn. */
function wrkScript(ids: string[]): string {
  const file = join(mkdtempSync(join(tmpdir(), "emcee-redis-wrk-")), "sessions.lua");
  const headers = sessionHeaders("");
  delete headers["mcp-session-id"];
  const lines = [
    'wrk.method = "POST"',
    `wrk.body = ${lua(CALL_BODY)}`,
    ...Object.entries(headers).map(([name, value]) => `wrk.headers[${lua(name)}] = ${lua(value)}`),
    `local ids = { ${ids.map(lua).join(", ")} }`,
    "local turn = 0",
    "request = function()",
    "  turn = turn % #ids + 1",
    '  wrk.headers["mcp-session-id"] = ids[turn]',
    "  return wrk.format(nil, nil, wrk.headers, wrk.body)",
    "end",
  ];
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

/**
 * `wrk -t1 -c<connections>` for `seconds`, each request in the next session of `ids`. Spawned
 * without blocking: the proxy may run in this process.
 */
export async function wrkSessions(
  url: string,
  ids: string[],
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const args = ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", wrkScript(ids)];
  const child = spawn("wrk", [...args, url], { stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => out += chunk);
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => err += chunk);
  const timer = setTimeout(() => child.kill("SIGKILL"), (seconds + 30) * 1000);
  await new Promise<void>((resolve) => child.once("close", () => resolve()));
  clearTimeout(timer);
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  if (!Number.isFinite(rps)) throw new Error(`wrk failed: ${out} ${err}`);
  const ms = (p: string) => {
    const match = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(out);
    if (!match) return NaN;
    const n = Number(match[1]);
    return match[2] === "us" ? n / 1000 : match[2] === "s" ? n * 1000 : n;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return { rps, p50Ms: ms("50"), p99Ms: ms("99"), errors: non2xx + socketErrors };
}

/** `loops` fetch loops opening and ending sessions for `seconds`; returns sessions and errors. */
export async function churnSessions(
  url: string,
  loops: number,
  seconds: number,
): Promise<{ sessions: number; errors: number; elapsedS: number }> {
  let sessions = 0;
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      try {
        await endSession(url, await openSession(url));
        sessions++;
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  return { sessions, errors, elapsedS: (performance.now() - start) / 1000 };
}
