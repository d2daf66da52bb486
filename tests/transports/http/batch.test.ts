/**
 * JSON-RPC batches on Streamable HTTP: accepted from a session that negotiated
 * 2025-03-26 (the one version whose spec has them), answered as a JSON array
 * (or 202 when they hold no request); refused for every other version. A hand
 * written 2025-03-26 client over a real socket, raw fetch only.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../../protocol/jsonrpc.ts";
import { parseSse } from "../../../protocol/sse.ts";
import { serveHttp } from "../../../runtime/mod.ts";
import { McpServer } from "../../../server/server.ts";
import { createHttpHandler } from "../../../transports/http/server.ts";
import { within } from "../../async.ts";

const HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};

function demo(): McpServer {
  const server = new McpServer({ name: "batch-test", version: "1" });
  server.tool({
    name: "add",
    input: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
    handler: ({ a, b }: { a: number; b: number }) => String(a + b),
  });
  server.tool({ name: "echo", handler: (args: JsonObject) => String(args.text) });
  server.tool({
    name: "slow",
    handler: (_args: JsonObject, ctx) => {
      ctx.progress(1, 2, "halfway");
      return "done";
    },
  });
  return server;
}

/** Starts a server on a socket, runs `body` with its URL, and stops it. */
async function withEndpoint(body: (url: string) => Promise<void>): Promise<void> {
  const http = await serveHttp(createHttpHandler(demo()), { port: 0, hostname: "127.0.0.1" });
  try {
    await body(`${http.url}/mcp`);
  } finally {
    await http.close();
  }
}

/** How a request is sent: over the socket, or straight into a handler. */
type Send = (url: string, init: RequestInit) => Promise<Response>;

/** Initializes a legacy session at `version`; answers its id. */
async function initialize(url: string, version: string, send: Send = fetch): Promise<string> {
  const response = await send(url, {
    method: "POST",
    headers: HEADERS,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: version,
        capabilities: {},
        clientInfo: { name: "hand-written", version: "1" },
      },
    }),
  });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.result.protocolVersion, version);
  const id = response.headers.get("mcp-session-id");
  assert.ok(id);
  const initialized = await post(
    url,
    id,
    { jsonrpc: "2.0", method: "notifications/initialized" },
    version,
    send,
  );
  assert.equal(initialized.status, 202);
  await initialized.body?.cancel();
  return id;
}

function post(
  url: string,
  session: string,
  body: unknown,
  version: string,
  send: Send = fetch,
): Promise<Response> {
  const headers: Record<string, string> = { ...HEADERS, "mcp-session-id": session };
  if (version >= "2025-06-18") headers["mcp-protocol-version"] = version;
  return send(url, { method: "POST", headers, body: JSON.stringify(body) });
}

function call(id: number, name: string, args: JsonObject): JsonObject {
  return { jsonrpc: "2.0", id, method: "tools/call", params: { name, arguments: args } };
}

