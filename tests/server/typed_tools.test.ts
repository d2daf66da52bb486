import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as z from "zod";
import * as v from "valibot";
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { s } from "../../schema/mod.ts";
import { McpServer } from "../../server/server.ts";
import { modern } from "./helpers.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

async function call(server: McpServer, name: string, args: unknown): Promise<JsonObject> {
  const response = await server.handleRequest(
    modern("tools/call", { name, arguments: args as JsonObject }),
  );
  assert.ok("result" in response, JSON.stringify(response));
  return response.result;
}

async function listed(server: McpServer, name: string): Promise<JsonObject> {
  const response = await server.handleRequest(modern("tools/list"));
  assert.ok("result" in response);
  const tools = response.result.tools as JsonObject[];
  return tools.find((tool) => tool.name === name)!;
}

describe("tools defined with each kind of schema, end to end", () => {
  test("the builder types the handler's arguments and advertises JSON Schema", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    server.tool({
      name: "forecast",
      description: "Forecast",
      input: s.object({ city: s.string({ minLength: 1 }), days: s.optional(s.integer()) }),
      handler: (args) => {
        const typed: Equal<typeof args, { city: string; days?: number }> = true;
        assert.equal(typed, true);
        return `${args.city}:${args.days ?? 1}`;
      },
    });
    assert.equal(((await listed(server, "forecast")).inputSchema as JsonObject).type, "object");
    assert.deepEqual((await call(server, "forecast", { city: "Oslo", days: 2 })).content, [
      { type: "text", text: "Oslo:2" },
    ]);
    const bad = await call(server, "forecast", { city: 7 });
    assert.equal(bad.isError, true);
    assert.match((bad.content as { text: string }[])[0].text, /\/city/);
  });

  test("zod 4: validated and transformed by zod, defaults applied", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    server.tool({
      name: "zod_tool",
      description: "Zod",
      input: z.object({ n: z.number().int(), unit: z.string().default("m") }),
      handler: (args) => {
        const typed: Equal<typeof args, { n: number; unit: string }> = true;
        assert.equal(typed, true);
        return `${args.n}${args.unit}`;
      },
    });
    const schema = (await listed(server, "zod_tool")).inputSchema as JsonObject;
    assert.deepEqual(schema.required, ["n"]);
    assert.deepEqual((await call(server, "zod_tool", { n: 3 })).content, [{
      type: "text",
      text: "3m",
    }]);
    const bad = await call(server, "zod_tool", { n: 1.5 });
    assert.equal(bad.isError, true);
    assert.match((bad.content as { text: string }[])[0].text, /\/n/);
  });

  test("valibot with @valibot/to-json-schema", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    server.tool({
      name: "valibot_tool",
      description: "Valibot",
      input: toStandardJsonSchema(v.object({ email: v.pipe(v.string(), v.email()) })),
      handler: (args) => `mail ${args.email}`,
    });
    assert.deepEqual((await call(server, "valibot_tool", { email: "a@b.co" })).content, [
      { type: "text", text: "mail a@b.co" },
    ]);
    assert.equal((await call(server, "valibot_tool", { email: "nope" })).isError, true);
  });

  test("arktype", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    server.tool({
      name: "ark_tool",
      description: "ArkType",
      input: type({ word: "string", "count?": "number" }),
      handler: (args) => args.word.repeat(args.count ?? 1),
    });
    assert.deepEqual((await call(server, "ark_tool", { word: "ab", count: 2 })).content, [
      { type: "text", text: "abab" },
    ]);
    assert.equal((await call(server, "ark_tool", { word: 1 })).isError, true);
  });

  test("structuredContent is checked against the output schema before it leaves", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    server.tool({
      name: "stats",
      description: "Stats",
      output: z.object({ total: z.number() }),
      handler: (args) => ({
        content: [],
        structuredContent: args.broken ? { total: "x" } : { total: 3 },
      }),
    });
    const ok = await call(server, "stats", {});
    assert.deepEqual(ok.structuredContent, { total: 3 });
    assert.deepEqual(ok.content, [{ type: "text", text: '{"total":3}' }]);
    const response = await server.handleRequest(
      modern("tools/call", { name: "stats", arguments: { broken: true } }),
    );
    assert.ok("error" in response);
    assert.equal(response.error.code, -32603);
  });

  test("a broken schema is refused at registration with a clear message", () => {
    const server = new McpServer({ name: "t", version: "1" });
    assert.throws(
      () =>
        server.tool({
          name: "broken",
          input: { type: "object", properties: { a: { type: "nonsense" } } },
          handler: () => "",
        }),
      /Tool "broken" has an invalid/,
    );
    assert.throws(
      () => server.tool({ name: "not_object", input: { type: "string" }, handler: () => "" }),
      /"type": "object"/,
    );
  });
});
