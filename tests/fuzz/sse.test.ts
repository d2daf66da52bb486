/**
 * Fuzzing the client's SSE reader (protocol/sse.ts): encoded events come back exactly however the
 * bytes are chunked; arbitrary bytes never make the decoder throw, and what it dispatches agrees
 * with a whole-text reference of the WHATWG algorithm; the encoder refuses with RangeError only.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  createSseDecoderStream,
  encodeSseEvent,
  type SseEvent,
  type SseEventInit,
} from "../../protocol/sse.ts";
import {
  anyChar,
  array,
  bytes,
  check,
  chunked,
  type Gen,
  int,
  map,
  oneOf,
  pick,
  string,
  weighted,
  wellFormedChar,
} from "./generate.ts";

async function decode(chunks: Uint8Array[]): Promise<SseEvent[]> {
  const events: SseEvent[] = [];
  const stream = new ReadableStream<Uint8Array>({
    start(controller): void {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  }).pipeThrough(createSseDecoderStream());
  const reader = stream.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) return events;
    events.push(value);
  }
}

/** The WHATWG "event stream interpretation" on the whole text at once: the reference. */
function reference(text: string): SseEvent[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const lines = text.split(/\r\n|\r|\n/);
  lines.pop(); // an unterminated last line is never processed
  const events: SseEvent[] = [];
  let data = "", type = "", lastId = "";
  let retry: number | undefined;
  for (const line of lines) {
    if (line === "") {
      if (data !== "") {
        const event: SseEvent = { data: data.slice(0, -1), event: type || "message" };
        if (lastId !== "") event.id = lastId;
        if (retry !== undefined) event.retry = retry;
        events.push(event);
      }
      data = "";
      type = "";
      continue;
    }
    if (line.startsWith(":")) continue;
    const colon = line.indexOf(":");
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data += value + "\n";
    else if (field === "event") type = value;
    else if (field === "id" && !value.includes("\0")) lastId = value;
    else if (field === "retry" && /^[0-9]+$/.test(value)) retry = Number(value);
  }
  return events;
}

const noBreak = string(pick([..."abc :é😀\u0000\t"]), 0, 6);
const event: Gen<SseEventInit> = (random) => {
  const init: SseEventInit = {
    data: string(weighted([5, wellFormedChar], [1, pick(["\n", "\r", "\r\n"])]), 0, 20)(random),
  };
  if (random.next() < 0.5) init.event = noBreak(random);
  if (random.next() < 0.5) init.id = noBreak(random).replaceAll("\0", "");
  if (random.next() < 0.3) init.retry = int(0, 100000)(random);
  return init;
};

test("encode → decode round-trips however the bytes are chunked", async () => {
  const encoder = new TextEncoder();
  await check("sse round trip", (random) => {
    const events = array(event, 1, 5)(random);
    const text = events.map(encodeSseEvent).join(random.next() < 0.5 ? "" : ": keep-alive\n\n");
    return { events, chunks: chunked(encoder.encode(text))(random) };
  }, async ({ events, chunks }) => {
    const decoded = await decode(chunks);
    let lastId: string | undefined;
    let retry: number | undefined;
    const expected = events.map((init) => {
      if (init.id !== undefined) lastId = init.id === "" ? undefined : init.id;
      if (init.retry !== undefined) retry = init.retry;
      const out: SseEvent = {
        data: init.data.replace(/\r\n|\r/g, "\n"),
        event: init.event || "message",
      };
      if (lastId !== undefined) out.id = lastId;
      if (retry !== undefined) out.retry = retry;
      return out;
    });
    assert.deepEqual(decoded, expected);
  }, { runs: 400, seed: 21 });
});

const sseAlphabet: Gen<string> = weighted(
  [4, pick(["data", "event", "id", "retry", ":", " ", "\n", "\r", "\r\n", "\n\n", "x", "7"])],
  [1, anyChar],
);
const streamBytes: Gen<Uint8Array> = oneOf(
  bytes(0, 64),
  map(string(sseAlphabet, 0, 60), (text) => new TextEncoder().encode(text)),
  map(string(sseAlphabet, 0, 40), (text) => new TextEncoder().encode("\ufeff" + text)),
);

test("arbitrary bytes never throw and decode as the whole-text reference does", async () => {
  await check("sse bytes", (random) => {
    const data = streamBytes(random);
    return { data, chunks: chunked(data)(random) };
  }, async ({ data, chunks }) => {
    const decoded = await decode(chunks);
    const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(data);
    assert.deepEqual(decoded, reference(text));
  }, { runs: 600, seed: 22 });
});

test("the encoder refuses unencodable fields with RangeError and nothing else", async () => {
  const field = string(anyChar, 0, 6);
  await check("sse encoder", (random) => ({
    data: string(anyChar, 0, 10)(random),
    event: random.next() < 0.5 ? field(random) : undefined,
    id: random.next() < 0.5 ? field(random) : undefined,
    retry: random.next() < 0.3 ? pick([-1, 1.5, NaN, 2 ** 60, 5])(random) : undefined,
  }), (init) => {
    try {
      encodeSseEvent(init);
    } catch (error) {
      assert.ok(error instanceof RangeError, `threw ${error}`);
      assert.match(error.message, /^SSE /);
    }
  }, { runs: 2000, seed: 23 });
});
