// The HTTP load generator: `wrk` (a separate C process, one thread, N keep-alive connections)
// when it is on PATH, else N `fetch` loops in this process. Both send one fixed POST.

import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** One fixed request, repeated. */
export interface LoadRequest {
  url: string;
  headers: { [name: string]: string };
  body: string;
  /** A fragment every good response contains (checked by the fetch generator only). */
  expect: string;
}

/** What one timed run measured. */
export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

/** Whether `wrk` is on PATH. */
export function hasWrk(): boolean {
  const probe = spawnSync("wrk", ["--version"], { encoding: "utf8" });
  return probe.error === undefined && /wrk/i.test(`${probe.stdout}${probe.stderr}`);
}

const luaString = (text: string) => JSON.stringify(text); // JSON string escapes are valid Lua

function wrkScript(request: LoadRequest): string {
  const dir = mkdtempSync(join(tmpdir(), "emcee-wrk-"));
  const file = join(dir, "post.lua");
  const lines = ['wrk.method = "POST"', `wrk.body = ${luaString(request.body)}`];
  for (const [name, value] of Object.entries(request.headers)) {
    lines.push(`wrk.headers[${luaString(name)}] = ${luaString(value)}`);
  }
  writeFileSync(file, lines.join("\n") + "\n");
  return file;
}

function toMs(value: string, unit: string): number {
  const n = Number(value);
  return unit === "us" ? n / 1000 : unit === "s" ? n * 1000 : unit === "m" ? n * 60_000 : n;
}

/** Runs wrk for `seconds` and parses its summary. */
function runWrk(request: LoadRequest, connections: number, seconds: number): LoadResult {
  const script = wrkScript(request);
  const run = spawnSync(
    "wrk",
    ["-t1", `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, request.url],
    { encoding: "utf8", timeout: (seconds + 30) * 1000 },
  );
  const out = `${run.stdout}`;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? NaN);
  const pct = (p: string) => {
    const match = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s|m)`).exec(out);
    return match ? toMs(match[1], match[2]) : NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  if (!Number.isFinite(rps)) throw new Error(`wrk failed: ${out} ${run.stderr}`);
  return { rps, p50Ms: pct("50"), p99Ms: pct("99"), errors: non2xx + socketErrors };
}

/** Runs `connections` fetch loops for `seconds`, checking each response. */
async function runFetch(
  request: LoadRequest,
  connections: number,
  seconds: number,
): Promise<LoadResult> {
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const worker = async () => {
    while (performance.now() < end) {
      const sent = performance.now();
      try {
        const response = await fetch(request.url, {
          method: "POST",
          headers: request.headers,
          body: request.body,
        });
        const text = await response.text();
        if (response.status !== 200 || !text.includes(request.expect)) errors++;
        else latencies.push(performance.now() - sent);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const elapsed = performance.now() - start;
  latencies.sort((a, b) => a - b);
  const at = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  return { rps: (latencies.length / elapsed) * 1000, p50Ms: at(0.5), p99Ms: at(0.99), errors };
}

/** A timed run with the best generator available. */
export function runLoad(
  request: LoadRequest,
  connections: number,
  seconds: number,
  useWrk: boolean,
): Promise<LoadResult> {
  return useWrk
    ? Promise.resolve(runWrk(request, connections, seconds))
    : runFetch(request, connections, seconds);
}
