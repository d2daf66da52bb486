import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient } from "../../client/client.ts";
import type { ClientOptions, LogMessage } from "../../client/options.ts";
import { McpError } from "../../protocol/errors.ts";
import { createProxyServer, type ProxyServer } from "../../server/proxy/mod.ts";
import { mirroredCapabilities } from "../../server/proxy/proxy.ts";
import { McpServer } from "../../server/server.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { connectServer } from "../../transports/connect.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { type Deferred, deferred, within } from "../async.ts";

type Era = "modern" | "legacy";

const WAIT = 10_000;

/** What the remote's handlers report to the test. */
interface Probe {
  started: Deferred<void>;
  aborted: Deferred<string>;
}

function remoteServer(probe: Probe): McpServer {
  const server = new McpServer({ name: "remote", version: "2.0.0" }, {
    instructions: "Ask the remote.",
    pageSize: 2,
  });
  server.tool({
    name: "echo",
    description: "Echoes text",
    input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    output: { type: "object", properties: { echoed: { type: "string" } }, required: ["echoed"] },
    handler: ({ text }: { text: string }) => ({ echoed: text }),
  });
  server.tool({
    name: "fail",
    handler: () => {
      throw new Error("boom");
    },
  });
  server.tool({
    name: "refuse",
    handler: () => {
      throw new McpError(-32050, "refused here", { reason: "policy" });
    },
  });
  server.tool({
    name: "report",
    handler: (_args, context) => {
      context.progress(1, 2, "half");
      context.log("info", "working", "remote-log");
      return "done";
    },
  });
  server.tool({
    name: "hang",
    handler: (_args, context) =>
      new Promise<string>((resolve) => {
        context.signal.addEventListener("abort", () => {
          probe.aborted.resolve(String(context.signal.reason));
          resolve("aborted");
        }, { once: true });
        probe.started.resolve();
      }),
  });
  server.tool({
    name: "ask",
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      });
      return `${answer.action}:${String(answer.content?.name)}`;
    },
  });
  server.tool({
    name: "consult",
    handler: async (_args, context) => {
      const { roots } = await context.listRoots();
      const sampled = await context.sample({
        messages: [{ role: "user", content: { type: "text", text: "Say hi" } }],
        maxTokens: 10,
      });
      const content = sampled.content as { text?: string };
      return `${roots.map((root) => root.uri).join(",")}|${content.text}|${sampled.model}`;
    },
  });
  server.resource({ uri: "test://a", name: "a", mimeType: "text/plain", read: () => "A" });
  server.resourceTemplate({
    uriTemplate: "test://items/{id}",
    name: "item",
    read: (uri, { id }) => [{ uri, text: `item ${id}` }],
    complete: { id: (value) => ["1", "12", "2"].filter((v) => v.startsWith(value)) },
  });
  server.prompt({
    name: "greet",
    arguments: [{ name: "who", required: true }],
    get: ({ who }) => `Hello ${who}`,
  });
  return server;
}

/** A remote, a proxy of it, and a client of the proxy, all in memory. */
interface Rig {
  remote: McpServer;
  probe: Probe;
  upstream: McpClient;
  proxy: ProxyServer;
  client: McpClient;
  logs: LogMessage[];
  ownHandlers: ClientOptions["handlers"];
  close(): Promise<void>;
}

async function connected(server: McpServer, era: Era, options: ClientOptions): Promise<McpClient> {
  const [clientSide, serverSide] = createMemoryPair();
  await connectServer(server, serverSide);
  const client = new McpClient({ name: "test", version: "1" }, {
    ...options,
    era: era === "legacy" ? "legacy" : undefined,
    eraCache: false,
  });
  await client.connect(clientSide);
  assert.equal(client.era, era);
  return client;
}

