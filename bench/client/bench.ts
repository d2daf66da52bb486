/**
 * Client throughput: tools/call round trips per second over stdio and Streamable HTTP, the emcee
 * client against the official `@modelcontextprotocol/client` 2.x, both talking to the same emcee
 * server (tests/client/fixtures/emcee_server.ts, run on Node) in the same run.
 *
 * Run with any runtime: `deno run -A bench/client/bench.ts`, `bun run bench/client/bench.ts`,
 * `node bench/client/bench.ts`. Options: `--seconds <n>` per measurement (default 2),
 * `--concurrency <n>` calls in flight (default 1), `--rounds <n>` interleaved rounds per
 * transport, reporting each contender's best (default 3; a loaded machine only slows runs down),
 * `--only stdio|http` to measure one transport. Next to the best rates it prints the median of
 * the per-round ratios and the client's own CPU time per call, which a loaded machine moves less.
 *
 * @module
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { McpClient } from "../../client/mod.ts";
import { args, cpuUsage, runtimeName, spawnProcess } from "../../runtime/mod.ts";

const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const NODE = `${ROOT}node_modules/.bin/node`;
const SERVER = `${ROOT}tests/client/fixtures/emcee_server.ts`;

function argument(name: string, fallback: number): number {
  const argv = args();
  const index = argv.indexOf(`--${name}`);
  return index >= 0 ? Number(argv[index + 1]) : fallback;
}

const SECONDS = argument("seconds", 2);
const CONCURRENCY = argument("concurrency", 1);
const ROUNDS = argument("rounds", 3);
const ONLY = args()[args().indexOf("--only") + 1];
const measures = (transport: string): boolean => !args().includes("--only") || ONLY === transport;

interface Measured {
  transport: string;
  client: string;
  protocol: string;
  callsPerSecond: number;
  /** The rate of each round, in order. */
  rounds: number[];
  /** The least CPU time this process spent per call in a round, in µs: load barely moves it. */
  cpuMicrosPerCall: number;
}

/** A connected client ready to be measured. */
interface Contender {
  transport: string;
  client: string;
  protocol: string;
  call: () => Promise<unknown>;
  close: () => Promise<void>;
}

/** Calls `call` for `SECONDS` with `CONCURRENCY` in flight: calls/s and CPU µs per call. */
async function measure(call: () => Promise<unknown>): Promise<{ rate: number; cpu: number }> {
  let calls = 0;
  const cpuBefore = cpuUsage();
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      await call();
      calls += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const rate = calls / ((performance.now() - started) / 1000);
  const cpuAfter = cpuUsage();
  const cpu = cpuAfter.user + cpuAfter.system - cpuBefore.user - cpuBefore.system;
  return { rate, cpu: cpu / calls };
}

const ARGS = { text: "hello" };

async function emcee(
  transport: string,
  target: string | { command: string; args: string[] },
  era?: "legacy",
  fetchImpl?: typeof fetch,
): Promise<Contender> {
  const client = new McpClient({ name: "bench-emcee", version: "1.0.0" }, {
    eraCache: false,
    stderr: "ignore",
    era,
    fetch: fetchImpl,
  });
  await client.connect(target);
  const call = () => client.callTool("echo", ARGS);
  for (let i = 0; i < 200; i++) await call();
  return {
    transport,
    client: `emcee${era === "legacy" ? " legacy" : ""}${fetchImpl ? " fetch" : ""}`,
    protocol: client.protocolVersion ?? "?",
    call,
    close: () => client.close(),
  };
}

async function official(
  transport: string,
  make: () => StreamableHTTPClientTransport | StdioClientTransport,
): Promise<Contender> {
  const client = new Client({ name: "bench-official", version: "1.0.0" });
  await client.connect(make());
  const call = () => client.callTool({ name: "echo", arguments: ARGS });
  for (let i = 0; i < 200; i++) await call();
  const version = (client as unknown as { getNegotiatedProtocolVersion?: () => string | undefined })
    .getNegotiatedProtocolVersion?.() ?? "?";
  return {
    transport,
    client: "official 2.x",
    protocol: version,
    call,
    close: () => client.close(),
  };
}

