// The request context is a small object whose methods are made on first read: handlers may
// still take them apart (`const { log, once, signal } = context`) and call them detached.
import { test } from "node:test";
import assert from "node:assert/strict";
import { McpServer } from "../../server/server.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { modern } from "./helpers.ts";

test("a destructured context works: log, once, signal and the data fields", async () => {
  const server = new McpServer({ name: "ctx", version: "1.0.0" }, {
    lifespan: () => ({ greeting: "hi" }),
  });
  server.tool({
    name: "parts",
    handler: async (_args, context) => {
      const { log, once, signal, state, era, requestId } = context;
      await log("info", "detached log");
      const value = await once("k", () => 41 + 1);
      return { value, aborted: signal.aborted, greeting: state.greeting, era, id: requestId };
    },
  });
  const response = await server.handleRequest(modern("tools/call", { name: "parts" }));
  assert.ok("result" in response, JSON.stringify(response));
  const structured = (response.result as JsonObject).structuredContent as JsonObject;
  assert.equal(structured.value, 42);
  assert.equal(structured.aborted, false);
  assert.equal(structured.greeting, "hi");
  assert.equal(structured.era, "modern");
  assert.equal(structured.id, response.id);
  await server.close();
});
