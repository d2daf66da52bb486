/**
 * emcee's WebSocket client resumes its legacy session after the connection is lost (both TCP
 * sockets destroyed by a relay: 1006 on each end, no close frame): a request in flight across
 * the loss gets its result on the new connection, a request made while reconnecting is held
 * and sent after resuming, and the session id stays the same.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { McpClient } from "../../../client/mod.ts";
import { runtimeName } from "../../../runtime/mod.ts";
import { createWebSocketClientTransport } from "../../../transports/websocket/client.ts";
import { deferred, startLocal, within } from "./helpers.ts";
import { startRelay } from "./tcp_relay.ts";

test(`a legacy session over WebSocket survives a lost connection (client and server on ${runtimeName()})`, async () => {
  const local = await startLocal();
  const started = deferred();
  const release = deferred();
  let aborted = false;
  local.server.tool({
    name: "watch",
    handler: (_args: unknown, context: { signal: AbortSignal }) =>
      new Promise<string>((resolve) => {
        started.resolve();
        context.signal.addEventListener("abort", () => (aborted = true), { once: true });
        release.promise.then(() => resolve("released"));
      }),
  });
  const relay = await startRelay(local.url);
  const transport = createWebSocketClientTransport(relay.url, { reconnectDelayMs: 10 });
  const client = new McpClient({ name: "ws-resume", version: "1.0.0" }, {
    era: "legacy",
    eraCache: false,
  });
  try {
    await client.connect(transport);
    assert.equal(client.era, "legacy");
    const sessionId = transport.sessionId;
    assert.equal(typeof sessionId, "string");
    const inFlight = client.callToolContent("watch");
    await within(started.promise, 10_000, "the watch tool to start");

    relay.sever();
    // The client reconnects only once it saw the loss: what it sends from now on is held until
    // the session is resumed (a message sent into the dying socket before that would be lost).
    await within(relay.accepting(2), 10_000, "the client to reconnect");
    const meanwhile = client.callToolContent("echo", { text: "held" });
    assert.deepEqual(await within(meanwhile, 10_000, "the held request's answer"), [{
      type: "text",
      text: "held",
    }]);
    assert.equal(relay.accepted, 2, "one reconnection");
    assert.equal(transport.sessionId, sessionId, "the same session");

    assert.equal(aborted, false, "the in-flight handler was not cancelled by the loss");
    release.resolve();
    assert.deepEqual(await within(inFlight, 10_000, "the in-flight result"), [{
      type: "text",
      text: "released",
    }]);
    assert.deepEqual(await client.callToolStructured("add", { a: 1, b: 2 }), { sum: 3 });
  } finally {
    await client.close();
    await relay.close();
    await local.http.close();
  }
});
