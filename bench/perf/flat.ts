// Costs that should not grow with what a server holds, measured in process (McpServer behind
// createHttpHandler, the handler called directly with Request objects, no socket):
//   - tools/call latency with 10, 1 000 and 10 000 registered tools;
//   - tools/call latency in a legacy session with 0 and 10 000 other idle sessions;
//   - tools/list of one page (pageSize 10, first and a middle page) with 10 and 10 000 tools;
//   - heap per idle legacy session: heap after GC with 10 001 sessions minus with one, / 10 000.
// Configurations are measured side by side in interleaved rounds (other processes only add
// noise, never speed): the median µs per call of each is reported, wall and CPU time, with its
// ratio to the first configuration.
//
//   node_modules/.bin/node --expose-gc bench/perf/flat.ts
//   node_modules/.bin/deno run -A --v8-flags=--expose-gc bench/perf/flat.ts
//   node_modules/.bin/bun run bench/perf/flat.ts
//
// BENCH_ROUNDS (default 9), BENCH_CALLS (calls per configuration and round, default 400) and
// BENCH_ONLY (a comma-separated subset of memory,tools,sessions,list).

import { collectGarbage, cpuUsage, getEnv, memoryUsage, runtimeName } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import { createHttpHandler } from "../../transports/http/server.ts";

type Handler = (request: Request) => Response | Promise<Response>;

const MODERN = "2026-07-28";
const LEGACY = "2025-11-25";
const URL = "http://127.0.0.1/mcp";
const IDLE_SESSIONS = 10_000;
const rounds = Number(getEnv("BENCH_ROUNDS") ?? "9");
const callsPerRound = Number(getEnv("BENCH_CALLS") ?? "400");
const only = getEnv("BENCH_ONLY")?.split(",");
const wanted = (part: string): boolean => only === undefined || only.includes(part);

const SCHEMA = {
  type: "object",
  properties: { text: { type: "string" } },
  required: ["text"],
  additionalProperties: false,
} as const;

/** A server with `count` tools `tool0`…; the last one registered is the one called. */
function serverWith(count: number, pageSize?: number): McpServer {
  const server = new McpServer({ name: "bench-flat", version: "0.0.0" }, { pageSize });
  for (let i = 0; i < count; i++) {
    server.tool({
      name: `tool${i}`,
      description: `Tool number ${i}.`,
      input: SCHEMA,
      handler: ({ text }: { text: string }) => text,
    });
  }
  return server;
}

function post(body: unknown, headers: Record<string, string>): Request {
  return new Request(URL, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

const META = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": {},
};

function modernCall(name: string): Request {
  return post(
    {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: { name, arguments: { text: "hello" }, _meta: META },
    },
    { "mcp-protocol-version": MODERN, "mcp-method": "tools/call", "mcp-name": name },
  );
}

function modernList(cursor: string | undefined): Request {
  const params = cursor === undefined ? { _meta: META } : { cursor, _meta: META };
  return post(
    { jsonrpc: "2.0", id: 1, method: "tools/list", params },
    { "mcp-protocol-version": MODERN, "mcp-method": "tools/list" },
  );
}

async function expectOk(response: Response, what: string): Promise<string> {
  const text = await response.text();
  if (response.status !== 200 || text.includes('"error"')) {
    throw new Error(`${what}: ${response.status} ${text.slice(0, 200)}`);
  }
  return text;
}

/** Opens a legacy session (initialize, then notifications/initialized); returns its id. */
async function openSession(handler: Handler): Promise<string> {
  const response = await handler(post({
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: {
      protocolVersion: LEGACY,
      capabilities: {},
      clientInfo: { name: "bench-flat", version: "1" },
    },
  }, {}));
  await expectOk(response, "initialize");
  const id = response.headers.get("mcp-session-id");
  if (!id) throw new Error("initialize returned no Mcp-Session-Id");
  const initialized = await handler(
    post({ jsonrpc: "2.0", method: "notifications/initialized" }, {
      "mcp-session-id": id,
      "mcp-protocol-version": LEGACY,
    }),
  );
  await initialized.text();
  if (initialized.status !== 202) throw new Error(`initialized: ${initialized.status}`);
  return id;
}

function legacyCall(session: string, name: string): Request {
  return post(
    { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name, arguments: { text: "hi" } } },
    { "mcp-session-id": session, "mcp-protocol-version": LEGACY },
  );
}

function legacyHandler(server: McpServer): Handler {
  return createHttpHandler(server, {
    legacy: { maxSessions: 2 * IDLE_SESSIONS, maxSessionsPerPrincipal: 2 * IDLE_SESSIONS },
  });
}

interface Row {
  readonly name: string;
  readonly call: () => Promise<unknown>;
}

function cpuMicros(): number {
  const usage = cpuUsage();
  return usage.user + usage.system;
}

interface Cost {
  /** Median wall-clock µs per call. */
  readonly wall: number;
  /** Median CPU µs per call (0 where the runtime does not report CPU time). */
  readonly cpu: number;
}

const median = (list: number[]): number => list.sort((a, b) => a - b)[list.length >> 1];

