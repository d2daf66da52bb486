/**
 * Soak test (not part of the test command): SOAK_MINUTES (default 10) of mixed load against an
 * emcee server in a child process of the same runtime, started with garbage collection exposed,
 * while this process prints the child's heap after GC and RSS every SOAK_SAMPLE_SECONDS (10).
 *
 *   node scripts/soak.ts
 *   deno run -A scripts/soak.ts
 *   bun scripts/soak.ts
 *   SOAK_MINUTES=1 SOAK_CONCURRENCY=8 node scripts/soak.ts
 *
 * The load, in SOAK_CONCURRENCY parallel loops, each iteration one of: a stateless 2026-07-28
 * tools/call; a legacy (2025-11-25) session created, used, its GET SSE stream opened and closed,
 * then deleted; a streaming call (progress over SSE) read to the end; the same cut mid-stream;
 * a session abandoned without DELETE; a malformed request. Any 5xx or network error counts as an
 * error; the script exits 1 if there was one or if the server stopped answering.
 *
 * @module
 */
import { McpServer } from "../server/server.ts";
import { serveMcpHttp } from "../transports/http/serve.ts";
import { LEGACY, legacyHeaders, MODERN, modernHeaders } from "./hardening/client.ts";
import { addProbeTools } from "./hardening/server.ts";
import {
  args,
  executablePath,
  exitProcess,
  getEnv,
  runtimeName,
  spawnProcess,
} from "../runtime/mod.ts";

const META = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "soak", version: "1" },
};

async function runServer(): Promise<void> {
  const server = new McpServer({ name: "soak", version: "1" });
  addProbeTools(server);
  server.tool({
    name: "ticks",
    description: "Reports progress n times, a few milliseconds apart",
    input: { type: "object", properties: { n: { type: "integer" } } },
    handler: async ({ n }: { n?: number }, context) => {
      const total = n ?? 5;
      for (let i = 1; i <= total && !context.signal.aborted; i++) {
        context.progress(i, total, "x".repeat(200));
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      return `ticked ${total}`;
    },
  });
  const http = await serveMcpHttp(server, { hostname: "127.0.0.1", port: 0 });
  console.log(`listening ${http.url}`);
}

interface Counters {
  requests: number;
  errors: number;
  sessions: number;
  streams: number;
  cuts: number;
  lastError?: string;
}

function modernCall(name: string, args: Record<string, unknown>, id: number): RequestInit {
  return {
    method: "POST",
    headers: modernHeaders("tools/call", name),
    body: JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name, arguments: args, _meta: { ...META, progressToken: `p${id}` } },
    }),
  };
}

function createLoad(url: string, counters: Counters) {
  let nextId = 1;
  const send = async (init: RequestInit, read: "all" | "cut" | "none" = "all") => {
    counters.requests++;
    const response = await fetch(url, init);
    if (response.status >= 500) throw new Error(`HTTP ${response.status}`);
    if (read === "all") await response.arrayBuffer();
    else if (read === "cut") {
      const reader = response.body!.getReader();
      await reader.read();
      await reader.cancel();
      counters.cuts++;
    } else await response.body?.cancel();
    return response;
  };
  const legacySession = async (abandon: boolean) => {
    const init = await send({
      method: "POST",
      headers: legacyHeaders(),
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: {
          protocolVersion: LEGACY,
          capabilities: {},
          clientInfo: { name: "s", version: "1" },
        },
      }),
    });
    const session = init.headers.get("mcp-session-id");
    if (session === null) throw new Error(`initialize answered ${init.status} without a session`);
    counters.sessions++;
    const headers = legacyHeaders(session);
    await send({
      method: "POST",
      headers,
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    });
    await send({
      method: "POST",
      headers,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: nextId++,
        method: "tools/call",
        params: { name: "echo", arguments: { text: "legacy" } },
      }),
    });
    if (abandon) return;
    // The session's GET stream, opened then closed without reading: headers only.
    const controller = new AbortController();
    const stream = await fetch(url, {
      headers: {
        accept: "text/event-stream",
        "mcp-session-id": session,
        "mcp-protocol-version": LEGACY,
      },
      signal: controller.signal,
    });
    counters.requests++;
    counters.streams++;
    if (stream.status >= 500) throw new Error(`GET HTTP ${stream.status}`);
    controller.abort();
    await stream.body?.cancel().catch(() => {});
    await send({ method: "DELETE", headers }, "none");
  };
  const iteration = async () => {
    const roll = Math.random();
    if (roll < 0.35) await send(modernCall("echo", { text: "hi" }, nextId++));
    else if (roll < 0.55) await legacySession(false);
    else if (roll < 0.7) {
      counters.streams++;
      await send(modernCall("ticks", { n: 8 }, nextId++));
    } else if (roll < 0.85) {
      counters.streams++;
      await send(modernCall("ticks", { n: 50 }, nextId++), "cut");
    } else if (roll < 0.92) await legacySession(true);
    else {
      await send({
        method: "POST",
        headers: modernHeaders("tools/call"),
        body: '{"jsonrpc":"2.0",',
      }, "all");
    }
  };
  return async (until: number) => {
    while (Date.now() < until) {
      try {
        await iteration();
      } catch (error) {
        counters.errors++;
        counters.lastError = error instanceof Error ? error.message : String(error);
      }
    }
  };
}

