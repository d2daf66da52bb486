/**
 * Memory of the in-memory event store: bounded in bytes, and freed when a
 * legacy session ends (DELETE).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { JsonRpcNotification } from "../../protocol/jsonrpc.ts";
import { createMemoryEventStore } from "../../transports/http/event_store.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import {
  capturingServer,
  direct,
  ENDPOINT,
  getStream,
  initialize,
  sseReader,
} from "./sse_legacy_helpers.ts";

const big = (i: number): JsonRpcNotification => ({
  jsonrpc: "2.0",
  method: "notifications/message",
  params: { i, text: "x".repeat(100_000) },
});

/** The bytes of the events a store would replay after `lastEventId`. */
async function replayedBytes(
  store: ReturnType<typeof createMemoryEventStore>,
  lastEventId: string,
): Promise<{ bytes: number; count: number; stream: string | undefined }> {
  let bytes = 0;
  let count = 0;
  const stream = await store.replayAfter(lastEventId, (_id, message) => {
    bytes += JSON.stringify(message).length;
    count++;
  });
  return { bytes, count, stream };
}

test("1 000 events of 100 KB are kept within maxBytes, the newest first", async () => {
  const store = createMemoryEventStore({ maxBytes: 2_000_000 });
  const first = await store.append("s-a", null);
  for (let i = 0; i < 1000; i++) await store.append(i % 2 ? "s-a" : "s-b", big(i));
  const kept = await replayedBytes(store, first);
  assert.ok(kept.bytes <= 2_000_000, `${kept.bytes} bytes kept`);
  assert.ok(kept.count >= 5, `only ${kept.count} events kept`);
  assert.ok(store.bytes <= 2_000_000, `the store counts ${store.bytes} bytes`);
});

test("ending a session with DELETE frees its events", async () => {
  const store = createMemoryEventStore();
  const { server, sessions } = capturingServer();
  const handler = createHttpHandler(server, { legacy: { eventStore: store } });
  const version = "2025-06-18";
  const id = await initialize(direct(handler), version);
  const stream = sseReader((await handler(getStream(id, version))).body!);
  const session = sessions.at(-1)!;
  session.sendStandalone(big(0));
  const firstId = (await stream.next()).id!;
  await stream.cancel();
  for (let i = 1; i < 100; i++) session.sendStandalone(big(i));
  const before = await replayedBytes(store, firstId);
  assert.equal(before.count, 99);
  const deleted = await handler(
    new Request(ENDPOINT, {
      method: "DELETE",
      headers: { "mcp-session-id": id, "mcp-protocol-version": version },
    }),
  );
  assert.equal(deleted.status, 200);
  const after = await replayedBytes(store, firstId);
  assert.equal(after.stream, undefined, `${after.count} events (${after.bytes} bytes) still kept`);
});