/** Measures the contenders in interleaved rounds and keeps each one's best rate. */
async function compete(contenders: Contender[]): Promise<Measured[]> {
  const rates: number[][] = contenders.map(() => []);
  const cpu = contenders.map(() => Infinity);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, contender] of contenders.entries()) {
        const measured = await measure(contender.call);
        rates[index].push(measured.rate);
        cpu[index] = Math.min(cpu[index], measured.cpu);
      }
    }
  } finally {
    for (const contender of contenders) await contender.close();
  }
  return contenders.map(({ transport, client, protocol }, index) => ({
    transport,
    client,
    protocol,
    callsPerSecond: Math.max(...rates[index]),
    rounds: rates[index],
    cpuMicrosPerCall: cpu[index],
  }));
}

async function startHttpServer(): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = spawnProcess(NODE, [SERVER, "http"], { stderr: "inherit" });
  const reader = child.stdout.getReader();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error("benchmark server exited early");
    text += new TextDecoder().decode(value);
  }
  const url = /LISTENING (\S+)/.exec(text)?.[1];
  if (!url) throw new Error(`benchmark server printed ${text}`);
  const writer = child.stdin.getWriter();
  return {
    url,
    stop: async () => {
      await writer.close().catch(() => {});
      await child.exited.catch(() => {});
      reader.releaseLock();
    },
  };
}

const results: Measured[] = [];
const stdioTarget = { command: NODE, args: [SERVER, "stdio"] };
if (measures("stdio")) {
  results.push(
    ...await compete([
      await emcee("stdio", stdioTarget),
      await emcee("stdio", stdioTarget, "legacy"),
      await official("stdio", () => new StdioClientTransport({ ...stdioTarget, stderr: "ignore" })),
    ]),
  );
}
const http = measures("http") ? await startHttpServer() : undefined;
if (http) {
  try {
    results.push(
      ...await compete([
        await emcee("http", http.url),
        await emcee("http", http.url, "legacy"),
        // On Node the default is the keep-alive `node:http` client; this row keeps `fetch` in view.
        ...(runtimeName() === "node"
          ? [await emcee("http", http.url, undefined, globalThis.fetch.bind(globalThis))]
          : []),
        await official("http", () => new StreamableHTTPClientTransport(new URL(http.url))),
      ]),
    );
  } finally {
    await http.stop();
  }
}

const pad = (text: string, width: number) => text.padEnd(width);
/**
 * The median over rounds of `rates[round] / baselines[round]`: each ratio compares two runs made
 * moments apart, so it moves less with the machine's load than the ratio of the bests.
 */
function medianRatio(rates: number[], baselines: number[]): number {
  const ratios = rates.map((rate, round) => rate / baselines[round]).sort((a, b) => a - b);
  const middle = Math.floor(ratios.length / 2);
  return ratios.length % 2 === 1 ? ratios[middle] : (ratios[middle - 1] + ratios[middle]) / 2;
}
console.log(
  `\nClient benchmark on ${runtimeName()}: tools/call "echo", ${SECONDS}s per run, concurrency ${CONCURRENCY}, best of ${ROUNDS} interleaved rounds\n`,
);
console.log(
  `${pad("transport", 10)}${pad("client", 18)}${pad("protocol", 12)}${pad("calls/s", 10)}${
    pad("client CPU µs/call", 20)
  }emcee/official`,
);
for (const transport of ["stdio", "http"]) {
  const rows = results.filter((row) => row.transport === transport);
  const official = rows.find((row) => row.client.startsWith("official"));
  const baseline = official?.callsPerSecond ?? NaN;
  for (const row of rows) {
    const ratio = row.client.startsWith("emcee")
      ? `${(row.callsPerSecond / baseline).toFixed(2)}x (median of rounds ${
        medianRatio(row.rounds, official?.rounds ?? []).toFixed(2)
      }x)`
      : "";
    console.log(
      `${pad(row.transport, 10)}${pad(row.client, 18)}${pad(row.protocol, 12)}${
        pad(row.callsPerSecond.toFixed(0), 10)
      }${pad(row.cpuMicrosPerCall.toFixed(0), 20)}${ratio}`,
    );
  }
}
