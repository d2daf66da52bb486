/**
 * The stream transport's writes: one at a time, and the lines sent while one
 * is under way leave together in the next, in order.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createStreamTransport } from "../../transports/stream.ts";

interface PendingWrite {
  text: string;
  finish(error?: Error): void;
}

/** A channel whose writes settle only when the test says so. */
function heldChannel(): { writes: PendingWrite[]; write(bytes: Uint8Array): Promise<void> } {
  const writes: PendingWrite[] = [];
  const decoder = new TextDecoder();
  return {
    writes,
    write(bytes) {
      return new Promise<void>((resolve, reject) => {
        writes.push({
          text: decoder.decode(bytes),
          finish: (error) => (error ? reject(error) : resolve()),
        });
      });
    },
  };
}

const idle = () => new ReadableStream<Uint8Array>();
const message = (id: number) => ({ jsonrpc: "2.0" as const, id, result: {} });
const line = (id: number) => JSON.stringify(message(id)) + "\n";

describe("stream transport writes", () => {
  test("lines sent during a write leave together in the next one, in order", async () => {
    const channel = heldChannel();
    const transport = createStreamTransport({ readable: idle(), write: channel.write });
    const settled: number[] = [];
    const sends = [1, 2, 3, 4].map((id) =>
      transport.send(message(id)).then(() => settled.push(id))
    );
    assert.equal(channel.writes.length, 1);
    assert.equal(channel.writes[0].text, line(1));
    channel.writes[0].finish();
    await sends[0];
    await Promise.resolve();
    assert.equal(channel.writes.length, 2);
    assert.equal(channel.writes[1].text, line(2) + line(3) + line(4));
    assert.deepEqual(settled, [1]);
    channel.writes[1].finish();
    await Promise.all(sends);
    assert.deepEqual(settled, [1, 2, 3, 4]);
    // Idle again: the next line is written at once.
    const last = transport.send(message(5));
    assert.equal(channel.writes.length, 3);
    channel.writes[2].finish();
    await last;
  });

  test("a failed write fails the lines waiting behind it and every later one", async () => {
    const channel = heldChannel();
    const transport = createStreamTransport({ readable: idle(), write: channel.write });
    const first = transport.send(message(1));
    const second = transport.send(message(2));
    const broken = new Error("EPIPE");
    channel.writes[0].finish(broken);
    await assert.rejects(first, broken);
    await assert.rejects(second, broken);
    await assert.rejects(transport.send(message(3)), broken);
    assert.equal(channel.writes.length, 1);
  });

  test("a channel that throws instead of rejecting fails the send", async () => {
    const transport = createStreamTransport({
      readable: idle(),
      write: () => {
        throw new Error("closed");
      },
    });
    await assert.rejects(transport.send(message(1)), /closed/);
  });
});
