/**
 * The server child of scripts/hardening_figures.ts: the demo server plus an echo tool, a tool
 * mirroring a header (for the Mcp-Param cases), a memory tool (heap after GC and RSS) and a
 * broadcast tool that starts a timer announcing an update of a long-URI resource to every
 * subscribed legacy session, so the GET streams of clients that never read fill up.
 *
 * @module
 */
import { createDemoServer } from "../../examples/demo/server.ts";
import type { McpServer } from "../../server/server.ts";
import { serveMcpHttp } from "../../transports/http/serve.ts";
import { collectGarbage, memoryUsage } from "../../runtime/mod.ts";

/** The resource the non-reading clients subscribe to; long, so each update weighs ~2 KiB. */
export const BIG_URI: string = `demo://broadcast/${"x".repeat(2000)}`;

/**
 * The tools every measuring script's server has: `echo` (its text back) and `memory` (heap
 * after a forced GC and RSS, in bytes, as JSON). Shared with scripts/soak.ts.
 */
export function addProbeTools(server: McpServer): void {
  server.tool({
    name: "echo",
    description: "Echoes its text",
    input: { type: "object", properties: { text: { type: "string" } } },
    handler: ({ text }: { text?: string }) => text ?? "",
  });
  server.tool({
    name: "memory",
    description: "Collects garbage and answers the heap and RSS in bytes",
    input: { type: "object", properties: {} },
    handler: () => {
      const collected = collectGarbage();
      const usage = memoryUsage();
      return JSON.stringify({ collected, heapUsed: usage.heapUsed, rss: usage.rss });
    },
  });
}

/** Starts the server on 127.0.0.1, port 0, and prints `listening <url>` on stdout. */
export async function runFiguresServer(): Promise<void> {
  const server = createDemoServer();
  addProbeTools(server);
  server.tool({
    name: "sized",
    description: "Echoes a size mirrored into a header",
    input: {
      type: "object",
      properties: { size: { type: "integer", "x-mcp-header": "Size" } },
    },
    handler: ({ size }: { size?: number }) => `size ${size}`,
  });
  let timer: ReturnType<typeof setInterval> | undefined;
  let sent = 0;
  server.tool({
    name: "broadcast",
    description: "Announces an update of BIG_URI every periodMs (0 stops); answers the count",
    input: { type: "object", properties: { periodMs: { type: "integer" } } },
    handler: ({ periodMs }: { periodMs?: number }) => {
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (periodMs) {
        timer = setInterval(() => {
          sent++;
          server.resourceUpdated(BIG_URI);
        }, periodMs);
      }
      return String(sent);
    },
  });
  const http = await serveMcpHttp(server, {
    hostname: "127.0.0.1",
    port: 0,
    legacy: { maxSessions: 20_000, maxSessionsPerPrincipal: 20_000 },
  });
  console.log(`listening ${http.url}`);
}
