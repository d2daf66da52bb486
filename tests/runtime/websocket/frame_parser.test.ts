import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  DEFAULT_MAX_MESSAGE_SIZE,
  type WebSocketFrameEvent,
  WebSocketFrameParser,
} from "../../../runtime/websocket/frame_parser.ts";
import { clientFrame, closePayload, encoder } from "./helpers.ts";

const TEXT = 0x1;
const BINARY = 0x2;
const CONTINUATION = 0x0;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

function concat(parts: Uint8Array[]): Uint8Array {
  const total = parts.reduce((sum, part) => sum + part.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Feeds `bytes` in chunks cut at `cuts` (a fresh copy each time: the parser unmasks in place). */
function parse(
  bytes: Uint8Array,
  cuts: number[] = [],
  options?: { maxMessageSize?: number },
): WebSocketFrameEvent[] {
  const parser = new WebSocketFrameParser(options);
  const events: WebSocketFrameEvent[] = [];
  let start = 0;
  for (const end of [...cuts, bytes.length]) {
    parser.push(bytes.slice(start, end));
    start = end;
    for (let event = parser.next(); event !== undefined; event = parser.next()) events.push(event);
  }
  return events;
}

function only(bytes: Uint8Array, options?: { maxMessageSize?: number }): WebSocketFrameEvent {
  const events = parse(bytes, [], options);
  assert.equal(events.length, 1, `one event expected, got ${JSON.stringify(events)}`);
  return events[0];
}

function assertError(event: WebSocketFrameEvent, code: number, reason: RegExp): void {
  assert.equal(event.kind, "error");
  if (event.kind !== "error") return;
  assert.equal(event.code, code);
  assert.match(event.reason, reason);
}

describe("WebSocketFrameParser: messages", () => {
  test("a masked text frame", () => {
    assert.deepEqual(only(clientFrame(TEXT, "héllo ✓")), { kind: "text", data: "héllo ✓" });
  });

  test("a leading byte order mark is data, not stripped", () => {
    assert.deepEqual(only(clientFrame(TEXT, "\uFEFFx")), { kind: "text", data: "\uFEFFx" });
  });

  test("an empty text and an empty binary message", () => {
    assert.deepEqual(only(clientFrame(TEXT, "")), { kind: "text", data: "" });
    const event = only(clientFrame(BINARY, new Uint8Array()));
    assert.equal(event.kind, "binary");
    if (event.kind === "binary") assert.equal(event.data.length, 0);
  });

  test("7-bit, 16-bit and 64-bit lengths", () => {
    for (const length of [0, 1, 125, 126, 127, 0xffff, 0x10000, 200_000]) {
      const payload = new Uint8Array(length).map((_, i) => i * 7);
      const event = only(clientFrame(BINARY, payload));
      assert.equal(event.kind, "binary");
      if (event.kind === "binary") assert.deepEqual(event.data, payload, `length ${length}`);
    }
  });

  test("a short length in a longer encoding is accepted", () => {
    const event = only(clientFrame(TEXT, "ab", { lengthBits: 64 }));
    assert.deepEqual(event, { kind: "text", data: "ab" });
    assert.deepEqual(only(clientFrame(TEXT, "cd", { lengthBits: 16 })), {
      kind: "text",
      data: "cd",
    });
  });

  test("a fragmented text message with a ping between the fragments", () => {
    const bytes = concat([
      clientFrame(TEXT, "Hel", { fin: false }),
      clientFrame(PING, "are you there"),
      clientFrame(CONTINUATION, "lo, ", { fin: false }),
      clientFrame(CONTINUATION, new Uint8Array(), { fin: false }),
      clientFrame(CONTINUATION, "wörld"),
    ]);
    const events = parse(bytes);
    assert.equal(events.length, 2);
    assert.equal(events[0].kind, "ping");
    if (events[0].kind === "ping") {
      assert.equal(new TextDecoder().decode(events[0].data), "are you there");
    }
    assert.deepEqual(events[1], { kind: "text", data: "Hello, wörld" });
  });

  test("a character split across fragments is decoded whole", () => {
    const bytes = encoder.encode("€"); // e2 82 ac
    const events = parse(concat([
      clientFrame(TEXT, bytes.subarray(0, 1), { fin: false }),
      clientFrame(CONTINUATION, bytes.subarray(1, 2), { fin: false }),
      clientFrame(CONTINUATION, bytes.subarray(2)),
    ]));
    assert.deepEqual(events, [{ kind: "text", data: "€" }]);
  });

  test("a fragmented binary message of many fragments", () => {
    const parts: Uint8Array[] = [];
    const expected: number[] = [];
    for (let i = 0; i < 300; i++) {
      const piece = new Uint8Array(i % 17).fill(i & 0xff);
      expected.push(...piece);
      parts.push(clientFrame(i === 0 ? BINARY : CONTINUATION, piece, { fin: i === 299 }));
    }
    const events = parse(concat(parts));
    assert.equal(events.length, 1);
    assert.equal(events[0].kind, "binary");
    if (events[0].kind === "binary") assert.deepEqual([...events[0].data], expected);
  });

  test("pong and close events", () => {
    const events = parse(concat([
      clientFrame(PONG, "p"),
      clientFrame(CLOSE, closePayload(4001, "done ✓")),
    ]));
    assert.equal(events[0].kind, "pong");
    assert.deepEqual(events[1], { kind: "close", code: 4001, reason: "done ✓" });
  });

  test("a close frame without a body reports 1005", () => {
    assert.deepEqual(only(clientFrame(CLOSE, new Uint8Array())), {
      kind: "close",
      code: 1005,
      reason: "",
    });
  });

  test("nothing is yielded after a close frame", () => {
    const parser = new WebSocketFrameParser();
    parser.push(concat([clientFrame(CLOSE, closePayload(1000)), clientFrame(TEXT, "late")]));
    assert.equal(parser.next()?.kind, "close");
    assert.equal(parser.next(), undefined);
    parser.push(clientFrame(TEXT, "later"));
    assert.equal(parser.next(), undefined);
    assert.equal(parser.finished, true);
    assert.equal(parser.bufferedBytes, 0);
  });
});

describe("WebSocketFrameParser: chunk boundaries", () => {
  const stream = concat([
    clientFrame(TEXT, "first"),
    clientFrame(BINARY, new Uint8Array(300).fill(9), { fin: false }),
    clientFrame(PING, "x"),
    clientFrame(CONTINUATION, new Uint8Array(2).fill(8)),
    clientFrame(TEXT, "é€😀"),
    clientFrame(CLOSE, closePayload(1000, "bye")),
  ]);
  const expected = parse(stream);

  test("the reference parse of the stream", () => {
    assert.deepEqual(expected.map((event) => event.kind), [
      "text",
      "ping",
      "binary",
      "text",
      "close",
    ]);
    assert.deepEqual(expected[3], { kind: "text", data: "é€😀" });
  });

  test("one byte at a time gives the same events", () => {
    const cuts = Array.from({ length: stream.length - 1 }, (_, i) => i + 1);
    assert.deepEqual(parse(stream, cuts), expected);
  });

  test("every single cut point gives the same events", () => {
    for (let cut = 1; cut < stream.length; cut++) {
      assert.deepEqual(parse(stream, [cut]), expected, `cut at ${cut}`);
    }
  });

  test("every pair of cuts around the 16-bit header gives the same events", () => {
    for (let a = 1; a < 20; a++) {
      for (let b = a + 1; b < 40; b++) {
        assert.deepEqual(parse(stream, [a, b]), expected, `${a},${b}`);
      }
    }
  });

  test("a 64-bit-length frame arriving in 1000-byte chunks", () => {
    const payload = new Uint8Array(100_000).map((_, i) => i % 251);
    const frame = clientFrame(BINARY, payload);
    const cuts = [];
    for (let i = 1000; i < frame.length; i += 1000) cuts.push(i);
    const events = parse(frame, cuts);
    assert.equal(events.length, 1);
    if (events[0].kind === "binary") assert.deepEqual(events[0].data, payload);
    else assert.fail(events[0].kind);
  });
});

describe("WebSocketFrameParser: protocol errors", () => {
  test("an unmasked client frame fails with 1002", () => {
    assertError(only(clientFrame(TEXT, "hi", { mask: false })), 1002, /must be masked/);
  });

  test("the error comes from the first two bytes alone", () => {
    const parser = new WebSocketFrameParser();
    parser.push(new Uint8Array([0x81, 0x7e])); // unmasked, a 16-bit length still to come
    assertError(parser.next()!, 1002, /must be masked/);
  });

  test("RSV bits without an extension fail with 1002", () => {
    for (const rsv of [1, 2, 4, 7]) {
      assertError(only(clientFrame(TEXT, "x", { rsv })), 1002, /Reserved bits/);
    }
  });

  test("reserved opcodes fail with 1002", () => {
    for (const opcode of [3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) {
      assertError(only(clientFrame(opcode, "x")), 1002, /Reserved opcode/);
    }
  });

  test("a fragmented control frame fails with 1002", () => {
    assertError(only(clientFrame(PING, "x", { fin: false })), 1002, /Fragmented control/);
  });

  test("a control frame over 125 bytes fails with 1002", () => {
    assertError(only(clientFrame(PING, new Uint8Array(126))), 1002, /longer than 125/);
    assertError(only(clientFrame(CLOSE, new Uint8Array(126))), 1002, /longer than 125/);
    assert.equal(only(clientFrame(PING, new Uint8Array(125))).kind, "ping");
  });

  test("a continuation without a message fails with 1002", () => {
    assertError(only(clientFrame(CONTINUATION, "x")), 1002, /Continuation frame without/);
  });

  test("a new message inside a fragmented one fails with 1002", () => {
    const bytes = concat([clientFrame(TEXT, "a", { fin: false }), clientFrame(BINARY, "b")]);
    assertError(only(bytes), 1002, /before the fragmented one ended/);
  });

  test("a 64-bit length with its top bit set fails with 1002", () => {
    const frame = clientFrame(BINARY, "", { lengthBits: 64 });
    frame[2] = 0x80;
    assertError(only(frame), 1002, /2\^63/);
  });

  test("a frame over the message limit fails with 1009 before its payload arrives", () => {
    const parser = new WebSocketFrameParser({ maxMessageSize: 1000 });
    const header = clientFrame(BINARY, new Uint8Array(1001)).subarray(0, 8);
    parser.push(header);
    assertError(parser.next()!, 1009, /1000-byte limit/);
    assert.equal(parser.bufferedBytes, 0);
  });

  test("a frame that declares 16 MiB fails with 1009 under the default limit", () => {
    assert.equal(DEFAULT_MAX_MESSAGE_SIZE, 4 * 1024 * 1024);
    const header = new Uint8Array([0x82, 0xff, 0, 0, 0, 0, 0x01, 0, 0, 0, 1, 2, 3, 4]);
    assertError(only(header), 1009, /limit/);
  });

  test("the limit counts all fragments of a message", () => {
    const ok = concat([
      clientFrame(TEXT, "a".repeat(600), { fin: false }),
      clientFrame(CONTINUATION, "b".repeat(400)),
    ]);
    assert.equal(only(ok, { maxMessageSize: 1000 }).kind, "text");
    const over = concat([
      clientFrame(TEXT, "a".repeat(600), { fin: false }),
      clientFrame(CONTINUATION, "b".repeat(401)),
    ]);
    assertError(only(over, { maxMessageSize: 1000 }), 1009, /limit/);
  });

  test("control frames between fragments do not count toward the limit", () => {
    const bytes = concat([
      clientFrame(TEXT, "a".repeat(900), { fin: false }),
      clientFrame(PING, "p".repeat(125)),
      clientFrame(CONTINUATION, "b".repeat(100)),
    ]);
    const events = parse(bytes, [], { maxMessageSize: 1000 });
    assert.deepEqual(events.map((event) => event.kind), ["ping", "text"]);
  });

  test("invalid UTF-8 in a text message fails with 1007", () => {
    for (
      const bad of [[0xff], [0xc0, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [
        0xe2,
        0x82,
      ]]
    ) {
      assertError(only(clientFrame(TEXT, new Uint8Array(bad))), 1007, /not valid UTF-8/);
    }
  });

  test("a character cut off at the end of a fragmented message fails with 1007", () => {
    const bytes = concat([
      clientFrame(TEXT, "ok", { fin: false }),
      clientFrame(CONTINUATION, new Uint8Array([0xe2, 0x82])),
    ]);
    assertError(only(bytes), 1007, /UTF-8/);
  });

  test("invalid UTF-8 in a binary message is fine", () => {
    assert.equal(only(clientFrame(BINARY, new Uint8Array([0xff, 0xfe]))).kind, "binary");
  });

  test("close frames: a 1-byte body, invalid codes, an invalid reason", () => {
    assertError(only(clientFrame(CLOSE, new Uint8Array([3]))), 1002, /1-byte/);
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2000, 2999, 5000, 65535]) {
      assertError(only(clientFrame(CLOSE, closePayload(code))), 1002, /Invalid close code/);
    }
    for (
      const code of [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1014, 3000, 4999]
    ) {
      assert.deepEqual(only(clientFrame(CLOSE, closePayload(code))), {
        kind: "close",
        code,
        reason: "",
      });
    }
    const badReason = clientFrame(CLOSE, closePayload(1000, new Uint8Array([0xff])));
    assertError(only(badReason), 1007, /reason is not valid UTF-8/);
  });

  test("nothing is yielded after an error, whatever follows", () => {
    const parser = new WebSocketFrameParser();
    parser.push(concat([clientFrame(TEXT, "x", { mask: false }), clientFrame(TEXT, "valid")]));
    assert.equal(parser.next()?.kind, "error");
    assert.equal(parser.next(), undefined);
    assert.equal(parser.finished, true);
  });

  test("the limit must be a positive integer", () => {
    assert.throws(() => new WebSocketFrameParser({ maxMessageSize: 0 }), RangeError);
    assert.throws(() => new WebSocketFrameParser({ maxMessageSize: 1.5 }), RangeError);
  });
});
