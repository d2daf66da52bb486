import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type {
  JsonObject,
  JsonRpcMessage,
  JsonRpcRequest,
  JsonRpcResponse,
} from "../../protocol/jsonrpc.ts";
import { mountedUri, unmountedUri } from "../../server/mount.ts";
import { McpServer } from "../../server/server.ts";
import { createLegacySession } from "../../transports/session.ts";
import { deferred, within } from "../async.ts";
import { modern } from "./helpers.ts";

function result(response: JsonRpcResponse): JsonObject {
  assert.ok("result" in response, JSON.stringify(response));
  return response.result as JsonObject;
}

function weatherServer(): McpServer<{ unit: string }> {
  const weather = new McpServer({ name: "weather", version: "1.0.0" }, {
    instructions: "Ask for a city first.",
    capabilities: { experimental: { radar: {} } },
    lifespan: () => ({ unit: "celsius" }),
  });
  weather.tool({
    name: "forecast",
    input: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    handler: ({ city }, context) => `sunny in ${String(city)} (${context.state.unit})`,
  });
  weather.tool({
    name: "ask_city",
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Which city?",
        requestedSchema: { type: "object", properties: { city: { type: "string" } } },
      }, { key: "city" });
      return `asked: ${String(answer.content?.city)}`;
    },
  });
  weather.prompt({ name: "report", get: () => "Give the weather report" });
  weather.resource({ uri: "data://cities", name: "cities", read: () => "Paris,Oslo" });
  weather.resource({ uri: "file:///etc/stations", name: "stations", read: () => "S1" });
  weather.resourceTemplate({
    uriTemplate: "city://{name}",
    name: "city",
    read: (uri, { name }) => [{ uri, text: `city ${String(name)}` }],
    complete: { name: (value) => ["Paris", "Prague"].filter((c) => c.startsWith(value)) },
  });
  return weather;
}

function appServer(): { app: McpServer; weather: McpServer<{ unit: string }> } {
  const app = new McpServer({ name: "app", version: "1.0.0" }, { instructions: "Be brief." });
  app.tool({ name: "hello", handler: () => "hi" });
  const weather = weatherServer();
  app.mount("weather", weather);
  return { app, weather };
}

