/**
 * Hardening: nobody can evict everyone's sessions. Every session-keeping transport (Streamable
 * HTTP, HTTP+SSE, WebSocket) caps sessions per principal, and per client address for anonymous
 * clients, and evicts from the biggest anonymous owner before touching authenticated ones.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type WebSocket from "ws";
import { createDemoServer } from "../../examples/demo/server.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { clientAddressOf, serveHttp } from "../../runtime/mod.ts";
import { createHttpHandler, type HttpHandler } from "../../transports/http/server.ts";
import { createLegacySseHandler } from "../../transports/legacy_sse/server.ts";
import { createSessionQuota, quotaOwner } from "../../transports/session_quota.ts";
import { createWebSocketHandler } from "../../transports/websocket/server.ts";
import { EVICTED_REASON } from "../../transports/websocket/sessions.ts";
import { clientClosed, Inbox, openClient } from "../runtime/websocket/helpers.ts";
import { within } from "../async.ts";

const ENDPOINT = "http://127.0.0.1/mcp";
const LEGACY = "2025-11-25";
const ALICE = { "x-subject": "alice" };

/** `x-subject` names an authenticated principal; without it the request is anonymous. */
function authFrom(request: Request): AuthInfo | undefined {
  const subject = request.headers.get("x-subject");
  return subject === null ? undefined : { token: `t-${subject}`, subject, scopes: [] };
}

/** A client address a test chooses, as a trusted proxy's header would carry it. */
const addressFrom = (request: Request): string | undefined =>
  request.headers.get("x-addr") ?? undefined;

