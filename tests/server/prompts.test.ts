import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { McpServer, type PromptArgs } from "../../server/mod.ts";
import { modern } from "./helpers.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

async function get(server: McpServer, name: string, args: JsonObject): Promise<unknown> {
  const response = await server.handleRequest(modern("prompts/get", { name, arguments: args }));
  return "result" in response ? response.result : response.error;
}

describe("prompts", () => {
  test("get may return a string: one user text message", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    server.prompt({
      name: "greet",
      arguments: [{ name: "who", required: true }, { name: "tone" }],
      get: ({ who, tone }) => `Greet ${who}${tone ? ` in a ${tone} tone` : ""}`,
    });
    const result = await get(server, "greet", { who: "Ada", tone: "warm" }) as JsonObject;
    assert.deepEqual(result.messages, [{
      role: "user",
      content: { type: "text", text: "Greet Ada in a warm tone" },
    }]);
    assert.equal(result.resultType, "complete");
  });

  test("the declared arguments type the renderer's", () => {
    const server = new McpServer({ name: "t", version: "1" });
    server.prompt({
      name: "typed",
      arguments: [{ name: "who", required: true }, { name: "tone", required: false }],
      complete: { tone: () => ["warm", "dry"] },
      get: (args) => {
        const typed: Equal<typeof args, { who: string; tone?: string }> = true;
        assert.equal(typed, true);
        return args.who;
      },
    });
    server.prompt({
      name: "untyped",
      get: (args) => {
        const typed: Equal<typeof args, { [name: string]: string }> = true;
        assert.equal(typed, true);
        return "";
      },
    });
    server.prompt({
      name: "wrong",
      arguments: [{ name: "who" }],
      // @ts-expect-error `who` is not required, so it may be undefined
      get: (args) => args.who.toUpperCase(),
    });
    server.prompt({
      name: "unknown_argument",
      arguments: [{ name: "who", required: true }],
      // @ts-expect-error `whom` is not a declared argument
      get: ({ whom }) => String(whom),
    });
    const wide: Equal<PromptArgs<{ name: string }[]>, { [name: string]: string }> = true;
    assert.equal(wide, true);
  });

  test("arguments must be strings; required ones must be there", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    server.prompt({
      name: "p",
      arguments: [{ name: "who", required: true }, { name: "tone" }],
      get: ({ who }) => who,
    });
    assert.deepEqual(await get(server, "p", { tone: "x" }), {
      code: -32602,
      message: 'Missing required argument "who" for prompt p',
    });
    assert.deepEqual(await get(server, "p", { who: 7 }), {
      code: -32602,
      message: 'Argument "who" of prompt p must be a string',
    });
  });

  test("a returned result is sent as is and not mutated", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    const rendered = Object.freeze({
      description: "fixed",
      messages: [{
        role: "assistant" as const,
        content: { type: "text" as const, text: "ok" },
      }],
    });
    server.prompt({ name: "fixed", get: () => rendered });
    const result = await get(server, "fixed", {}) as JsonObject;
    assert.equal(result.description, "fixed");
    assert.deepEqual(result.messages, rendered.messages);
    assert.deepEqual(Object.keys(rendered), ["description", "messages"]);
  });
});
