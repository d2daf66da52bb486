import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient } from "../../client/client.ts";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { JsonObject, JsonRpcResponse } from "../../protocol/jsonrpc.ts";
import { createProxyServer } from "../../server/proxy/mod.ts";
import { McpServer } from "../../server/server.ts";
import type { Tracer, TraceSpan } from "../../server/tracing.ts";
import { connectServer } from "../../transports/connect.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { deferred, within } from "../async.ts";
import { modern } from "./helpers.ts";

type Era = "modern" | "legacy";

const WAIT = 10_000;

function result(response: JsonRpcResponse): JsonObject {
  assert.ok("result" in response, JSON.stringify(response));
  return response.result as JsonObject;
}

/** A parent with a child mounted at `weather`, each recording its middleware into `seen`. */
function composed(seen: string[]) {
  const weather = new McpServer({ name: "weather", version: "1" });
  weather.tool({
    name: "forecast",
    input: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    handler: ({ city }) => {
      seen.push("handler");
      return `sunny in ${String(city)}`;
    },
  });
  weather.prompt({ name: "brief", get: () => "Brief me" });
  weather.resource({ uri: "data://cities", name: "cities", read: () => "Oslo" });
  weather.use(async (request, next) => {
    const target = request.params.name ?? request.params.uri;
    seen.push(`child use ${request.method} ${String(target)}`);
    const out = await next();
    seen.push("child use done");
    return out;
  });
  weather.useTool(async (call, next) => {
    seen.push(`child tool ${call.name}`);
    return await next();
  });
  const app = new McpServer({ name: "app", version: "1" });
  app.use(async (request, next) => {
    seen.push(`parent use ${request.method} ${String(request.params.name ?? request.params.uri)}`);
    const out = await next();
    seen.push("parent use done");
    return out;
  });
  app.useTool(async (call, next) => {
    seen.push(`parent tool ${call.name}`);
    return await next();
  });
  app.mount("weather", weather);
  return { app, weather };
}

describe("mount: the mounted server's middleware", () => {
  test("runs inside the parent's, around the handler, with the child's names", async () => {
    const seen: string[] = [];
    const { app } = composed(seen);
    const call = result(
      await app.handleRequest(
        modern("tools/call", { name: "weather_forecast", arguments: { city: "Oslo" } }),
      ),
    );
    assert.deepEqual(call.content, [{ type: "text", text: "sunny in Oslo" }]);
    assert.deepEqual(seen, [
      "parent use tools/call weather_forecast",
      "parent tool weather_forecast",
      "child use tools/call forecast",
      "child tool forecast",
      "handler",
      "child use done",
      "parent use done",
    ]);
  });

  test("sees prompts and reads with the child's names and URIs", async () => {
    const seen: string[] = [];
    const { app } = composed(seen);
    const prompt = result(
      await app.handleRequest(modern("prompts/get", { name: "weather_brief" })),
    );
    assert.deepEqual(prompt.messages, [{
      role: "user",
      content: { type: "text", text: "Brief me" },
    }]);
    const read = result(
      await app.handleRequest(modern("resources/read", { uri: "data://weather/cities" })),
    );
    assert.deepEqual(read.contents, [{ uri: "data://weather/cities", text: "Oslo" }]);
    assert.ok(seen.includes("child use prompts/get brief"), seen.join("\n"));
    assert.ok(seen.includes("child use resources/read data://cities"), seen.join("\n"));
  });

  test("may refuse or change a call; the child validates the arguments", async () => {
    const seen: string[] = [];
    const { app, weather } = composed(seen);
    weather.useTool(async (call, next) => {
      if (call.args.city === "Atlantis") throw new McpError(-32050, "no such city");
      const out = await next();
      return { ...out, content: [{ type: "text", text: "changed by the child" }] };
    });
    const refused = await app.handleRequest(
      modern("tools/call", { name: "weather_forecast", arguments: { city: "Atlantis" } }),
    );
    assert.ok("error" in refused);
    assert.equal(refused.error.code, -32050);
    const changed = result(
      await app.handleRequest(
        modern("tools/call", { name: "weather_forecast", arguments: { city: "Oslo" } }),
      ),
    );
    assert.deepEqual(changed.content, [{ type: "text", text: "changed by the child" }]);
    const invalid = result(
      await app.handleRequest(modern("tools/call", { name: "weather_forecast", arguments: {} })),
    );
    assert.equal(invalid.isError, true);
    // The parent lists the child's schema as it is.
    const listed = result(await app.handleRequest(modern("tools/list"))).tools as JsonObject[];
    const forecast = listed.find((tool) => tool.name === "weather_forecast")!;
    assert.deepEqual((forecast.inputSchema as JsonObject).required, ["city"]);
  });

  test("nested mounts run outermost first; the child's tracer spans the call", async () => {
    const spans: string[] = [];
    const tracer: Tracer = {
      startSpan: (name): TraceSpan => {
        spans.push(name);
        return { setAttribute() {}, recordException() {}, setStatus() {}, end() {} };
      },
    };
    const order: string[] = [];
    const inner = new McpServer({ name: "inner", version: "1" }, { tracer });
    inner.tool({ name: "x", handler: () => "x" });
    inner.useTool((call, next) => (order.push(`inner ${call.name}`), next()));
    const middle = new McpServer({ name: "middle", version: "1" });
    middle.useTool((call, next) => (order.push(`middle ${call.name}`), next()));
    middle.mount("b", inner);
    const outer = new McpServer({ name: "outer", version: "1" });
    outer.useTool((call, next) => (order.push(`outer ${call.name}`), next()));
    outer.mount("a", middle);
    const call = result(await outer.handleRequest(modern("tools/call", { name: "a_b_x" })));
    assert.deepEqual(call.content, [{ type: "text", text: "x" }]);
    assert.deepEqual(order, ["outer a_b_x", "middle b_x", "inner x"]);
    assert.deepEqual(spans, ["tools/call x"]);
  });
});

