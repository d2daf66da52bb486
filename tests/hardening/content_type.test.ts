/**
 * The POST Content-Type is parsed as a media type, not searched for a
 * substring: only `application/json` (any case, with well-formed parameters)
 * is read; anything else is 415.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createDemoServer } from "../../examples/demo/server.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { createHttpHandler } from "../../transports/http/server.ts";

const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "content-type", version: "1" },
};

function request(contentType: string): Request {
  return new Request("http://127.0.0.1/mcp", {
    method: "POST",
    headers: {
      "content-type": contentType,
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/list",
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: { _meta: META } }),
  });
}

test("media types that merely contain application/json are refused with 415", async () => {
  const handler = createHttpHandler(createDemoServer());
  for (
    const contentType of [
      "text/plain; x=application/json",
      "application/jsonp",
      "application/json-seq",
      "application/json+x",
      "xapplication/json",
      "application/json/x",
      "application/json; charset",
      "multipart/mixed; boundary=application/json",
      "",
    ]
  ) {
    const response = await handler(request(contentType));
    const body = await response.json() as JsonObject;
    assert.equal(response.status, 415, `${contentType}: ${JSON.stringify(body)}`);
    assert.equal((body.error as JsonObject).code, -32600);
  }
});

test("application/json in any case, with parameters, is served", async () => {
  const handler = createHttpHandler(createDemoServer());
  for (
    const contentType of [
      "application/json",
      "Application/JSON",
      "application/json; charset=utf-8",
      'application/json ; charset="utf-8"',
      " application/json;charset=UTF-8 ",
      "application/json;",
    ]
  ) {
    const response = await handler(request(contentType));
    const body = await response.json() as JsonObject;
    assert.equal(response.status, 200, `${contentType}: ${JSON.stringify(body)}`);
    assert.deepEqual(body.id, 1);
  }
});
