/**
 * The cost of composition on a `tools/call`: one mount level (and two), one
 * middleware (`server.use`), and the proxy in front of a server, each against
 * a plain server with the same tool, over the in-memory transport, on the
 * runtime this runs under.
 *
 *   node_modules/.bin/node bench/compose/bench.ts
 *   node_modules/.bin/deno run -A bench/compose/bench.ts
 *   node_modules/.bin/bun run bench/compose/bench.ts
 *
 * Every case is an emcee `McpClient` calling an `echo` tool (input `{ text: string }`, required)
 * one call at a time through `createMemoryPair`; each call is timed on its own. The cases are
 * interleaved over BENCH_ROUNDS rounds (drift and GC spread over all of them), after a warm-up of
 * BENCH_WARMUP calls each; the BENCH_CALLS calls of a case are pooled and their median, p90 and
 * mean reported, with the median's difference to the plain server: that difference is the added
 * cost. The proxy case runs two client-server hops (local client to the proxy's server, the
 * proxy's client to the remote), so its difference includes one more in-memory round trip.
 * Every answer is checked to carry the echoed text. BENCH_ERA=legacy measures the 2025-11-25
 * era instead of 2026-07-28.
 *
 * @module
 */
import { McpClient } from "../../client/client.ts";
import { getEnv, runtimeName, runtimeVersion } from "../../runtime/mod.ts";
import { createProxyServer } from "../../server/proxy/mod.ts";
import { McpServer } from "../../server/server.ts";
import { connectServer } from "../../transports/connect.ts";
import { createMemoryPair } from "../../transports/memory.ts";

const CALLS = Number(getEnv("BENCH_CALLS") ?? "20000");
const WARMUP = Number(getEnv("BENCH_WARMUP") ?? "2000");
const ROUNDS = Number(getEnv("BENCH_ROUNDS") ?? "5");
const ERA = getEnv("BENCH_ERA") === "legacy" ? "legacy" : "modern";
const TEXT = "hello, benchmark";

/** A server with the benchmark's `echo` tool. */
function echoServer(name: string): McpServer {
  const server = new McpServer({ name, version: "1.0.0" });
  server.tool({
    name: "echo",
    input: {
      type: "object",
      properties: { text: { type: "string" } },
      required: ["text"],
      additionalProperties: false,
    },
    handler: ({ text }: { text: string }) => text,
  });
  return server;
}

/** A client connected to `server` over the in-memory transport. */
async function clientOf(server: McpServer): Promise<McpClient> {
  const [clientSide, serverSide] = createMemoryPair();
  await connectServer(server, serverSide);
  const client = new McpClient({ name: "bench", version: "1.0.0" }, {
    era: ERA === "legacy" ? "legacy" : undefined,
    eraCache: false,
    timeoutMs: null,
  });
  await client.connect(clientSide);
  if (client.era !== ERA) throw new Error(`expected the ${ERA} era, got ${client.era}`);
  return client;
}

interface Case {
  label: string;
  tool: string;
  client: McpClient;
  samples: number[];
  close(): Promise<void>;
}

async function cases(): Promise<Case[]> {
  const out: Case[] = [];
  const add = async (
    label: string,
    tool: string,
    server: McpServer,
    close: () => Promise<void> = () => Promise.resolve(),
  ) => {
    const client = await clientOf(server);
    out.push({
      label,
      tool,
      client,
      samples: [],
      close: async () => {
        await client.close();
        await close();
      },
    });
  };
  await add("plain server", "echo", echoServer("plain"));

  const parent = new McpServer({ name: "parent", version: "1.0.0" });
  parent.mount("child", echoServer("child"));
  await add("1 mount level", "child_echo", parent);

  const outer = new McpServer({ name: "outer", version: "1.0.0" });
  const middle = new McpServer({ name: "middle", version: "1.0.0" });
  middle.mount("child", echoServer("child"));
  outer.mount("middle", middle);
  await add("2 mount levels", "middle_child_echo", outer);

  const wrapped = echoServer("wrapped");
  wrapped.use((_request, next) => next());
  await add("1 middleware (use)", "echo", wrapped);

  const upstream = await clientOf(echoServer("remote"));
  const proxy = await createProxyServer(upstream, { onWarning: () => {} });
  await add("proxy", "echo", proxy.server, async () => {
    await proxy.close();
    await upstream.close();
  });
  return out;
}

async function call(entry: Case): Promise<number> {
  const started = performance.now();
  const result = await entry.client.callTool(entry.tool, { text: TEXT });
  const elapsed = performance.now() - started;
  const first = result.content[0] as { text?: string } | undefined;
  if (result.isError || first?.text !== TEXT) {
    throw new Error(`${entry.label}: unexpected answer ${JSON.stringify(result)}`);
  }
  return elapsed;
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const format = (ms: number) => (ms * 1000).toFixed(1);

const all = await cases();
for (const entry of all) for (let i = 0; i < WARMUP; i++) await call(entry);
const perRound = Math.ceil(CALLS / ROUNDS);
for (let round = 0; round < ROUNDS; round++) {
  for (const entry of all) {
    for (let i = 0; i < perRound && entry.samples.length < CALLS; i++) {
      entry.samples.push(await call(entry));
    }
  }
}
for (const entry of all) await entry.close();

const medians = new Map<string, number>();
const rows = all.map((entry) => {
  const sorted = [...entry.samples].sort((a, b) => a - b);
  const median = quantile(sorted, 0.5);
  medians.set(entry.label, median);
  const mean = sorted.reduce((sum, x) => sum + x, 0) / sorted.length;
  return { label: entry.label, median, p90: quantile(sorted, 0.9), mean, n: sorted.length };
});
const base = medians.get("plain server")!;
console.log(
  `# composition cost, ${runtimeName()} ${runtimeVersion()}, ${ERA} era, in-memory transport, ` +
    `${CALLS} calls per case in ${ROUNDS} interleaved rounds (${WARMUP} warm-up)\n`,
);
console.log("| case | median µs | p90 µs | mean µs | median − plain µs |");
console.log("|---|---:|---:|---:|---:|");
for (const row of rows) {
  const delta = row.label === "plain server" ? "—" : format(row.median - base);
  console.log(
    `| ${row.label} | ${format(row.median)} | ${format(row.p90)} | ${
      format(row.mean)
    } | ${delta} |`,
  );
}
