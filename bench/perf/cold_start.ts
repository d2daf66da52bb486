// Cold start: milliseconds from spawning a server process to its first answered tools/call, over
// stdio and over Streamable HTTP, on node, deno and bun. Not part of the test command.
//
//   node bench/perf/cold_start.ts                       every runtime, transport and kind
//   COLD_REPS=9 COLD_RUNTIMES=node COLD_TRANSPORTS=stdio node bench/perf/cold_start.ts
//   COLD_BASE=/tmp/base COLD_KINDS=raw,mod COLD_CACHE=0 node bench/perf/cold_start.ts
//
// COLD_BASE names another checkout (a copy before a change) whose emcee kinds run interleaved
// with this one's, labelled `base:`; COLD_CACHE=0 leaves out the compile-cache runs.
//
// Kinds: `raw` (no SDK: raw_stdio.ts / raw_http.ts), `entry` (the server imported from its own
// modules: server/server.ts with transports/stdio/server.ts or transports/http/serve.ts) and `mod`
// (what a user writes: `import { McpServer, serveStdio, serveMcpHttp } from "./mod.ts"`). On node
// each emcee kind also runs with a warm compile cache (`+cache`: NODE_COMPILE_CACHE pointing at a
// directory one discarded start filled). Reps are interleaved (one of each kind per round) so that
// load from other processes falls on all of them alike; the table gives medians of the wall time
// and of the child's CPU time up to its answer (Linux /proc; it moves far less under load), the
// ratios to raw and the load average. The same file is the child: `cold_start.ts --child <transport> <kind>`.
import process from "node:process";

/** A 2026-07-28 `add` call (no initialize: the modern era has none). */
function addCall(): string {
  return JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: {
      name: "add",
      arguments: { a: 2, b: 3 },
      _meta: {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
      },
    },
  });
}

const ADD_TOOL = {
  name: "add",
  description: "Adds two numbers.",
  input: {
    type: "object",
    properties: { a: { type: "number" }, b: { type: "number" } },
    required: ["a", "b"],
    additionalProperties: false,
  },
  handler: ({ a, b }: { a: number; b: number }) => String(a + b),
};

interface ServerLike {
  tool(definition: typeof ADD_TOOL): unknown;
}

async function child(transport: string, kind: string): Promise<void> {
  const say = (value: unknown) => process.stdout.write(JSON.stringify(value) + "\n");
  if (kind === "raw") {
    if (transport === "stdio") {
      await import("./raw_stdio.ts");
      return;
    }
    const { serveRaw } = await import("./raw_http.ts");
    const raw = await serveRaw("stateless");
    say({ port: raw.port });
    exitAtEnd(() => raw.close());
    return;
  }
  // `mod`: one import of the root, as a user's server does.
  const modules = kind === "mod"
    ? {
      server: import("../../mod.ts"),
      stdio: import("../../mod.ts"),
      http: import("../../mod.ts"),
    }
    : {
      server: import("../../server/server.ts"),
      stdio: transport === "stdio" ? import("../../transports/stdio/server.ts") : undefined,
      http: transport === "http" ? import("../../transports/http/serve.ts") : undefined,
    };
  const { McpServer } = await modules.server;
  const server = new McpServer({ name: "cold-start", version: "0.0.0" });
  (server as unknown as ServerLike).tool(ADD_TOOL);
  if (transport === "stdio") {
    await (await modules.stdio!).serveStdio(server);
    return;
  }
  const http = await (await modules.http!).serveMcpHttp(server, {
    hostname: "127.0.0.1",
    port: 0,
  });
  say({ port: http.port });
  exitAtEnd(() => http.close());
}

/** An HTTP child exits once stdin ends (a stdio server does so by itself). */
function exitAtEnd(close: () => Promise<void>): void {
  process.stdin.on("data", () => {});
  process.stdin.on("end", () => close().finally(() => process.exit(0)));
}

/** One start: wall milliseconds from spawn to the answer, and the child's CPU milliseconds. */
interface Sample {
  wall: number;
  cpu: number;
}

interface Variant {
  /** This file, or the same file in the checkout `COLD_BASE` names (an A/B against it). */
  script: string;
  base: boolean;
  runtime: string;
  transport: string;
  kind: string;
  cache: boolean;
}

const label = (variant: Variant) =>
  `${variant.base ? "base:" : ""}${variant.kind}${variant.cache ? "+cache" : ""}`;