async function sample(url: string): Promise<{ heapUsed: number; rss: number; collected: boolean }> {
  const response = await fetch(url, modernCall("memory", {}, 0));
  const body = await response.json() as { result?: { content?: { text: string }[] } };
  const text = body.result?.content?.[0]?.text;
  if (text === undefined) throw new Error(`memory tool answered ${JSON.stringify(body)}`);
  return JSON.parse(text);
}

const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1).padStart(8);

async function main(): Promise<void> {
  if (args().includes("--server")) return await runServer();
  const minutes = Number(getEnv("SOAK_MINUTES") ?? 10);
  const sampleSeconds = Number(getEnv("SOAK_SAMPLE_SECONDS") ?? 10);
  const concurrency = Number(getEnv("SOAK_CONCURRENCY") ?? 16);
  const self = new URL(import.meta.url).pathname;
  const runtime = runtimeName();
  const child = spawnProcess(
    executablePath(),
    runtime === "deno"
      ? ["run", "-A", "--v8-flags=--expose-gc", self, "--server"]
      : runtime === "node"
      ? ["--expose-gc", self, "--server"]
      : [self, "--server"],
    { stderr: "inherit" },
  );
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  while (!/listening (\S+)\n/.test(output)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the server exited before listening: ${output}`);
    output += value;
  }
  reader.releaseLock();
  const url = /listening (\S+)\n/.exec(output)![1] + "/mcp";
  const counters: Counters = { requests: 0, errors: 0, sessions: 0, streams: 0, cuts: 0 };
  const start = Date.now();
  const until = start + minutes * 60_000;
  console.log(`soak: ${runtime}, ${minutes} min, ${concurrency} loops, server pid ${child.pid}`);
  const first = await sample(url);
  if (!first.collected) console.log("(no GC exposed in the child: heap is not after GC)");
  console.log("  time |  requests | errors | sessions | streams |  cut | heap MiB |  RSS MiB");
  const row = (usage: { heapUsed: number; rss: number }) =>
    console.log(
      `${String(Math.round((Date.now() - start) / 1000)).padStart(5)}s | ${
        String(counters.requests).padStart(9)
      } | ${String(counters.errors).padStart(6)} | ${String(counters.sessions).padStart(8)} | ${
        String(counters.streams).padStart(7)
      } | ${String(counters.cuts).padStart(4)} | ${mib(usage.heapUsed)} | ${mib(usage.rss)}`,
    );
  row(first);
  const loops = Array.from({ length: concurrency }, () => createLoad(url, counters)(until));
  const samples = [first];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      await new Promise((resolve) =>
        setTimeout(resolve, Math.min(sampleSeconds * 1000, Math.max(0, until - Date.now())))
      );
      if (!sampling || Date.now() >= until) break;
      const usage = await sample(url);
      samples.push(usage);
      row(usage);
    }
  })();
  await Promise.all(loops);
  sampling = false;
  await sampler;
  const last = await sample(url);
  samples.push(last);
  row(last);
  const heaps = samples.map((s) => s.heapUsed);
  console.log(
    `heap after GC: first ${mib(heaps[0]).trim()} MiB, min ${mib(Math.min(...heaps)).trim()}, max ${
      mib(Math.max(...heaps)).trim()
    }, last ${mib(last.heapUsed).trim()}; RSS last ${
      mib(last.rss).trim()
    } MiB; ${counters.requests} requests, ${
      (counters.requests / ((Date.now() - start) / 1000)).toFixed(0)
    }/s, ${counters.errors} errors${counters.lastError ? ` (last: ${counters.lastError})` : ""}`,
  );
  child.kill("SIGTERM");
  await child.exited;
  exitProcess(counters.errors === 0 ? 0 : 1);
}

await main();