function post(who: Record<string, string>, body: JsonObject, session?: string): Request {
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

async function initialize(handler: HttpHandler, who: Record<string, string>): Promise<string> {
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
  return id;
}

async function alive(handler: HttpHandler, who: Record<string, string>, session: string) {
  const response = await handler(
    post(who, { jsonrpc: "2.0", id: "p", method: "ping" }, session),
  );
  await response.body?.cancel();
  return response.status === 200;
}

test("quota: an owner at its quota pays for its own new session", () => {
  const quota = createSessionQuota({ maxSessions: 10, maxSessionsPerPrincipal: 2 });
  assert.deepEqual(quota.admit("a1", "alice"), []);
  assert.deepEqual(quota.admit("b1", "bob"), []);
  assert.deepEqual(quota.admit("a2", "alice"), []);
  quota.touch("a1");
  assert.deepEqual(quota.admit("a3", "alice"), ["a2"]);
  assert.equal(quota.size, 3);
});

test("quota: a full table evicts anonymous owners first, the biggest, least recent", () => {
  const quota = createSessionQuota({ maxSessions: 4, maxSessionsPerPrincipal: 3 });
  const one = quotaOwner("", "10.0.0.1");
  const two = quotaOwner("", "10.0.0.2");
  quota.admit("alice", '["id","alice",""]');
  quota.admit("x1", one);
  quota.admit("x2", one);
  quota.admit("y1", two);
  quota.touch("x1");
  assert.deepEqual(quota.admit("y2", two), ["x2"]);
  assert.deepEqual(quota.admit("y3", two), ["y1"]);
  assert.deepEqual(quota.admit("z1", quotaOwner("", undefined)), ["y2"]);
});

test("quota: IPv6 clients are counted by their /64", () => {
  assert.equal(quotaOwner("", "2001:db8:1:2::1"), quotaOwner("", "2001:db8:1:2:ffff::9"));
  assert.notEqual(quotaOwner("", "2001:db8:1:2::1"), quotaOwner("", "2001:db8:1:3::1"));
  assert.notEqual(quotaOwner("", "10.0.0.1"), quotaOwner("", "10.0.0.2"));
});

test("Streamable HTTP, defaults: 1 000 anonymous sessions do not evict an authenticated one", async () => {
  const handler = createHttpHandler(createDemoServer(), { authenticate: authFrom });
  const mine = await initialize(handler, ALICE);
  const flood: string[] = [];
  for (let i = 0; i < 1000; i++) flood.push(await initialize(handler, {}));
  assert.equal(await alive(handler, ALICE, mine), true, "the authenticated session survives");
  // Anonymous clients of unknown address share one quota of 100: the flood evicted itself.
  assert.equal(await alive(handler, {}, flood[0]), false);
  assert.equal(await alive(handler, {}, flood[999]), true);
});

test("Streamable HTTP: one anonymous address cannot evict another's session", async () => {
  const handler = createHttpHandler(createDemoServer(), {
    clientAddress: addressFrom,
    legacy: { maxSessions: 20, maxSessionsPerPrincipal: 5 },
  });
  const victim = { "x-addr": "10.0.0.2" };
  const theirs = await initialize(handler, victim);
  for (let i = 0; i < 50; i++) await initialize(handler, { "x-addr": "10.0.0.1" });
  assert.equal(await alive(handler, victim, theirs), true);
});

test("HTTP+SSE: an anonymous flood closes its own streams, not an authenticated one", async () => {
  const handler = createLegacySseHandler(createDemoServer(), {
    authenticate: authFrom,
    maxSessions: 10,
  });
  const open = async (who: Record<string, string>) => {
    const response = await handler(
      new Request("http://127.0.0.1/sse", { headers: { accept: "text/event-stream", ...who } }),
    );
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    for (let i = 0; i < 10 && !text.includes("\n\n"); i++) {
      text += (await reader.read()).value ?? "";
    }
    return { reader, endpoint: /data: (\S+)/.exec(text)![1] };
  };
  const send = async (endpoint: string, who: Record<string, string>) => {
    const response = await handler(
      new Request(`http://127.0.0.1${endpoint}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...who },
        body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
      }),
    );
    await response.body?.cancel();
    return response.status;
  };
  const mine = await open(ALICE);
  const flood = [];
  for (let i = 0; i < 30; i++) flood.push(await open({}));
  assert.equal(await send(mine.endpoint, ALICE), 202, "the authenticated stream survives");
  assert.equal(await send(flood[0].endpoint, {}), 404);
  assert.equal(await send(flood[29].endpoint, {}), 202);
  await mine.reader.cancel();
  for (const stream of flood) await stream.reader.cancel();
});

test("serveHttp records the peer address for clientAddressOf on this runtime", async () => {
  const http = await serveHttp((request) => new Response(clientAddressOf(request) ?? "none"));
  try {
    const response = await fetch(`${http.url}/`);
    assert.equal(await response.text(), "127.0.0.1");
  } finally {
    await http.close();
  }
});

test("WebSocket: an anonymous address pays for its sessions first, then other anonymous ones", async () => {
  const server = createDemoServer();
  const http = await serveHttp(createWebSocketHandler(server, {
    authenticate: authFrom,
    clientAddress: addressFrom,
    maxSessions: 3,
    maxSessionsPerPrincipal: 2,
  }));
  const url = `${http.url.replace("http:", "ws:")}/mcp`;
  const sockets: WebSocket[] = [];
  const connect = async (headers: Record<string, string> = {}) => {
    const ws = await openClient(url, ["mcp"], { headers });
    sockets.push(ws);
    const inbox = new Inbox<JsonObject>();
    ws.on("message", (data: Uint8Array) => inbox.push(JSON.parse(String(data))));
    const closed = clientClosed(ws);
    // A session starts with its first message.
    ws.send(JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: LEGACY,
        capabilities: {},
        clientInfo: { name: "t", version: "1" },
      },
    }));
    const answer = await inbox.next("the initialize answer");
    assert.ok(answer.result, JSON.stringify(answer));
    const ping = async (id: number) => {
      ws.send(JSON.stringify({ jsonrpc: "2.0", id, method: "ping" }));
      return await inbox.next("the ping answer");
    };
    return { closed, ping };
  };
  try {
    const alice = await connect(ALICE);
    const a1 = await connect({ "x-addr": "10.0.0.1" });
    const a2 = await connect({ "x-addr": "10.0.0.1" });
    await connect({ "x-addr": "10.0.0.1" }); // 10.0.0.1 is at its quota of 2: a1 ends
    const ended = await within(a1.closed, 5000, "the oldest session of 10.0.0.1 to end");
    assert.equal(ended.code, 1008);
    assert.equal(ended.reason, EVICTED_REASON);
    await connect({ "x-addr": "10.0.0.2" }); // the table is full: 10.0.0.1 loses a2, not alice
    assert.equal((await within(a2.closed, 5000, "a2 to end")).code, 1008);
    assert.ok((await alice.ping(7)).result, "the authenticated session survives");
  } finally {
    for (const ws of sockets) ws.terminate();
    await http.close();
  }
});
