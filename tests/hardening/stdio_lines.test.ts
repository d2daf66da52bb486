/**
 * Line assembly of the newline-delimited stream transport (stdio): linear in
 * the line's length, and one error per oversized line.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Classified } from "../../protocol/jsonrpc.ts";
import { createStreamTransport } from "../../transports/stream.ts";
import { deferred, within } from "../async.ts";

const encoder = new TextEncoder();

/** Reads `chunks` through a stream transport; resolves with what reached the sink at EOF. */
async function feed(chunks: Iterable<Uint8Array>, maxLineBytes?: number): Promise<Classified[]> {
  const received: Classified[] = [];
  const closed = deferred();
  const iterator = chunks[Symbol.iterator]();
  const readable = new ReadableStream<Uint8Array>({
    pull(controller) {
      const next = iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
  }, { highWaterMark: 0 });
  const transport = createStreamTransport({ readable, write: () => Promise.resolve() }, {
    maxLineBytes,
  });
  transport.start({ message: (m) => received.push(m), close: () => closed.resolve() });
  await within(closed.promise, 60_000, "the transport to reach EOF");
  return received;
}

/** `count` chunks of `size` bytes of `x`, then `tail`. */
function* longLine(count: number, size: number, tail: string): Generator<Uint8Array> {
  const chunk = encoder.encode("x".repeat(size));
  for (let i = 0; i < count; i++) yield chunk;
  yield encoder.encode(tail);
}

const request = (id: number) => JSON.stringify({ jsonrpc: "2.0", id, method: "ping" });

test("an oversized line gets exactly one error, and the next line is read", async () => {
  // 10 000 bytes in 100-byte chunks against a 1 000-byte limit.
  const received = await feed(longLine(100, 100, `\n${request(7)}\n`), 1000);
  const invalid = received.filter((m) => m.kind === "invalid");
  assert.equal(invalid.length, 1, `errors: ${JSON.stringify(invalid)}`);
  const requests = received.filter((m) => m.kind === "request");
  assert.equal(requests.length, 1);
  assert.equal(requests[0].kind === "request" && requests[0].message.id, 7);
});

test("two oversized lines get two errors, one each", async () => {
  const chunks = [
    ...longLine(50, 100, "\n"),
    ...longLine(50, 100, `\n${request(1)}\n`),
  ];
  const received = await feed(chunks, 1000);
  assert.equal(received.filter((m) => m.kind === "invalid").length, 2);
  assert.equal(received.filter((m) => m.kind === "request").length, 1);
});

test("a 64 MiB oversized line gets one error, not one per limit's worth", async () => {
  // 64 MiB in 64 KiB chunks against a 1 MiB limit.
  const received = await feed(longLine(1024, 64 * 1024, `\n${request(2)}\n`), 1024 * 1024);
  assert.equal(received.filter((m) => m.kind === "invalid").length, 1);
  assert.equal(received.filter((m) => m.kind === "request").length, 1);
});

test("a 4 MiB line in 256-byte chunks is assembled in linear time", async () => {
  const body = "y".repeat(4 * 1024 * 1024);
  const line = encoder.encode(
    JSON.stringify({ jsonrpc: "2.0", id: 3, method: "ping", params: { body } }) + "\n",
  );
  const chunks = function* () {
    for (let at = 0; at < line.length; at += 256) yield line.subarray(at, at + 256);
  };
  const started = performance.now();
  const received = await feed(chunks());
  const elapsed = performance.now() - started;
  assert.equal(received.length, 1);
  const [message] = received;
  assert.equal(message.kind === "request" && message.message.id, 3);
  // Quadratic assembly rescans the whole buffer per chunk (16 384 chunks of a
  // growing 4 MiB string): tens of seconds; linear assembly takes well under one.
  assert.ok(elapsed < 5_000, `took ${Math.round(elapsed)} ms`);
});

test("a line split inside a multi-byte character is decoded whole", async () => {
  const text = JSON.stringify({ jsonrpc: "2.0", id: 4, method: "ping", params: { s: "é😀" } }) +
    "\n";
  const bytes = encoder.encode(text);
  const chunks = Array.from(bytes, (b) => Uint8Array.of(b));
  const received = await feed(chunks);
  assert.equal(received.length, 1);
  const [message] = received;
  assert.equal(message.kind === "request" && (message.message.params as { s: string }).s, "é😀");
});
