/**
 * The server's compatibility flags (`ServerOptions.compat`): for each flag, a
 * case the default serves and the flag refuses (or, for the result flags,
 * changes).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject, JsonRpcRequest, JsonRpcResponse } from "../../protocol/jsonrpc.ts";
import { McpServer, type ServerCompat } from "../../server/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { createLegacySession } from "../../transports/session.ts";
import { modern } from "./helpers.ts";

const INFO = { name: "compat", version: "1.0.0" };

function serverWith(compat: ServerCompat = {}): McpServer {
  const server = new McpServer(INFO, { compat });
  server.tool({ name: "echo", handler: () => "hi" });
  server.tool({
    name: "point",
    output: {
      type: "object",
      properties: { x: { type: "number" } },
      required: ["x"],
    },
    handler: () => ({ x: 1 }),
  });
  server.tool({
    name: "broken",
    // A text block without text: recognised as a CallToolResult, sent as built by default.
    handler: () => ({ content: [{ type: "text" }] }) as never,
  });
  return server;
}

function result(response: JsonRpcResponse): JsonObject {
  assert.ok("result" in response, JSON.stringify(response));
  return response.result;
}

function errorCode(response: JsonRpcResponse): number {
  assert.ok("error" in response, JSON.stringify(response));
  return response.error.code;
}

/** A legacy session after `initialize`, before `notifications/initialized`. */
async function initializedOnly(server: McpServer) {
  const session = createLegacySession(() => {});
  result(
    await server.handleRequest({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: INFO },
    }, { session }),
  );
  return session;
}

const LIST: JsonRpcRequest = { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} };

describe("server compatibility flags", () => {
  test("throwParseErrors: a request with a member JSON-RPC does not define", async () => {
    const request = { ...modern("tools/list"), extra: true } as JsonRpcRequest;
    assert.ok(Array.isArray(result(await serverWith().handleRequest(request)).tools));
    const strict = serverWith({ throwParseErrors: true });
    assert.equal(errorCode(await strict.handleRequest(request)), -32600);
    const fractional = { ...modern("tools/list"), id: 1.5 };
    assert.equal(errorCode(await strict.handleRequest(fractional)), -32600);
    assert.ok(result(await strict.handleRequest(modern("tools/list"))));
  });

  test("enforceInitializeSequence: a request before notifications/initialized", async () => {
    const loose = serverWith();
    const looseSession = await initializedOnly(loose);
    assert.ok(result(await loose.handleRequest(LIST, { session: looseSession })));

    const strict = serverWith({ enforceInitializeSequence: true });
    const session = await initializedOnly(strict);
    const refused = await strict.handleRequest(LIST, { session });
    assert.equal(errorCode(refused), -32600);
    assert.ok("error" in refused && refused.error.message.includes("notifications/initialized"));
    const ping: JsonRpcRequest = { jsonrpc: "2.0", id: 2, method: "ping" };
    assert.deepEqual(result(await strict.handleRequest(ping, { session })), {});
    strict.handleNotification({ jsonrpc: "2.0", method: "notifications/initialized" }, {
      session,
    });
    assert.ok(result(await strict.handleRequest(LIST, { session })));
  });

  test("skipToolOutputSchema: tools/list without outputSchema", async () => {
    const schemaOf = async (server: McpServer) => {
      const tools = result(await server.handleRequest(modern("tools/list"))).tools as JsonObject[];
      return tools.find((tool) => tool.name === "point")?.outputSchema;
    };
    assert.equal((await schemaOf(serverWith()) as JsonObject).type, "object");
    const strict = serverWith({ skipToolOutputSchema: true });
    assert.equal(await schemaOf(strict), undefined);
    // The cached page of the default server is not what the flag strips.
    assert.equal(await schemaOf(strict), undefined);
  });

  test("enforceToolResultContentFormat: a text block without text", async () => {
    const call = modern("tools/call", { name: "broken", arguments: {} });
    assert.deepEqual(result(await serverWith().handleRequest(call)).content, [{ type: "text" }]);
    const strict = serverWith({ enforceToolResultContentFormat: true });
    const refused = await strict.handleRequest(call);
    assert.equal(errorCode(refused), -32603);
    assert.ok("error" in refused && refused.error.message.includes("content[0]"));
    const fine = modern("tools/call", { name: "echo", arguments: {} });
    assert.deepEqual(result(await strict.handleRequest(fine)).content, [
      { type: "text", text: "hi" },
    ]);
  });

  test("allowToolResultEmptyContent: structuredContent is not mirrored in content", async () => {
    const call = modern("tools/call", { name: "point", arguments: {} });
    const loose = result(await serverWith().handleRequest(call));
    assert.deepEqual(loose.content, [{ type: "text", text: '{"x":1}' }]);
    const slim = result(
      await serverWith({ allowToolResultEmptyContent: true }).handleRequest(call),
    );
    assert.deepEqual(slim.content, []);
    assert.deepEqual(slim.structuredContent, { x: 1 });
  });
});