describe("JSON-RPC batches on Streamable HTTP", () => {
  test("a 2025-03-26 session gets a JSON array of the responses of its batch", async () => {
    await withEndpoint(async (url) => {
      const session = await initialize(url, "2025-03-26");
      const response = await post(url, session, [
        call(1, "add", { a: 2, b: 3 }),
        { jsonrpc: "2.0", method: "notifications/roots/list_changed" },
        call("two" as unknown as number, "echo", { text: "hi" }),
      ], "2025-03-26");
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type")!, /application\/json/);
      const body = await response.json();
      assert.ok(Array.isArray(body));
      assert.equal(body.length, 2);
      const byId = new Map(body.map((item: JsonObject) => [item.id, item]));
      assert.deepEqual((byId.get(1) as JsonObject).result, {
        content: [{ type: "text", text: "5" }],
      });
      assert.deepEqual((byId.get("two") as JsonObject).result, {
        content: [{ type: "text", text: "hi" }],
      });
    });
  });

  test("progress of a batched request reaches the session's GET stream", async () => {
    // Straight into the handler: a pre-2025-11-25 GET stream sends no priming
    // event, and Bun's server holds the headers back until the first bytes.
    const handler = createHttpHandler(demo());
    const send: Send = async (url, init) => await handler(new Request(url, init));
    const url = "http://127.0.0.1/mcp";
    {
      const session = await initialize(url, "2025-03-26", send);
      const stream = await send(url, {
        headers: { accept: "text/event-stream", "mcp-session-id": session },
      });
      assert.equal(stream.status, 200);
      const events = parseSse(stream.body!);
      const response = await post(
        url,
        session,
        [{
          jsonrpc: "2.0",
          id: 1,
          method: "tools/call",
          params: { name: "slow", arguments: {}, _meta: { progressToken: "p1" } },
        }],
        "2025-03-26",
        send,
      );
      const body = await response.json();
      assert.deepEqual(body[0].result, { content: [{ type: "text", text: "done" }] });
      const next = await within(events.next(), 10_000, "the progress notification");
      assert.equal(next.done, false);
      const message = JSON.parse(next.value!.data);
      assert.equal(message.method, "notifications/progress");
      assert.deepEqual(message.params, {
        progressToken: "p1",
        progress: 1,
        total: 2,
        message: "halfway",
      });
      await events.return(undefined);
      const ended = await send(url, { method: "DELETE", headers: { "mcp-session-id": session } });
      assert.equal(ended.status, 200);
    }
  });

  test("a 2025-03-26 batch of notifications only is answered 202 with no body", async () => {
    await withEndpoint(async (url) => {
      const session = await initialize(url, "2025-03-26");
      const response = await post(url, session, [
        { jsonrpc: "2.0", method: "notifications/roots/list_changed" },
        { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 99 } },
      ], "2025-03-26");
      assert.equal(response.status, 202);
      assert.equal(await response.text(), "");
    });
  });

  test("in a 2025-03-26 batch, initialize and invalid items get their own errors", async () => {
    await withEndpoint(async (url) => {
      const session = await initialize(url, "2025-03-26");
      const response = await post(url, session, [
        {
          jsonrpc: "2.0",
          id: 7,
          method: "initialize",
          params: {
            protocolVersion: "2025-03-26",
            capabilities: {},
            clientInfo: { name: "x", version: "1" },
          },
        },
        { jsonrpc: "1.0", id: 8, method: "ping" },
        { jsonrpc: "2.0", id: 9, method: "ping" },
      ], "2025-03-26");
      assert.equal(response.status, 200);
      const body = await response.json();
      const byId = new Map(body.map((item: JsonObject) => [item.id, item]));
      const init = byId.get(7) as { error: { code: number; message: string } };
      assert.equal(init.error.code, -32600);
      assert.match(init.error.message, /initialize.*not.*batch/i);
      assert.equal((byId.get(8) as { error: { code: number } }).error.code, -32600);
      assert.deepEqual((byId.get(9) as JsonObject).result, {});
    });
  });

  test("an empty batch is one invalid-request error, not an array", async () => {
    await withEndpoint(async (url) => {
      const session = await initialize(url, "2025-03-26");
      const response = await post(url, session, [], "2025-03-26");
      assert.equal(response.status, 400);
      const body = await response.json();
      assert.equal(Array.isArray(body), false);
      assert.equal(body.error.code, -32600);
    });
  });

  test("an initialize batched without a session is refused: it must be sent alone", async () => {
    await withEndpoint(async (url) => {
      const response = await fetch(url, {
        method: "POST",
        headers: HEADERS,
        body: JSON.stringify([{
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-03-26",
            capabilities: {},
            clientInfo: { name: "x", version: "1" },
          },
        }]),
      });
      assert.equal(response.status, 400);
      const body = await response.json();
      assert.equal(body.error.code, -32600);
      assert.match(body.error.message, /initialize/);
      assert.equal(response.headers.get("mcp-session-id"), null);
    });
  });

  for (const version of ["2025-11-25", "2025-06-18"]) {
    test(`a ${version} session still gets the refusal, naming 2025-03-26`, async () => {
      await withEndpoint(async (url) => {
        const session = await initialize(url, version);
        const response = await post(url, session, [
          call(1, "add", { a: 1, b: 1 }),
          call(2, "add", { a: 2, b: 2 }),
        ], version);
        assert.equal(response.status, 400);
        const body = await response.json();
        assert.equal(Array.isArray(body), false);
        assert.equal(body.error.code, -32600);
        assert.match(body.error.message, /Batch requests are not supported/);
        assert.match(body.error.message, /removed after 2025-03-26/);
      });
    });
  }

  test("a batch without a session (2026-07-28) is refused", async () => {
    await withEndpoint(async (url) => {
      const response = await fetch(url, {
        method: "POST",
        headers: HEADERS,
        body: JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }]),
      });
      assert.equal(response.status, 400);
      const body = await response.json();
      assert.equal(body.error.code, -32600);
      assert.match(body.error.message, /removed after 2025-03-26/);
    });
  });
});