async function rig(remoteEra: Era, localEra: Era): Promise<Rig> {
  const probe: Probe = { started: deferred(), aborted: deferred() };
  const remote = remoteServer(probe);
  const relay = () => Promise.reject(new Error("the proxy answers this"));
  const ownHandlers = { elicit: relay, sample: relay, roots: relay };
  const upstream = await connected(remote, remoteEra, {
    handlers: ownHandlers,
    onWarning: () => {},
  });
  const proxy = await createProxyServer(upstream, { onWarning: () => {} });
  const logs: LogMessage[] = [];
  const client = await connected(proxy.server, localEra, {
    logLevel: "debug",
    onLog: (message) => logs.push(message),
    handlers: {
      elicit: (params) => ({
        action: "accept",
        content: { name: params.message === "Name?" ? "Ada" : "?" },
      }),
      roots: () => [{ uri: "file:///work", name: "work" }],
      sample: () => ({
        role: "assistant",
        content: { type: "text", text: "hi" },
        model: "local-model",
      }),
    },
  });
  return {
    remote,
    probe,
    upstream,
    proxy,
    client,
    logs,
    ownHandlers,
    async close() {
      await client.close();
      await proxy.close();
      await upstream.close();
    },
  };
}

const COMBINATIONS: [Era, Era][] = [
  ["modern", "modern"],
  ["modern", "legacy"],
  ["legacy", "modern"],
  ["legacy", "legacy"],
];

