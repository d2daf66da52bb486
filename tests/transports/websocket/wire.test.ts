/**
 * The MCP WebSocket server on the wire, driven by the `ws` package as an independent client:
 * subprotocol, version and auth checks on the upgrade, Origin checking, bad frames, and
 * session resumption after a lost connection (SEP-1288).
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import WebSocket from "ws";
import type { AuthInfo } from "../../../protocol/mod.ts";
import { runtimeName } from "../../../runtime/mod.ts";
import { RECONNECTED_REASON } from "../../../transports/websocket/sessions.ts";
import { clientClosed, Inbox, openClient } from "../../runtime/websocket/helpers.ts";
import { deferred, type LocalEndpoint, startLocal, within } from "./helpers.ts";

type Json = { [key: string]: unknown };

interface Peer {
  ws: WebSocket;
  next(what: string): Promise<Json>;
  request(id: number, method: string, params?: Json): Promise<Json>;
  closed: Promise<{ code: number; reason: string }>;
}

async function peer(url: string, protocols: string[] = ["mcp"]): Promise<Peer> {
  const ws = await openClient(url, protocols);
  const inbox = new Inbox<Json>();
  const closed = clientClosed(ws);
  ws.on("message", (data: Uint8Array) => inbox.push(JSON.parse(String(data))));
  const next = (what: string) => inbox.next(what);
  return {
    ws,
    next,
    closed,
    async request(id, method, params) {
      ws.send(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
      while (true) {
        const message = await next(`the answer to ${method}`);
        if (message.id === id) return message;
      }
    },
  };
}

const INITIALIZE = {
  protocolVersion: "2025-11-25",
  capabilities: {},
  clientInfo: { name: "raw", version: "1" },
};

/** The status a refused handshake answered. */
function refusedStatus(url: string, protocols: string[], options: WebSocket.ClientOptions = {}) {
  return within(
    new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(url, protocols, options);
      ws.once("unexpected-response", (_request, response) => {
        resolve(response.statusCode ?? 0);
        ws.terminate();
      });
      ws.once("open", () => reject(new Error("the handshake was accepted")));
      ws.once("error", () => {});
    }),
    10_000,
    "the refusal",
  );
}

/** A tool that runs until released or cancelled, reporting both. */
function addWatchTool(local: LocalEndpoint) {
  const started = deferred();
  const aborted = deferred();
  const release = deferred();
  local.server.tool({
    name: "watch",
    handler: (_args: unknown, context: { signal: AbortSignal }) =>
      new Promise<string>((resolve) => {
        started.resolve();
        context.signal.addEventListener("abort", () => {
          aborted.resolve();
          resolve("aborted");
        }, { once: true });
        release.promise.then(() => resolve("released"));
      }),
  });
  return { started, aborted, release };
}