/** A legacy HTTP session on a handler, and a way to POST into it. */
async function httpSession(compat: ServerCompat, version = "2025-11-25") {
  const handler = createHttpHandler(serverWith(compat));
  const base = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  const opened = await handler(
    new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: base,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 0,
        method: "initialize",
        params: { protocolVersion: version, capabilities: {}, clientInfo: INFO },
      }),
    }),
  );
  assert.equal(opened.status, 200);
  await opened.body?.cancel();
  const sessionId = opened.headers.get("mcp-session-id")!;
  const post = (message: JsonObject, headers: Record<string, string> = {}) =>
    handler(
      new Request("http://127.0.0.1/mcp", {
        method: "POST",
        headers: { ...base, "mcp-session-id": sessionId, ...headers },
        body: JSON.stringify(message),
      }),
    );
  const postBare = (message: JsonObject) =>
    handler(
      new Request("http://127.0.0.1/mcp", {
        method: "POST",
        headers: base,
        body: JSON.stringify(message),
      }),
    );
  return { post, postBare };
}

async function status(response: Response | Promise<Response>): Promise<number> {
  const answered = await response;
  await answered.body?.cancel();
  return answered.status;
}

const INITIALIZED = { jsonrpc: "2.0", method: "notifications/initialized" };
const LIST_HTTP = { jsonrpc: "2.0", id: 5, method: "tools/list" };

describe("server compatibility flags over Streamable HTTP", () => {
  test("enforceSessionHeader: a notification without Mcp-Session-Id", async () => {
    assert.equal(await status((await httpSession({})).postBare(INITIALIZED)), 202);
    const strict = await httpSession({ enforceSessionHeader: true });
    assert.equal(await status(strict.postBare(INITIALIZED)), 400);
    assert.equal(await status(strict.post(INITIALIZED)), 202);
  });

  test("enforceProtocolHeader: a session request without MCP-Protocol-Version", async () => {
    assert.equal(await status((await httpSession({})).post(LIST_HTTP)), 200);
    const strict = await httpSession({ enforceProtocolHeader: true });
    assert.equal(await status(strict.post(LIST_HTTP)), 400);
    const headed = { "mcp-protocol-version": "2025-11-25" };
    assert.equal(await status(strict.post(LIST_HTTP, headed)), 200);
    // 2025-03-26 predates the header: its sessions are not asked for it.
    const old = await httpSession({ enforceProtocolHeader: true }, "2025-03-26");
    assert.equal(await status(old.post(LIST_HTTP)), 200);
  });

  test("enforceVersionNegotiation: a header naming another version than negotiated", async () => {
    const other = { "mcp-protocol-version": "2025-06-18" };
    assert.equal(await status((await httpSession({})).post(LIST_HTTP, other)), 200);
    const strict = await httpSession({ enforceVersionNegotiation: true });
    assert.equal(await status(strict.post(LIST_HTTP, other)), 400);
    const same = { "mcp-protocol-version": "2025-11-25" };
    assert.equal(await status(strict.post(LIST_HTTP, same)), 200);
  });
});
