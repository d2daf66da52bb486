import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient } from "../../client/mod.ts";
import type { JsonObject } from "../../protocol/mod.ts";
import { repoPath } from "./helpers.ts";

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

describe("reference server-everything over stdio", () => {
  const elicited: unknown[] = [];
  const sampled: unknown[] = [];
  const client = new McpClient({ name: "everything-test", version: "1.0.0" }, {
    eraCache: false,
    stderr: "ignore",
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
    const updates: string[] = [];
    const unsubscribe = await client.subscribe(
      { resourceSubscriptions: ["demo://resource/static/document/features.md"] },
      (notification) => updates.push(String(notification.params?.uri)),
    );
    assert.deepEqual(unsubscribe.acknowledged.resourceSubscriptions, [
      "demo://resource/static/document/features.md",
    ]);
    await unsubscribe();
    await client.setLogLevel("debug");
    await client.ping();
  });
});
