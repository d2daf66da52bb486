/**
 * `Mcp-Param-*` headers of integer parameters are compared as the decimal
 * numerals the 2026-07-28 transports spec defines ("convert to decimal string
 * representation"; its note has `42.0` equal `42`): other spellings of the
 * number (`0x3`, `3e0`, `+3`, `03`, ` 3`) are a header mismatch (-32020).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { McpServer } from "../../server/server.ts";
import { createHttpHandler, type HttpHandler } from "../../transports/http/server.ts";

const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "mcp-param", version: "1" },
};

function createServer(): HttpHandler {
  const server = new McpServer({ name: "mcp-param", version: "1" });
  server.tool({
    name: "shard",
    description: "Answers the shard it was routed to",
    input: {
      type: "object",
      properties: { shard: { type: "integer", "x-mcp-header": "Shard" } },
      required: ["shard"],
    },
    handler: ({ shard }: { shard: number }) => `shard ${shard}`,
  });
  return createHttpHandler(server);
}

async function call(handler: HttpHandler, header: string, shard: number): Promise<Response> {
  return await handler(
    new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": "shard",
        "mcp-param-shard": header,
      },
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 9,
        method: "tools/call",
        params: { name: "shard", arguments: { shard }, _meta: META },
      }),
    }),
  );
}

test("other spellings of an integer are a header mismatch", async () => {
  const handler = createServer();
  for (const header of ["0x3", "3e0", "+3", "03", "3.", ".3e1", "0b11", "3n", "Infinity", "4"]) {
    const response = await call(handler, header, 3);
    const body = await response.json() as JsonObject;
    assert.equal(response.status, 400, `${header}: ${JSON.stringify(body)}`);
    assert.equal(body.id, 9);
    assert.equal((body.error as JsonObject).code, -32020, `${header}: ${JSON.stringify(body)}`);
  }
});

test("the decimal numeral (and the spec's 42.0 for 42) matches", async () => {
  const handler = createServer();
  for (const [header, shard] of [["3", 3], ["3.0", 3], ["-7", -7], ["0", 0]] as const) {
    const response = await call(handler, header, shard);
    const body = await response.json() as JsonObject;
    assert.equal(response.status, 200, `${header}: ${JSON.stringify(body)}`);
    assert.deepEqual((body.result as JsonObject).content, [{
      type: "text",
      text: `shard ${shard}`,
    }]);
  }
});