async function driver(): Promise<void> {
  const { spawn } = await import("node:child_process");
  const { existsSync, mkdtempSync, readFileSync, rmSync } = await import("node:fs");
  const { loadavg, tmpdir } = await import("node:os");
  const { fileURLToPath } = await import("node:url");
  const root = fileURLToPath(new URL("../../", import.meta.url));
  const self = fileURLToPath(import.meta.url);
  const list = (name: string, fallback: string) => (process.env[name] ?? fallback).split(",");
  const reps = Number(process.env.COLD_REPS ?? "7");
  const runtimes = list("COLD_RUNTIMES", "node,deno,bun");
  const transports = list("COLD_TRANSPORTS", "stdio,http");
  const kinds = list("COLD_KINDS", "raw,entry,mod");
  const caches = process.env.COLD_CACHE !== "0";
  const baseRoot = process.env.COLD_BASE;
  const scripts: [string, boolean][] = [[self, false]];
  if (baseRoot) scripts.push([`${baseRoot}/bench/perf/cold_start.ts`, true]);
  const cacheDir = mkdtempSync(`${tmpdir()}/emcee-cold-`);

  // CPU time the child used up to its answer, from /proc (Linux; NaN elsewhere): on a loaded
  // machine it moves far less than the wall time does. Ticks of 10 ms (USER_HZ is 100).
  const cpuMs = (pid: number | undefined): number => {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      return NaN;
    }
  };

  const start = (variant: Variant): Promise<Sample> => {
    const local = `${root}node_modules/.bin/${variant.runtime}`;
    const bin = existsSync(local) ? local : variant.runtime;
    const argv = [variant.script, "--child", variant.transport, variant.kind];
    const env: { [name: string]: string | undefined } = {
      ...process.env,
      NO_COLOR: "1",
      DENO_NO_UPDATE_CHECK: "1",
    };
    delete env.NODE_COMPILE_CACHE;
    if (variant.cache) env.NODE_COMPILE_CACHE = cacheDir;
    else env.NODE_DISABLE_COMPILE_CACHE = "1";
    const began = performance.now();
    const process_ = spawn(bin, variant.runtime === "deno" ? ["run", "-A", ...argv] : argv, {
      stdio: ["pipe", "pipe", "inherit"],
      env,
    });
    return new Promise<Sample>((resolve, reject) => {
      let pending = "";
      const fail = (error: unknown) => {
        process_.kill("SIGKILL");
        reject(error);
      };
      // Ending stdin lets the child exit on its own: node writes its compile cache at exit.
      const exited = new Promise<void>((resolve) => process_.once("exit", () => resolve()));
      const done = async (answer: string) => {
        const elapsed = performance.now() - began;
        const cpu = cpuMs(process_.pid);
        process_.stdin!.end();
        const stopper = setTimeout(() => process_.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(stopper);
        if (answer.includes('"text":"5"')) resolve({ wall: elapsed, cpu });
        else reject(new Error(`${label(variant)} answered ${answer.slice(0, 300)}`));
      };
      const timer = setTimeout(() => fail(new Error(`${label(variant)} timed out`)), 60_000);
      process_.once("exit", () => clearTimeout(timer));
      process_.stdout!.setEncoding("utf8");
      process_.stdout!.on("data", (chunk: string) => {
        pending += chunk;
        const newline = pending.indexOf("\n");
        if (newline < 0) return;
        const line = pending.slice(0, newline);
        pending = pending.slice(newline + 1);
        if (variant.transport === "stdio") return done(line);
        const { port } = JSON.parse(line) as { port: number };
        fetch(`http://127.0.0.1:${port}/mcp`, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            "mcp-protocol-version": "2026-07-28",
            "mcp-method": "tools/call",
            "mcp-name": "add",
          },
          body: addCall(),
        }).then((response) => response.text()).then(done, fail);
      });
      if (variant.transport === "stdio") process_.stdin!.write(addCall() + "\n");
    });
  };

  const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1];
  console.log(
    `runtime | transport | kind | wall ms (median) | ×raw | min | max | CPU ms (median) | ×raw | ` +
      `load (1 min)`,
  );
  for (const runtime of runtimes) {
    for (const transport of transports) {
      const variants: Variant[] = [];
      for (const [script, base] of scripts) {
        for (const kind of kinds) {
          if (base && kind === "raw") continue;
          variants.push({ script, base, runtime, transport, kind, cache: false });
          if (runtime === "node" && kind !== "raw" && caches) {
            variants.push({ script, base, runtime, transport, kind, cache: true });
          }
        }
      }
      // One discarded round: fills the compile cache, warms the disk cache and this driver's fetch.
      for (const variant of variants) await start(variant);
      const samples = new Map<Variant, Sample[]>(variants.map((variant) => [variant, []]));
      const loads: number[] = [];
      for (let rep = 0; rep < reps; rep++) {
        for (const variant of variants) samples.get(variant)!.push(await start(variant));
        loads.push(loadavg()[0]);
      }
      const raw = variants.find((variant) => variant.kind === "raw");
      const walls = (variant: Variant) => samples.get(variant)!.map((sample) => sample.wall);
      const cpus = (variant: Variant) => samples.get(variant)!.map((sample) => sample.cpu);
      const rawWall = raw ? median(walls(raw)) : NaN;
      const rawCpu = raw ? median(cpus(raw)) : NaN;
      for (const variant of variants) {
        const wall = median(walls(variant));
        const cpu = median(cpus(variant));
        console.log(
          `${runtime} | ${transport} | ${label(variant)} | ${wall.toFixed(0)} | ` +
            `${(wall / rawWall).toFixed(2)} | ${Math.min(...walls(variant)).toFixed(0)} | ` +
            `${Math.max(...walls(variant)).toFixed(0)} | ${cpu.toFixed(0)} | ` +
            `${(cpu / rawCpu).toFixed(2)} | ${median(loads).toFixed(1)}`,
        );
      }
    }
  }
  rmSync(cacheDir, { recursive: true, force: true });
}

const at = process.argv.indexOf("--child");
if (at >= 0) await child(process.argv[at + 1], process.argv[at + 2]);
else await driver();
