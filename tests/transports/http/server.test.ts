/**
 * Streamable HTTP: bad input is answered with the exact status and JSON-RPC
 * code and leaves the server serving; legacy sessions; modern subscriptions;
 * client disconnects. Mostly against the handler directly (no sockets).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createDemoServer } from "../../../examples/demo/server.ts";
import type { JsonObject } from "../../../protocol/jsonrpc.ts";
import { createSseDecoderStream, type SseEvent } from "../../../protocol/sse.ts";
import type { McpServer } from "../../../server/server.ts";
import { serveHttp } from "../../../runtime/mod.ts";
import {
  createHttpHandler,
  type HttpHandler,
  type HttpHandlerOptions,
} from "../../../transports/http/server.ts";
import { deferred, within } from "../../interop/fixtures/helpers.ts";

const ENDPOINT = "http://127.0.0.1/mcp";
const MODERN = "2026-07-28";
const LEGACY = "2025-11-25";
const NAMED = new Set(["tools/call", "prompts/get", "resources/read"]);
let nextId = 0;

function modernMeta(extra: JsonObject = {}): JsonObject {
  return {
    "io.modelcontextprotocol/protocolVersion": MODERN,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": { name: "http-test", version: "1" },
    ...extra,
  };
}

/** The headers a well-behaved 2026-07-28 client sends for `body`. */
function modernHeaders(body: JsonObject): Record<string, string> {
  const method = String(body.method);
  const params = (body.params ?? {}) as JsonObject;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": MODERN,
    "mcp-method": method,
  };
  if (NAMED.has(method)) {
    headers["mcp-name"] = String(method === "resources/read" ? params.uri : params.name);
  }
  return headers;
}

/** A well-formed modern request message. */
function modernBody(method: string, params: JsonObject = {}, meta: JsonObject = {}): JsonObject {
  nextId += 1;
  return { jsonrpc: "2.0", id: nextId, method, params: { ...params, _meta: modernMeta(meta) } };
}

/** A modern POST; `headers` override (a `null` value removes) the well-behaved ones. */
function modernRequest(
  body: JsonObject,
  headers: Record<string, string | null> = {},
  url: string = ENDPOINT,
): Request {
  const merged: Record<string, string> = modernHeaders(body);
  for (const [name, value] of Object.entries(headers)) {
    if (value === null) delete merged[name];
    else merged[name] = value;
  }
  return new Request(url, { method: "POST", headers: merged, body: JSON.stringify(body) });
}

function rawPost(body: string, headers: Record<string, string> = {}): Request {
  return new Request(ENDPOINT, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
  });
}

async function jsonOf(response: Response): Promise<JsonObject> {
  assert.match(response.headers.get("content-type") ?? "", /application\/json/);
  return await response.json() as JsonObject;
}

/** Asserts the response is an error with this HTTP status and JSON-RPC code. */
async function assertRpcError(
  response: Response,
  status: number,
  code: number,
): Promise<JsonObject> {
  const body = await jsonOf(response);
  assert.equal(response.status, status, JSON.stringify(body));
  assert.equal(body.jsonrpc, "2.0");
  const error = body.error as JsonObject;
  assert.equal(error.code, code, JSON.stringify(body));
  assert.equal(typeof error.message, "string");
  return body;
}

/** A good request still gets its answer. */
async function assertServes(handler: HttpHandler): Promise<void> {
  const body = modernBody("tools/call", { name: "add", arguments: { numbers: [40, 2] } });
  const response = await handler(modernRequest(body));
  const answer = await jsonOf(response);
  assert.equal(response.status, 200, JSON.stringify(answer));
  assert.equal(answer.id, body.id);
  const result = answer.result as JsonObject;
  assert.deepEqual(result.content, [{ type: "text", text: "42" }]);
}

