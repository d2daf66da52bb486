/**
 * A legacy HTTP session belongs to the principal that created it: a session
 * id is no credential, so another authenticated user cannot use it.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { AuthInfo } from "../../../protocol/server_endpoint.ts";
import { McpServer } from "../../../server/server.ts";
import { createHttpHandler } from "../../../transports/http/server.ts";

const USERS: { [token: string]: AuthInfo } = {
  alice: { token: "alice", subject: "alice", scopes: [] },
  bob: { token: "bob", subject: "bob", scopes: [] },
};

function post(token: string, body: unknown, session?: string): Request {
  const headers: { [name: string]: string } = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    authorization: `Bearer ${token}`,
  };
  if (session) headers["mcp-session-id"] = session;
  return new Request("http://127.0.0.1/mcp", {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });
}

test("another principal's request cannot use a session; its owner can", async () => {
  const server = new McpServer({ name: "s", version: "1" });
  server.tool({ name: "whoami", handler: (_args, context) => String(context.auth?.subject) });
  const handler = createHttpHandler(server, {
    authenticate: (request) => USERS[request.headers.get("authorization")!.slice(7)],
  });
  const init = await handler(post("alice", {
    jsonrpc: "2.0",
    id: 1,
    method: "initialize",
    params: { protocolVersion: "2025-11-25", capabilities: {} },
  }));
  const session = init.headers.get("mcp-session-id")!;
  await init.body?.cancel();
  const call = { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "whoami" } };

  const stolen = await handler(post("bob", call, session));
  assert.equal(stolen.status, 404);
  await stolen.body?.cancel();

  const own = await handler(post("alice", call, session));
  assert.equal(own.status, 200);
  assert.deepEqual((await own.json()).result.content, [{ type: "text", text: "alice" }]);
});
