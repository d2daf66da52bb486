/**
 * The client's compatibility flags (`ClientOptions.compat`): for each flag, a
 * misbehaving server the client tolerates by default and refuses with the
 * flag. The servers are raw fetch handlers answering hand-made JSON (a legacy
 * Streamable HTTP server that refuses the `server/discover` probe).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type ClientCompat, connectClient, type McpClient } from "../../client/mod.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";

const INFO = { name: "compat-client", version: "1.0.0" };
const URL_ = "http://127.0.0.1:9/mcp";

interface Fake {
  /** Merged over the `initialize` result (`protocolVersion` echoes the request by default). */
  initialize?: JsonObject;
  /** Headers of the `initialize` response; default a session id and the version header. */
  initializeHeaders?: Record<string, string>;
  /** Headers of every other response; default the version header. */
  headers?: Record<string, string>;
  /** Results by method, or whole responses. */
  answers?: Record<string, JsonObject | ((id: unknown) => Response)>;
}

/** A legacy Streamable HTTP server as a fetch handler; `seen` lists the methods it received. */
function fakeServer(fake: Fake): { fetch: typeof fetch; seen: string[] } {
  const seen: string[] = [];
  const handle = async (_input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    await Promise.resolve();
    if (init?.method !== "POST") return new Response(null, { status: 405 });
    const message = JSON.parse(String(init.body)) as JsonObject;
    const method = String(message.method);
    seen.push(method);
    if (!("id" in message)) return new Response(null, { status: 202 });
    if (method === "server/discover") return new Response("Not Found", { status: 404 });
    const json = (result: JsonObject, headers: Record<string, string>) =>
      Response.json({ jsonrpc: "2.0", id: message.id, result }, { headers });
    if (method === "initialize") {
      const requested = (message.params as JsonObject).protocolVersion;
      return json(
        {
          protocolVersion: requested,
          capabilities: { tools: {} },
          serverInfo: { name: "fake", version: "1" },
          ...fake.initialize,
        },
        fake.initializeHeaders ??
          { "mcp-session-id": "s-1", "mcp-protocol-version": String(requested) },
      );
    }
    const answer = fake.answers?.[method];
    if (typeof answer === "function") return answer(message.id);
    if (answer === undefined) {
      return Response.json({
        jsonrpc: "2.0",
        id: message.id,
        error: { code: -32601, message: `Method not found: ${method}` },
      });
    }
    return json(answer, fake.headers ?? { "mcp-protocol-version": "2025-11-25" });
  };
  return { fetch: handle as typeof fetch, seen };
}

type Fetch = typeof globalThis.fetch;

function connect(fetch: Fetch, compat?: ClientCompat): Promise<McpClient> {
  return connectClient(URL_, INFO, {
    fetch,
    compat,
    eraCache: false,
    sessionStream: false,
    timeoutMs: 10_000,
    onWarning: () => {},
  });
}

/** Whether `error`, or an error it was caused by, mentions `text`. */
function mentions(error: unknown, text: string): boolean {
  for (let at = error, depth = 0; at instanceof Error && depth < 5; depth++) {
    if (at.message.includes(text)) return true;
    at = (at as { cause?: unknown }).cause;
  }
  return false;
}

async function withClient<T>(client: McpClient, run: (c: McpClient) => Promise<T>): Promise<T> {
  try {
    return await run(client);
  } finally {
    await client.close();
  }
}

const TOOL = { name: "echo", inputSchema: { type: "object" } };

