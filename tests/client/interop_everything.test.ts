import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type LogMessage, McpClient } from "../../client/mod.ts";
import type { JsonObject, JsonRpcNotification } from "../../protocol/mod.ts";
import { deferred, repoPath, within } from "./helpers.ts";

/** Arguments for every tool the reference server offers; a new tool fails the test until added. */
const CALLS: { [tool: string]: JsonObject } = {
  echo: { message: "hello" },
  "get-annotated-message": { messageType: "success", includeImage: true },
  "get-env": {},
  "get-resource-links": { count: 2 },
  "get-resource-reference": { resourceType: "Text", resourceId: 1 },
  "get-structured-content": { location: "Chicago" },
  "get-sum": { a: 2, b: 3 },
  "get-tiny-image": {},
  "gzip-file-as-resource": {
    name: "hi.gz",
    data: "data:text/plain;base64,aGVsbG8=",
    outputType: "resource",
  },
  "toggle-simulated-logging": {},
  "toggle-subscriber-updates": {},
  "trigger-long-running-operation": { duration: 0.2, steps: 2 },
  "get-roots-list": {},
  "trigger-elicitation-request": {},
  "trigger-sampling-request": { prompt: "Say hi", maxTokens: 5 },
  "simulate-research-query": { topic: "MCP" },
};

/** Bound on every wait for a notification; the server sends each one as part of a request. */
const WAIT_MS = 10_000;

