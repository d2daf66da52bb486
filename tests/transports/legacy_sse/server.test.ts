/**
 * The deprecated HTTP+SSE transport (2024-11-05) on the server side, against
 * the official SDK 1.x `SSEClientTransport` and our own client.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client";
// The 1.x "./*" export maps "x.js" types to "x.js.d.ts"; name the declaration file for Deno.
// @ts-types="@modelcontextprotocol/sdk/client/sse"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { createDemoServer } from "../../../examples/demo/server.ts";
import { McpClient } from "../../../client/mod.ts";
import { createLegacySseClientTransport } from "../../../transports/legacy_sse/client.ts";
import { createLegacySseHandler } from "../../../transports/legacy_sse/server.ts";
import { type HttpServerHandle, serveHttp } from "../../../runtime/mod.ts";
import { exerciseDemo, type OfficialClientLike } from "../../interop/fixtures/exercise.ts";
import { within } from "../../interop/fixtures/helpers.ts";

describe("HTTP+SSE (2024-11-05) server transport", () => {
  let http: HttpServerHandle;
  const handler = createLegacySseHandler(createDemoServer());

  before(async () => {
    http = await serveHttp(handler, { port: 0 });
  });
  after(async () => {
    await http.close();
  });

  test("the official SDK 1.x SSE client lists, calls, reads and gets prompts", async () => {
    const client = new LegacyClient({ name: "sdk1-sse", version: "1.0.0" });
    const transport = new SSEClientTransport(new URL(`${http.url}/sse`));
    await within(client.connect(transport), 5000, "connect");
    try {
      await within(exerciseDemo(client as unknown as OfficialClientLike), 5000, "exercise");
    } finally {
      await client.close();
    }
  });

  for (const era of ["modern", "legacy"] as const) {
    test(`our client over its HTTP+SSE transport, ${era} era`, async () => {
      // A dual-era server answers the modern probe on any stream; legacy is forced here.
      const client = new McpClient(
        { name: "emcee-sse", version: "1.0.0" },
        era === "legacy" ? { era: "legacy" } : {},
      );
      await within(
        client.connect(createLegacySseClientTransport(new URL(`${http.url}/sse`))),
        5000,
        "connect",
      );
      try {
        assert.equal(client.era, era);
        const result = await client.callTool("add", { numbers: [2, 3] });
        assert.deepEqual(result.structuredContent, { sum: 5 });
      } finally {
        await client.close();
      }
    });
  }

  test("the first event names the endpoint; POSTs to an unknown session get 404", async () => {
    const controller = new AbortController();
    const response = await fetch(`${http.url}/sse`, {
      headers: { accept: "text/event-stream" },
      signal: controller.signal,
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const reader = response.body!.getReader();
    const { value } = await within(reader.read(), 2000, "first event");
    const text = new TextDecoder().decode(value);
    assert.match(text, /^event: endpoint\ndata: \/messages\?sessionId=[0-9a-f]{32}\n\n/);
    controller.abort();
    await reader.cancel().catch(() => {});

    const unknown = await fetch(`${http.url}/messages?sessionId=nope`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    });
    assert.equal(unknown.status, 404);
    await unknown.body?.cancel();
  });

  test("a malformed message is refused with 400 and -32700", async () => {
    const controller = new AbortController();
    const response = await fetch(`${http.url}/sse`, { signal: controller.signal });
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    const endpoint = /data: (\S+)/.exec(new TextDecoder().decode(value))![1];
    const bad = await fetch(new URL(endpoint, http.url), {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).error.code, -32700);
    controller.abort();
    await reader.cancel().catch(() => {});
  });
});

test("HTTP+SSE with authenticate: the session belongs to whoever opened it", async () => {
  const server = createDemoServer();
  const handler = createLegacySseHandler(server, {
    authenticate: (request) => {
      const token = request.headers.get("authorization")?.slice(7);
      return token === "alice" || token === "bob"
        ? { token, subject: token, scopes: [] }
        : new Response(null, { status: 401 });
    },
  });
  assert.equal((await handler(new Request("http://127.0.0.1/sse"))).status, 401);
  const opened = await handler(
    new Request("http://127.0.0.1/sse", { headers: { authorization: "Bearer alice" } }),
  );
  const reader = opened.body!.getReader();
  const { value } = await reader.read();
  const endpoint = /data: (\S+)/.exec(new TextDecoder().decode(value))![1];
  const message = (token: string) =>
    new Request(new URL(endpoint, "http://127.0.0.1"), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: '{"jsonrpc":"2.0","method":"notifications/initialized"}',
    });
  assert.equal((await handler(message("bob"))).status, 404);
  assert.equal((await handler(message("alice"))).status, 202);
  await reader.cancel();
});

/** Opens a stream on `handler`; returns its reader and the session's POST URL. */
async function openStream(
  handler: (request: Request) => Response | Promise<Response>,
  accept?: string,
): Promise<{ reader: ReadableStreamDefaultReader<Uint8Array>; endpoint: URL }> {
  const response = await handler(
    new Request("http://127.0.0.1/sse", accept === undefined ? {} : { headers: { accept } }),
  );
  assert.equal(response.status, 200, accept);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  const reader = response.body!.getReader();
  const { value } = await within(reader.read(), 2000, "the endpoint event");
  const path = /data: (\S+)/.exec(new TextDecoder().decode(value))![1];
  return { reader, endpoint: new URL(path, "http://127.0.0.1") };
}

