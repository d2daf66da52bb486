/**
 * Client side of scripts/hardening_figures.ts: spawns the server child (same runtime, GC
 * exposed), and the requests every figure needs (a stateless call, a legacy session, a
 * memory sample), plus percentiles and formatting.
 *
 * @module
 */
import {
  type ChildProcessHandle,
  executablePath,
  runtimeName,
  spawnProcess,
} from "../../runtime/mod.ts";

/** The modern protocol version. */
export const MODERN = "2026-07-28";
/** The legacy (session) protocol version. */
export const LEGACY = "2025-11-25";
/** The `_meta` a stateless 2026-07-28 request carries. */
export const META: Record<string, unknown> = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "figures", version: "1" },
};

/** A running server child. */
export interface ServerChild {
  /** The MCP endpoint URL. */
  url: string;
  /** Its port. */
  port: number;
  /** The process. */
  child: ChildProcessHandle;
  /** `ulimit -n` in the child. */
  fdLimit: string;
  /** Stops it. */
  stop(): Promise<void>;
}

/** Spawns `script --server` with GC exposed, under `ulimit -n fdLimit` through bash. */
export async function startServer(script: string, fdLimit: number): Promise<ServerChild> {
  const runtime = runtimeName();
  const exe = executablePath();
  const argv = runtime === "deno"
    ? [exe, "run", "-A", "--v8-flags=--expose-gc", script, "--server"]
    : runtime === "node"
    ? [exe, "--expose-gc", script, "--server"]
    : [exe, script, "--server"];
  const quoted = argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(" ");
  const child = spawnProcess("bash", [
    "-c",
    `ulimit -n ${fdLimit} 2>/dev/null; echo "fdlimit $(ulimit -n)"; exec ${quoted}`,
  ], {
    stderr: "inherit",
  });
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let output = "";
  while (!/listening (\S+)\n/.test(output)) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the server exited before listening: ${output}`);
    output += value;
  }
  // Keep draining the child's stdout so it never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done);
  })().catch(() => {});
  const base = /listening (\S+)\n/.exec(output)![1];
  return {
    url: base + "/mcp",
    port: Number(new URL(base).port),
    child,
    fdLimit: /fdlimit (\S+)/.exec(output)?.[1] ?? "?",
    stop: async () => {
      child.kill("SIGKILL");
      await child.exited;
    },
  };
}

/** Headers of a 2026-07-28 request. */
export function modernHeaders(method: string, name?: string): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": MODERN,
    "mcp-method": method,
  };
  if (name !== undefined) headers["mcp-name"] = name;
  return headers;
}

/** A stateless tools/call. */
export function modernCall(name: string, args: Record<string, unknown>, id: number): RequestInit {
  return {
    method: "POST",
    headers: modernHeaders("tools/call", name),
    body: JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "tools/call",
      params: { name, arguments: args, _meta: META },
    }),
  };
}

/** Headers of a legacy request, in `session` if given. */
export function legacyHeaders(session?: string): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": LEGACY,
  };
  if (session !== undefined) headers["mcp-session-id"] = session;
  return headers;
}

/** Initializes a legacy session (initialize + notifications/initialized); answers its id. */
export async function openLegacySession(url: string): Promise<string> {
  const init = await fetch(url, {
    method: "POST",
    headers: legacyHeaders(),
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: LEGACY,
        capabilities: {},
        clientInfo: { name: "f", version: "1" },
      },
    }),
  });
  await init.arrayBuffer();
  const session = init.headers.get("mcp-session-id");
  if (session === null) throw new Error(`initialize answered ${init.status} without a session`);
  const done = await fetch(url, {
    method: "POST",
    headers: legacyHeaders(session),
    body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
  });
  await done.arrayBuffer();
  return session;
}

/** Calls a tool statelessly and answers its first text. */
export async function callText(
  url: string,
  name: string,
  args: Record<string, unknown>,
): Promise<string> {
  const response = await fetch(url, modernCall(name, args, 1));
  const body = await response.json() as { result?: { content?: { text: string }[] } };
  const text = body.result?.content?.[0]?.text;
  if (text === undefined) throw new Error(`${name} answered ${JSON.stringify(body)}`);
  return text;
}

/** Heap after GC and RSS of the server, bytes. */
export interface MemorySample {
  heapUsed: number;
  rss: number;
  collected: boolean;
}

/** Samples the server's memory (twice collected, to settle weak references). */
export async function sampleMemory(url: string): Promise<MemorySample> {
  await callText(url, "memory", {});
  return JSON.parse(await callText(url, "memory", {})) as MemorySample;
}

/** The p-th percentile (0..100) of `values`. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** Bytes as MiB with one decimal. */
export function mib(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

/** Runs `task` over `items` with at most `concurrency` at once. */
export async function pool<T>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/** Resolves after `ms`. */
export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
