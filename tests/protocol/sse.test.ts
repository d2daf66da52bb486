import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  createSseDecoderStream,
  encodeSseComment,
  encodeSseEvent,
  parseSse,
  type SseEvent,
} from "../../protocol/sse.ts";

const encoder = new TextEncoder();

function streamOf(chunks: (string | Uint8Array)[]): ReadableStream<Uint8Array> {
  return new ReadableStream<Uint8Array>({
    start(controller): void {
      for (const chunk of chunks) {
        controller.enqueue(typeof chunk === "string" ? encoder.encode(chunk) : chunk);
      }
      controller.close();
    },
  });
}

async function collect(
  chunks: (string | Uint8Array)[],
): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  for await (const event of parseSse(streamOf(chunks))) events.push(event);
  return events;
}

describe("encodeSseEvent", () => {
  test("writes event, id, retry and data in that order with a closing blank line", () => {
    assert.equal(
      encodeSseEvent({ event: "message", id: "7", retry: 1000, data: "{}" }),
      "event: message\nid: 7\nretry: 1000\ndata: {}\n\n",
    );
  });

  test("splits data on LF, CRLF and CR into separate data lines", () => {
    assert.equal(
      encodeSseEvent({ data: "a\nb\r\nc\rd" }),
      "data: a\ndata: b\ndata: c\ndata: d\n\n",
    );
  });

  test("writes empty data as a bare data field", () => {
    assert.equal(encodeSseEvent({ data: "" }), "data:\n\n");
    assert.equal(encodeSseEvent({ data: "a\n" }), "data: a\ndata:\n\n");
  });

  test("rejects line breaks in event and id, NUL in id and bad retry values", () => {
    assert.throws(() => encodeSseEvent({ data: "", event: "a\nb" }), RangeError);
    assert.throws(() => encodeSseEvent({ data: "", id: "a\rb" }), RangeError);
    assert.throws(() => encodeSseEvent({ data: "", id: "a\0b" }), RangeError);
    assert.throws(() => encodeSseEvent({ data: "", retry: -1 }), RangeError);
    assert.throws(() => encodeSseEvent({ data: "", retry: 1.5 }), RangeError);
  });

  test("round-trips through the parser, including leading spaces and blank lines", async () => {
    const inputs = [" leading", "two\n\nblank", "", "\n", "tab\tand: colon", "ünïcødé 🎉"];
    const text = inputs.map((data, index) => encodeSseEvent({ data, id: String(index) })).join("");
    const events = await collect([text]);
    assert.deepEqual(
      events.map((event) => event.data),
      inputs.map((data) => data.replace(/\r\n|\r/g, "\n")),
    );
  });
});

describe("encodeSseComment", () => {
  test("defaults to a keep-alive comment that the parser ignores", async () => {
    assert.equal(encodeSseComment(), ": keep-alive\n\n");
    assert.deepEqual(await collect([encodeSseComment("x\ny") + "data: after\n\n"]), [
      { data: "after", event: "message" },
    ]);
  });
});

