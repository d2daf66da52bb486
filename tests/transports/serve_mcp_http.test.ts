/**
 * `serveMcpHttp`'s graceful close in process: stragglers get their signals
 * aborted after the timeout and still answer, open listen streams end, the
 * abort option closes, and the lifespan is disposed last.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { McpServer } from "../../server/server.ts";
import { serveMcpHttp } from "../../transports/http/serve.ts";
import { deferred, within } from "../async.ts";
import { modernMeta } from "../server/helpers.ts";

function post(url: string, method: string, params: JsonObject, id = 1): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": method,
  };
  if (typeof params.name === "string") headers["mcp-name"] = params.name;
  return fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id,
      method,
      params: { ...params, _meta: modernMeta() },
    }),
  });
}

function disposingServer(events: string[]): McpServer<{ [Symbol.asyncDispose](): Promise<void> }> {
  return new McpServer({ name: "closing", version: "1.0.0" }, {
    lifespan: () => ({
      [Symbol.asyncDispose]: () => {
        events.push("disposed");
        return Promise.resolve();
      },
    }),
  });
}

describe("serveMcpHttp close()", () => {
  test("aborts a call still running after the timeout; it answers, then the state is disposed", async () => {
    const events: string[] = [];
    const server = disposingServer(events);
    const started = deferred();
    server.tool({
      name: "stubborn",
      handler: async (_args, context) => {
        started.resolve();
        const reason = await new Promise<unknown>((resolve) =>
          context.signal.addEventListener("abort", () => resolve(context.signal.reason), {
            once: true,
          })
        );
        events.push("aborted");
        return `aborted: ${reason instanceof Error ? reason.message : String(reason)}`;
      },
    });
    const http = await serveMcpHttp(server, { shutdown: { signals: false, timeoutMs: 50 } });
    const call = post(http.url, "tools/call", { name: "stubborn", arguments: {} });
    await within(started.promise, 10_000, "the call starting");
    const closing = http.close();
    assert.equal(http.close(), closing, "close() is idempotent");
    const answered = await within(call, 10_000, "the aborted call's answer");
    const message = await answered.json() as { result: { content: { text: string }[] } };
    assert.equal(message.result.content[0].text, "aborted: The server shut down");
    await within(closing, 10_000, "close()");
    await within(http.closed, 10_000, "closed");
    assert.deepEqual(events, ["aborted", "disposed"]);
    await assert.rejects(post(http.url, "tools/list", {}), "the listener is gone");
  });

  test("ends an open subscriptions/listen stream with its result", async () => {
    const events: string[] = [];
    const server = disposingServer(events);
    server.tool({ name: "noop", handler: () => "ok" });
    const http = await serveMcpHttp(server);
    const listening = await post(http.url, "subscriptions/listen", {
      notifications: { toolsListChanged: true },
    });
    assert.equal(listening.status, 200);
    const reader = listening.body!.getReader();
    const first = await within(reader.read(), 10_000, "the listen acknowledgement");
    assert.equal(first.done, false);
    const closing = http.close();
    let text = "";
    while (true) {
      const { done, value } = await within(reader.read(), 10_000, "the stream ending");
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    await within(closing, 10_000, "close()");
    assert.deepEqual(events, ["disposed"]);
    // McpServer.close() ends the listen gracefully: its result is the stream's last event.
    assert.match(text, /"id":1,"result"/);
  });

  test("ends a legacy session's GET stream", async () => {
    const events: string[] = [];
    const http = await serveMcpHttp(disposingServer(events));
    const json = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    };
    const initialized = await fetch(http.url, {
      method: "POST",
      headers: json,
      body: JSON.stringify({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: {
          protocolVersion: "2025-11-25",
          capabilities: {},
          clientInfo: { name: "legacy", version: "1" },
        },
      }),
    });
    const sessionId = initialized.headers.get("mcp-session-id");
    assert.ok(sessionId, "a legacy session");
    await initialized.body?.cancel();
    const session = { "mcp-session-id": sessionId, "mcp-protocol-version": "2025-11-25" };
    const notified = await fetch(http.url, {
      method: "POST",
      headers: { ...json, ...session },
      body: JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    });
    await notified.body?.cancel();
    const stream = await fetch(http.url, {
      headers: { accept: "text/event-stream", ...session },
    });
    assert.equal(stream.status, 200);
    const reader = stream.body!.getReader();
    const closing = http.close();
    const ended = (async () => {
      while (!(await reader.read()).done) { /* drain what was sent before the end */ }
    })();
    await within(ended.catch(() => {}), 10_000, "the GET stream ending");
    await within(closing, 10_000, "close()");
    assert.deepEqual(events, ["disposed"], "initialize ran the lifespan; the close disposed it");
  });

  test("the abort signal option closes gracefully too", async () => {
    const events: string[] = [];
    const server = disposingServer(events);
    const controller = new AbortController();
    const http = await serveMcpHttp(server, { signal: controller.signal });
    await server.start();
    controller.abort();
    await within(http.closed, 10_000, "closed after the abort");
    assert.deepEqual(events, ["disposed"]);
  });
});