describe("mount: names and URIs", () => {
  test("the URI rule inserts the prefix after the scheme, and back", () => {
    assert.equal(mountedUri("w", "data://cities"), "data://w/cities");
    assert.equal(mountedUri("w", "file:///etc/x"), "file://w//etc/x");
    assert.equal(mountedUri("w", "city://{name}"), "city://w/{name}");
    assert.equal(mountedUri("w", "urn:isbn:1"), undefined);
    assert.equal(unmountedUri("w", "data://w/cities"), "data://cities");
    assert.equal(unmountedUri("w", "data://other/cities"), undefined);
  });

  test("tools, prompts, resources and templates appear under the prefix", async () => {
    const { app } = appServer();
    const tools = result(await app.handleRequest(modern("tools/list"))).tools as { name: string }[];
    assert.deepEqual(tools.map((t) => t.name).sort(), [
      "hello",
      "weather_ask_city",
      "weather_forecast",
    ]);
    const prompts = result(await app.handleRequest(modern("prompts/list"))).prompts as {
      name: string;
    }[];
    assert.deepEqual(prompts.map((p) => p.name), ["weather_report"]);
    const resources = result(await app.handleRequest(modern("resources/list")))
      .resources as { uri: string }[];
    assert.deepEqual(resources.map((r) => r.uri).sort(), [
      "data://weather/cities",
      "file://weather//etc/stations",
    ]);
    const templates = result(await app.handleRequest(modern("resources/templates/list")))
      .resourceTemplates as { uriTemplate: string }[];
    assert.deepEqual(templates.map((t) => t.uriTemplate), ["city://weather/{name}"]);
  });

  test("calls, gets and reads reach the mounted handlers with their own state", async () => {
    const { app } = appServer();
    const call = result(
      await app.handleRequest(
        modern("tools/call", { name: "weather_forecast", arguments: { city: "Oslo" } }),
      ),
    );
    assert.deepEqual(call.content, [{ type: "text", text: "sunny in Oslo (celsius)" }]);
    const invalid = result(
      await app.handleRequest(modern("tools/call", { name: "weather_forecast", arguments: {} })),
    );
    assert.equal(invalid.isError, true);
    const prompt = result(
      await app.handleRequest(modern("prompts/get", { name: "weather_report" })),
    );
    assert.equal(
      (prompt.messages as { content: { text: string } }[])[0].content.text,
      "Give the weather report",
    );
    const fixed = result(
      await app.handleRequest(modern("resources/read", { uri: "data://weather/cities" })),
    );
    assert.deepEqual(fixed.contents, [{ uri: "data://weather/cities", text: "Paris,Oslo" }]);
    const templated = result(
      await app.handleRequest(modern("resources/read", { uri: "city://weather/Paris" })),
    );
    assert.deepEqual(templated.contents, [{ uri: "city://weather/Paris", text: "city Paris" }]);
    const completion = result(
      await app.handleRequest(modern("completion/complete", {
        ref: { type: "ref/resource", uri: "city://weather/{name}" },
        argument: { name: "name", value: "P" },
      })),
    );
    assert.deepEqual((completion.completion as { values: string[] }).values, ["Paris", "Prague"]);
  });

  test("capabilities and instructions are merged; the parent's middleware applies", async () => {
    const { app } = appServer();
    assert.deepEqual(app.capabilities().experimental, { radar: {} });
    const discovered = result(await app.handleRequest(modern("server/discover")));
    assert.equal(discovered.instructions, "Be brief.\n\n## weather\nAsk for a city first.");
    const seen: string[] = [];
    app.useTool((call, next) => (seen.push(call.name), next()));
    await app.handleRequest(
      modern("tools/call", { name: "weather_forecast", arguments: { city: "A" } }),
    );
    assert.deepEqual(seen, ["weather_forecast"]);
  });

  test("a taken name refuses the mount; a taken prefix too; remove() unmounts", async () => {
    const app = new McpServer({ name: "app", version: "1" });
    app.tool({ name: "weather_forecast", handler: () => "mine" });
    assert.throws(() => app.mount("weather", weatherServer()), /already registered/);
    const tools = result(await app.handleRequest(modern("tools/list"))).tools as unknown[];
    assert.equal(tools.length, 1, "a refused mount leaves nothing behind");
    const other = new McpServer({ name: "app2", version: "1" });
    const mount = other.mount("w", weatherServer());
    assert.throws(() => other.mount("w", weatherServer()), /already mounted/);
    assert.throws(() => other.mount("bad prefix", weatherServer()), /prefix/);
    mount.remove();
    assert.equal((result(await other.handleRequest(modern("tools/list"))).tools as []).length, 0);
    assert.equal(other.capabilities().experimental, undefined);
  });
});

describe("mount: nesting", () => {
  test("a mount of a mount carries both prefixes, live", async () => {
    const leaf = new McpServer({ name: "leaf", version: "1" }, { instructions: "Leaf." });
    leaf.tool({ name: "x", handler: () => "leaf x" });
    const middle = new McpServer({ name: "middle", version: "1" });
    middle.mount("b", leaf);
    const top = new McpServer({ name: "top", version: "1" });
    top.mount("a", middle);
    const call = result(await top.handleRequest(modern("tools/call", { name: "a_b_x" })));
    assert.deepEqual(call.content, [{ type: "text", text: "leaf x" }]);
    leaf.tool({ name: "y", handler: () => "leaf y" });
    const tools = result(await top.handleRequest(modern("tools/list"))).tools as { name: string }[];
    assert.deepEqual(tools.map((t) => t.name), ["a_b_x", "a_b_y"]);
    const discovered = result(await top.handleRequest(modern("server/discover")));
    assert.equal(discovered.instructions, "## a\n## b\nLeaf.");
  });
});