/** Reads JSON-RPC messages from an SSE body, skipping events without data (priming). */
function sseMessages(body: ReadableStream<Uint8Array>, lastIds: string[] = []): {
  next(ms?: number): Promise<JsonObject | undefined>;
  cancel(): Promise<void>;
} {
  const reader = body.pipeThrough(
    createSseDecoderStream({ onLastEventId: (id) => lastIds.push(id) }),
  ).getReader();
  return {
    async next(ms = 3000) {
      while (true) {
        const { value, done } = await within<ReadableStreamReadResult<SseEvent>>(
          reader.read(),
          ms,
          "the next SSE event",
        );
        if (done) return undefined;
        if (value.data !== "") return JSON.parse(value.data) as JsonObject;
      }
    },
    async cancel() {
      await reader.cancel().catch(() => {});
    },
  };
}

function demoWith(setup: (server: McpServer) => void = () => {}): McpServer {
  const server = createDemoServer();
  setup(server);
  return server;
}

function handlerFor(server: McpServer, options: HttpHandlerOptions = {}): HttpHandler {
  return createHttpHandler(server, options);
}

describe("Streamable HTTP: bad input", () => {
  const handler = handlerFor(demoWith());

  const cases: {
    name: string;
    request: () => Request;
    status: number;
    code: number;
    check?: (body: JsonObject) => void;
  }[] = [
    {
      name: "invalid JSON → 400 / -32700",
      request: () => rawPost('{"jsonrpc":"2.0","id":1,"method":', modernHeaders({})),
      status: 400,
      code: -32700,
    },
    {
      name: "a JSON array batch → 400 / -32600",
      request: () =>
        rawPost(JSON.stringify([modernBody("tools/list"), modernBody("tools/list")]), {
          "mcp-protocol-version": MODERN,
        }),
      status: 400,
      code: -32600,
    },
    {
      name: "a request without jsonrpc → 400 / -32600",
      request: () => {
        const { jsonrpc: _, ...body } = modernBody("tools/list");
        return modernRequest(body, { "mcp-method": "tools/list" });
      },
      status: 400,
      code: -32600,
    },
    {
      name: "a null id → 400 / -32600",
      request: () => modernRequest({ ...modernBody("tools/list"), id: null }),
      status: 400,
      code: -32600,
    },
    {
      name: "an unknown method (modern) → 404 / -32601",
      request: () => modernRequest(modernBody("nope/nothing")),
      status: 404,
      code: -32601,
    },
    {
      name: "a modern request without _meta → 400 / -32602",
      request: () => {
        const body = { jsonrpc: "2.0", id: 9001, method: "tools/list", params: {} };
        return modernRequest(body);
      },
      status: 400,
      code: -32602,
      check: (body) => assert.equal(body.id, 9001),
    },
    {
      name: "Mcp-Method header different from the body → 400 / -32020",
      request: () => modernRequest(modernBody("tools/list"), { "mcp-method": "prompts/list" }),
      status: 400,
      code: -32020,
    },
    {
      name: "Mcp-Method header missing → 400 / -32020",
      request: () => modernRequest(modernBody("tools/list"), { "mcp-method": null }),
      status: 400,
      code: -32020,
    },
    {
      name: "Mcp-Name header different from the tool name → 400 / -32020",
      request: () =>
        modernRequest(modernBody("tools/call", { name: "add", arguments: { numbers: [1] } }), {
          "mcp-name": "text_stats",
        }),
      status: 400,
      code: -32020,
    },
    {
      name: "Mcp-Name header different from the resource uri → 400 / -32020",
      request: () =>
        modernRequest(modernBody("resources/read", { uri: "demo://notes/1" }), {
          "mcp-name": "demo://notes/2",
        }),
      status: 400,
      code: -32020,
    },
    {
      name: "MCP-Protocol-Version header different from _meta → 400 / -32020",
      request: () => modernRequest(modernBody("tools/list"), { "mcp-protocol-version": LEGACY }),
      status: 400,
      code: -32020,
    },
    {
      name: "an unsupported version → 400 / -32022 with data.supported",
      request: () => {
        const body = modernBody("tools/list", {}, {
          "io.modelcontextprotocol/protocolVersion": "2099-01-01",
        });
        return modernRequest(body, { "mcp-protocol-version": "2099-01-01" });
      },
      status: 400,
      code: -32022,
      check: (body) => {
        const data = (body.error as JsonObject).data as JsonObject;
        assert.ok(Array.isArray(data.supported));
        assert.ok((data.supported as string[]).includes(MODERN));
        assert.ok((data.supported as string[]).includes(LEGACY));
      },
    },
    {
      name: "a legacy-shaped request without a session → 400",
      request: () => rawPost(JSON.stringify({ jsonrpc: "2.0", id: 5, method: "tools/list" })),
      status: 400,
      code: -32000,
      check: (body) => assert.equal(body.id, 5),
    },
    {
      name: "Content-Type text/plain → 415",
      request: () =>
        rawPost(JSON.stringify(modernBody("tools/list")), { "content-type": "text/plain" }),
      status: 415,
      code: -32600,
    },
    {
      name: "Origin http://evil.example → 403",
      request: () => modernRequest(modernBody("tools/list"), { origin: "http://evil.example" }),
      status: 403,
      code: -32600,
    },
  ];

  for (const { name, request, status, code, check } of cases) {
    test(name, async () => {
      const body = await assertRpcError(await handler(request()), status, code);
      check?.(body);
      await assertServes(handler);
    });
  }

  for (const method of ["GET", "DELETE"]) {
    test(`${method} without a session → 405 with Allow`, async () => {
      const response = await handler(
        new Request(ENDPOINT, { method, headers: { accept: "text/event-stream" } }),
      );
      assert.equal(response.status, 405);
      assert.equal(response.headers.get("allow"), "POST");
      await response.body?.cancel();
      await assertServes(handler);
    });
  }

  test("wrong argument types → 200, isError, the message names the JSON pointer", async () => {
    const body = modernBody("tools/call", { name: "add", arguments: { numbers: [1, "two"] } });
    const response = await handler(modernRequest(body));
    const answer = await jsonOf(response);
    assert.equal(response.status, 200);
    const result = answer.result as JsonObject;
    assert.equal(result.isError, true);
    const text = String((result.content as JsonObject[])[0].text);
    assert.match(text, /\/numbers\/1/);
    assert.match(text, /add/);
    await assertServes(handler);
  });

  test("a Base64 Mcp-Name is decoded and accepted", async () => {
    const body = modernBody("tools/call", { name: "add", arguments: { numbers: [1, 2] } });
    const response = await handler(modernRequest(body, { "mcp-name": "=?base64?YWRk?=" }));
    const answer = await jsonOf(response);
    assert.equal(response.status, 200, JSON.stringify(answer));
    assert.deepEqual((answer.result as JsonObject).structuredContent, { sum: 3 });
  });

  test("a loopback Origin is accepted", async () => {
    for (const origin of ["http://localhost:5173", "http://127.0.0.1:8080", "http://[::1]"]) {
      const response = await handler(modernRequest(modernBody("tools/list"), { origin }));
      assert.equal(response.status, 200, origin);
      await response.body?.cancel();
    }
  });

  test("a notification without a session → 202, no body", async () => {
    const response = await handler(
      rawPost(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" })),
    );
    assert.equal(response.status, 202);
    assert.equal(await response.text(), "");
  });
});

describe("Streamable HTTP: oversized bodies", () => {
  const TEN_MB = 10 * 1024 * 1024;
  const CHUNK = 64 * 1024;

  /** A 10 MB body stream that counts the bytes the handler pulls from it. */
  function countedBody(): { stream: ReadableStream<Uint8Array>; pulled: () => number } {
    let pulled = 0;
    const chunk = new Uint8Array(CHUNK).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= TEN_MB) {
          controller.close();
          return;
        }
        pulled += CHUNK;
        controller.enqueue(chunk.slice());
      },
    }, { highWaterMark: 0 });
    return { stream, pulled: () => pulled };
  }

  function streamingPost(body: ReadableStream<Uint8Array>, headers: Record<string, string>) {
    return new Request(ENDPOINT, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json", ...headers },
      body,
      duplex: "half",
    } as RequestInit);
  }

  test("10 MB with Content-Length → 413 before reading the body", async () => {
    const handler = handlerFor(demoWith());
    const { stream, pulled } = countedBody();
    const response = await handler(streamingPost(stream, { "content-length": String(TEN_MB) }));
    await assertRpcError(response, 413, -32600);
    assert.ok(pulled() <= 4 * CHUNK, `pulled ${pulled()} bytes`);
    await assertServes(handler);
  });

  test("10 MB chunked without Content-Length → 413 after at most the limit", async () => {
    const handler = handlerFor(demoWith());
    const { stream, pulled } = countedBody();
    const response = await handler(streamingPost(stream, {}));
    await assertRpcError(response, 413, -32600);
    const limit = 4 * 1024 * 1024;
    assert.ok(pulled() < TEN_MB, `pulled all ${pulled()} bytes`);
    assert.ok(pulled() <= limit + 4 * CHUNK, `pulled ${pulled()} bytes`);
    await assertServes(handler);
  });

  test("maxBodyBytes lowers the limit", async () => {
    const handler = handlerFor(demoWith(), { maxBodyBytes: 100 });
    const body = JSON.stringify(modernBody("tools/list", { pad: "x".repeat(200) }));
    await assertRpcError(
      await handler(rawPost(body, { "mcp-protocol-version": MODERN })),
      413,
      -32600,
    );
  });
});

