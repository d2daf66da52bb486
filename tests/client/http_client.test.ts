import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createHttpClientTransport, McpClient } from "../../client/mod.ts";
import type { JsonObject } from "../../protocol/mod.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { deferred, within } from "./helpers.ts";

const info = { name: "http-test", version: "1.0.0" };

interface Seen {
  method: string;
  headers: Headers;
  body: JsonObject;
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

const TOOLS = [
  {
    name: "route",
    inputSchema: {
      type: "object",
      properties: {
        region: { type: "string", "x-mcp-header": "Region" },
        count: { type: "integer", "x-mcp-header": "Count" },
        flag: { type: "boolean", "x-mcp-header": "Flag" },
        nested: {
          type: "object",
          properties: { zone: { type: "string", "x-mcp-header": "Zone" } },
        },
      },
    },
  },
  {
    name: "bad",
    inputSchema: { type: "object", properties: { v: { type: "number", "x-mcp-header": "V" } } },
  },
  {
    name: "hidden",
    inputSchema: {
      type: "object",
      properties: { list: { type: "array", items: { type: "string", "x-mcp-header": "Item" } } },
    },
  },
];

/** A modern server that records requests; the first request gets -32022. */
function modernServer(seen: Seen[]) {
  let rejected = false;
  return async (request: Request): Promise<Response> => {
    const body = await request.json() as JsonObject & { id: number; method: string };
    seen.push({ method: body.method, headers: request.headers, body });
    if (!rejected) {
      rejected = true;
      return json({
        jsonrpc: "2.0",
        id: body.id,
        error: {
          code: -32022,
          message: "Unsupported protocol version",
          data: { supported: ["2026-07-28", "2025-11-25"] },
        },
      }, 400);
    }
    const ok = (result: JsonObject) => json({ jsonrpc: "2.0", id: body.id, result });
    if (body.method === "server/discover") {
      return ok({ supportedVersions: ["2026-07-28"], capabilities: {} });
    }
    if (body.method === "tools/list") return ok({ tools: TOOLS });
    return ok({ content: [] });
  };
}

describe("Streamable HTTP client, modern era", () => {
  test("retries -32022 once, sends metadata headers, mirrors x-mcp-header parameters", async () => {
    const seen: Seen[] = [];
    const http = await serveHttp(modernServer(seen));
    const warnings: string[] = [];
    const client = new McpClient(info, {
      eraCache: false,
      onWarning: (w) => warnings.push(w),
      logLevel: "debug",
    });
    try {
      await client.connect(`${http.url}/mcp`);
      assert.equal(client.era, "modern");
      assert.deepEqual(seen.map((s) => s.method), ["server/discover", "server/discover"]);
      assert.notEqual(seen[0].body.id, seen[1].body.id);

      const tools = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name), ["route"]);
      assert.equal(warnings.length, 2);
      assert.match(warnings.join("\n"), /Dropped tool bad/);
      assert.match(warnings.join("\n"), /Dropped tool hidden/);

      await client.callTool("route", {
        region: "Hello, 世界",
        count: 42,
        flag: false,
        nested: { zone: "=?base64?x?=" },
      });
      const call = seen[seen.length - 1];
      assert.equal(call.headers.get("mcp-protocol-version"), "2026-07-28");
      assert.equal(call.headers.get("mcp-method"), "tools/call");
      assert.equal(call.headers.get("mcp-name"), "route");
      assert.equal(call.headers.get("mcp-param-region"), "=?base64?SGVsbG8sIOS4lueVjA==?=");
      assert.equal(call.headers.get("mcp-param-count"), "42");
      assert.equal(call.headers.get("mcp-param-flag"), "false");
      assert.equal(call.headers.get("mcp-param-zone"), `=?base64?${btoa("=?base64?x?=")}?=`);
      const meta = (call.body.params as JsonObject)._meta as JsonObject;
      assert.equal(meta["io.modelcontextprotocol/protocolVersion"], "2026-07-28");
      assert.deepEqual(meta["io.modelcontextprotocol/clientInfo"], info);
      assert.deepEqual(meta["io.modelcontextprotocol/clientCapabilities"], {});
      assert.equal(meta["io.modelcontextprotocol/logLevel"], "debug");

      await client.callTool("route", { region: null });
      assert.equal(seen[seen.length - 1].headers.get("mcp-param-region"), null);
      await client.readResource("file:///a b.txt");
      assert.equal(seen[seen.length - 1].headers.get("mcp-name"), "file:///a b.txt");
      await client.getPrompt(" padded ");
      assert.equal(seen[seen.length - 1].headers.get("mcp-name"), `=?base64?${btoa(" padded ")}?=`);
    } finally {
      await client.close();
      await http.close();
    }
  });
});