function postTo(endpoint: URL, body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
    duplex: "half",
  } as RequestInit);
}

const INITIALIZED = '{"jsonrpc":"2.0","method":"notifications/initialized"}';

test("HTTP+SSE: GET accepts Accept in any casing or a wildcard, refuses others with 406", async () => {
  const handler = createLegacySseHandler(createDemoServer());
  for (const accept of ["Text/Event-Stream", "TEXT/EVENT-STREAM", "*/*", "text/*", ""]) {
    const { reader } = await openStream(handler, accept);
    await reader.cancel();
  }
  const refused = await handler(
    new Request("http://127.0.0.1/sse", { headers: { accept: "application/json" } }),
  );
  assert.equal(refused.status, 406);
  assert.equal((await refused.json()).error.code, -32600);
});

test("HTTP+SSE: past maxSessions the least recently used stream is closed", async () => {
  const handler = createLegacySseHandler(createDemoServer(), { maxSessions: 2 });
  const a = await openStream(handler);
  const b = await openStream(handler);
  // Use A so that B becomes the least recently used.
  assert.equal((await handler(postTo(a.endpoint, INITIALIZED))).status, 202);
  const c = await openStream(handler);
  const ended = await within(b.reader.read(), 2000, "the evicted stream to end");
  assert.equal(ended.done, true);
  const gone = await handler(postTo(b.endpoint, INITIALIZED));
  assert.equal(gone.status, 404);
  assert.equal((await gone.json()).error.code, -32600);
  assert.equal((await handler(postTo(a.endpoint, INITIALIZED))).status, 202);
  assert.equal((await handler(postTo(c.endpoint, INITIALIZED))).status, 202);
  await a.reader.cancel();
  await c.reader.cancel();
});

test("HTTP+SSE: an oversized message → 413 without reading it whole; the session goes on", async () => {
  const limit = 1024;
  const handler = createLegacySseHandler(createDemoServer(), { maxBodyBytes: limit });
  const { reader, endpoint } = await openStream(handler);
  try {
    const declared = await handler(
      postTo(endpoint, "x".repeat(2 * limit), { "content-length": String(2 * limit) }),
    );
    assert.equal(declared.status, 413);
    assert.equal((await declared.json()).error.code, -32600);

    const chunk = new Uint8Array(256).fill(0x20);
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        controller.enqueue(chunk.slice());
      },
    }, { highWaterMark: 0 });
    const chunked = await handler(postTo(endpoint, endless));
    assert.equal(chunked.status, 413);
    assert.equal((await chunked.json()).error.code, -32600);
    assert.ok(pulled <= limit + 4 * chunk.byteLength, `pulled ${pulled} bytes`);

    assert.equal((await handler(postTo(endpoint, INITIALIZED))).status, 202);
  } finally {
    await reader.cancel();
  }
});