describe("client compatibility flags", () => {
  test("throwContractErrors: a tools/list result without tools", async () => {
    const { fetch } = fakeServer({ answers: { "tools/list": {} } });
    await withClient(await connect(fetch), async (client) => {
      assert.deepEqual(await client.listTools(), []);
    });
    await withClient(await connect(fetch, { throwContractErrors: true }), async (client) => {
      await assert.rejects(client.listTools(), (error) => mentions(error, '"tools"'));
    });
  });

  test("throwParseErrors: a garbled SSE event before the response", async () => {
    const sse = (id: unknown) =>
      new Response(
        `event: message\ndata: {not json\n\nevent: message\ndata: ${
          JSON.stringify({ jsonrpc: "2.0", id, result: { tools: [TOOL] } })
        }\n\n`,
        { headers: { "content-type": "text/event-stream" } },
      );
    const { fetch } = fakeServer({ answers: { "tools/list": sse } });
    await withClient(await connect(fetch), async (client) => {
      assert.deepEqual((await client.listTools()).map((tool) => tool.name), ["echo"]);
    });
    await withClient(await connect(fetch, { throwParseErrors: true }), async (client) => {
      await assert.rejects(
        client.listTools(),
        (error) => (error as { code?: number }).code === -32700,
      );
    });
  });

  test("enforceToolsCapability: tools/list to a server without the tools capability", async () => {
    const fake = fakeServer({
      initialize: { capabilities: {} },
      answers: { "tools/list": { tools: [TOOL] } },
    });
    await withClient(await connect(fake.fetch), async (client) => {
      assert.equal((await client.listTools()).length, 1);
    });
    const before = fake.seen.filter((method) => method === "tools/list").length;
    await withClient(
      await connect(fake.fetch, { enforceToolsCapability: true }),
      async (client) => {
        await assert.rejects(client.listTools(), (error) => mentions(error, "tools capability"));
      },
    );
    assert.equal(fake.seen.filter((method) => method === "tools/list").length, before);
  });

  test("enforceToolResultContent: a tools/call result without content", async () => {
    const { fetch } = fakeServer({ answers: { "tools/call": { structuredContent: { x: 1 } } } });
    await withClient(await connect(fetch), async (client) => {
      assert.deepEqual((await client.callTool("echo", {})).structuredContent, { x: 1 });
    });
    await withClient(await connect(fetch, { enforceToolResultContent: true }), async (client) => {
      await assert.rejects(client.callTool("echo", {}), (error) => mentions(error, "content"));
    });
  });

  test("enforceVersionNegotiation: initialize answered with a counter-offer", async () => {
    const { fetch } = fakeServer({
      initialize: { protocolVersion: "2025-06-18" },
      initializeHeaders: { "mcp-session-id": "s-1", "mcp-protocol-version": "2025-06-18" },
    });
    await (await connect(fetch)).close();
    await assert.rejects(
      connect(fetch, { enforceVersionNegotiation: true }),
      (error) => mentions(error, "2025-06-18"),
    );
  });

  test("enforceSessionHeader: initialize answered without Mcp-Session-Id", async () => {
    const { fetch } = fakeServer({
      initializeHeaders: { "mcp-protocol-version": "2025-11-25" },
    });
    await (await connect(fetch)).close();
    await assert.rejects(
      connect(fetch, { enforceSessionHeader: true }),
      (error) => mentions(error, "Mcp-Session-Id"),
    );
  });

  test("enforceProtocolHeader: responses without MCP-Protocol-Version", async () => {
    const { fetch } = fakeServer({
      initializeHeaders: { "mcp-session-id": "s-1" },
      headers: {},
      answers: { "tools/list": { tools: [TOOL] } },
    });
    await withClient(await connect(fetch), async (client) => {
      assert.equal((await client.listTools()).length, 1);
    });
    await assert.rejects(
      connect(fetch, { enforceProtocolHeader: true }),
      (error) => mentions(error, "MCP-Protocol-Version"),
    );
  });

  test("enforceTransportVersionConsistency: header and body versions differ", async () => {
    const { fetch } = fakeServer({
      initializeHeaders: { "mcp-session-id": "s-1", "mcp-protocol-version": "2025-06-18" },
    });
    await (await connect(fetch)).close();
    await assert.rejects(
      connect(fetch, { enforceTransportVersionConsistency: true }),
      (error) => mentions(error, "2025-06-18"),
    );
  });
});
