import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { eraCache, McpClient, ToolError } from "../../client/mod.ts";
import type { ClientOptions } from "../../client/mod.ts";
import type { JsonRpcMessage, JsonRpcNotification } from "../../protocol/mod.ts";
import type { Transport } from "../../protocol/transport.ts";
import { connectServer } from "../../transports/connect.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { buildServer } from "./fixtures/emcee_server.ts";
import { collect, deferred, repoPath, within } from "./helpers.ts";

const info = { name: "own-test", version: "1.0.0" };
const handlers: ClientOptions["handlers"] = {
  elicit: () => ({ action: "accept", content: { name: "Ada" } }),
};

/** A memory transport that counts the requests the client sends. */
function counted(transport: Transport, sent: string[]): Transport {
  return {
    start: (sink) => transport.start(sink),
    close: () => transport.close(),
    send(message: JsonRpcMessage) {
      if ("method" in message && "id" in message) sent.push(message.method);
      return transport.send(message);
    },
  };
}

async function exercise(client: McpClient): Promise<void> {
  assert.deepEqual((await client.listTools()).map((t) => t.name), [
    "echo",
    "add",
    "ask",
    "fail",
    "slow",
    "hang",
  ]);
  const page = await client.listToolsPage();
  assert.equal(page.items.length, 2);
  assert.equal(typeof page.nextCursor, "string");
  assert.deepEqual(await client.callToolContent("echo", { text: "hi" }), [{
    type: "text",
    text: "hi",
  }]);
  assert.deepEqual(await client.callToolStructured("add", { a: 1, b: 2 }), { sum: 3 });
  assert.deepEqual(await client.callToolContent("ask"), [{ type: "text", text: "accept:Ada" }]);
  await assert.rejects(
    client.callToolContent("fail"),
    (error) => error instanceof ToolError && /boom/.test(error.message),
  );
  const progress: number[] = [];
  assert.equal(
    (await client.callTool("slow", {}, { onProgress: (p) => progress.push(p.progress) })).isError,
    undefined,
  );
  assert.deepEqual(progress, [1, 2, 3]);
  assert.deepEqual((await client.readResource("test://items/7")).contents, [{
    uri: "test://items/7",
    text: "item 7",
  }]);
  assert.equal((await client.getPrompt("greet", { who: "Bo" })).messages.length, 1);
  assert.deepEqual(
    (await client.complete({ type: "ref/resource", uri: "test://items/{id}" }, {
      name: "id",
      value: "1",
    })).completion
      .values,
    ["1", "12"],
  );
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
  await assert.rejects(client.callTool("hang", {}, { timeoutMs: 30 }), /timed out/);
}

describe("emcee McpServer, in memory", () => {
  for (const era of ["modern", "legacy"] as const) {
    test(`${era} era: every method`, async () => {
      const [clientSide, serverSide] = createMemoryPair();
      const server = buildServer();
      await connectServer(server, serverSide);
      const client = new McpClient(info, {
        handlers,
        era: era === "legacy" ? "legacy" : undefined,
      });
      try {
        await client.connect(clientSide);
        assert.equal(client.era, era);
        await exercise(client);
        const seen = collect<JsonRpcNotification>(2);
        const unsubscribe = await client.subscribe(
          { toolsListChanged: true, resourceSubscriptions: ["test://a"] },
          (n) => seen.push(n),
        );
        server.tool({ name: "late", handler: () => "late" });
        // test://other goes first: had the filter let it through, it would take the second place.
        server.resourceUpdated("test://other");
        server.resourceUpdated("test://a");
        const received = await within(seen.full, 10_000, "two notifications");
        assert.deepEqual(received.map((n) => n.method), [
          "notifications/tools/list_changed",
          "notifications/resources/updated",
        ]);
        assert.equal(received[1].params?.uri, "test://a");
        await unsubscribe();
        assert.ok((await client.listTools()).some((tool) => tool.name === "late"));
      } finally {
        await client.close();
      }
    });
  }

  test("modern list results are cached for ttlMs and invalidated by list_changed", async () => {
    const [clientSide, serverSide] = createMemoryPair();
    const server = buildServer({ ttlMs: 60_000 });
    await connectServer(server, serverSide);
    const sent: string[] = [];
    const client = new McpClient(info, { handlers });
    try {
      await client.connect(counted(clientSide, sent));
      await client.listTools();
      const afterFirst = sent.filter((m) => m === "tools/list").length;
      await client.listTools();
      assert.equal(
        sent.filter((m) => m === "tools/list").length,
        afterFirst,
        "second listing came from the cache",
      );
      const changed = deferred();
      const unsubscribe = await client.subscribe({ toolsListChanged: true }, (n) => {
        if (n.method === "notifications/tools/list_changed") changed.resolve();
      });
      server.tool({ name: "late", handler: () => "late" });
      await within(changed.promise, 10_000, "notifications/tools/list_changed");
      assert.ok((await client.listTools()).some((tool) => tool.name === "late"));
      assert.ok(sent.filter((m) => m === "tools/list").length > afterFirst);
      await unsubscribe();
    } finally {
      await client.close();
    }
  });

  test("closing the client fails pending calls with a connection error", async () => {
    const [clientSide, serverSide] = createMemoryPair();
    await connectServer(buildServer(), serverSide);
    const client = new McpClient(info);
    await client.connect(clientSide);
    const running = deferred();
    const pending = client.callTool("hang", {}, { onProgress: () => running.resolve() });
    await within(running.promise, 10_000, "the hang tool to start");
    await client.close();
    await assert.rejects(pending, { code: -32000 });
    await assert.rejects(client.listTools(), /Connection closed/);
  });
});

describe("emcee McpServer over Streamable HTTP", () => {
  for (const era of ["modern", "legacy"] as const) {
    test(`${era} era: every method`, async () => {
      const http = await serveHttp(createHttpHandler(buildServer()));
      const client = new McpClient(info, {
        handlers,
        eraCache: false,
        era: era === "legacy" ? "legacy" : undefined,
      });
      try {
        await client.connect(`${http.url}/mcp`);
        assert.equal(client.era, era);
        await exercise(client);
      } finally {
        await client.close();
        await http.close();
      }
    });
  }

  test("the era is cached per origin and can be turned off", async () => {
    const http = await serveHttp(createHttpHandler(buildServer()));
    const url = new URL(`${http.url}/mcp`);
    try {
      eraCache.delete(`http:${url.origin}`);
      const first = new McpClient(info);
      await first.connect(url);
      await first.close();
      assert.deepEqual(eraCache.get(`http:${url.origin}`), {
        era: "modern",
        protocolVersion: "2026-07-28",
      });
      const second = new McpClient(info, { eraCache: false });
      await second.connect(url);
      assert.equal(second.era, "modern");
      await second.close();
    } finally {
      eraCache.delete(`http:${url.origin}`);
      await http.close();
    }
  });
});

describe("emcee McpServer over stdio", () => {
  test("spawned on Node, detected as modern, then shut down", async () => {
    const client = new McpClient(info, { handlers, eraCache: false });
    try {
      await client.connect({
        command: repoPath("node_modules/.bin/node"),
        args: [repoPath("tests/client/fixtures/emcee_server.ts"), "stdio"],
      });
      assert.equal(client.era, "modern");
      await exercise(client);
    } finally {
      await client.close();
    }
  });
});
