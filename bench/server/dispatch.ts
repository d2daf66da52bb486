// In-process micro benchmark of emcee's dispatcher, to track regressions: `server.handleRequest()`
// calls per second for a modern (2026-07-28) tools/call and tools/list, no HTTP. One more row
// runs the same tools/call through `createHttpHandler` with an in-memory `Request` (no socket),
// which isolates the Streamable HTTP transport's own cost from the runtime's HTTP server.
//
//   node_modules/.bin/node bench/server/dispatch.ts
//   node_modules/.bin/deno run -A bench/server/dispatch.ts
//   node_modules/.bin/bun run bench/server/dispatch.ts
//
// BENCH_MS sets the timed run per row (default 2000, after a quarter of that as warm-up).

import type { JsonRpcRequest } from "../../protocol/jsonrpc.ts";
import { getEnv, runtimeName } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { McpServer } from "../../server/server.ts";

const durationMs = Number(getEnv("BENCH_MS") ?? "2000");
const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
};

const server = new McpServer({ name: "bench-dispatch", version: "0.0.0" });
server.tool({
  name: "echo",
  description: "Returns its text.",
  input: {
    type: "object",
    properties: { text: { type: "string" } },
    required: ["text"],
    additionalProperties: false,
  },
  handler: ({ text }: { text: string }) => text,
});

// A fresh request per call: the dispatcher may decorate what it is given, and callers never
// hand it the same object twice.
const toolsCall = (): JsonRpcRequest => ({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "echo", arguments: { text: "hello, benchmark" }, _meta: { ...META } },
});
const toolsList = (): JsonRpcRequest => ({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/list",
  params: { _meta: { ...META } },
});

const handler = createHttpHandler(server, { legacy: false });
const httpBody = JSON.stringify(toolsCall());
const httpHeaders = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
  "mcp-protocol-version": "2026-07-28",
  "mcp-method": "tools/call",
  "mcp-name": "echo",
};
const httpCall = async (): Promise<unknown> => {
  const response = await handler(
    new Request("http://127.0.0.1/mcp", { method: "POST", headers: httpHeaders, body: httpBody }),
  );
  return await response.text();
};

/** Awaits `fn` back to back for about `ms` after a warm-up; returns calls per second. */
async function callsPerSecond(fn: () => Promise<unknown>, ms: number): Promise<number> {
  const warmUntil = performance.now() + ms / 4;
  while (performance.now() < warmUntil) for (let i = 0; i < 100; i++) await fn();
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 100; i++) await fn();
    calls += 100;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (calls / elapsed) * 1000;
}

async function check(): Promise<void> {
  const call = await server.handleRequest(toolsCall());
  const list = await server.handleRequest(toolsList());
  const text = JSON.stringify(call);
  if (!text.includes('"text":"hello, benchmark"') || "error" in call || "error" in list) {
    throw new Error(`unexpected dispatch result: ${text} ${JSON.stringify(list)}`);
  }
  if (!String(await httpCall()).includes('"text":"hello, benchmark"')) {
    throw new Error("unexpected HTTP handler result");
  }
}

await check();
const rows: [string, () => Promise<unknown>][] = [
  ["handleRequest tools/call", () => server.handleRequest(toolsCall())],
  ["handleRequest tools/list", () => server.handleRequest(toolsList())],
  ["createHttpHandler tools/call (in-memory Request)", httpCall],
];
console.log(`\n## server dispatch (emcee, in-process) — ${runtimeName()}\n`);
const width = Math.max(...rows.map(([name]) => name.length));
console.log(`| ${"operation".padEnd(width)} |    calls/s | µs/call |`);
console.log(`|${"-".repeat(width + 2)}|-----------:|--------:|`);
for (const [name, fn] of rows) {
  const rate = await callsPerSecond(fn, durationMs);
  console.log(
    `| ${name.padEnd(width)} | ${rate.toFixed(0).padStart(10)} | ${
      (1e6 / rate).toFixed(2).padStart(7)
    } |`,
  );
}