for (const [remoteEra, localEra] of COMBINATIONS) {
  describe(`proxy of a ${remoteEra} remote, served to a ${localEra} client`, () => {
    test("lists the remote's tools with their schemas and calls them", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        const direct = await r.upstream.listTools({ fresh: true });
        const proxied = await r.client.listTools();
        assert.deepEqual(proxied.map((t) => t.name), direct.map((t) => t.name));
        for (const tool of proxied) {
          const original = direct.find((t) => t.name === tool.name)!;
          assert.deepEqual(tool.inputSchema, original.inputSchema);
          assert.deepEqual(tool.outputSchema, original.outputSchema);
          assert.equal(tool.description, original.description);
        }
        const echoed = await r.client.callTool("echo", { text: "hi" });
        assert.deepEqual(echoed.structuredContent, { echoed: "hi" });
        assert.deepEqual(echoed.content, [{ type: "text", text: '{"echoed":"hi"}' }]);
        // Invalid arguments: the remote judges them, and its words reach the caller.
        const invalid = await r.client.callTool("echo", { text: 5 });
        const remoteVerdict = await r.upstream.callTool("echo", { text: 5 });
        assert.equal(invalid.isError, true);
        assert.deepEqual(invalid.content, remoteVerdict.content);
        assert.equal(r.client.instructions, "Ask the remote.");
      } finally {
        await r.close();
      }
    });

    test("an error result and a JSON-RPC error pass through", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        const failed = await r.client.callTool("fail");
        assert.equal(failed.isError, true);
        assert.deepEqual(failed.content, [{ type: "text", text: "boom" }]);
        await assert.rejects(r.client.callTool("refuse"), (error: unknown) => {
          assert.ok(error instanceof McpError);
          assert.equal(error.code, -32050);
          assert.equal(error.message, "refused here");
          assert.deepEqual(error.data, { reason: "policy" });
          return true;
        });
      } finally {
        await r.close();
      }
    });

    test("resources, templates, prompts and completion go to the remote", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        assert.deepEqual((await r.client.listResources()).map((x) => x.uri), ["test://a"]);
        assert.deepEqual(
          (await r.client.listResourceTemplates()).map((x) => x.uriTemplate),
          ["test://items/{id}"],
        );
        assert.deepEqual((await r.client.readResource("test://a")).contents, [
          { uri: "test://a", text: "A" },
        ]);
        assert.deepEqual((await r.client.readResource("test://items/7")).contents, [
          { uri: "test://items/7", text: "item 7" },
        ]);
        const prompt = await r.client.getPrompt("greet", { who: "Bo" });
        assert.deepEqual(prompt.messages, [
          { role: "user", content: { type: "text", text: "Hello Bo" } },
        ]);
        const completed = await r.client.complete(
          { type: "ref/resource", uri: "test://items/{id}" },
          { name: "id", value: "1" },
        );
        assert.deepEqual(completed.completion.values, ["1", "12"]);
      } finally {
        await r.close();
      }
    });

    test("a list change on the remote reaches the proxy's client", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        let changes = deferred();
        const unsubscribe = await r.client.subscribe({ toolsListChanged: true }, (n) => {
          if (n.method === "notifications/tools/list_changed") changes.resolve();
        });
        const late = r.remote.tool({ name: "late", handler: () => "late and here" });
        await within(changes.promise, WAIT, "tools/list_changed after an addition");
        assert.deepEqual((await r.client.callTool("late")).content, [
          { type: "text", text: "late and here" },
        ]);
        changes = deferred();
        late.remove();
        await within(changes.promise, WAIT, "tools/list_changed after a removal");
        assert.ok(!(await r.client.listTools({ fresh: true })).some((t) => t.name === "late"));
        await unsubscribe();
      } finally {
        await r.close();
      }
    });

    test("a changed tool is replaced, and refresh() re-lists", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        const first = r.remote.tool({ name: "v", description: "first", handler: () => "1" });
        await r.proxy.refresh();
        const listed = async () =>
          (await r.client.listTools({ fresh: true })).find((t) => t.name === "v");
        assert.equal((await listed())?.description, "first");
        first.remove();
        r.remote.tool({ name: "v", description: "second", handler: () => "2" });
        await r.proxy.refresh();
        assert.equal((await listed())?.description, "second");
        assert.deepEqual((await r.client.callTool("v")).content, [{ type: "text", text: "2" }]);
      } finally {
        await r.close();
      }
    });

    test("progress and logs from the remote reach the caller", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        const progress: unknown[] = [];
        const result = await r.client.callTool("report", {}, {
          onProgress: (p) => progress.push(p),
        });
        assert.deepEqual(result.content, [{ type: "text", text: "done" }]);
        assert.deepEqual(progress, [{ progress: 1, total: 2, message: "half" }]);
        assert.deepEqual(
          r.logs.map(({ level, data, logger }) => ({ level, data, logger })),
          [{ level: "info", data: "working", logger: "remote-log" }],
        );
      } finally {
        await r.close();
      }
    });

    test("cancelling at the proxy's client aborts the remote handler", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        const controller = new AbortController();
        const call = r.client.callTool("hang", {}, { signal: controller.signal });
        await within(r.probe.started.promise, WAIT, "the remote handler to start");
        controller.abort("user gave up");
        await assert.rejects(call);
        await within(r.probe.aborted.promise, WAIT, "the remote handler's signal to abort");
      } finally {
        await r.close();
      }
    });

    test("an elicitation from a remote tool is answered by the proxy's client", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        assert.deepEqual((await r.client.callTool("ask")).content, [
          { type: "text", text: "accept:Ada" },
        ]);
      } finally {
        await r.close();
      }
    });

    test("roots and sampling requests from a remote tool are answered by the proxy's client", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        assert.deepEqual((await r.client.callTool("consult")).content, [
          { type: "text", text: "file:///work|hi|local-model" },
        ]);
      } finally {
        await r.close();
      }
    });

    test("the proxy advertises what the remote serves", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        const capabilities = r.client.serverCapabilities;
        assert.deepEqual(capabilities.tools, { listChanged: true });
        assert.deepEqual(capabilities.resources, { subscribe: true, listChanged: true });
        assert.deepEqual(capabilities.prompts, { listChanged: true });
        assert.deepEqual(capabilities.completions, {});
        assert.equal(r.client.serverInfo?.name, "remote");
      } finally {
        await r.close();
      }
    });

    test("resource updates reach subscribers of the proxy", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        const updated = deferred<string>();
        const unsubscribe = await r.client.subscribe(
          { resourceSubscriptions: ["test://a"] },
          (n) => {
            if (n.method === "notifications/resources/updated") {
              updated.resolve(String(n.params?.uri));
            }
          },
        );
        r.remote.resourceUpdated("test://a");
        assert.equal(await within(updated.promise, WAIT, "resources/updated"), "test://a");
        await unsubscribe();
      } finally {
        await r.close();
      }
    });

    test("close() gives the client its own handlers back", async () => {
      const r = await rig(remoteEra, localEra);
      const routing = r.upstream.options.handlers;
      assert.notEqual(routing, r.ownHandlers);
      await r.close();
      assert.equal(r.upstream.options.handlers, r.ownHandlers);
    });
  });
}

