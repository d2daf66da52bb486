import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient, ToolError } from "../../client/mod.ts";
import { collect, type FixtureServer, startFixture, within } from "./helpers.ts";

const info = { name: "interop-test", version: "1.0.0" };

describe("official @modelcontextprotocol/server 2.x over Streamable HTTP", () => {
  let server: FixtureServer;
  before(async () => {
    server = await startFixture("tests/client/fixtures/sdk2_server.mjs");
  });
  after(() => server.stop());

  test("speaks 2026-07-28: discover, tools, MRTR, resources, prompts", async () => {
    const asked: string[] = [];
    const client = new McpClient(info, {
      eraCache: false,
      handlers: {
        elicit: (params) => {
          asked.push(params.message);
          return { action: "accept", content: { ok: true } };
        },
      },
    });
    try {
      await client.connect(server.url);
      assert.equal(client.era, "modern");
      assert.equal(client.protocolVersion, "2026-07-28");
      assert.equal(client.serverInfo?.name, "sdk2-fixture");
      const names = (await client.listTools()).map((tool) => tool.name).sort();
      assert.deepEqual(names, ["add", "confirm", "fail", "half"]);
      assert.deepEqual(await client.callToolStructured("add", { a: 4, b: 5 }), { sum: 9 });
      await assert.rejects(client.callToolStructured("fail"), (error) => {
        assert.ok(error instanceof ToolError);
        assert.deepEqual(error.result.content, [{ type: "text", text: "it broke" }]);
        return true;
      });
      const confirmed = await client.callToolContent("confirm");
      assert.deepEqual(confirmed, [{ type: "text", text: "accept:true" }]);
      assert.deepEqual(asked, ["Sure?"]);
      const read = await client.readResource("note://one");
      assert.equal((read.contents[0] as { text: string }).text, "note one");
      const prompt = await client.getPrompt("greet", { who: "Ada" });
      assert.deepEqual(prompt.messages[0].content, { type: "text", text: "Hello Ada" });
    } finally {
      await client.close();
    }
  });

  test("without an elicitation handler no capability is declared, and the server refuses", async () => {
    const client = new McpClient(info, { eraCache: false });
    try {
      await client.connect(server.url);
      assert.deepEqual(client.capabilities(), {});
      await assert.rejects(client.callTool("confirm"), { code: -32021 });
    } finally {
      await client.close();
    }
  });

  test("subscriptions/listen delivers list changes after the acknowledgement", async () => {
    const client = new McpClient(info, { eraCache: false, onWarning: () => {} });
    try {
      await client.connect(server.url);
      const seen = collect<string>(1);
      const unsubscribe = await client.subscribe(
        { toolsListChanged: true },
        (n) => seen.push(n.method),
      );
      assert.deepEqual(unsubscribe.acknowledged, { toolsListChanged: true });
      await server.send("notify tools");
      await within(seen.full, 10_000, "notifications/tools/list_changed");
      assert.deepEqual(seen.items, ["notifications/tools/list_changed"]);
      await unsubscribe();
      assert.equal(await unsubscribe.ended, "cancelled");
    } finally {
      await client.close();
    }
  });

  test("also serves the legacy era when the client insists on it", async () => {
    const client = new McpClient(info, { eraCache: false, era: "legacy" });
    try {
      await client.connect(server.url);
      assert.equal(client.era, "legacy");
      assert.deepEqual(await client.callToolStructured("add", { a: 1, b: 1 }), { sum: 2 });
    } finally {
      await client.close();
    }
  });

  for (const era of ["modern", "legacy"] as const) {
    test(`${era}: invoke returns tool values; ping answers`, async () => {
      const client = new McpClient(info, {
        eraCache: false,
        era: era === "legacy" ? "legacy" : undefined,
        handlers: { elicit: () => ({ action: "accept", content: { ok: true } }) },
      });
      try {
        await client.connect(server.url);
        assert.equal(client.era, era);
        // No 2026-07-28 server has `ping`; the client checks liveness with server/discover there.
        await client.ping();
        assert.deepEqual(await client.invoke("add", { a: 4, b: 5 }), { sum: 9 });
        assert.equal(await client.invoke("half", { n: 5 }), 2.5);
        assert.deepEqual(await client.callToolStructured("half", { n: 5 }), { result: 2.5 });
        assert.deepEqual(await client.invoke("half", { n: 5 }, { content: true }), [
          { type: "text", text: "2.5" },
        ]);
        if (era === "modern") assert.equal(await client.invoke("confirm"), "accept:true");
        await assert.rejects(client.invoke("fail"), (error) => {
          assert.ok(error instanceof ToolError);
          assert.deepEqual(error.result.content, [{ type: "text", text: "it broke" }]);
          assert.equal(error.result.isError, true);
          return true;
        });
        await assert.rejects(client.invoke("fail", {}, { structured: true }), ToolError);
      } finally {
        await client.close();
      }
    });
  }

  test("modern: the server refuses ping itself (-32601), which is why ping uses discover", async () => {
    const client = new McpClient(info, { eraCache: false });
    try {
      await client.connect(server.url);
      await assert.rejects(client.request("ping"), { code: -32601 });
    } finally {
      await client.close();
    }
  });
});
