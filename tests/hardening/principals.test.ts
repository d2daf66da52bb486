/**
 * Hardening: principals never collide. Tokens that carry no identity do not share sessions,
 * fields cannot be shifted across a separator, and MRTR state is bound to the whole principal.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createDemoServer } from "../../examples/demo/server.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { principalOf } from "../../transports/http/admission.ts";
import { createHttpHandler, type HttpHandler } from "../../transports/http/server.ts";
import { createLegacySseHandler } from "../../transports/legacy_sse/server.ts";
import { modern, sampleServer } from "../server/helpers.ts";

const ENDPOINT = "http://127.0.0.1/mcp";
const LEGACY = "2025-11-25";

/** A principal named by test headers: `x-token`, and optionally `x-subject`, `x-client`. */
function authFrom(request: Request): AuthInfo {
  const auth: AuthInfo = { token: request.headers.get("x-token") ?? "", scopes: [] };
  const subject = request.headers.get("x-subject");
  const clientId = request.headers.get("x-client");
  if (subject !== null) auth.subject = subject;
  if (clientId !== null) auth.clientId = clientId;
  return auth;
}

type Who = Record<string, string>;

function post(who: Who, body: JsonObject, session?: string): Request {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    ...who,
  };
  if (session !== undefined) {
    headers["mcp-session-id"] = session;
    headers["mcp-protocol-version"] = LEGACY;
  }
  return new Request(ENDPOINT, { method: "POST", headers, body: JSON.stringify(body) });
}

async function initialize(handler: HttpHandler, who: Who): Promise<string> {
  const response = await handler(post(who, {
    jsonrpc: "2.0",
    id: "init",
    method: "initialize",
    params: { protocolVersion: LEGACY, capabilities: {}, clientInfo: { name: "t", version: "1" } },
  }));
  assert.equal(response.status, 200);
  await response.body?.cancel();
  const id = response.headers.get("mcp-session-id");
  assert.ok(id);
  const done = await handler(
    post(who, { jsonrpc: "2.0", method: "notifications/initialized" }, id),
  );
  assert.equal(done.status, 202);
  return id;
}

async function listStatus(handler: HttpHandler, who: Who, session: string): Promise<number> {
  const response = await handler(
    post(who, { jsonrpc: "2.0", id: "l", method: "tools/list" }, session),
  );
  await response.body?.cancel();
  return response.status;
}

function deleteSession(who: Who, session: string): Request {
  return new Request(ENDPOINT, {
    method: "DELETE",
    headers: { "mcp-session-id": session, "mcp-protocol-version": LEGACY, ...who },
  });
}

test("principalOf: fields cannot shift across a separator; anonymous tokens differ", () => {
  const a: AuthInfo = { token: "t1", subject: "a|b", clientId: "", scopes: [] };
  const b: AuthInfo = { token: "t2", subject: "a", clientId: "b|", scopes: [] };
  assert.notEqual(principalOf(a), principalOf(b));
  const bare1: AuthInfo = { token: "one", scopes: [] };
  const bare2: AuthInfo = { token: "two", scopes: [] };
  assert.notEqual(principalOf(bare1), principalOf(bare2));
  assert.notEqual(principalOf(bare1), principalOf(undefined));
  // A token that names its subject stays bound to it when refreshed.
  assert.equal(
    principalOf({ token: "old", subject: "s", scopes: [] }),
    principalOf({ token: "new", subject: "s", scopes: [] }),
  );
});

test("Streamable HTTP: a token without identity cannot use or DELETE another's session", async () => {
  const handler = createHttpHandler(createDemoServer(), { authenticate: authFrom });
  const owner = { "x-token": "token-one" };
  const other = { "x-token": "token-two" };
  const session = await initialize(handler, owner);
  assert.equal(await listStatus(handler, other, session), 404);
  const deleted = await handler(deleteSession(other, session));
  await deleted.body?.cancel();
  assert.equal(deleted.status, 404);
  assert.equal(await listStatus(handler, owner, session), 200);
});

test("Streamable HTTP: subject 'a|b' + '' is not subject 'a' + client 'b|'", async () => {
  const handler = createHttpHandler(createDemoServer(), { authenticate: authFrom });
  const owner = { "x-token": "t1", "x-subject": "a|b", "x-client": "" };
  const forger = { "x-token": "t2", "x-subject": "a", "x-client": "b|" };
  const session = await initialize(handler, owner);
  assert.equal(await listStatus(handler, forger, session), 404);
  assert.equal(await listStatus(handler, owner, session), 200);
});

test("HTTP+SSE: a token without identity cannot post to another's stream", async () => {
  const handler = createLegacySseHandler(createDemoServer(), { authenticate: authFrom });
  const response = await handler(
    new Request("http://127.0.0.1/sse", {
      headers: { accept: "text/event-stream", "x-token": "token-one" },
    }),
  );
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (let i = 0; i < 10 && !text.includes("\n\n"); i++) text += (await reader.read()).value ?? "";
  const endpoint = /data: (\S+)/.exec(text)![1];
  const send = (token: string) =>
    handler(
      new Request(`http://127.0.0.1${endpoint}`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-token": token },
        body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      }),
    );
  const foreign = await send("token-two");
  await foreign.body?.cancel();
  assert.equal(foreign.status, 404);
  const own = await send("token-one");
  await own.body?.cancel();
  assert.equal(own.status, 202);
  await reader.cancel();
});

test("MRTR: requestState issued to one client of a subject does not open for another", async () => {
  const server = sampleServer();
  const caps = { elicitation: {} };
  const issuedTo: AuthInfo = { token: "t1", subject: "s", clientId: "c1", scopes: [] };
  const first = await server.handleRequest(modern("tools/call", { name: "ask" }, caps), {
    auth: issuedTo,
  }) as { result: JsonObject };
  const state = first.result.requestState as string;
  assert.equal(typeof state, "string");
  // The state carries no raw token or subject the client did not already see in clear text.
  const retry = (auth: AuthInfo) =>
    server.handleRequest(modern("tools/call", { name: "ask", requestState: state }, caps), {
      auth,
    }) as Promise<{ result?: JsonObject; error?: { code: number } }>;
  const stolen = await retry({ token: "t2", subject: "s", clientId: "c2", scopes: [] });
  assert.equal(stolen.error?.code, -32602);
  const own = await retry({ token: "t1b", subject: "s", clientId: "c1", scopes: [] });
  assert.equal(own.error, undefined);
  // Tokens without identity are bound to the token, not to each other.
  const bare = await server.handleRequest(modern("tools/call", { name: "ask" }, caps), {
    auth: { token: "bare-1", scopes: [] },
  }) as { result: JsonObject };
  const bareRetry = await server.handleRequest(
    modern("tools/call", { name: "ask", requestState: bare.result.requestState as string }, caps),
    { auth: { token: "bare-2", scopes: [] } },
  ) as { error?: { code: number } };
  assert.equal(bareRetry.error?.code, -32602);
});