async function connected(server: McpServer, era: Era): Promise<McpClient> {
  const [clientSide, serverSide] = createMemoryPair();
  await connectServer(server, serverSide);
  const client = new McpClient({ name: "test", version: "1" }, {
    era: era === "legacy" ? "legacy" : undefined,
    eraCache: false,
    onWarning: () => {},
  });
  await client.connect(clientSide);
  assert.equal(client.era, era);
  return client;
}

for (const era of ["legacy", "modern"] as const) {
  describe(`mount: resource updates reach a ${era} client of the parent`, () => {
    test("from a mounted server", async () => {
      const weather = new McpServer({ name: "weather", version: "1" });
      weather.resource({ uri: "data://cities", name: "cities", read: () => "Oslo" });
      const app = new McpServer({ name: "app", version: "1" });
      app.mount("weather", weather);
      const client = await connected(app, era);
      try {
        const updated = deferred<string>();
        const stop = await client.subscribe(
          { resourceSubscriptions: ["data://weather/cities"] },
          (note) => updated.resolve(String(note.params?.uri)),
        );
        weather.resourceUpdated("data://cities");
        assert.equal(await within(updated.promise, WAIT, "the update"), "data://weather/cities");
        await stop();
      } finally {
        await client.close();
      }
    });

    for (const remoteEra of ["legacy", "modern"] as const) {
      test(`from a mounted proxy of a ${remoteEra} remote, subscribed on the remote`, async () => {
        const remote = new McpServer({ name: "remote", version: "1" });
        remote.resource({ uri: "test://a", name: "a", read: () => "A" });
        const subscribed = deferred();
        const released = deferred();
        remote.use(async (request, next) => {
          const listened = request.method === "subscriptions/listen" &&
            JSON.stringify(request.params.notifications).includes("test://a");
          if (request.method === "resources/subscribe" || listened) subscribed.resolve();
          if (request.method === "resources/unsubscribe") released.resolve();
          try {
            return await next();
          } finally {
            if (listened) released.resolve();
          }
        });
        const upstream = await connected(remote, remoteEra);
        const proxy = await createProxyServer(upstream, { onWarning: () => {} });
        const app = new McpServer({ name: "app", version: "1" });
        app.mount("files", proxy.server);
        const client = await connected(app, era);
        try {
          const updated = deferred<string>();
          const stop = await client.subscribe(
            { resourceSubscriptions: ["test://files/a"] },
            (note) => updated.resolve(String(note.params?.uri)),
          );
          await within(subscribed.promise, WAIT, "the remote subscription");
          remote.resourceUpdated("test://a");
          assert.equal(await within(updated.promise, WAIT, "the update"), "test://files/a");
          await stop();
          await within(released.promise, WAIT, "the remote subscription to end");
          const read = await client.readResource("test://files/a");
          assert.deepEqual(read.contents, [{ uri: "test://files/a", text: "A" }]);
        } finally {
          await client.close();
          await proxy.close();
          await upstream.close();
        }
      });
    }
  });
}

describe("mount: errors", () => {
  test("an unknown mounted resource is not found", async () => {
    const { app } = composed([]);
    const response = await app.handleRequest(
      modern("resources/read", { uri: "data://weather/none" }),
    );
    assert.ok("error" in response);
    assert.equal(response.error.code, ErrorCode.InvalidParams);
  });
});
