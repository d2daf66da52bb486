import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { staticTokenVerifier } from "../../auth/static_verifier.ts";
import { toolScopeCheck } from "../../auth/tool_scopes.ts";
import { withAuth } from "../../auth/with_auth.ts";
import { McpServer } from "../../server/server.ts";
import type { HttpHandler } from "../../transports/http/server.ts";

const RESOURCE = "http://127.0.0.1/mcp";
const METADATA = "http://127.0.0.1/.well-known/oauth-protected-resource/mcp";
const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "scope-test", version: "1" },
};

function protectedServer(options: { dpop?: boolean } = {}) {
  const calls: string[] = [];
  const server = new McpServer({ name: "scopes", version: "1.0.0" });
  const ran = (name: string, text: string) => () => {
    calls.push(name);
    return text;
  };
  server.tool({
    name: "write_file",
    scopes: ["files:write"],
    handler: ran("write_file", "written"),
  });
  server.tool({ name: "read_file", handler: ran("read_file", "read") });
  const handler = withAuth(server, {
    resource: RESOURCE,
    authorizationServers: ["https://auth.example.com"],
    requiredScopes: ["mcp"],
    verify: staticTokenVerifier({
      reader: { subject: "ada", scopes: ["mcp"] },
      writer: { subject: "ada", scopes: ["mcp", "files:write"] },
    }, { audience: RESOURCE }),
    ...(options.dpop ? { dpop: {} } : {}),
  });
  return { handler, calls };
}

function post(
  handler: HttpHandler,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(handler(
    new Request(RESOURCE, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        authorization: `Bearer ${token}`,
        ...headers,
      },
      body: JSON.stringify(body),
    }),
  ));
}

function modernCall(handler: HttpHandler, token: string, name: string): Promise<Response> {
  return post(handler, token, {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name, arguments: {}, _meta: META },
  }, { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": name });
}

/** The JSON-RPC message of a JSON or SSE answer. */
async function rpcBody(response: Response): Promise<{ result?: unknown; error?: unknown }> {
  const text = await response.text();
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    return JSON.parse(text);
  }
  const data = text.split("\n").filter((line) => line.startsWith("data:") && line.length > 6);
  return JSON.parse(data.at(-1)!.slice(5));
}

async function assertScopeChallenge(response: Response, tool: string): Promise<void> {
  assert.equal(response.status, 403);
  assert.equal(
    response.headers.get("www-authenticate"),
    `Bearer error="insufficient_scope", error_description="The tool '${tool}' needs the scopes: files:write", ` +
      `scope="mcp files:write", resource_metadata="${METADATA}"`,
  );
  assert.deepEqual(await response.json(), {
    error: "insufficient_scope",
    error_description: `The tool '${tool}' needs the scopes: files:write`,
  });
}

async function openLegacySession(
  handler: HttpHandler,
  token: string,
  protocolVersion: string,
): Promise<string> {
  const response = await post(handler, token, {
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: { protocolVersion, capabilities: {}, clientInfo: { name: "legacy", version: "1" } },
  });
  assert.equal(response.status, 200);
  const sessionId = response.headers.get("mcp-session-id")!;
  assert.ok(sessionId);
  await response.body?.cancel();
  const initialized = await post(handler, token, {
    jsonrpc: "2.0",
    method: "notifications/initialized",
  }, { "mcp-session-id": sessionId, "mcp-protocol-version": protocolVersion });
  assert.equal(initialized.status, 202);
  return sessionId;
}