describe("mount: live changes", () => {
  test("a modern listener hears the mounted server's list changes and resource updates", async () => {
    const { app, weather } = appServer();
    const notes: JsonObject[] = [];
    const tools = deferred();
    const updated = deferred();
    const acknowledged = deferred();
    const controller = new AbortController();
    const listening = app.handleRequest(
      modern("subscriptions/listen", {
        notifications: { toolsListChanged: true, resourceSubscriptions: ["data://weather/cities"] },
      }),
      {
        signal: controller.signal,
        notify: (message) => {
          notes.push(message as unknown as JsonObject);
          if (message.method === "notifications/subscriptions/acknowledged") acknowledged.resolve();
          if (message.method === "notifications/tools/list_changed") tools.resolve();
          if (message.method === "notifications/resources/updated") updated.resolve();
        },
      },
    );
    await within(acknowledged.promise, 5000, "the acknowledgement");
    weather.tool({ name: "radar", handler: () => "rain" });
    await within(tools.promise, 5000, "tools list_changed");
    const call = result(await app.handleRequest(modern("tools/call", { name: "weather_radar" })));
    assert.deepEqual(call.content, [{ type: "text", text: "rain" }]);
    weather.resourceUpdated("data://cities");
    await within(updated.promise, 5000, "resource updated");
    const update = notes.find((n) => n.method === "notifications/resources/updated")!;
    assert.equal((update.params as JsonObject).uri, "data://weather/cities");
    controller.abort();
    result(await listening);
  });

  test("a legacy session hears them too; a removed tool disappears", async () => {
    const { app, weather } = appServer();
    const sent: JsonRpcMessage[] = [];
    const session = createLegacySession((message) => void sent.push(message));
    await app.handleRequest({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {} },
    }, { session });
    app.handleNotification({ jsonrpc: "2.0", method: "notifications/initialized" }, { session });
    const stop = app.attachSession(session);
    await app.handleRequest({
      jsonrpc: "2.0",
      id: 2,
      method: "resources/subscribe",
      params: { uri: "data://weather/cities" },
    }, { session });
    const radar = weather.tool({ name: "radar", handler: () => "rain" });
    weather.resourceUpdated("data://cities");
    radar.remove();
    await within(Promise.resolve(), 1000, "flush");
    const methods = sent.map((m) => (m as { method: string }).method);
    assert.deepEqual(methods, [
      "notifications/tools/list_changed",
      "notifications/resources/updated",
      "notifications/tools/list_changed",
    ]);
    assert.deepEqual((sent[1] as { params: JsonObject }).params, { uri: "data://weather/cities" });
    const listed = result(
      await app.handleRequest({ jsonrpc: "2.0", id: 3, method: "tools/list" }, { session }),
    );
    assert.ok(!(listed.tools as { name: string }[]).some((t) => t.name === "weather_radar"));
    stop();
  });
});

describe("mount: server-to-client requests", () => {
  test("a mounted handler's elicitation reaches a modern client (input_required)", async () => {
    const { app } = appServer();
    const first = result(
      await app.handleRequest(
        modern("tools/call", { name: "weather_ask_city" }, { elicitation: {} }),
      ),
    );
    assert.equal(first.resultType, "input_required");
    const requests = first.inputRequests as { city: { method: string } };
    assert.equal(requests.city.method, "elicitation/create");
    const second = result(
      await app.handleRequest(modern("tools/call", {
        name: "weather_ask_city",
        requestState: first.requestState as string,
        inputResponses: { city: { action: "accept", content: { city: "Rome" } } },
      }, { elicitation: {} })),
    );
    assert.deepEqual(second.content, [{ type: "text", text: "asked: Rome" }]);
  });

  test("and a legacy client, over the parent's session", async () => {
    const { app } = appServer();
    const session = createLegacySession((message) => {
      const request = message as JsonRpcRequest;
      if (request.method !== "elicitation/create") return;
      queueMicrotask(() =>
        session.engine.handleResponse({
          jsonrpc: "2.0",
          id: request.id,
          result: { action: "accept", content: { city: "Lima" } },
        })
      );
    });
    await app.handleRequest({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: { elicitation: {} } },
    }, { session });
    const call = result(
      await app.handleRequest({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "weather_ask_city" },
      }, { session }),
    );
    assert.deepEqual(call.content, [{ type: "text", text: "asked: Lima" }]);
  });
});
