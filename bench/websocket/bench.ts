/**
 * `tools/call` round trips per second over WebSocket against Streamable HTTP, in the 2026-07-28
 * era, with the server on each runtime.
 *
 *   node_modules/.bin/node bench/websocket/bench.ts
 *
 * The server (server.ts: one `McpServer` with the `add` tool behind
 * `createWebSocketHandler(server, { fallback: createHttpHandler(server) })` on `serveHttp`) runs
 * in a child process of the runtime under test (node_modules/.bin/{node,deno,bun}); the client
 * is emcee's `McpClient` in this process, which runs on Node. Each transport gets one client,
 * connected with `connectClient("ws://…")` or `connectClient("http://…")` and the modern era
 * forced. Two cases per transport on that one connection:
 *
 * - 1 client: one call at a time, each awaited before the next;
 * - 32 in flight: 32 loops sharing the one client, so 32 calls are always outstanding (over
 *   WebSocket they share one socket; over HTTP Node's `fetch` spreads them over its pool of
 *   keep-alive connections).
 *
 * Each case runs BENCH_WARMUP_S (1) seconds of unmeasured calls, then counts the calls completed
 * in BENCH_SECONDS (3) seconds; BENCH_REPS (3) reps, interleaved over the four cases so drift
 * spreads over all of them, and the median rep is reported. Every answer is checked to be "5".
 * BENCH_RUNTIMES (default `node,deno,bun`) picks the server runtimes.
 *
 * @module
 */
import { connectClient, type McpClient } from "../../client/client.ts";
import { getEnv, runtimeName, runtimeVersion } from "../../runtime/mod.ts";
import { type Runtime, spawnChild } from "../perf/children.ts";

const SECONDS = Number(getEnv("BENCH_SECONDS") ?? "3");
const WARMUP_S = Number(getEnv("BENCH_WARMUP_S") ?? "1");
const REPS = Number(getEnv("BENCH_REPS") ?? "3");
const IN_FLIGHT = 32;
const RUNTIMES = (getEnv("BENCH_RUNTIMES") ?? "node,deno,bun").split(",") as Runtime[];

type Transport = "WebSocket" | "Streamable HTTP";

/** One call of `add(2, 3)`, checked. */
async function call(client: McpClient): Promise<void> {
  const result = await client.callTool("add", { a: 2, b: 3 });
  const first = result.content[0] as { text?: string } | undefined;
  if (result.isError || first?.text !== "5") {
    throw new Error(`unexpected answer ${JSON.stringify(result)}`);
  }
}

/** Calls completed by `loops` concurrent call loops in `seconds`. */
async function run(client: McpClient, loops: number, seconds: number): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const loop = async () => {
    while (performance.now() < deadline) {
      await call(client);
      done++;
    }
  };
  await Promise.all(Array.from({ length: loops }, loop));
  return done;
}

/** Calls per second of one case: a warm-up, then a timed window. */
async function measure(client: McpClient, loops: number): Promise<number> {
  await run(client, loops, WARMUP_S);
  const started = performance.now();
  const done = await run(client, loops, SECONDS);
  return done / ((performance.now() - started) / 1000);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

interface Row {
  runtime: Runtime;
  transport: Transport;
  single: number;
  concurrent: number;
}

async function benchRuntime(runtime: Runtime): Promise<Row[]> {
  const child = spawnChild(runtime, "../websocket/server.ts", []);
  try {
    const { port } = JSON.parse(await child.line()) as { port: number };
    const urls: [Transport, string][] = [
      ["WebSocket", `ws://127.0.0.1:${port}/mcp`],
      ["Streamable HTTP", `http://127.0.0.1:${port}/mcp`],
    ];
    const clients = new Map<Transport, McpClient>();
    for (const [transport, url] of urls) {
      const client = await connectClient(url, { name: "bench", version: "0.0.0" }, {
        era: "modern",
        eraCache: false,
        timeoutMs: null,
      });
      if (client.era !== "modern") throw new Error(`${transport}: era ${client.era}`);
      await call(client);
      clients.set(transport, client);
    }
    const samples = new Map<string, number[]>();
    for (let rep = 0; rep < REPS; rep++) {
      for (const [transport] of urls) {
        for (const loops of [1, IN_FLIGHT]) {
          const key = `${transport}/${loops}`;
          const rate = await measure(clients.get(transport)!, loops);
          samples.set(key, [...(samples.get(key) ?? []), rate]);
          console.error(`${runtime} ${key} rep ${rep + 1}: ${rate.toFixed(0)} calls/s`);
        }
      }
    }
    for (const client of clients.values()) await client.close();
    return urls.map(([transport]) => ({
      runtime,
      transport,
      single: median(samples.get(`${transport}/1`)!),
      concurrent: median(samples.get(`${transport}/${IN_FLIGHT}`)!),
    }));
  } finally {
    await child.stop();
  }
}

const rows: Row[] = [];
for (const runtime of RUNTIMES) rows.push(...await benchRuntime(runtime));

const rate = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(
  `# tools/call round trips, WebSocket vs Streamable HTTP, 2026-07-28 era\n\n` +
    `Server in a child process of each runtime; client: emcee McpClient on ${runtimeName()} ` +
    `${runtimeVersion()}, one connection per transport; ${IN_FLIGHT} in flight = ${IN_FLIGHT} ` +
    `concurrent calls on that one client. ${SECONDS} s per case after ${WARMUP_S} s warm-up, ` +
    `median of ${REPS} reps.\n`,
);
console.log(
  `| runtime | transport | 1 client calls/s | ${IN_FLIGHT} in flight calls/s | WS/HTTP |`,
);
console.log("|---|---|---:|---:|---:|");
for (const row of rows) {
  const http = rows.find((r) => r.runtime === row.runtime && r.transport === "Streamable HTTP")!;
  const ratio = row.transport === "WebSocket"
    ? `${(row.single / http.single).toFixed(2)}× / ${
      (row.concurrent / http.concurrent).toFixed(2)
    }×`
    : "—";
  console.log(
    `| ${row.runtime} | ${row.transport} | ${rate(row.single)} | ${
      rate(row.concurrent)
    } | ${ratio} |`,
  );
}