/** Median cost per call of each row, measured in interleaved rounds. */
async function measure(rows: readonly Row[]): Promise<Cost[]> {
  for (const row of rows) for (let i = 0; i < callsPerRound; i++) await row.call();
  const wall: number[][] = rows.map(() => []);
  const cpu: number[][] = rows.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (let r = 0; r < rows.length; r++) {
      const start = performance.now();
      const cpuStart = cpuMicros();
      for (let i = 0; i < callsPerRound; i++) await rows[r].call();
      cpu[r].push((cpuMicros() - cpuStart) / callsPerRound);
      wall[r].push(((performance.now() - start) * 1000) / callsPerRound);
    }
  }
  return rows.map((_, r) => ({ wall: median(wall[r]), cpu: median(cpu[r]) }));
}

// CPU time is the steadier measure on a machine shared with other work: the ratio is of CPU
// time where the runtime reports it, of wall time otherwise.
function printTable(title: string, rows: readonly Row[], costs: readonly Cost[]): void {
  console.log(`\n### ${title}\n`);
  const width = Math.max(...rows.map((row) => row.name.length));
  const key = costs[0].cpu > 0 ? "cpu" : "wall";
  console.log(`| ${"configuration".padEnd(width)} | wall µs/call | CPU µs/call | ratio |`);
  console.log(`|${"-".repeat(width + 2)}|-------------:|------------:|------:|`);
  rows.forEach((row, i) => {
    const ratio = (costs[i][key] / costs[0][key]).toFixed(2);
    console.log(
      `| ${row.name.padEnd(width)} | ${costs[i].wall.toFixed(1).padStart(12)} | ${
        costs[i].cpu.toFixed(1).padStart(11)
      } | ${ratio.padStart(5)} |`,
    );
  });
}

async function toolCountRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const count of [10, 1_000, 10_000]) {
    const handler = createHttpHandler(serverWith(count), { legacy: false });
    const name = `tool${count - 1}`;
    await expectOk(await handler(modernCall(name)), `tools/call with ${count} tools`);
    rows.push({
      name: `${count.toLocaleString("en-US")} tools`,
      call: async () => (await handler(modernCall(name))).text(),
    });
  }
  return rows;
}

async function openIdleSessions(handler: Handler, count: number): Promise<void> {
  for (let i = 0; i < count; i++) await openSession(handler);
}

async function idleSessionRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const idle of [0, IDLE_SESSIONS]) {
    const handler = legacyHandler(serverWith(10));
    await openIdleSessions(handler, idle);
    const session = await openSession(handler);
    await expectOk(await handler(legacyCall(session, "tool9")), "legacy tools/call");
    rows.push({
      name: `${idle.toLocaleString("en-US")} idle sessions`,
      call: async () => (await handler(legacyCall(session, "tool9"))).text(),
    });
  }
  return rows;
}

async function listRows(): Promise<Row[]> {
  const rows: Row[] = [];
  for (const count of [10, 10_000]) {
    const handler = createHttpHandler(serverWith(count, 10), { legacy: false });
    const middle = count > 10 ? `o${count / 2}` : undefined;
    for (const cursor of middle === undefined ? [undefined] : [undefined, middle]) {
      const text = await expectOk(await handler(modernList(cursor)), "tools/list");
      if ((text.match(/"inputSchema"/g) ?? []).length !== 10) {
        throw new Error(`tools/list page of ${count} tools is not 10 tools long`);
      }
      rows.push({
        name: `${count.toLocaleString("en-US")} tools, ${cursor ? "middle" : "first"} page`,
        call: async () => (await handler(modernList(cursor))).text(),
      });
    }
  }
  return rows;
}

function heapAfterGc(): number {
  for (let i = 0; i < 3; i++) collectGarbage();
  return memoryUsage().heapUsed;
}

/** Heap bytes per idle legacy session (initialized, no stream, no subscription). */
async function bytesPerIdleSession(): Promise<number | undefined> {
  if (!collectGarbage()) return undefined;
  const server = serverWith(10);
  const handler = legacyHandler(server);
  // One session first, so lazily built shared state is not counted against the 10 000.
  await openSession(handler);
  const before = heapAfterGc();
  await openIdleSessions(handler, IDLE_SESSIONS);
  const after = heapAfterGc();
  // Keep both alive until measured.
  if (!server || !handler) throw new Error("unreachable");
  return (after - before) / IDLE_SESSIONS;
}

console.log(`\n## flat costs (emcee, in process) — ${runtimeName()}`);
console.log(`(median of ${rounds} interleaved rounds of ${callsPerRound} calls each)`);
if (wanted("memory")) {
  const perSession = await bytesPerIdleSession();
  console.log(
    perSession === undefined
      ? "\nheap per idle legacy session: not measured (start with --expose-gc)"
      : `\nheap per idle legacy session: ${Math.round(perSession)} bytes`,
  );
}
for (
  const [part, title, build] of [
    ["tools", "tools/call with N registered tools", toolCountRows],
    ["sessions", "tools/call in a legacy session, with N other idle sessions", idleSessionRows],
    ["list", "tools/list, one page of 10, with N registered tools", listRows],
  ] as const
) {
  if (!wanted(part)) continue;
  const rows = await build();
  printTable(title, rows, await measure(rows));
}