/** Initializes a legacy session and returns its id. */
async function initialize(handler: HttpHandler, version: string = LEGACY): Promise<string> {
  const response = await handler(rawPost(JSON.stringify({
    jsonrpc: "2.0",
    id: "init",
    method: "initialize",
    params: {
      protocolVersion: version,
      capabilities: { elicitation: {} },
      clientInfo: { name: "legacy-test", version: "1" },
    },
  })));
  const body = await jsonOf(response);
  assert.equal(response.status, 200, JSON.stringify(body));
  assert.equal((body.result as JsonObject).protocolVersion, version);
  const id = response.headers.get("mcp-session-id");
  assert.ok(id, "initialize returns Mcp-Session-Id");
  const initialized = await handler(rawPost(
    JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    { "mcp-session-id": id, "mcp-protocol-version": version },
  ));
  assert.equal(initialized.status, 202);
  return id;
}

function inSession(session: string, message: JsonObject, version: string = LEGACY): Request {
  return rawPost(JSON.stringify(message), {
    "mcp-session-id": session,
    "mcp-protocol-version": version,
  });
}

function getStream(session: string, lastEventId?: string): Request {
  const headers: Record<string, string> = {
    accept: "text/event-stream",
    "mcp-session-id": session,
    "mcp-protocol-version": LEGACY,
  };
  if (lastEventId) headers["last-event-id"] = lastEventId;
  return new Request(ENDPOINT, { method: "GET", headers });
}

