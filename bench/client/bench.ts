/**
 * Client throughput: tools/call round trips per second over stdio and Streamable HTTP, the emcee
 * client against the official `@modelcontextprotocol/client` 2.x, both talking to the same emcee
 * server (tests/client/fixtures/emcee_server.ts, run on Node) in the same run.
 *
 * Run with any runtime: `deno run -A bench/client/bench.ts`, `bun run bench/client/bench.ts`,
 * `node bench/client/bench.ts`. Options: `--seconds <n>` per measurement (default 2),
 * `--concurrency <n>` calls in flight (default 1), `--rounds <n>` interleaved rounds per
 * transport, reporting each contender's best (default 3; a loaded machine only slows runs down).
 *
 * @module
 */
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { StdioClientTransport } from "@modelcontextprotocol/client/stdio";
import { McpClient } from "../../client/mod.ts";
import { args, runtimeName, spawnProcess } from "../../runtime/mod.ts";

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

interface Measured {
  transport: string;
  client: string;
  protocol: string;
  callsPerSecond: number;
}

/** A connected client ready to be measured. */
interface Contender {
  transport: string;
  client: string;
  protocol: string;
  call: () => Promise<unknown>;
  close: () => Promise<void>;
}

/** Calls `call` for `SECONDS` with `CONCURRENCY` in flight. */
async function measure(call: () => Promise<unknown>): Promise<number> {
  let calls = 0;
  const started = performance.now();
  const deadline = started + SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      await call();
      calls += 1;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return calls / ((performance.now() - started) / 1000);
}

const ARGS = { text: "hello" };

async function emcee(
  transport: string,
  target: string | { command: string; args: string[] },
  era?: "legacy",
): Promise<Contender> {
  const client = new McpClient({ name: "bench-emcee", version: "1.0.0" }, {
    eraCache: false,
    stderr: "ignore",
    era,
  });
  await client.connect(target);
  const call = () => client.callTool("echo", ARGS);
  for (let i = 0; i < 200; i++) await call();
  return {
    transport,
    client: era === "legacy" ? "emcee legacy" : "emcee",
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
  const best = contenders.map(() => 0);
  try {
    for (let round = 0; round < ROUNDS; round++) {
      for (const [index, contender] of contenders.entries()) {
        best[index] = Math.max(best[index], await measure(contender.call));
      }
    }
  } finally {
    for (const contender of contenders) await contender.close();
  }
  return contenders.map(({ transport, client, protocol }, index) => ({
    transport,
    client,
    protocol,
    callsPerSecond: best[index],
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
results.push(
  ...await compete([
    await emcee("stdio", stdioTarget),
    await emcee("stdio", stdioTarget, "legacy"),
    await official("stdio", () => new StdioClientTransport({ ...stdioTarget, stderr: "ignore" })),
  ]),
);
const http = await startHttpServer();
try {
  results.push(
    ...await compete([
      await emcee("http", http.url),
      await emcee("http", http.url, "legacy"),
      await official("http", () => new StreamableHTTPClientTransport(new URL(http.url))),
    ]),
  );
} finally {
  await http.stop();
}

const pad = (text: string, width: number) => text.padEnd(width);
console.log(
  `\nClient benchmark on ${runtimeName()}: tools/call "echo", ${SECONDS}s per run, concurrency ${CONCURRENCY}, best of ${ROUNDS} interleaved rounds\n`,
);
console.log(
  `${pad("transport", 10)}${pad("client", 14)}${pad("protocol", 12)}${
    pad("calls/s", 10)
  }emcee/official`,
);
for (const transport of ["stdio", "http"]) {
  const rows = results.filter((row) => row.transport === transport);
  const baseline = rows.find((row) => row.client.startsWith("official"))?.callsPerSecond ?? NaN;
  for (const row of rows) {
    const ratio = row.client.startsWith("emcee")
      ? `${(row.callsPerSecond / baseline).toFixed(2)}x`
      : "";
    console.log(
      `${pad(row.transport, 10)}${pad(row.client, 14)}${pad(row.protocol, 12)}${
        pad(row.callsPerSecond.toFixed(0), 10)
      }${ratio}`,
    );
  }
}