describe("per-tool scopes over Streamable HTTP (2026-07-28)", () => {
  test("a call whose token lacks the tool's scope gets the 403 scope challenge, unrun", async () => {
    const { handler, calls } = protectedServer();
    await assertScopeChallenge(await modernCall(handler, "reader", "write_file"), "write_file");
    assert.deepEqual(calls, []);
  });

  test("a token with the scope calls the tool; a tool without scopes needs only the required ones", async () => {
    const { handler, calls } = protectedServer();
    const written = await modernCall(handler, "writer", "write_file");
    assert.equal(written.status, 200);
    const result = (await rpcBody(written)).result as { content: unknown };
    assert.deepEqual(result.content, [{ type: "text", text: "written" }]);
    const read = await modernCall(handler, "reader", "read_file");
    assert.equal(read.status, 200);
    await read.body?.cancel();
    assert.deepEqual(calls, ["write_file", "read_file"]);
  });

  test("listing is not refused, and the scopes are not published", async () => {
    const { handler } = protectedServer();
    const listed = await post(handler, "reader", {
      jsonrpc: "2.0",
      id: 2,
      method: "tools/list",
      params: { _meta: META },
    }, { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/list" });
    assert.equal(listed.status, 200);
    const { tools } = (await rpcBody(listed)).result as { tools: { name: string }[] };
    const write = tools.find((tool) => tool.name === "write_file")!;
    assert.ok(write);
    assert.equal("scopes" in write, false);
  });

  test("an unknown tool is left to the server's own error", async () => {
    const { handler } = protectedServer();
    const response = await modernCall(handler, "reader", "no_such_tool");
    assert.notEqual(response.status, 403);
    await response.body?.cancel();
  });

  test("with DPoP accepted, both schemes are challenged and the error is in the Bearer one", async () => {
    const { handler } = protectedServer({ dpop: true });
    const response = await modernCall(handler, "reader", "write_file");
    assert.equal(response.status, 403);
    const [bearer, dpop] = response.headers.get("www-authenticate")!.split(/, (?=DPoP )/);
    assert.match(bearer, /^Bearer error="insufficient_scope", /);
    assert.match(bearer, /scope="mcp files:write", resource_metadata="[^"]+"/);
    assert.match(dpop, /^DPoP resource_metadata="[^"]+", algs="[^"]+"$/);
    await response.body?.cancel();
  });
});

describe("per-tool scopes in legacy sessions", () => {
  test("a 2025-11-25 session's call is refused with the same challenge; others go through", async () => {
    const { handler, calls } = protectedServer();
    const sessionId = await openLegacySession(handler, "reader", "2025-11-25");
    const headers = { "mcp-session-id": sessionId, "mcp-protocol-version": "2025-11-25" };
    const call = (id: number, name: string) =>
      post(handler, "reader", {
        jsonrpc: "2.0",
        id,
        method: "tools/call",
        params: { name, arguments: {} },
      }, headers);
    await assertScopeChallenge(await call(1, "write_file"), "write_file");
    const read = await call(2, "read_file");
    assert.equal(read.status, 200);
    assert.deepEqual((await rpcBody(read)).result, { content: [{ type: "text", text: "read" }] });
    assert.deepEqual(calls, ["read_file"]);
  });

  test("a 2025-03-26 batch holding a refused call is refused whole, nothing of it run", async () => {
    const { handler, calls } = protectedServer();
    const sessionId = await openLegacySession(handler, "reader", "2025-03-26");
    const response = await post(handler, "reader", [
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "read_file", arguments: {} } },
      {
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "write_file", arguments: {} },
      },
    ], { "mcp-session-id": sessionId, "mcp-protocol-version": "2025-03-26" });
    await assertScopeChallenge(response, "write_file");
    assert.deepEqual(calls, []);
  });
});

describe("toolScopeCheck on its own", () => {
  test("a scope hierarchy through scopeSatisfies, and any lookup as the source", async () => {
    const check = toolScopeCheck({ toolScopes: (name) => name === "w" ? ["files:write"] : [] }, {
      resource: RESOURCE,
      scopeSatisfies: (granted, required) =>
        granted.includes(required) || granted.includes(required.split(":")[0]),
    });
    const message = (name: string) => ({
      jsonrpc: "2.0" as const,
      id: 1,
      method: "tools/call",
      params: { name },
    });
    const request = new Request(RESOURCE, { method: "POST" });
    const auth = (scopes: string[]) => ({ token: "t", scopes });
    assert.equal(await check(message("w"), auth(["files"]), request), undefined);
    assert.equal(await check(message("other"), auth([]), request), undefined);
    const refused = await check(message("w"), auth(["files:read"]), request);
    assert.equal(refused?.status, 403);
    assert.match(refused!.headers.get("www-authenticate")!, /scope="files:write"/);
  });
});
