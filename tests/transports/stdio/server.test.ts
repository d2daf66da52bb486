/**
 * The stdio server transport end to end: `examples/demo/server.ts --stdio`
 * spawned with the current runtime, spoken to in raw newline-delimited JSON.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../../protocol/jsonrpc.ts";
import { type ChildProcessHandle, spawnProcess } from "../../../runtime/mod.ts";
import { demoStdioCommand, within } from "../../interop/fixtures/helpers.ts";

const encoder = new TextEncoder();

interface StdioPeer {
  child: ChildProcessHandle;
  /** Writes one line (a newline is appended). */
  send(line: string | JsonObject): Promise<void>;
  /** The next message the server wrote to stdout. */
  next(ms?: number): Promise<JsonObject>;
  /** Closes the child's stdin. */
  end(): Promise<void>;
  /** What the child wrote to stderr so far, for failure messages. */
  stderr(): string;
  /** Kills the child if still running and waits for it. */
  dispose(): Promise<void>;
}

function startDemo(): StdioPeer {
  const { command, args } = demoStdioCommand();
  const child = spawnProcess(command, args, { stderr: "pipe" });
  const writer = child.stdin.getWriter();
  const reader = child.stdout.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let errors = "";
  const stderrReader = child.stderr?.getReader();
  (async () => {
    const errorDecoder = new TextDecoder();
    while (stderrReader) {
      const { value, done } = await stderrReader.read();
      if (done) return;
      errors += errorDecoder.decode(value, { stream: true });
    }
  })().catch(() => {});

  async function nextLine(): Promise<string> {
    while (true) {
      const newline = buffer.indexOf("\n");
      if (newline >= 0) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        if (line.trim() !== "") return line;
        continue;
      }
      const { value, done } = await reader.read();
      if (done) throw new Error(`stdout ended; stderr: ${errors}`);
      buffer += decoder.decode(value, { stream: true });
    }
  }

  let stdinClosed = false;
  return {
    child,
    async send(line) {
      const text = typeof line === "string" ? line : JSON.stringify(line);
      await writer.write(encoder.encode(text + "\n"));
    },
    async next(ms = 10_000) {
      const line = await within(nextLine(), ms, `a line from the server (stderr: ${errors})`);
      return JSON.parse(line) as JsonObject;
    },
    async end() {
      stdinClosed = true;
      await writer.close();
    },
    stderr: () => errors,
    async dispose() {
      if (!stdinClosed) await writer.close().catch(() => {});
      child.kill("SIGKILL");
      await child.exited.catch(() => {});
      await reader.cancel().catch(() => {});
      await stderrReader?.cancel().catch(() => {});
    },
  };
}

const MODERN_META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "stdio-test", version: "1" },
};

describe("stdio: the demo server as a child process", () => {
  test("legacy initialize, then tools/list", async () => {
    const peer = startDemo();
    try {
      await peer.send({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "stdio-test", version: "1" },
        },
      });
      const init = await peer.next();
      assert.equal(init.id, 1);
      const result = init.result as JsonObject;
      assert.equal(result.protocolVersion, "2025-06-18");
      assert.equal((result.serverInfo as JsonObject).name, "emcee-demo");
      await peer.send({ jsonrpc: "2.0", method: "notifications/initialized" });
      await peer.send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
      const list = await peer.next();
      assert.equal(list.id, 2);
      const tools = (list.result as JsonObject).tools as JsonObject[];
      assert.deepEqual(tools.map((t) => t.name), ["add", "text_stats", "roll_dice", "greet_user"]);
    } finally {
      await peer.dispose();
    }
  });

  test("a modern request without initialize", async () => {
    const peer = startDemo();
    try {
      await peer.send({
        jsonrpc: "2.0",
        id: "m1",
        method: "tools/call",
        params: { name: "add", arguments: { numbers: [1.5, 2.5] }, _meta: MODERN_META },
      });
      const answer = await peer.next();
      assert.equal(answer.id, "m1");
      const result = answer.result as JsonObject;
      assert.equal(result.resultType, "complete");
      assert.deepEqual(result.structuredContent, { sum: 4 });
      assert.deepEqual(
        ((result._meta as JsonObject)["io.modelcontextprotocol/serverInfo"] as JsonObject).name,
        "emcee-demo",
      );
    } finally {
      await peer.dispose();
    }
  });

  test("an invalid JSON line → -32700 without id, and the server keeps going", async () => {
    const peer = startDemo();
    try {
      await peer.send('{"jsonrpc":"2.0","id":1,"method":"tools/list"');
      const error = await peer.next();
      assert.equal("id" in error ? error.id : undefined, undefined);
      assert.equal((error.error as JsonObject).code, -32700);
      await peer.send({
        jsonrpc: "2.0",
        id: 7,
        method: "tools/list",
        params: { _meta: MODERN_META },
      });
      const list = await peer.next();
      assert.equal(list.id, 7);
      assert.equal(((list.result as JsonObject).tools as unknown[]).length, 4);
      // A JSON array (batch) is refused the same way, by line.
      await peer.send("[]");
      assert.equal(((await peer.next()).error as JsonObject).code, -32600);
      await peer.send({
        jsonrpc: "2.0",
        id: 8,
        method: "server/discover",
        params: { _meta: MODERN_META },
      });
      assert.equal((await peer.next()).id, 8);
    } finally {
      await peer.dispose();
    }
  });

  test("closing stdin ends the process with code 0 within a few seconds", async () => {
    const peer = startDemo();
    try {
      await peer.send({
        jsonrpc: "2.0",
        id: 1,
        method: "server/discover",
        params: { _meta: MODERN_META },
      });
      assert.equal((await peer.next()).id, 1);
      await peer.end();
      const exit = await within(
        peer.child.exited,
        5000,
        `exit after stdin closed; stderr: ${peer.stderr()}`,
      );
      assert.deepEqual(exit, { code: 0, signal: null });
    } finally {
      await peer.dispose();
    }
  });
});
