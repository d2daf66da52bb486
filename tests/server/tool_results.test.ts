import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject, JsonRpcRequest } from "../../protocol/jsonrpc.ts";
import { s } from "../../schema/mod.ts";
import { isCallToolResult, McpServer } from "../../server/mod.ts";
import { createLegacySession } from "../../transports/session.ts";
import { modern } from "./helpers.ts";
import { RETURN_TABLE, returnTableServer } from "./return_table.ts";

/** Sends `tools/call` in one era and returns the result without the era's own fields. */
type Caller = (name: string, args?: JsonObject) => Promise<JsonObject>;

/** A modern result without `resultType` and the `_meta` naming the server. */
function withoutEraFields(result: JsonObject): JsonObject {
  const { resultType: _type, _meta, ...rest } = result;
  const { "io.modelcontextprotocol/serverInfo": _server, ...meta } = _meta as JsonObject;
  return Object.keys(meta).length > 0 ? { ...rest, _meta: meta } : rest;
}

function modernCaller(server: McpServer): Promise<Caller> {
  return Promise.resolve(async (name: string, args: JsonObject = {}) => {
    const response = await server.handleRequest(modern("tools/call", { name, arguments: args }));
    assert.ok("result" in response, JSON.stringify(response));
    assert.equal(response.result.resultType, "complete");
    return withoutEraFields(response.result);
  });
}

async function legacyCaller(server: McpServer): Promise<Caller> {
  const session = createLegacySession(() => {});
  let id = 0;
  const send = async (method: string, params: JsonObject) => {
    const request: JsonRpcRequest = { jsonrpc: "2.0", id: ++id, method, params };
    const response = await server.handleRequest(request, { session });
    assert.ok("result" in response, JSON.stringify(response));
    return response.result;
  };
  await send("initialize", { protocolVersion: "2025-11-25", capabilities: {} });
  server.handleNotification({ jsonrpc: "2.0", method: "notifications/initialized" }, { session });
  return async (name, args = {}) => {
    const result = await send("tools/call", { name, arguments: args });
    assert.equal(result.resultType, undefined);
    return result;
  };
}

const ERAS = [["modern 2026-07-28", modernCaller], ["legacy 2025-11-25", legacyCaller]] as const;

async function listed(server: McpServer): Promise<Map<string, JsonObject>> {
  const response = await server.handleRequest(modern("tools/list"));
  assert.ok("result" in response);
  return new Map((response.result.tools as JsonObject[]).map((tool) => [String(tool.name), tool]));
}

for (const [era, connect] of ERAS) {
  describe(`what a tool returns, as the server sends it (${era})`, () => {
    for (const row of RETURN_TABLE) {
      test(`${row.name}: ${row.returns}`, async () => {
        const call = await connect(returnTableServer());
        const result = await call(row.name);
        if (row.error) {
          assert.equal(result.isError, true, JSON.stringify(result));
          assert.equal((result.content as JsonObject[]).length, 1);
          assert.match((result.content as { text: string }[])[0].text, row.error);
          assert.equal(result.structuredContent, undefined);
        } else {
          assert.deepEqual(result, row.sent);
        }
      });
    }

    test("a value that does not match the declared output schema is -32603 naming the tool", async () => {
      const server = new McpServer({ name: "t", version: "1" });
      server.tool({ name: "count", output: s.integer(), handler: () => "many" as never });
      server.tool({
        name: "wrapped_result",
        output: { type: "number" },
        handler: () => ({ content: [], structuredContent: { result: "x" } }),
      });
      server.tool({
        name: "unwrapped_result",
        output: { type: "number" },
        handler: () => ({ content: [], structuredContent: 3 }),
      });
      await connect(server);
      for (
        const [name, message] of [
          ["count", /Tool count returned a value that does not match its output schema: .*integer/],
          ["wrapped_result", /Tool wrapped_result returned structuredContent .*\/result/],
          [
            "unwrapped_result",
            /Tool unwrapped_result returned structuredContent without the "result"/,
          ],
        ] as const
      ) {
        const response = await server.handleRequest(modern("tools/call", { name }));
        assert.ok("error" in response, name);
        assert.equal(response.error.code, -32603);
        assert.match(response.error.message, message);
      }
    });
  });
}

describe("output schemas: the advertised wrapper", () => {
  test("a schema that is not an object's is advertised wrapped; an object's as declared", async () => {
    const tools = await listed(returnTableServer());
    assert.deepEqual(tools.get("number_typed")!.outputSchema, {
      type: "object",
      properties: { result: { type: "number" } },
      required: ["result"],
    });
    assert.deepEqual(tools.get("object_typed")!.outputSchema, {
      type: "object",
      properties: { sum: { type: "number" } },
      required: ["sum"],
    });
    assert.equal(tools.get("number")!.outputSchema, undefined);
  });

  test("$schema and local definitions move to the wrapper's root so $refs resolve", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    const declared = {
      $schema: "http://json-schema.org/draft-07/schema#",
      definitions: { point: { type: "array", items: { type: "number" } } },
      $ref: "#/definitions/point",
    };
    server.tool({ name: "point", output: declared, handler: () => [1, 2] });
    server.tool({ name: "bad_point", output: declared, handler: () => ["x"] });
    assert.deepEqual((await listed(server)).get("point")!.outputSchema, {
      $schema: "http://json-schema.org/draft-07/schema#",
      definitions: declared.definitions,
      type: "object",
      properties: { result: { $ref: "#/definitions/point" } },
      required: ["result"],
    });
    const call = await modernCaller(server);
    assert.deepEqual(await call("point"), {
      content: [{ type: "text", text: "[1,2]" }],
      structuredContent: { result: [1, 2] },
    });
    const response = await server.handleRequest(modern("tools/call", { name: "bad_point" }));
    assert.ok("error" in response);
    assert.match(response.error.message, /\/0/);
  });

  test("a declared output turns a string into a value; undefined is refused", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    server.tool({ name: "word", output: s.string(), handler: () => "hé" });
    server.tool({ name: "nothing", output: s.string(), handler: () => undefined as never });
    const call = await modernCaller(server);
    assert.deepEqual(await call("word"), {
      content: [{ type: "text", text: "hé" }],
      structuredContent: { result: "hé" },
    });
    const nothing = await call("nothing");
    assert.equal(nothing.isError, true);
    assert.match(
      (nothing.content as { text: string }[])[0].text,
      /^Tool nothing returned undefined, but it declares an output schema/,
    );
  });
});

