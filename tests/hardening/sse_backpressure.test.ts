/**
 * SSE streams and clients that do not read: each stream's queue is bounded in
 * bytes, and a client past the bound is cut (its stream errors, the session's
 * GET slot is freed) instead of the server growing without end.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHttpHandler } from "../../transports/http/server.ts";
import { createSseWriter } from "../../transports/http/sse_writer.ts";
import { within } from "../async.ts";
import { capturingServer, direct, getStream, initialize } from "./sse_legacy_helpers.ts";

/** Reads `body` to its end or error; returns the bytes read and whether it errored. */
async function drain(body: ReadableStream<Uint8Array>): Promise<{ bytes: number; cut: boolean }> {
  const reader = body.getReader();
  let bytes = 0;
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return { bytes, cut: false };
      bytes += value.length;
    }
  } catch {
    return { bytes, cut: true };
  }
}

test("a writer whose client does not read is cut past maxQueuedBytes", async () => {
  let cancelled = 0;
  const writer = createSseWriter(() => cancelled++, undefined, { maxQueuedBytes: 10_000 });
  const event = `data: ${"x".repeat(994)}\n\n`; // 1 000 bytes
  for (let i = 0; i < 100; i++) writer.write(event);
  assert.equal(writer.closed, true);
  assert.equal(cancelled, 1);
  const { bytes, cut } = await drain(writer.readable);
  assert.equal(cut, true);
  assert.ok(bytes <= 10_000, `${bytes} bytes were queued`);
});

test("an event larger than the bound still reaches a client that keeps up", async () => {
  const writer = createSseWriter(() => {}, undefined, { maxQueuedBytes: 1_000 });
  writer.write(`data: ${"y".repeat(5_000)}\n\n`);
  assert.equal(writer.closed, false);
  writer.close();
  const { bytes, cut } = await drain(writer.readable);
  assert.equal(cut, false);
  assert.equal(bytes, 5_008);
});

test("a GET stream that is never read holds at most the default bound, then is cut", async () => {
  const { server, sessions } = capturingServer();
  const handler = createHttpHandler(server);
  const version = "2025-06-18";
  const id = await initialize(direct(handler), version);
  const response = await handler(getStream(id, version));
  assert.equal(response.status, 200);
  // 100 notifications of 100 KB (10 MB in all) while the client reads nothing.
  const text = "z".repeat(100_000);
  const session = sessions.at(-1)!;
  for (let i = 0; i < 100; i++) {
    session.sendStandalone({ jsonrpc: "2.0", method: "notifications/message", params: { text } });
  }
  // The store calls resolve on later ticks; a request in the session is answered after them.
  const ping = await handler(
    new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-session-id": id,
        "mcp-protocol-version": version,
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    }),
  );
  await ping.body?.cancel();
  // Before the bound existed the stream stayed open with all 10 MB queued.
  const { bytes, cut } = await within(drain(response.body!), 10_000, "the unread stream to be cut");
  assert.equal(cut, true, `the stream was not cut after ${bytes} bytes`);
  assert.ok(bytes <= 4 * 1024 * 1024 + 200_000, `${bytes} bytes were queued`);
  // The slot is free: a new GET stream is accepted, not refused as a second one.
  const again = await handler(getStream(id, version));
  assert.equal(again.status, 200);
  await again.body?.cancel();
});

test("maxQueuedBytes of the handler bounds its GET streams", async () => {
  const { server, sessions } = capturingServer();
  const handler = createHttpHandler(server, { maxQueuedBytes: 50_000 });
  const version = "2025-03-26";
  const id = await initialize(direct(handler), version);
  const response = await handler(getStream(id, version));
  const session = sessions.at(-1)!;
  const text = "w".repeat(10_000);
  for (let i = 0; i < 20; i++) {
    session.sendStandalone({ jsonrpc: "2.0", method: "notifications/message", params: { text } });
  }
  const { bytes, cut } = await within(drain(response.body!), 10_000, "the unread stream to be cut");
  assert.equal(cut, true);
  assert.ok(bytes <= 50_000, `${bytes} bytes were queued`);
});