describe("parseSse", () => {
  test("dispatches an event only at a blank line", async () => {
    assert.deepEqual(await collect(["data: one\n\ndata: incomplete\n"]), [
      { data: "one", event: "message" },
    ]);
  });

  test("drops an unterminated final event at end of stream", async () => {
    assert.deepEqual(await collect(["data: x"]), []);
  });

  test("strips a single leading BOM only", async () => {
    assert.deepEqual(await collect(["\uFEFFdata: a\n\n"]), [{ data: "a", event: "message" }]);
    // A second BOM becomes part of the field name, which is then unknown and ignored.
    assert.deepEqual(await collect(["\uFEFF\uFEFFdata: a\n\n"]), []);
  });

  test("accepts CRLF, CR and LF line endings, also mixed", async () => {
    const expected = [{ data: "a\nb", event: "message" }];
    assert.deepEqual(await collect(["data: a\r\ndata: b\r\n\r\n"]), expected);
    assert.deepEqual(await collect(["data: a\rdata: b\r\r"]), expected);
    assert.deepEqual(await collect(["data: a\ndata: b\n\n"]), expected);
    assert.deepEqual(await collect(["data: a\rdata: b\r\n\n"]), expected);
  });

  test("treats a CRLF split across chunks as one line break", async () => {
    assert.deepEqual(await collect(["data: a\r", "\ndata: b\r", "\n\r", "\n"]), [
      { data: "a\nb", event: "message" },
    ]);
  });

  test("ignores comment lines", async () => {
    assert.deepEqual(await collect([":comment\ndata: a\n: another\n\n"]), [
      { data: "a", event: "message" },
    ]);
  });

  test("treats a line without a colon as a field with an empty value", async () => {
    assert.deepEqual(await collect(["data\ndata\n\n"]), [{ data: "\n", event: "message" }]);
    assert.deepEqual(await collect(["data\n\n"]), [{ data: "", event: "message" }]);
  });

  test("strips exactly one leading space from the value", async () => {
    assert.deepEqual(await collect(["data:  two\ndata:none\n\n"]), [
      { data: " two\nnone", event: "message" },
    ]);
  });

  test("keeps colons after the first one in the value", async () => {
    assert.deepEqual(await collect(['data: {"a":1}\n\n']), [{ data: '{"a":1}', event: "message" }]);
  });

  test("joins data lines with LF and removes one trailing LF", async () => {
    assert.deepEqual(await collect(["data: a\ndata:\ndata: b\n\n"]), [
      { data: "a\n\nb", event: "message" },
    ]);
  });

  test("does not dispatch a block without data, and resets the event type", async () => {
    assert.deepEqual(await collect(["event: ping\n\ndata: x\n\n"]), [
      { data: "x", event: "message" },
    ]);
  });

  test("uses the event field as the type and resets it after dispatch", async () => {
    assert.deepEqual(await collect(["event: custom\ndata: 1\n\ndata: 2\n\n"]), [
      { data: "1", event: "custom" },
      { data: "2", event: "message" },
    ]);
  });

  test("ignores unknown fields and field names that differ in case", async () => {
    assert.deepEqual(await collect(["foo: bar\nData: no\ndata: yes\n\n"]), [
      { data: "yes", event: "message" },
    ]);
  });

  test("carries the last event id across events until it changes", async () => {
    assert.deepEqual(await collect(["id: 1\ndata: a\n\ndata: b\n\nid\ndata: c\n\n"]), [
      { data: "a", event: "message", id: "1" },
      { data: "b", event: "message", id: "1" },
      { data: "c", event: "message" },
    ]);
  });

  test("updates the last event id from a block that dispatches nothing", async () => {
    const seen: string[] = [];
    const events: SseEvent[] = [];
    const stream = streamOf(["id: 5\n\ndata: a\n\n"]);
    for await (const event of parseSse(stream, { onLastEventId: (id) => seen.push(id) })) {
      events.push(event);
    }
    assert.deepEqual(seen, ["5"]);
    assert.deepEqual(events, [{ data: "a", event: "message", id: "5" }]);
  });

  test("ignores an id containing NUL", async () => {
    assert.deepEqual(await collect(["id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n"]), [
      { data: "a", event: "message", id: "1" },
      { data: "b", event: "message", id: "1" },
    ]);
  });

  test("accepts retry only when it is all ASCII digits", async () => {
    const retries: number[] = [];
    const stream = streamOf([
      "retry: 1500\ndata: a\n\nretry: 12a\nretry: -1\nretry: 1.5\nretry:\ndata: b\n\nretry: 20\n\n",
    ]);
    const events: SseEvent[] = [];
    for await (const event of parseSse(stream, { onRetry: (ms) => retries.push(ms) })) {
      events.push(event);
    }
    assert.deepEqual(events, [
      { data: "a", event: "message", retry: 1500 },
      { data: "b", event: "message", retry: 1500 },
    ]);
    assert.deepEqual(retries, [1500, 20]);
  });

  test("decodes multi-byte UTF-8 split across chunks", async () => {
    const bytes = encoder.encode("data: é🎉\n\n");
    const events = await collect([...bytes].map((byte) => new Uint8Array([byte])));
    assert.deepEqual(events, [{ data: "é🎉", event: "message" }]);
  });

  test("gives the same events for a chunk boundary at every position of a sample stream", async () => {
    const sample =
      "\uFEFF: hello\r\nevent: greet\r\nid: 42\r\ndata: héllo\r\ndata:  wörld 🎉\r\n\r\n" +
      "retry: 300\rdata\r\rid: x\0y\ndata: last\n\n";
    const bytes = encoder.encode(sample);
    const expected: SseEvent[] = [
      { data: "héllo\n wörld 🎉", event: "greet", id: "42" },
      { data: "", event: "message", id: "42", retry: 300 },
      { data: "last", event: "message", id: "42", retry: 300 },
    ];
    assert.deepEqual(await collect([bytes]), expected);
    for (let first = 0; first <= bytes.length; first++) {
      const twoChunks = await collect([bytes.slice(0, first), bytes.slice(first)]);
      assert.deepEqual(twoChunks, expected, `split at byte ${first}`);
    }
    for (let first = 0; first <= bytes.length; first += 7) {
      for (let second = first; second <= bytes.length; second += 5) {
        const threeChunks = await collect([
          bytes.slice(0, first),
          bytes.slice(first, second),
          bytes.slice(second),
        ]);
        assert.deepEqual(threeChunks, expected, `split at bytes ${first} and ${second}`);
      }
    }
  });

  test("delivers each event as soon as its blank line arrives", async () => {
    let push: ((text: string) => void) | undefined;
    const stream = new ReadableStream<Uint8Array>({
      start(controller): void {
        push = (text) => controller.enqueue(encoder.encode(text));
      },
    });
    const iterator = parseSse(stream)[Symbol.asyncIterator]();
    push?.("data: first\n");
    push?.("\n");
    assert.deepEqual((await iterator.next()).value, { data: "first", event: "message" });
    await iterator.return?.();
  });

  test("cancels the source stream when the consumer stops early", async () => {
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      start(controller): void {
        controller.enqueue(encoder.encode("data: a\n\ndata: b\n\n"));
      },
      cancel(): void {
        cancelled = true;
      },
    });
    for await (const _event of parseSse(stream)) break;
    assert.equal(cancelled, true);
  });

  test("is also usable as a TransformStream", async () => {
    const reader = streamOf(["data: t\n\n"]).pipeThrough(createSseDecoderStream()).getReader();
    assert.deepEqual((await reader.read()).value, { data: "t", event: "message" });
    assert.equal((await reader.read()).done, true);
  });
});