async function listTools(handler: HttpHandler, session: string): Promise<Response> {
  return await handler(inSession(session, { jsonrpc: "2.0", id: "list", method: "tools/list" }));
}

describe("Streamable HTTP: legacy sessions", () => {
  test("initialize returns a session id of visible ASCII that serves requests", async () => {
    const handler = handlerFor(demoWith());
    const session = await initialize(handler);
    assert.match(session, /^[\x21-\x7e]+$/);
    const response = await listTools(handler, session);
    const body = await jsonOf(response);
    assert.equal(response.status, 200);
    assert.equal(((body.result as JsonObject).tools as unknown[]).length, 4);
  });

  test("a request without the session id → 400; an unknown session → 404", async () => {
    const handler = handlerFor(demoWith());
    await initialize(handler);
    const without = await handler(
      rawPost(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }), {
        "mcp-protocol-version": LEGACY,
      }),
    );
    await assertRpcError(without, 400, -32000);
    await assertRpcError(await listTools(handler, "no-such-session"), 404, -32000);
    await assertServes(handler);
  });

  test("DELETE ends the session; reusing it → 404", async () => {
    const handler = handlerFor(demoWith());
    const session = await initialize(handler);
    const deleted = await handler(
      new Request(ENDPOINT, { method: "DELETE", headers: { "mcp-session-id": session } }),
    );
    assert.equal(deleted.status, 200);
    await assertRpcError(await listTools(handler, session), 404, -32000);
    const again = await handler(
      new Request(ENDPOINT, { method: "DELETE", headers: { "mcp-session-id": session } }),
    );
    await assertRpcError(again, 404, -32000);
  });

  test("the GET stream receives tools/list_changed when a tool is registered", async () => {
    const server = demoWith();
    const handler = handlerFor(server);
    const session = await initialize(handler);
    const response = await handler(getStream(session));
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const events = sseMessages(response.body!);
    try {
      server.tool({ name: "late", handler: () => "late" });
      assert.deepEqual(await events.next(), {
        jsonrpc: "2.0",
        method: "notifications/tools/list_changed",
      });
    } finally {
      await events.cancel();
    }
  });

  test("a second GET stream on the same session → 409", async () => {
    const handler = handlerFor(demoWith());
    const session = await initialize(handler);
    const first = await handler(getStream(session));
    try {
      await assertRpcError(await handler(getStream(session)), 409, -32600);
    } finally {
      await first.body?.cancel();
    }
  });

  test("GET opens the stream for Accept in any casing or a wildcard; application/json → 406", async () => {
    const handler = handlerFor(demoWith());
    const session = await initialize(handler);
    for (const accept of ["Text/Event-Stream", "TEXT/EVENT-STREAM;q=1", "*/*", "text/*"]) {
      const request = getStream(session);
      request.headers.set("accept", accept);
      const response = await handler(request);
      assert.equal(response.status, 200, accept);
      assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
      await response.body!.cancel();
    }
    const refused = getStream(session);
    refused.headers.set("accept", "application/json");
    await assertRpcError(await handler(refused), 406, -32600);
  });

  test("a POST answers with SSE for Accept */* or odd casing, JSON without SSE", async () => {
    const handler = handlerFor(demoWith());
    const session = await initialize(handler);
    for (const accept of ["*/*", "Application/JSON, Text/Event-Stream", "text/*"]) {
      const call = await handler(rawPost(
        JSON.stringify({
          jsonrpc: "2.0",
          id: "greet",
          method: "tools/call",
          params: { name: "greet_user", arguments: {} },
        }),
        { "mcp-session-id": session, "mcp-protocol-version": LEGACY, accept },
      ));
      assert.match(call.headers.get("content-type") ?? "", /text\/event-stream/, accept);
      const events = sseMessages(call.body!);
      try {
        const ask = await events.next();
        assert.equal(ask?.method, "elicitation/create", accept);
        const answered = await handler(inSession(session, {
          jsonrpc: "2.0",
          id: ask!.id,
          result: { action: "accept", content: { name: "Ada" } },
        }));
        assert.equal(answered.status, 202);
        assert.equal((await events.next())?.id, "greet", accept);
      } finally {
        await events.cancel();
      }
    }
    const plain = await handler(rawPost(
      JSON.stringify({ jsonrpc: "2.0", id: "list", method: "tools/list" }),
      { "mcp-session-id": session, "mcp-protocol-version": LEGACY, accept: "application/json" },
    ));
    assert.equal(plain.status, 200);
    assert.ok(((await jsonOf(plain)).result as JsonObject).tools instanceof Array);
  });

  test("past maxSessions the least recently used session is evicted", async () => {
    const handler = handlerFor(demoWith(), { legacy: { maxSessions: 2 } });
    const a = await initialize(handler);
    const b = await initialize(handler);
    // Touch A so that B becomes the least recently used.
    assert.equal((await listTools(handler, a)).status, 200);
    const c = await initialize(handler);
    await assertRpcError(await listTools(handler, b), 404, -32000);
    assert.equal((await listTools(handler, a)).status, 200);
    assert.equal((await listTools(handler, c)).status, 200);
  });

  test("Last-Event-ID resumes the GET stream with the events missed", async () => {
    const server = demoWith();
    const handler = handlerFor(server);
    const session = await initialize(handler);
    const ids: string[] = [];
    const first = sseMessages((await handler(getStream(session))).body!, ids);
    server.tool({ name: "seen", handler: () => "seen" });
    assert.equal((await first.next())?.method, "notifications/tools/list_changed");
    const lastSeen = ids.at(-1)!;
    assert.ok(lastSeen, "events carry ids");
    await first.cancel();

    // Missed while disconnected.
    server.prompt({ name: "missed", get: () => ({ messages: [] }) });
    server.resource({ uri: "demo://missed", name: "missed", read: () => "missed" });

    const resumed = await handler(getStream(session, lastSeen));
    assert.equal(resumed.status, 200);
    const replay = sseMessages(resumed.body!);
    try {
      assert.equal((await replay.next())?.method, "notifications/prompts/list_changed");
      assert.equal((await replay.next())?.method, "notifications/resources/list_changed");
    } finally {
      await replay.cancel();
    }
  });

  test("an unknown Last-Event-ID → 400", async () => {
    const handler = handlerFor(demoWith());
    const session = await initialize(handler);
    await assertRpcError(await handler(getStream(session, "nonsense.7")), 400, -32600);
  });

  test("elicitation: the server's request arrives on the POST stream, the answer by POST", async () => {
    const handler = handlerFor(demoWith());
    const session = await initialize(handler);
    const call = await handler(inSession(session, {
      jsonrpc: "2.0",
      id: "greet",
      method: "tools/call",
      params: { name: "greet_user", arguments: {} },
    }));
    assert.match(call.headers.get("content-type") ?? "", /text\/event-stream/);
    const events = sseMessages(call.body!);
    try {
      const ask = await events.next();
      assert.equal(ask?.method, "elicitation/create");
      const answered = await handler(inSession(session, {
        jsonrpc: "2.0",
        id: ask!.id,
        result: { action: "accept", content: { name: "Grace" } },
      }));
      assert.equal(answered.status, 202);
      const final = await events.next();
      assert.equal(final?.id, "greet");
      assert.deepEqual((final?.result as JsonObject).content, [
        { type: "text", text: "Hello, Grace!" },
      ]);
      assert.equal(await events.next(), undefined);
    } finally {
      await events.cancel();
    }
  });
});

