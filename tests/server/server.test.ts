import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { McpServer } from "../../server/server.ts";
import { createLegacySession } from "../../transports/session.ts";
import { modern, sampleServer } from "./helpers.ts";

function result(response: unknown): JsonObject {
  assert.ok(
    response && typeof response === "object" && "result" in response,
    JSON.stringify(response),
  );
  return (response as { result: JsonObject }).result;
}

function error(response: unknown): { code: number; message: string; data?: unknown } {
  assert.ok(
    response && typeof response === "object" && "error" in response,
    JSON.stringify(response),
  );
  return (response as { error: { code: number; message: string } }).error;
}

describe("modern era", () => {
  test("server/discover lists versions, capabilities, identity and cache hints", async () => {
    const r = result(await sampleServer().handleRequest(modern("server/discover")));
    assert.equal(r.resultType, "complete");
    assert.ok((r.supportedVersions as string[]).includes("2026-07-28"));
    assert.ok((r.capabilities as JsonObject).tools);
    assert.deepEqual((r._meta as JsonObject)["io.modelcontextprotocol/serverInfo"], {
      name: "sample",
      version: "1.0.0",
    });
    assert.equal(typeof r.ttlMs, "number");
    assert.equal(r.cacheScope, "public");
  });

  test("a request without _meta is -32602", async () => {
    const e = error(
      await sampleServer().handleRequest({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    );
    assert.equal(e.code, -32602);
  });

  test("an unknown version is -32022 with the supported list", async () => {
    const request = modern("tools/list");
    (request.params!._meta as JsonObject)["io.modelcontextprotocol/protocolVersion"] = "1900-01-01";
    const e = error(await sampleServer().handleRequest(request));
    assert.equal(e.code, -32022);
    assert.deepEqual((e.data as JsonObject).requested, "1900-01-01");
    assert.ok(((e.data as JsonObject).supported as string[]).includes("2026-07-28"));
  });

  test("tools/list paginates with an opaque cursor", async () => {
    const server = sampleServer();
    const first = result(await server.handleRequest(modern("tools/list")));
    assert.equal((first.tools as unknown[]).length, 2);
    const second = result(
      await server.handleRequest(modern("tools/list", { cursor: first.nextCursor as string })),
    );
    assert.deepEqual((second.tools as { name: string }[]).map((t) => t.name), ["fail"]);
    assert.equal(second.nextCursor, undefined);
    const bad = error(await server.handleRequest(modern("tools/list", { cursor: "nonsense" })));
    assert.equal(bad.code, -32602);
  });

  test("tools/call returns text; a throwing handler is a tool error", async () => {
    const server = sampleServer();
    const ok = result(
      await server.handleRequest(modern("tools/call", { name: "echo", arguments: { text: "hi" } })),
    );
    assert.deepEqual(ok.content, [{ type: "text", text: "hi" }]);
    const failed = result(await server.handleRequest(modern("tools/call", { name: "fail" })));
    assert.equal(failed.isError, true);
    const unknown = error(await server.handleRequest(modern("tools/call", { name: "nope" })));
    assert.equal(unknown.code, -32602);
  });

  test("elicitation runs as a multi round-trip with signed state", async () => {
    const server = sampleServer();
    const caps = { elicitation: {} };
    const first = result(await server.handleRequest(modern("tools/call", { name: "ask" }, caps)));
    assert.equal(first.resultType, "input_required");
    const requests = first.inputRequests as JsonObject;
    const [key] = Object.keys(requests);
    assert.equal((requests[key] as JsonObject).method, "elicitation/create");
    const second = result(
      await server.handleRequest(modern("tools/call", {
        name: "ask",
        inputResponses: { [key]: { action: "accept", content: { name: "Ada" } } },
        requestState: first.requestState as string,
      }, caps)),
    );
    assert.equal(second.resultType, "input_required");
    const [key2] = Object.keys(second.inputRequests as JsonObject);
    assert.notEqual(key2, key);
    const third = result(
      await server.handleRequest(modern("tools/call", {
        name: "ask",
        inputResponses: { [key2]: { action: "decline" } },
        requestState: second.requestState as string,
      }, caps)),
    );
    assert.deepEqual(third.content, [{ type: "text", text: "accept:Ada:decline" }]);
  });

  test("tampered requestState is rejected", async () => {
    const server = sampleServer();
    const caps = { elicitation: {} };
    const first = result(await server.handleRequest(modern("tools/call", { name: "ask" }, caps)));
    const state = first.requestState as string;
    const tampered = state.slice(0, -2) + (state.endsWith("AA") ? "BB" : "AA");
    const e = error(
      await server.handleRequest(
        modern("tools/call", { name: "ask", requestState: tampered }, caps),
      ),
    );
    assert.equal(e.code, -32602);
  });

  test("elicitation without the client capability is -32021", async () => {
    const e = error(await sampleServer().handleRequest(modern("tools/call", { name: "ask" })));
    assert.equal(e.code, -32021);
    assert.deepEqual((e.data as JsonObject).requiredCapabilities, { elicitation: {} });
  });

  test("resources: read fixed, read template, not found is -32602", async () => {
    const server = sampleServer();
    const fixed = result(await server.handleRequest(modern("resources/read", { uri: "test://a" })));
    assert.deepEqual(fixed.contents, [{ uri: "test://a", text: "A" }]);
    assert.equal(typeof fixed.ttlMs, "number");
    const item = result(
      await server.handleRequest(modern("resources/read", { uri: "test://items/7" })),
    );
    assert.deepEqual(item.contents, [{ uri: "test://items/7", text: "item 7" }]);
    const missing = error(
      await server.handleRequest(modern("resources/read", { uri: "test://zzz" })),
    );
    assert.equal(missing.code, -32602);
  });

  test("prompts/get renders; completion completes template variables", async () => {
    const server = sampleServer();
    const prompt = result(
      await server.handleRequest(
        modern("prompts/get", { name: "greet", arguments: { who: "Bo" } }),
      ),
    );
    assert.deepEqual(prompt.messages, [{
      role: "user",
      content: { type: "text", text: "Hello Bo" },
    }]);
    const completion = result(
      await server.handleRequest(modern("completion/complete", {
        ref: { type: "ref/resource", uri: "test://items/{id}" },
        argument: { name: "id", value: "1" },
      })),
    );
    assert.deepEqual((completion.completion as JsonObject).values, ["1", "12"]);
  });

  test("removed legacy methods are -32601 in the modern era", async () => {
    for (const method of ["ping", "logging/setLevel", "resources/subscribe"]) {
      const e = error(await sampleServer().handleRequest(modern(method)));
      assert.equal(e.code, -32601, method);
    }
  });
});

describe("legacy era", () => {
  test("initialize negotiates, then tools/call works without _meta", async () => {
    const server = sampleServer();
    const session = createLegacySession(() => {});
    const init = result(
      await server.handleRequest({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-06-18",
          capabilities: {},
          clientInfo: { name: "c", version: "1" },
        },
      }, { session }),
    );
    assert.equal(init.protocolVersion, "2025-06-18");
    assert.deepEqual(init.serverInfo, { name: "sample", version: "1.0.0" });
    server.handleNotification({ jsonrpc: "2.0", method: "notifications/initialized" }, { session });
    const call = result(
      await server.handleRequest({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "echo", arguments: { text: "yo" } },
      }, { session }),
    );
    assert.deepEqual(call.content, [{ type: "text", text: "yo" }]);
    assert.equal(call.resultType, undefined);
    const missing = error(
      await server.handleRequest({
        jsonrpc: "2.0",
        id: 3,
        method: "resources/read",
        params: { uri: "test://none" },
      }, { session }),
    );
    assert.equal(missing.code, -32002);
  });

  test("an unknown requested version gets our newest legacy version", async () => {
    const session = createLegacySession(() => {});
    const init = result(
      await sampleServer().handleRequest({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "1999-01-01", capabilities: {} },
      }, { session }),
    );
    assert.equal(init.protocolVersion, "2025-11-25");
  });
});

