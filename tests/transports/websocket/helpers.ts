/** Shared pieces of the MCP WebSocket transport tests. */
import assert from "node:assert/strict";
import type { McpClient } from "../../../client/mod.ts";
import { type HttpServerHandle, serveHttp, spawnProcess } from "../../../runtime/mod.ts";
import { createHttpHandler } from "../../../transports/http/server.ts";
import {
  createWebSocketHandler,
  type WebSocketHandlerOptions,
} from "../../../transports/websocket/server.ts";
import { buildServer } from "../../client/fixtures/emcee_server.ts";
import { deferred, repoPath, within } from "../../client/helpers.ts";

export { deferred, repoPath, within };

/** A WebSocket MCP endpoint in this process. */
export interface LocalEndpoint {
  /** `ws://127.0.0.1:<port>/mcp`. */
  url: string;
  /** The HTTP server. */
  http: HttpServerHandle;
  /** The McpServer behind it. */
  server: ReturnType<typeof buildServer>;
}

/** Serves the client-test server over WebSocket (and Streamable HTTP as the fallback). */
export async function startLocal(options: WebSocketHandlerOptions = {}): Promise<LocalEndpoint> {
  const server = buildServer();
  const http = await serveHttp(
    createWebSocketHandler(server, { fallback: createHttpHandler(server), ...options }),
  );
  return { url: `${http.url.replace("http:", "ws:")}/mcp`, http, server };
}

/** The command that runs a script on a runtime of the toolchain. */
export function runtimeCommand(
  runtime: "deno" | "bun" | "node",
  script: string,
): { command: string; args: string[] } {
  const binary = repoPath(`node_modules/.bin/${runtime}`);
  const path = repoPath(script);
  return runtime === "deno"
    ? { command: binary, args: ["run", "-A", "--quiet", path] }
    : { command: binary, args: [path] };
}

/** The WebSocket fixture server running on `runtime` in a child process. */
export async function startRemote(
  runtime: "deno" | "bun" | "node",
): Promise<{ url: string; stop(): Promise<void> }> {
  const { command, args } = runtimeCommand(
    runtime,
    "tests/transports/websocket/fixtures/ws_server.ts",
  );
  const child = spawnProcess(command, args, { stderr: "inherit" });
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
  try {
    while (!text.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`the ${runtime} fixture exited before listening`);
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    clearTimeout(killer);
  }
  const match = /LISTENING (\S+)/.exec(text);
  if (!match) throw new Error(`the ${runtime} fixture printed ${text}`);
  reader.releaseLock();
  child.stdout.cancel().catch(() => {});
  const writer = child.stdin.getWriter();
  return {
    url: match[1],
    async stop() {
      await writer.close().catch(() => {});
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await child.exited.catch(() => {});
      clearTimeout(timer);
    },
  };
}

/** Lists, calls (with progress and an elicitation), reads, prompts and cancels. */
export async function exercise(client: McpClient): Promise<void> {
  assert.ok((await client.listTools()).some((tool) => tool.name === "echo"));
  assert.deepEqual(await client.callToolContent("echo", { text: "hi" }), [{
    type: "text",
    text: "hi",
  }]);
  assert.deepEqual(await client.callToolStructured("add", { a: 1, b: 2 }), { sum: 3 });
  assert.deepEqual(await client.callToolContent("ask"), [{ type: "text", text: "accept:Ada" }]);
  const progress: number[] = [];
  await client.callTool("slow", {}, { onProgress: (p) => progress.push(p.progress) });
  assert.deepEqual(progress, [1, 2, 3]);
  assert.deepEqual((await client.readResource("test://items/7")).contents, [{
    uri: "test://items/7",
    text: "item 7",
  }]);
  assert.equal((await client.getPrompt("greet", { who: "Bo" })).messages.length, 1);
  const controller = new AbortController();
  const running = deferred();
  const hanging = client.callTool("hang", {}, {
    signal: controller.signal,
    onProgress: () => running.resolve(),
  });
  await within(running.promise, 10_000, "the hang tool to start");
  controller.abort("user gave up");
  await assert.rejects(hanging, /cancelled/);
  assert.deepEqual(await client.callToolContent("echo", { text: "still fine" }), [{
    type: "text",
    text: "still fine",
  }]);
}
