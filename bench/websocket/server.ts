// The bench server process: one emcee `McpServer` with the `add` tool, served on 127.0.0.1 port 0
// by `createWebSocketHandler(server, { fallback: createHttpHandler(server) })` through the
// runtime's `serveHttp`, so WebSocket and Streamable HTTP share one URL, one server and one HTTP
// layer. Prints `{"port":N}` on stdout and exits when stdin ends. Run by bench.ts on the runtime
// under test.

import { McpServer } from "../../server/server.ts";
import { exitProcess, serveHttp, stdio } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { createWebSocketHandler } from "../../transports/websocket/server.ts";
import { ADD_SCHEMA } from "../perf/fixtures.ts";

const server = new McpServer({ name: "bench-websocket", version: "0.0.0" });
server.tool({
  name: "add",
  description: "Adds two numbers.",
  input: ADD_SCHEMA,
  handler: ({ a, b }: { a: number; b: number }) => String(a + b),
});

const handler = createWebSocketHandler(server, { fallback: createHttpHandler(server) });
const http = await serveHttp(handler, { hostname: "127.0.0.1", port: 0 });
const io = stdio();
await io.write(new TextEncoder().encode(JSON.stringify({ port: http.port }) + "\n"));
// stdin ending is the parent's signal to stop; drain it until then.
const reader = io.readable.getReader();
while (!(await reader.read()).done) { /* the parent sends nothing */ }
await http.close();
exitProcess(0);