describe("registration", () => {
  test("a second registration under the same name is refused", () => {
    const server = sampleServer();
    assert.throws(() => server.tool({ name: "echo", handler: () => "" }), /already registered/);
    assert.throws(
      () => server.prompt({ name: "greet", get: () => ({ messages: [] }) }),
      /already registered/,
    );
  });

  test("remove() takes out only its own entry, not a later one with the same name", async () => {
    const server = sampleServer();
    const first = server.tool({ name: "temp", handler: () => "first" });
    first.remove();
    server.tool({ name: "temp", handler: () => "second" });
    first.remove();
    const r = result(await server.handleRequest(modern("tools/call", { name: "temp" })));
    assert.deepEqual(r.content, [{ type: "text", text: "second" }]);
  });

  test("registering and removing announce list changes", () => {
    const server = sampleServer();
    const events: string[] = [];
    server.onEvent((event) => events.push(event.type));
    const registration = server.resource({ uri: "test://b", name: "b", read: () => "B" });
    registration.remove();
    registration.remove();
    assert.deepEqual(events, ["resources", "resources"]);
  });
});

describe("URL-mode elicitation", () => {
  function urlServer(): McpServer {
    const server = new McpServer({ name: "u", version: "1" });
    server.tool({
      name: "connect",
      handler: async (_args, context) => {
        const answer = await context.elicit({
          mode: "url",
          message: "Connect your account",
          url: "https://example.com/connect",
          elicitationId: context.era === "modern" ? "ignored" : undefined,
        }, { key: "connect" });
        context.completeElicitation("done-id");
        return answer.action;
      },
    });
    return server;
  }

  test("legacy 2025-11-25: the request gets an elicitationId; completion is announced", async () => {
    const sent: JsonObject[] = [];
    const session = createLegacySession((message) => {
      sent.push(message as unknown as JsonObject);
      if ((message as { method?: string }).method === "elicitation/create") {
        queueMicrotask(() =>
          session.engine.handleResponse({
            jsonrpc: "2.0",
            id: (message as { id: string }).id,
            result: { action: "accept" },
          })
        );
      }
    });
    const server = urlServer();
    await server.handleRequest({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: { elicitation: { url: {} } } },
    }, { session });
    const call = result(
      await server.handleRequest({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "connect" },
      }, { session }),
    );
    assert.deepEqual(call.content, [{ type: "text", text: "accept" }]);
    const request = sent.find((m) => m.method === "elicitation/create")!;
    const params = request.params as JsonObject;
    assert.equal(params.mode, "url");
    assert.match(String(params.elicitationId), /^[0-9a-f-]{36}$/);
    const complete = sent.find((m) => m.method === "notifications/elicitation/complete");
    assert.deepEqual(complete?.params, { elicitationId: "done-id" });
  });

  test("modern: the input request carries no elicitationId (removed in 2026-07-28)", async () => {
    const first = result(
      await urlServer().handleRequest(
        modern("tools/call", { name: "connect" }, { elicitation: { url: {} } }),
      ),
    );
    const request = (first.inputRequests as JsonObject).connect as JsonObject;
    assert.equal((request.params as JsonObject).mode, "url");
    assert.equal("elicitationId" in (request.params as JsonObject), false);
  });
});