describe("Streamable HTTP: modern subscriptions/listen", () => {
  test("acknowledged first, filtered notifications tagged, closed with a tagged result", async () => {
    const server = demoWith();
    const handler = handlerFor(server);
    const body = modernBody("subscriptions/listen", {
      notifications: { toolsListChanged: true, bogus: true },
    });
    const response = await handler(modernRequest(body));
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
    const events = sseMessages(response.body!);
    const tag = { "io.modelcontextprotocol/subscriptionId": body.id };
    try {
      const ack = await events.next();
      assert.equal(ack?.method, "notifications/subscriptions/acknowledged");
      const ackParams = ack!.params as JsonObject;
      assert.deepEqual(ackParams._meta, tag);
      assert.deepEqual(ackParams.notifications, { toolsListChanged: true });

      // Not subscribed: must not arrive.
      server.prompt({ name: "unwatched", get: () => ({ messages: [] }) });
      server.tool({ name: "watched", handler: () => "watched" });
      assert.deepEqual(await events.next(), {
        jsonrpc: "2.0",
        method: "notifications/tools/list_changed",
        params: { _meta: tag },
      });

      server.close();
      const final = await events.next();
      assert.equal(final?.id, body.id);
      const result = final!.result as JsonObject;
      assert.equal(result.resultType, "complete");
      assert.equal(
        (result._meta as JsonObject)["io.modelcontextprotocol/subscriptionId"],
        body.id,
      );
      assert.equal(await events.next(), undefined, "the stream ends");
    } finally {
      await events.cancel();
    }
    await assertServes(handler);
  });
});

