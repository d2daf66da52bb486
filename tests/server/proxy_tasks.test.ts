import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient } from "../../client/client.ts";
import type { ClientOptions } from "../../client/options.ts";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { DetailedTask } from "../../protocol/tasks.ts";
import { TASKS_EXTENSION } from "../../protocol/tasks.ts";
import { proxyTool } from "../../server/proxy/definitions.ts";
import { createProxyServer, type ProxyServer } from "../../server/proxy/mod.ts";
import { McpServer } from "../../server/server.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client";
// The 1.x "./*" export maps "x.js" types to "x.js.d.ts"; name the declaration file for Deno.
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport as LegacyHttpTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { connectServer } from "../../transports/connect.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { type Deferred, deferred, within } from "../async.ts";

type Era = "modern" | "legacy";

const WAIT = 10_000;

interface Probe {
  started: Deferred<void>;
  /** The remote served a tasks/get: whoever follows the task has its handle. */
  polled: Deferred<void>;
  aborted: Deferred<void>;
}

/** An emcee server running tools as tasks (tasks extension, 2026-07-28). */
function remoteServer(probe: Probe): McpServer {
  const server = new McpServer({ name: "remote", version: "1" }, { tasks: { pollIntervalMs: 5 } });
  server.use((request, next) => {
    if (request.method === "tasks/get") probe.polled.resolve();
    return next();
  });
  server.tool({ name: "job", execution: { taskSupport: "required" }, handler: () => "done" });
  server.tool({ name: "maybe", execution: { taskSupport: "optional" }, handler: () => "maybe" });
  server.tool({ name: "plain", handler: () => "plain" });
  server.tool({
    name: "confirm",
    execution: { taskSupport: "required" },
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Proceed?",
        requestedSchema: { type: "object", properties: { ok: { type: "boolean" } } },
      });
      return `${answer.action}:${String(answer.content?.ok)}`;
    },
  });
  server.tool({
    name: "hang",
    execution: { taskSupport: "required" },
    handler: (_args, context) =>
      new Promise<string>((resolve) => {
        context.signal.addEventListener("abort", () => {
          probe.aborted.resolve();
          resolve("aborted");
        }, { once: true });
        probe.started.resolve();
      }),
  });
  return server;
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

interface Rig {
  probe: Probe;
  proxy: ProxyServer;
  client: McpClient;
  close(): Promise<void>;
}

async function rig(remoteEra: Era, localEra: Era, local: ClientOptions = {}): Promise<Rig> {
  const probe: Probe = { started: deferred(), polled: deferred(), aborted: deferred() };
  const remote = remoteServer(probe);
  const relay = () => Promise.reject(new Error("the proxy answers this"));
  const upstream = await connected(remote, remoteEra, {
    tasks: true,
    handlers: { elicit: relay, sample: relay, roots: relay },
    onWarning: () => {},
  });
  const proxy = await createProxyServer(upstream, { onWarning: () => {} });
  const client = await connected(proxy.server, localEra, {
    handlers: { elicit: () => ({ action: "accept", content: { ok: true } }) },
    ...local,
  });
  return {
    probe,
    proxy,
    client,
    async close() {
      await client.close();
      await proxy.close();
      await upstream.close();
      await remote.close();
    },
  };
}

const text = (result: { content: unknown[] }) => (result.content[0] as { text: string }).text;

const COMBINATIONS: [Era, Era][] = [
  ["modern", "legacy"],
  ["modern", "modern"],
  ["legacy", "legacy"],
  ["legacy", "modern"],
];

for (const [remoteEra, localEra] of COMBINATIONS) {
  describe(`proxy tasks: ${remoteEra} remote, ${localEra} client without the extension`, () => {
    test("a task-only tool and an optional one answer in the call", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        assert.equal(text(await r.client.callTool("job")), "done");
        assert.equal(text(await r.client.callTool("maybe")), "maybe");
        assert.equal(text(await r.client.callTool("plain")), "plain");
      } finally {
        await r.close();
      }
    });

    test("input a task needs is asked of the local caller", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        assert.equal(text(await r.client.callTool("confirm")), "accept:true");
      } finally {
        await r.close();
      }
    });

    test("cancelling the local call cancels the remote task", async () => {
      const r = await rig(remoteEra, localEra);
      try {
        const controller = new AbortController();
        const call = r.client.callTool("hang", {}, { signal: controller.signal });
        await within(r.probe.started.promise, WAIT, "the remote handler to start");
        if (remoteEra === "modern") await within(r.probe.polled.promise, WAIT, "a poll");
        controller.abort("enough");
        await assert.rejects(call);
        await within(r.probe.aborted.promise, WAIT, "the remote handler to be aborted");
      } finally {
        await r.close();
      }
    });
  });
}