describe("reference server-everything over stdio", () => {
  const elicited: unknown[] = [];
  const sampled: unknown[] = [];
  const logs: LogMessage[] = [];
  const logWaiters = new Set<(message: LogMessage) => void>();
  /** The next log message whose text contains `text`. */
  const nextLog = (text: string): Promise<LogMessage> => {
    const found = deferred<LogMessage>();
    const waiter = (message: LogMessage) => {
      if (!String(message.data).includes(text)) return;
      logWaiters.delete(waiter);
      found.resolve(message);
    };
    logWaiters.add(waiter);
    return within(found.promise, WAIT_MS, `a log message containing "${text}"`);
  };
  const client = new McpClient({ name: "everything-test", version: "1.0.0" }, {
    eraCache: false,
    stderr: "ignore",
    onLog: (message) => {
      logs.push(message);
      for (const waiter of [...logWaiters]) waiter(message);
    },
    handlers: {
      elicit: (params) => {
        elicited.push(params.message);
        return { action: "accept", content: {} };
      },
      sample: (params) => {
        sampled.push(params.maxTokens);
        return { role: "assistant", content: { type: "text", text: "hi" }, model: "test-model" };
      },
      roots: () => [{ uri: "file:///workspace", name: "workspace" }],
    },
  });

  before(async () => {
    await client.connect({
      command: repoPath("node_modules/.bin/mcp-server-everything"),
      args: ["stdio"],
    });
  });
  after(() => client.close());

  test("connects in the legacy era and reports the server", () => {
    assert.equal(client.era, "legacy");
    assert.equal(client.serverInfo?.name, "mcp-servers/everything");
    assert.ok(client.serverCapabilities.tools);
  });

  test("calls every tool it lists", async () => {
    const tools = await client.listTools();
    assert.ok(tools.length >= 10);
    for (const tool of tools) {
      const args = CALLS[tool.name];
      assert.ok(args, `no arguments planned for tool ${tool.name}`);
      const progress: number[] = [];
      const result = await client.callTool(tool.name, args, {
        onProgress: (p) => progress.push(p.progress),
        timeoutMs: 20_000,
      });
      if (tool.execution?.taskSupport === "required") {
        // Legacy task augmentation (2025-11-25 tasks) is not implemented: the server says so clearly.
        assert.equal(result.isError, true);
        assert.match(JSON.stringify(result.content), /task augmentation/);
        continue;
      }
      assert.notEqual(result.isError, true, `${tool.name}: ${JSON.stringify(result.content)}`);
      assert.ok(Array.isArray(result.content), tool.name);
      if (tool.name === "trigger-long-running-operation") assert.ok(progress.length >= 1);
      if (tool.outputSchema) await client.callToolStructured(tool.name, args);
    }
    assert.deepEqual(
      await client.callToolStructured("get-structured-content", { location: "Chicago" }),
      {
        temperature: 36,
        conditions: "Light rain / drizzle",
        humidity: 82,
      },
    );
    assert.ok(elicited.length >= 1);
    assert.ok(sampled.length >= 1);
  });

  test("reads every resource and one instance of every template", async () => {
    const resources = await client.listResources();
    assert.ok(resources.length >= 1);
    for (const resource of resources) {
      const read = await client.readResource(resource.uri);
      assert.equal(read.contents[0].uri, resource.uri);
    }
    const templates = await client.listResourceTemplates();
    assert.ok(templates.length >= 1);
    for (const template of templates) {
      const uri = template.uriTemplate.replace("{resourceId}", "1");
      const read = await client.readResource(uri);
      assert.ok(read.contents.length >= 1, uri);
    }
  });

  test("renders every prompt and completes its arguments", async () => {
    const prompts = await client.listPrompts();
    assert.ok(prompts.length >= 1);
    const values: { [name: string]: string } = {
      city: "Paris",
      state: "IDF",
      department: "Engineering",
      name: "Alice",
      resourceType: "Text",
      resourceId: "1",
    };
    for (const prompt of prompts) {
      const args: { [name: string]: string } = {};
      for (const argument of prompt.arguments ?? []) {
        args[argument.name] = values[argument.name] ?? "x";
      }
      const rendered = await client.getPrompt(prompt.name, args);
      assert.ok(rendered.messages.length >= 1, prompt.name);
    }
    const completion = await client.complete(
      { type: "ref/prompt", name: "completable-prompt" },
      { name: "department", value: "E" },
    );
    assert.ok(completion.completion.values.includes("Engineering"));
  });

  test("delivers resource updates to a subscription and log messages", async () => {
    const uri = "demo://resource/static/document/features.md";
    // The server logs every resources/subscribe and resources/unsubscribe at "info", before it
    // answers; at "debug" (set with logging/setLevel in this era) that message reaches us.
    assert.ok(client.serverCapabilities.logging);
    await client.setLogLevel("debug");
    const subscribeLogged = nextLog(`Received Subscribe Resource request for URI: ${uri}`);
    const updated = deferred<JsonRpcNotification>();
    const unsubscribe = await client.subscribe({ resourceSubscriptions: [uri] }, (notification) => {
      if (notification.method === "notifications/resources/updated") updated.resolve(notification);
    });
    assert.deepEqual(unsubscribe.acknowledged.resourceSubscriptions, [uri]);
    const subscribeLog = await subscribeLogged;
    assert.equal(subscribeLog.level, "info");

    // toggle-subscriber-updates flips simulated updates; switching them on sends one
    // notifications/resources/updated per subscribed URI at once (then every 5 s). An earlier
    // test switched them on, so this may first switch them off.
    const toggle = async () =>
      JSON.stringify(await client.callToolContent("toggle-subscriber-updates"));
    let toggled = await toggle();
    if (/Stopped/.test(toggled)) toggled = await toggle();
    assert.match(toggled, /Started simulated resource updated notifications/);
    const update = await within(updated.promise, WAIT_MS, "notifications/resources/updated");
    assert.deepEqual(update.params, { uri });

    // At "emergency" the server drops its info message. It would have been written before the
    // answer to resources/unsubscribe, and stdio keeps order: once unsubscribe() resolves, any
    // such message would already be here.
    await client.setLogLevel("emergency");
    const before = logs.length;
    await unsubscribe();
    assert.equal(await unsubscribe.ended, "cancelled");
    assert.deepEqual(
      logs.slice(before).filter((message) => String(message.data).includes("Unsubscribe")),
      [],
    );

    // Back at "info", the same request is logged again.
    await client.setLogLevel("info");
    const again = await client.subscribe({ resourceSubscriptions: [uri] }, () => {});
    const unsubscribeLogged = nextLog(`Received Unsubscribe Resource request: ${uri}`);
    await again();
    assert.equal((await unsubscribeLogged).level, "info");
    await client.ping();
  });
});