describe("recognising a CallToolResult", () => {
  test("strictly: content blocks, and only CallToolResult keys beside them", () => {
    assert.equal(isCallToolResult({ content: [] }), true);
    assert.equal(
      isCallToolResult({
        content: [{ type: "image", data: "", mimeType: "image/png" }],
        structuredContent: 1,
        isError: false,
        _meta: {},
      }),
      true,
    );
    assert.equal(isCallToolResult({ content: [], count: 1 }), false);
    assert.equal(isCallToolResult({ content: "text" }), false);
    assert.equal(isCallToolResult({ content: [{ kind: "text" }] }), false);
    assert.equal(isCallToolResult({ content: [{ type: "video" }] }), false);
    assert.equal(isCallToolResult({ content: [null] }), false);
    assert.equal(isCallToolResult([{ type: "text", text: "" }]), false);
    assert.equal(isCallToolResult(null), false);
  });

  test("an object with a content field that is not a result is a value", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    const page = { content: [{ type: "text", text: "a" }], page: 2 };
    server.tool({ name: "page", handler: () => page });
    assert.deepEqual(await (await modernCaller(server))("page"), {
      content: [{ type: "text", text: JSON.stringify(page) }],
      structuredContent: page,
    });
  });
});

describe("what is not JSON is refused, with what and where", () => {
  const cases: [string, unknown, RegExp][] = [
    ["bigint", { count: 3n }, /a bigint \(3n\) at \/count/],
    ["nan", { ratio: NaN }, /NaN at \/ratio/],
    ["infinity", [1, Infinity], /Infinity at \/1/],
    ["hole", [1, undefined], /undefined at \/1/],
    ["map", { index: new Map() }, /a Map at \/index/],
    ["symbol", Symbol("s"), /a symbol$/m],
    ["nested_function", { format: function format() {} }, /a function \(format\) at \/format/],
    ["escaped", { "a/b": { "c~d": 1n } }, /at \/a~1b\/c~0d/],
  ];
  for (const [name, value, where] of cases) {
    test(name, async () => {
      const server = new McpServer({ name: "t", version: "1" });
      server.tool({ name, handler: () => value });
      const result = await (await modernCaller(server))(name);
      assert.equal(result.isError, true);
      const text = (result.content as { text: string }[])[0].text;
      assert.match(text, new RegExp(`^Tool ${name} returned a value that is not JSON: `));
      assert.match(text.replace(/\. Return a string.*$/, ""), where);
    });
  }

  test("undefined properties are left out and toJSON applies, as in JSON", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    server.tool({ name: "sparse", handler: () => ({ a: 1, b: undefined }) });
    server.tool({ name: "date", handler: () => new Date(Date.UTC(2026, 6, 28)) });
    const call = await modernCaller(server);
    assert.deepEqual(await call("sparse"), {
      content: [{ type: "text", text: '{"a":1}' }],
      structuredContent: { a: 1, b: undefined },
    });
    assert.deepEqual(await call("date"), {
      content: [{ type: "text", text: '"2026-07-28T00:00:00.000Z"' }],
      structuredContent: { result: "2026-07-28T00:00:00.000Z" },
    });
  });
});

describe("returned values are never mutated", () => {
  test("frozen results and values go out in both eras", async () => {
    for (const [, connect] of ERAS) {
      const server = new McpServer({ name: "t", version: "1" });
      const result = Object.freeze({ content: Object.freeze([]), structuredContent: { n: 1 } });
      const value = Object.freeze({ n: 2 });
      server.tool({ name: "result", output: { type: "object" }, handler: () => result });
      server.tool({ name: "value", handler: () => value });
      const call = await connect(server);
      assert.deepEqual(await call("result"), {
        content: [{ type: "text", text: '{"n":1}' }],
        structuredContent: { n: 1 },
      });
      assert.deepEqual(await call("value"), {
        content: [{ type: "text", text: '{"n":2}' }],
        structuredContent: { n: 2 },
      });
      assert.deepEqual(result, { content: [], structuredContent: { n: 1 } });
      assert.deepEqual(value, { n: 2 });
    }
  });

  test("a shared result object is not given era fields", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    const shared = { content: [{ type: "text" as const, text: "same" }] };
    server.tool({ name: "shared", handler: () => shared });
    await (await modernCaller(server))("shared");
    assert.deepEqual(shared, { content: [{ type: "text", text: "same" }] });
  });
});
