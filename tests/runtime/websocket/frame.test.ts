import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  encodeCloseFrame,
  encodeFrame,
  encodeTextFrame,
  isValidCloseCode,
  MAX_CLOSE_REASON_BYTES,
  truncateCloseReason,
  WebSocketCloseCode,
  WebSocketOpcode,
} from "../../../runtime/websocket/frame.ts";
import { decoder, encoder } from "./helpers.ts";

/** Reads back an unmasked server frame: fin, opcode, payload. */
function readFrame(frame: Uint8Array): { fin: boolean; opcode: number; payload: Uint8Array } {
  assert.equal(frame[1] & 0x80, 0, "server frames are unmasked");
  assert.equal(frame[0] & 0x70, 0, "no RSV bits");
  let length = frame[1] & 0x7f;
  let offset = 2;
  if (length === 126) {
    length = (frame[2] << 8) | frame[3];
    offset = 4;
    assert.ok(length > 125, "the shortest length encoding");
  } else if (length === 127) {
    length = Number(new DataView(frame.buffer, frame.byteOffset + 2, 8).getBigUint64(0));
    offset = 10;
    assert.ok(length > 0xffff, "the shortest length encoding");
  }
  assert.equal(frame.length, offset + length, "the frame is exactly header and payload");
  return { fin: (frame[0] & 0x80) !== 0, opcode: frame[0] & 0x0f, payload: frame.subarray(offset) };
}

describe("frame encoders", () => {
  test("text frames of every length class", () => {
    for (
      const text of [
        "",
        "a",
        "é".repeat(62),
        "x".repeat(126),
        "€".repeat(20_000),
        "y".repeat(70_000),
      ]
    ) {
      const frame = readFrame(encodeTextFrame(text));
      assert.equal(frame.fin, true);
      assert.equal(frame.opcode, WebSocketOpcode.text);
      assert.equal(decoder.decode(frame.payload), text);
    }
  });

  test("text frames keep lone surrogates as U+FFFD (well-formed UTF-8 on the wire)", () => {
    const frame = readFrame(encodeTextFrame("a\uD800b"));
    assert.deepEqual([...frame.payload], [0x61, 0xef, 0xbf, 0xbd, 0x62]);
  });

  test("binary frames of 0, 125, 126, 65535, 65536 and 1 MiB bytes", () => {
    for (const length of [0, 125, 126, 65535, 65536, 1 << 20]) {
      const payload = new Uint8Array(length).map((_, i) => i % 256);
      const frame = readFrame(encodeFrame(WebSocketOpcode.binary, payload));
      assert.equal(frame.opcode, WebSocketOpcode.binary);
      assert.deepEqual(frame.payload, payload, `length ${length}`);
    }
  });

  test("a frame copies its payload", () => {
    const payload = new Uint8Array([1, 2, 3]);
    const frame = encodeFrame(WebSocketOpcode.binary, payload);
    payload[0] = 9;
    assert.equal(readFrame(frame).payload[0], 1);
  });

  test("fragments: fin clear on all but the last", () => {
    const first = readFrame(encodeFrame(WebSocketOpcode.text, encoder.encode("a"), false));
    assert.equal(first.fin, false);
    assert.equal(first.opcode, WebSocketOpcode.text);
    const last = readFrame(encodeFrame(WebSocketOpcode.continuation, encoder.encode("b")));
    assert.equal(last.fin, true);
    assert.equal(last.opcode, WebSocketOpcode.continuation);
  });

  test("control frames: at most 125 bytes, never fragmented", () => {
    assert.equal(
      readFrame(encodeFrame(WebSocketOpcode.ping, new Uint8Array(125))).payload.length,
      125,
    );
    assert.throws(() => encodeFrame(WebSocketOpcode.ping, new Uint8Array(126)), RangeError);
    assert.throws(() => encodeFrame(WebSocketOpcode.pong, new Uint8Array(0), false), RangeError);
  });

  test("close frames: no body without a code, 1000 implied by a reason", () => {
    assert.deepEqual([...encodeCloseFrame()], [0x88, 0x00]);
    const withReason = readFrame(encodeCloseFrame(undefined, "bye"));
    assert.deepEqual([...withReason.payload], [0x03, 0xe8, 0x62, 0x79, 0x65]);
    const coded = readFrame(encodeCloseFrame(4000, "ça va"));
    assert.equal(coded.opcode, WebSocketOpcode.close);
    assert.equal((coded.payload[0] << 8) | coded.payload[1], 4000);
    assert.equal(decoder.decode(coded.payload.subarray(2)), "ça va");
  });

  test("close frames: the reason is at most 123 bytes, the code must be sendable", () => {
    assert.equal(encodeCloseFrame(1000, "r".repeat(MAX_CLOSE_REASON_BYTES)).length, 2 + 125);
    assert.throws(() => encodeCloseFrame(1000, "r".repeat(124)), RangeError);
    assert.throws(() => encodeCloseFrame(1000, "é".repeat(62)), RangeError); // 124 bytes
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000, 1000.5]) {
      assert.throws(() => encodeCloseFrame(code), RangeError, `code ${code}`);
    }
  });

  test("isValidCloseCode follows the registry", () => {
    const valid = [
      1000,
      1001,
      1002,
      1003,
      1007,
      1008,
      1009,
      1010,
      1011,
      1012,
      1013,
      1014,
      3000,
      4999,
    ];
    for (const code of valid) assert.equal(isValidCloseCode(code), true, `${code}`);
    for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, -1, NaN]) {
      assert.equal(isValidCloseCode(code), false, `${code}`);
    }
    assert.equal(WebSocketCloseCode.messageTooBig, 1009);
  });

  test("truncateCloseReason cuts at a character boundary", () => {
    assert.equal(truncateCloseReason("short"), "short");
    const cut = truncateCloseReason("é".repeat(100));
    assert.equal(cut, "é".repeat(61));
    const emoji = truncateCloseReason("😀".repeat(40)); // 4 bytes each: 30 fit
    assert.equal(emoji, "😀".repeat(30));
    assert.ok(
      encoder.encode(truncateCloseReason("x".repeat(500))).length <= MAX_CLOSE_REASON_BYTES,
    );
  });
});
