import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient, ToolError } from "../../client/mod.ts";
import { collect, type FixtureServer, NODE, repoPath, startFixture, within } from "./helpers.ts";

const info = { name: "interop-test", version: "1.0.0" };

function newClient(): McpClient {
  return new McpClient(info, {
    eraCache: false,
    handlers: {
      elicit: () => ({ action: "accept", content: {} }),
      sample: () => ({ role: "assistant", content: { type: "text", text: "pong" }, model: "m" }),
      roots: () => [{ uri: "file:///work", name: "work" }],
    },
  });
}

async function exercise(client: McpClient): Promise<void> {
  assert.equal(client.era, "legacy");
  const tools = (await client.listTools()).map((tool) => tool.name).sort();
  assert.deepEqual(tools, ["add", "ask", "fail", "roots", "sample", "slow", "touch"]);
  assert.deepEqual(await client.callToolStructured("add", { a: 2, b: 3 }), { sum: 5 });
  await assert.rejects(client.callToolContent("fail"), ToolError);
  assert.deepEqual((await client.callTool("ask")).content, [{ type: "text", text: "accept:anon" }]);
  assert.deepEqual((await client.callTool("sample")).content, [{
    type: "text",
    text: "model said pong",
  }]);
  assert.deepEqual((await client.callTool("roots")).content, [{
    type: "text",
    text: "file:///work",
  }]);
  const progress: number[] = [];
  await client.callTool("slow", {}, { onProgress: (p) => progress.push(p.progress) });
  assert.deepEqual(progress, [1, 2, 3]);
  const read = await client.readResource("note://one");
  assert.equal((read.contents[0] as { text: string }).text, "note one");
  const prompt = await client.getPrompt("greet", { who: "Ada" });
  assert.deepEqual(prompt.messages[0].content, { type: "text", text: "Hello Ada" });
  const updates = collect<string>(1);
  const unsubscribe = await client.subscribe({ resourceSubscriptions: ["note://one"] }, (n) => {
    updates.push(String(n.params?.uri));
  });
  await client.callTool("touch");
  await within(updates.full, 10_000, "notifications/resources/updated");
  assert.deepEqual(updates.items, ["note://one"]);
  await unsubscribe();
  await client.ping();
}

describe("official SDK 1.x server", () => {
  for (const mode of ["http", "sse"] as const) {
    describe(`over ${mode === "http" ? "Streamable HTTP (sessions)" : "HTTP+SSE (2024-11-05)"}`, () => {
      let server: FixtureServer;
      before(async () => {
        server = await startFixture("tests/client/fixtures/sdk1_server.mjs", [mode]);
      });
      after(() => server.stop());

      test("detects the legacy era and exercises every feature", async () => {
        const client = newClient();
        try {
          await client.connect(server.url);
          await client.setLogLevel("debug");
          await exercise(client);
        } finally {
          await client.close();
        }
      });
    });
  }

  test("over stdio", async () => {
    const client = newClient();
    try {
      await client.connect({
        command: NODE,
        args: [repoPath("tests/client/fixtures/sdk1_server.mjs"), "stdio"],
      });
      await exercise(client);
    } finally {
      await client.close();
    }
  });
});
