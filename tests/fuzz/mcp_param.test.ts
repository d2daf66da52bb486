/**
 * Fuzzing `Mcp-Param-*` / `Mcp-Name` header decoding (protocol/headers.ts) and its use by the
 * Streamable HTTP checks (transports/http/request_checks.ts): decoding never throws, encode →
 * decode round-trips, and through the handler a matching header is served, any other header is
 * a 400 with -32020 (or served, when it still decodes to the body's value), never a 5xx.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeHeaderValue, encodeHeaderValue } from "../../protocol/headers.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { McpServer } from "../../server/server.ts";
import { createHttpHandler, type HttpHandler } from "../../transports/http/server.ts";
import {
  anyChar,
  check,
  type Gen,
  int,
  mutate,
  oneOf,
  pick,
  string,
  weighted,
  wellFormedChar,
} from "./generate.ts";

const headerish: Gen<string> = oneOf(
  string(anyChar, 0, 16),
  (random) => "=?base64?" + string("ABCabc012+/=?= ", 0, 12)(random) + "?=",
  (random) => mutate(encodeHeaderValue(string(wellFormedChar, 0, 8)(random)))(random),
);

test("decodeHeaderValue never throws and returns a string or undefined", async () => {
  await check("decode", headerish, (raw) => {
    const decoded = decodeHeaderValue(raw);
    assert.ok(decoded === undefined || typeof decoded === "string");
  }, { runs: 4000, seed: 41 });
});

test("encodeHeaderValue gives visible ASCII that decodes back to the value", async () => {
  const text = oneOf(string(wellFormedChar, 0, 12), pick(["", " a", "a ", "=?base64?x?="]));
  await check("round trip", text, (value) => {
    const encoded = encodeHeaderValue(value);
    assert.match(encoded, /^[\x21-\x7e](?:[\x20-\x7e]*[\x21-\x7e])?$/);
    assert.equal(decodeHeaderValue(encoded), value);
  }, { runs: 3000, seed: 42 });
});

const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "fuzz", version: "1" },
};

function createServer(): HttpHandler {
  const server = new McpServer({ name: "fuzz", version: "1" });
  server.tool({
    name: "route",
    description: "Echoes its routing arguments",
    input: {
      type: "object",
      properties: {
        region: { type: "string", "x-mcp-header": "Region" },
        shard: { type: "integer", "x-mcp-header": "Shard" },
      },
    },
    handler: ({ region, shard }: { region?: string; shard?: number }) => `${region}:${shard}`,
  });
  return createHttpHandler(server);
}

function request(headers: Record<string, string>, args: JsonObject, name: string): Request {
  return new Request("http://127.0.0.1/mcp", {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": "tools/call",
      ...headers,
    },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 5,
      method: "tools/call",
      params: { name, arguments: args, _meta: META },
    }),
  });
}

test("through the handler: matching headers served, others -32020, never 5xx", async () => {
  const handler = createServer();
  const region = weighted([4, string(wellFormedChar, 0, 10)], [
    1,
    pick(["", " x ", "=?base64??="]),
  ]);
  await check("mcp-param", (random) => {
    const args: JsonObject = {};
    if (random.next() < 0.8) args.region = region(random);
    if (random.next() < 0.6) args.shard = int(-1000, 1000)(random);
    const headers: Record<string, string> = { "mcp-name": encodeHeaderValue("route") };
    if (args.region !== undefined) {
      headers["mcp-param-region"] = encodeHeaderValue(args.region as string);
    }
    if (args.shard !== undefined) headers["mcp-param-shard"] = String(args.shard);
    const damage = random.next() < 0.6
      ? pick(["mcp-param-region", "mcp-param-shard", "mcp-name"])(random)
      : undefined;
    if (damage !== undefined) headers[damage] = headerish(random);
    return { args, headers, damaged: damage !== undefined };
  }, async ({ args, headers, damaged }) => {
    let req: Request;
    try {
      req = request(headers, args, "route");
    } catch {
      return; // a value fetch itself refuses to send (CR, LF, NUL, non-Latin-1) never reaches us
    }
    const response = await handler(req);
    const body = await response.json() as JsonObject;
    assert.ok(response.status < 500, `status ${response.status}`);
    if (!damaged) {
      assert.equal(response.status, 200, JSON.stringify(body));
      assert.ok(body.result, JSON.stringify(body));
      return;
    }
    if (response.status === 200) {
      assert.ok(body.result || body.error, JSON.stringify(body));
    } else {
      assert.equal(response.status, 400, JSON.stringify(body));
      assert.equal(body.id, 5);
      assert.equal((body.error as JsonObject).code, -32020, JSON.stringify(body));
      assert.match((body.error as JsonObject).message as string, /^Header mismatch: /);
    }
  }, { runs: 600, seed: 43 });
  const last = await handler(
    request({ "mcp-name": "route", "mcp-param-shard": "1" }, { shard: 1 }, "route"),
  );
  assert.equal(last.status, 200);
  await last.body?.cancel();
});
