// The stateless 2026-07-28 tools/call row alone, measured two ways per interleaved rep: req/s
// and the server child's CPU µs per request. On a shared, busy machine req/s swings with the
// other load; CPU per request moves much less, and raw/emcee CPU is the throughput ratio the
// server would reach if it had a core to itself. Not part of the table (bench.ts).
//
//   node bench/perf/stateless_cpu.ts [node deno bun]     REPS=5 SECONDS=2

import { startHttp } from "./http.ts";
import type { Runtime } from "./children.ts";
import { hasWrk, runLoad } from "./load.ts";
import { args, getEnv } from "../../runtime/mod.ts";

const requested = args().filter((a): a is Runtime => /^(node|deno|bun)$/.test(a));
const runtimes: Runtime[] = requested.length > 0 ? requested : ["node", "deno", "bun"];
const reps = Number(getEnv("REPS") ?? 5);
const seconds = Number(getEnv("SECONDS") ?? 2);
const useWrk = getEnv("BENCH_GENERATOR") !== "fetch" && hasWrk();
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

for (const runtime of runtimes) {
  const emcee = await startHttp(runtime, "emcee", "stateless");
  const raw = await startHttp(runtime, "raw", "stateless");
  for (const child of [emcee, raw]) await runLoad(child.request, 32, 1, useWrk);
  const rpsRatios: number[] = [];
  const cpuRatios: number[] = [];
  const emceeCpu: number[] = [];
  const rawCpu: number[] = [];
  for (let rep = 0; rep < reps; rep++) {
    const measured: { [kind: string]: { rps: number; cpuPerRequest: number } } = {};
    for (const child of rep % 2 === 0 ? [emcee, raw] : [raw, emcee]) {
      const before = await child.stats();
      const result = await runLoad(child.request, 32, seconds, useWrk);
      const after = await child.stats();
      const requests = result.rps * seconds;
      measured[child.kind] = {
        rps: result.rps,
        cpuPerRequest: (after.cpuUs - before.cpuUs) / requests,
      };
    }
    rpsRatios.push(measured.emcee.rps / measured.raw.rps);
    cpuRatios.push(measured.raw.cpuPerRequest / measured.emcee.cpuPerRequest);
    emceeCpu.push(measured.emcee.cpuPerRequest);
    rawCpu.push(measured.raw.cpuPerRequest);
  }
  await Promise.all([emcee.child.stop(), raw.child.stop()]);
  console.log(
    `${runtime}: emcee/raw req/s ${median(rpsRatios).toFixed(2)}× ` +
      `[${rpsRatios.map((r) => r.toFixed(2)).join(" ")}]; CPU µs/request emcee ` +
      `${median(emceeCpu).toFixed(1)}, raw ${median(rawCpu).toFixed(1)}, raw/emcee ` +
      `${median(cpuRatios).toFixed(2)}× [${cpuRatios.map((r) => r.toFixed(2)).join(" ")}]`,
  );
}