describe("Streamable HTTP over a socket", () => {
  test("modern SSE streams progress, then the result", async () => {
    const handler = handlerFor(demoWith());
    const http = await serveHttp(handler, { port: 0, hostname: "127.0.0.1" });
    try {
      const body = modernBody("tools/call", { name: "roll_dice", arguments: { count: 3 } }, {
        progressToken: "dice",
      });
      const response = await fetch(modernRequest(body, {}, `${http.url}/mcp`));
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
      const events = sseMessages(response.body!);
      const progress: unknown[] = [];
      let final: JsonObject | undefined;
      for (let i = 0; i < 10; i++) {
        const message = await events.next();
        if (!message) break;
        if (message.method === "notifications/progress") {
          progress.push((message.params as JsonObject).progress);
        } else final = message;
      }
      assert.deepEqual(progress, [1, 2, 3]);
      assert.equal(final?.id, body.id);
      const text = String(((final?.result as JsonObject).content as JsonObject[])[0].text);
      assert.match(text, /^Rolled \d+, \d+, \d+ \(total \d+\)$/);
    } finally {
      await http.close();
    }
  });

  test("a client that disconnects mid-stream aborts the tool; the server keeps serving", async () => {
    const aborted = deferred<boolean>();
    const started = deferred();
    const server = demoWith((s) => {
      s.tool({
        name: "wait_for_abort",
        handler: async (_args, context) => {
          context.progress(1, 2, "started");
          started.resolve();
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 5000);
            context.signal.addEventListener("abort", () => {
              clearTimeout(timer);
              resolve();
            }, { once: true });
          });
          aborted.resolve(context.signal.aborted);
          return "finished";
        },
      });
    });
    const handler = handlerFor(server);
    const http = await serveHttp(handler, { port: 0, hostname: "127.0.0.1" });
    try {
      const url = `${http.url}/mcp`;
      const controller = new AbortController();
      const body = modernBody("tools/call", { name: "wait_for_abort", arguments: {} }, {
        progressToken: 1,
      });
      const request = modernRequest(body, {}, url);
      const response = await fetch(request, { signal: controller.signal });
      const events = sseMessages(response.body!);
      assert.equal((await events.next())?.method, "notifications/progress");
      await within(started.promise, 3000, "the tool to start");
      controller.abort();
      await events.cancel();
      assert.equal(await within(aborted.promise, 4000, "the tool's signal to abort"), true);

      const after = await fetch(modernRequest(
        modernBody("tools/call", { name: "add", arguments: { numbers: [1, 1] } }),
        {},
        url,
      ));
      const answer = await jsonOf(after);
      assert.deepEqual((answer.result as JsonObject).structuredContent, { sum: 2 });
    } finally {
      await http.close();
    }
  });

  test("the server keeps serving after a burst of bad requests on real sockets", async () => {
    const handler = handlerFor(demoWith());
    const http = await serveHttp(handler, { port: 0, hostname: "127.0.0.1" });
    try {
      const url = `${http.url}/mcp`;
      const bad = [
        fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "{" }),
        fetch(url, { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }),
        fetch(url, { method: "GET" }),
        fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: "[]" }),
      ];
      const statuses = await Promise.all(bad.map(async (pending) => {
        const response = await pending;
        await response.body?.cancel();
        return response.status;
      }));
      assert.deepEqual(statuses, [400, 415, 405, 400]);
      const response = await fetch(modernRequest(modernBody("tools/list"), {}, url));
      assert.equal(response.status, 200);
      assert.equal(((await jsonOf(response)).result as JsonObject).tools instanceof Array, true);
    } finally {
      await http.close();
    }
  });
});