describe("Streamable HTTP client, legacy sessions", () => {
  test("initialize fallback, session id, resumption with Last-Event-ID after retry, DELETE on close", async () => {
    const log: string[] = [];
    // The delays the transport asks for before reconnecting, answered at once.
    const waits: number[] = [];
    const wait = (ms: number) => {
      waits.push(ms);
      return Promise.resolve();
    };
    let pendingCall: number | undefined;
    const http = await serveHttp(async (request) => {
      const session = request.headers.get("mcp-session-id");
      if (request.method === "DELETE") {
        log.push(`DELETE ${session}`);
        return new Response(null, { status: 200 });
      }
      if (request.method === "GET") {
        const lastEventId = request.headers.get("last-event-id");
        log.push(
          `GET last-event-id=${lastEventId} version=${request.headers.get("mcp-protocol-version")}`,
        );
        if (!lastEventId) return new Response(null, { status: 405 });
        const answer = {
          jsonrpc: "2.0",
          id: pendingCall,
          result: { content: [{ type: "text", text: "resumed" }] },
        };
        return new Response(`id: e2\ndata: ${JSON.stringify(answer)}\n\n`, {
          headers: { "content-type": "text/event-stream" },
        });
      }
      const body = await request.json() as { id?: number; method: string };
      log.push(`POST ${body.method} session=${session}`);
      if (body.method === "server/discover") return new Response("Not Found", { status: 404 });
      if (body.method === "initialize") {
        return json(
          {
            jsonrpc: "2.0",
            id: body.id,
            result: {
              protocolVersion: "2025-11-25",
              capabilities: {},
              serverInfo: { name: "s", version: "1" },
            },
          },
          200,
          { "mcp-session-id": "abc" },
        );
      }
      if (body.id === undefined) return new Response(null, { status: 202 });
      if (body.method === "tools/call") {
        pendingCall = body.id;
        // The event, then the end of the stream: the client reads both, in that order.
        const stream = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(new TextEncoder().encode("id: e1\nretry: 300\ndata: \n\n"));
            controller.close();
          },
        });
        return new Response(stream, { headers: { "content-type": "text/event-stream" } });
      }
      return new Response("gone", { status: 404 });
    });
    const client = new McpClient(info, { eraCache: false });
    const transport = createHttpClientTransport(new URL(`${http.url}/mcp`), { wait });
    try {
      await client.connect(transport);
      assert.equal(client.era, "legacy");
      const result = await client.callTool("anything");
      assert.deepEqual(result.content, [{ type: "text", text: "resumed" }]);
      assert.deepEqual(waits, [300], "one reconnection, after the server's retry: 300");
      assert.ok(log.includes("GET last-event-id=e1 version=2025-11-25"), log.join("\n"));
      assert.ok(log.includes("POST tools/call session=abc"), log.join("\n"));
      await assert.rejects(
        client.listTools(),
        (error: Error & { data?: { sessionExpired?: boolean } }) => {
          assert.equal(error.data?.sessionExpired, true);
          return true;
        },
      );
    } finally {
      // close() waits for its DELETE, if it sends one, so the log below is complete.
      await client.close();
      await http.close();
    }
    assert.ok(!log.includes("DELETE abc"), "no DELETE once the server said the session is gone");
  });

  test("DELETE ends the session on close", async () => {
    const log: string[] = [];
    const http = await serveHttp(async (request) => {
      if (request.method !== "POST") {
        log.push(`${request.method} ${request.headers.get("mcp-session-id")}`);
        return new Response(null, { status: request.method === "GET" ? 405 : 200 });
      }
      const body = await request.json() as { id?: number; method: string };
      if (body.method === "initialize") {
        return json(
          {
            jsonrpc: "2.0",
            id: body.id,
            result: {
              protocolVersion: "2025-03-26",
              capabilities: {},
              serverInfo: { name: "s", version: "1" },
            },
          },
          200,
          { "mcp-session-id": "s-1" },
        );
      }
      if (body.id === undefined) return new Response(null, { status: 202 });
      return json({
        jsonrpc: "2.0",
        id: body.id,
        error: { code: -32601, message: "Method not found" },
      }, 400);
    });
    const client = new McpClient(info, { eraCache: false });
    try {
      await client.connect(`${http.url}/mcp`);
      assert.equal(client.protocolVersion, "2025-03-26");
    } finally {
      await client.close();
      await http.close();
    }
    // The GET stream may or may not have been attempted before close; the DELETE always is.
    assert.equal(log[log.length - 1], "DELETE s-1");
  });
});

describe("Streamable HTTP client, shutdown", () => {
  test("close() aborts the fetch of every request in flight", async () => {
    const signals: AbortSignal[] = [];
    const bothInFlight = deferred();
    const fakeFetch: typeof fetch = async (_input, init) => {
      const body = JSON.parse(String(init?.body)) as { id: number; method: string };
      if (body.method === "server/discover") {
        return json({
          jsonrpc: "2.0",
          id: body.id,
          result: { supportedVersions: ["2026-07-28"], capabilities: {} },
        });
      }
      const signal = init!.signal!;
      signals.push(signal);
      if (signals.length === 2) bothInFlight.resolve();
      return await new Promise<Response>((_resolve, reject) => {
        signal.addEventListener("abort", () => reject(signal.reason), { once: true });
      });
    };
    const client = new McpClient(info, { fetch: fakeFetch, eraCache: false });
    await client.connect("http://127.0.0.1:9/mcp");
    const pending = [client.callTool("a"), client.callTool("b")];
    await within(bothInFlight.promise, 10_000, "both calls to reach fetch");
    assert.equal(signals.length, 2);
    assert.notEqual(signals[0], signals[1]);
    await client.close();
    for (const call of pending) await assert.rejects(call, { code: -32000 });
    assert.ok(signals.every((signal) => signal.aborted));
  });
});