describe("proxy tasks: a modern client declaring the extension", () => {
  test("the local server declares the extension the remote declares", async () => {
    const r = await rig("modern", "modern", { tasks: true });
    try {
      assert.deepEqual(r.client.serverCapabilities.extensions?.[TASKS_EXTENSION], {});
    } finally {
      await r.close();
    }
  });

  test("gets the remote's task and follows it through the proxy", async () => {
    const r = await rig("modern", "modern", { tasks: true });
    try {
      for (const name of ["job", "maybe"]) {
        const seen: DetailedTask[] = [];
        const result = await r.client.callTool(name, {}, { onTask: (task) => seen.push(task) });
        assert.equal(text(result), name === "job" ? "done" : "maybe");
        assert.ok(seen.length >= 1, `${name} became a task`);
        assert.equal(seen.at(-1)!.status, "completed");
        // The task is the remote's, read through the proxy.
        const again = await r.client.getTask(seen[0].taskId);
        assert.equal(again.status, "completed");
      }
      assert.equal(text(await r.client.callTool("plain")), "plain");
    } finally {
      await r.close();
    }
  });

  test("answers a task's input through tasks/update on the remote", async () => {
    const r = await rig("modern", "modern", { tasks: true });
    try {
      const seen: string[] = [];
      const result = await r.client.callTool("confirm", {}, {
        onTask: (task) => seen.push(task.status),
      });
      assert.equal(text(result), "accept:true");
      assert.ok(seen.includes("input_required"), seen.join(","));
    } finally {
      await r.close();
    }
  });

  test("cancels the remote task, and knows no task it did not hand out", async () => {
    const r = await rig("modern", "modern", { tasks: true });
    try {
      const controller = new AbortController();
      const call = r.client.callTool("hang", {}, { signal: controller.signal });
      await within(r.probe.started.promise, WAIT, "the remote handler to start");
      await within(r.probe.polled.promise, WAIT, "a poll");
      controller.abort("enough");
      await assert.rejects(call);
      await within(r.probe.aborted.promise, WAIT, "the remote handler to be aborted");
      await assert.rejects(r.client.getTask("not-a-task"), (error: unknown) => {
        assert.ok(error instanceof McpError);
        assert.equal(error.code, ErrorCode.InvalidParams);
        return true;
      });
    } finally {
      await r.close();
    }
  });
});

describe("proxy tasks: the official 1.x client (legacy) over Streamable HTTP", () => {
  test("calls a task-only tool of the remote, input included", async () => {
    const r = await rig("modern", "modern");
    const http = await serveHttp(createHttpHandler(r.proxy.server), { onError: () => {} });
    const official = new LegacyClient({ name: "official", version: "1" }, {
      capabilities: { elicitation: { form: {} } },
    });
    official.setRequestHandler(
      ElicitRequestSchema,
      () => Promise.resolve({ action: "accept" as const, content: { ok: true } }),
    );
    try {
      await official.connect(new LegacyHttpTransport(new URL(`${http.url}/mcp`)));
      const job = await official.callTool({ name: "job" });
      assert.deepEqual(job.content, [{ type: "text", text: "done" }]);
      const confirm = await official.callTool({ name: "confirm" });
      assert.deepEqual(confirm.content, [{ type: "text", text: "accept:true" }]);
    } finally {
      await official.close();
      await http.close();
      await r.close();
    }
  });
});

describe("proxy tasks: tool fields", () => {
  test("a listed tool's execution and metadata are kept on the local definition", () => {
    const forward = () => Promise.resolve({});
    const definition = proxyTool({
      name: "t",
      title: "T",
      description: "d",
      inputSchema: { type: "object" },
      outputSchema: { type: "object" },
      annotations: { readOnlyHint: true },
      icons: [{ src: "https://example.com/i.png" }],
      execution: { taskSupport: "required" },
      _meta: { "com.example/x": 1 },
    }, forward);
    assert.deepEqual(definition.execution, { taskSupport: "required" });
    assert.equal(definition.title, "T");
    assert.deepEqual(definition.annotations, { readOnlyHint: true });
    assert.deepEqual(definition.icons, [{ src: "https://example.com/i.png" }]);
    assert.deepEqual(definition._meta, { "com.example/x": 1 });
    assert.ok(definition.output);
  });
});