describe(`MCP WebSocket server on ${runtimeName()}, with ws as the client`, () => {
  test("the upgrade needs mcp, a known version, an allowed Origin and a valid token", async () => {
    const local = await startLocal({
      authenticate: (request): AuthInfo | Response | undefined =>
        request.headers.get("authorization") === "Bearer sesame"
          ? { token: "sesame", clientId: "c", scopes: [] }
          : new Response("no", { status: 401 }),
    });
    try {
      assert.equal(await refusedStatus(local.url, ["other"]), 400);
      assert.equal(
        await refusedStatus(local.url, ["mcp", "mcp.auth.sesame", "mcp.version.1999-01-01"]),
        400,
      );
      assert.equal(await refusedStatus(local.url, ["mcp", "mcp.auth.wrong"]), 401);
      assert.equal(await refusedStatus(local.url, ["mcp"]), 401);
      assert.equal(
        await refusedStatus(local.url, ["mcp", "mcp.auth.sesame"], {
          origin: "https://evil.example",
        }),
        403,
      );
      const bySubprotocol = await peer(local.url, [
        "mcp",
        "mcp.version.2025-11-25",
        "mcp.auth.sesame",
      ]);
      assert.equal(bySubprotocol.ws.protocol, "mcp");
      assert.ok("result" in await bySubprotocol.request(1, "initialize", INITIALIZE));
      bySubprotocol.ws.close(1000);
      const byHeader = await openClient(local.url, ["mcp"], {
        headers: { authorization: "Bearer sesame" },
        origin: "http://localhost:1234",
      });
      assert.equal(byHeader.protocol, "mcp");
      byHeader.close(1000);
      // `authenticate` guards the upgrade only: a plain HTTP request reaches the fallback as is
      // (which protects itself with withAuth when it needs to); a DELETE without a session is its 405.
      const plain = await fetch(local.url.replace("ws:", "http:"), { method: "DELETE" });
      assert.equal(plain.status, 405, "plain HTTP requests go to the fallback handler");
      await plain.body?.cancel();
    } finally {
      await local.http.close();
    }
  });

  test("bad frames get the spec's answers and other sockets keep being served", async () => {
    const local = await startLocal({ maxMessageBytes: 1024 });
    try {
      const bystander = await peer(local.url);
      const invalid = await peer(local.url);
      invalid.ws.send("{not json");
      const error = await invalid.next("the parse error");
      assert.equal((error.error as Json).code, -32700);
      assert.ok(
        "result" in await invalid.request(1, "initialize", INITIALIZE),
        "the socket stays open",
      );
      invalid.ws.send(new Uint8Array([1, 2, 3]));
      assert.equal((await within(invalid.closed, 10_000, "the 1003 close")).code, 1003);
      const oversized = await peer(local.url);
      oversized.ws.send(
        JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "ping",
          params: { pad: "x".repeat(2000) },
        }),
      );
      assert.equal((await within(oversized.closed, 10_000, "the 1009 close")).code, 1009);
      assert.ok("result" in await bystander.request(7, "initialize", INITIALIZE));
      bystander.ws.close(1000);
    } finally {
      await local.http.close();
    }
  });

  test("a lost socket leaves the session; resuming by id delivers the in-flight result", async () => {
    const local = await startLocal();
    const watch = addWatchTool(local);
    try {
      const first = await peer(local.url);
      const initialized = await first.request(1, "initialize", INITIALIZE);
      const result = initialized.result as Json;
      const sessionId = result.mcpSessionId;
      assert.equal(typeof sessionId, "string");
      first.ws.send(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
      first.ws.send(JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "watch", arguments: {} },
      }));
      await within(watch.started.promise, 10_000, "the watch tool to start");
      first.ws.terminate(); // no close frame: an interrupted connection

      const second = await peer(local.url);
      const resumed = await second.request(10, "initialize", {
        ...INITIALIZE,
        mcpSessionId: sessionId,
      });
      assert.deepEqual(resumed.result, result, "the session's own initialize answer");
      watch.release.resolve();
      const answer = await second.next("the in-flight result on the new socket");
      assert.equal(answer.id, 2);
      assert.deepEqual((answer.result as Json).content, [{ type: "text", text: "released" }]);

      const third = await peer(local.url);
      await third.request(11, "initialize", { ...INITIALIZE, mcpSessionId: sessionId });
      assert.deepEqual(await within(second.closed, 10_000, "the replaced socket to close"), {
        code: 1000,
        reason: RECONNECTED_REASON,
      });
      const unknown = await peer(local.url);
      const fresh = await unknown.request(1, "initialize", { ...INITIALIZE, mcpSessionId: "nope" });
      assert.notEqual((fresh.result as Json).mcpSessionId, sessionId, "an unknown id starts anew");
      third.ws.close(1000);
      unknown.ws.close(1000);
    } finally {
      await local.http.close();
    }
  });

  test("when the grace period ends, in-flight handlers are cancelled", async () => {
    const local = await startLocal({ resumeGraceMs: 20 });
    const watch = addWatchTool(local);
    try {
      const client = await peer(local.url);
      await client.request(1, "initialize", INITIALIZE);
      client.ws.send(JSON.stringify({
        jsonrpc: "2.0",
        id: 2,
        method: "tools/call",
        params: { name: "watch", arguments: {} },
      }));
      await within(watch.started.promise, 10_000, "the watch tool to start");
      client.ws.terminate();
      await within(watch.aborted.promise, 10_000, "the handler's signal to abort");
    } finally {
      await local.http.close();
    }
  });
});