describe("proxy details", () => {
  test("capabilities the remote lacks are not advertised", () => {
    const mirrored = mirroredCapabilities({ tools: {}, logging: {} });
    assert.deepEqual(JSON.parse(JSON.stringify(mirrored)), {
      tools: { listChanged: true },
      logging: {},
    });
    assert.deepEqual(
      JSON.parse(JSON.stringify(mirroredCapabilities({ resources: { listChanged: false } }))),
      { resources: { listChanged: true } },
    );
  });

  test("concurrent elicitations of a modern remote each reach their own caller", async () => {
    const r = await rig("modern", "legacy");
    try {
      const [first, second] = await Promise.all([
        r.client.callTool("ask"),
        r.client.callTool("ask"),
      ]);
      assert.deepEqual(first.content, [{ type: "text", text: "accept:Ada" }]);
      assert.deepEqual(second.content, [{ type: "text", text: "accept:Ada" }]);
    } finally {
      await r.close();
    }
  });

  test("with two calls in flight, a legacy remote's elicitation is refused, not guessed", async () => {
    const r = await rig("legacy", "legacy");
    const hanging = r.client.callTool("hang").catch((error: unknown) => error);
    try {
      await within(r.probe.started.promise, WAIT, "the remote handler to start");
      // What cannot be routed goes to the client's own handler (here: one that refuses).
      await assert.rejects(r.client.callTool("ask"), /the proxy answers this/);
    } finally {
      await r.close();
    }
    assert.ok(await hanging instanceof Error);
  });
});

describe("proxy of a legacy remote: roots changes", () => {
  test("a local client's roots change is told to the remote", async () => {
    const told = deferred();
    class Observed extends McpServer {
      override handleNotification(
        notification: Parameters<McpServer["handleNotification"]>[0],
        scope: Parameters<McpServer["handleNotification"]>[1],
      ): void {
        super.handleNotification(notification, scope);
        if (notification.method === "notifications/roots/list_changed") told.resolve();
      }
    }
    const remote = new Observed({ name: "remote", version: "1" });
    remote.tool({ name: "noop", handler: () => "" });
    const upstream = await connected(remote, "legacy", {
      handlers: { roots: () => [] },
      onWarning: () => {},
    });
    const proxy = await createProxyServer(upstream, { onWarning: () => {} });
    const client = await connected(proxy.server, "legacy", { handlers: { roots: () => [] } });
    try {
      await client.notifyRootsChanged();
      await within(told.promise, WAIT, "notifications/roots/list_changed at the remote");
    } finally {
      await client.close();
      await proxy.close();
      await upstream.close();
    }
  });
});

describe("proxy of a remote over Streamable HTTP", () => {
  for (const era of ["modern", "legacy"] as const) {
    test(`${era} era: calls, input, progress and cancellation`, async () => {
      const probe: Probe = { started: deferred(), aborted: deferred() };
      const http = await serveHttp(createHttpHandler(remoteServer(probe)));
      const relay = () => Promise.reject(new Error("the proxy answers this"));
      const upstream = new McpClient({ name: "proxy", version: "1" }, {
        era: era === "legacy" ? "legacy" : undefined,
        eraCache: false,
        handlers: { elicit: relay, sample: relay, roots: relay },
        onWarning: () => {},
      });
      try {
        await upstream.connect(`${http.url}/mcp`);
        assert.equal(upstream.era, era);
        const proxy = await createProxyServer(upstream, { onWarning: () => {} });
        const client = await connected(proxy.server, "modern", {
          handlers: { elicit: () => ({ action: "accept", content: { name: "Ada" } }) },
        });
        try {
          assert.deepEqual((await client.callTool("echo", { text: "hi" })).structuredContent, {
            echoed: "hi",
          });
          assert.deepEqual((await client.callTool("ask")).content, [
            { type: "text", text: "accept:Ada" },
          ]);
          const progress: number[] = [];
          await client.callTool("report", {}, { onProgress: (p) => progress.push(p.progress) });
          assert.deepEqual(progress, [1]);
          const controller = new AbortController();
          const call = client.callTool("hang", {}, { signal: controller.signal });
          await within(probe.started.promise, WAIT, "the remote handler to start");
          controller.abort("user gave up");
          await assert.rejects(call);
          await within(probe.aborted.promise, WAIT, "the remote handler's signal to abort");
        } finally {
          await client.close();
          await proxy.close();
        }
      } finally {
        await upstream.close();
        await http.close();
      }
    });
  }
});
