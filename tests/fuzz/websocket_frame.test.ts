/**
 * Fuzzing the WebSocket frame parser (runtime/websocket/frame_parser.ts): arbitrary bytes in
 * arbitrary chunks never throw and end, if they end, in one close or error event with a code the
 * parser documents; frames from the encoders (frame.ts), masked as a client masks them, decode to
 * the messages encoded, fragmented or not, with control frames between fragments.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  encodeCloseFrame,
  encodeFrame,
  encodeTextFrame,
  truncateCloseReason,
  WebSocketOpcode,
  type WebSocketOpcodeValue,
} from "../../runtime/websocket/frame.ts";
import {
  type WebSocketFrameEvent,
  WebSocketFrameParser,
} from "../../runtime/websocket/frame_parser.ts";
import {
  array,
  bytes,
  check,
  chunked,
  type Gen,
  int,
  oneOf,
  pick,
  string,
  weighted,
  wellFormedChar,
} from "./generate.ts";

/** Turns a server (unmasked) frame into the client form: mask bit, key, XORed payload. */
function mask(frame: Uint8Array, key: Uint8Array): Uint8Array {
  const lengthByte = frame[1] & 0x7f;
  const header = lengthByte < 126 ? 2 : lengthByte === 126 ? 4 : 10;
  const out = new Uint8Array(frame.length + 4);
  out.set(frame.subarray(0, header));
  out[1] |= 0x80;
  out.set(key, header);
  for (let i = header; i < frame.length; i++) out[i + 4] = frame[i] ^ key[(i - header) & 3];
  return out;
}

function drain(parser: WebSocketFrameParser, chunks: Uint8Array[]): WebSocketFrameEvent[] {
  const events: WebSocketFrameEvent[] = [];
  for (const chunk of chunks) {
    parser.push(chunk);
    for (let event = parser.next(); event !== undefined; event = parser.next()) events.push(event);
  }
  return events;
}

const frameish: Gen<Uint8Array> = (random) => {
  const parts: number[] = [];
  for (let i = int(1, 4)(random); i > 0; i--) {
    parts.push(pick([0x81, 0x82, 0x01, 0x80, 0x89, 0x8a, 0x88, 0x8b, 0xc1, 0x09])(random));
    const length = pick([0, 1, 2, 5, 125, 126, 127])(random);
    parts.push((random.next() < 0.9 ? 0x80 : 0) | length);
    if (length === 126) parts.push(0, int(0, 255)(random));
    if (length === 127) {
      for (let b = 0; b < 8; b++) {
        parts.push(b < 2 ? int(0, 1)(random) * 0x80 : int(0, 255)(random));
      }
    }
    for (let b = int(0, 12)(random); b > 0; b--) parts.push(int(0, 255)(random));
  }
  return Uint8Array.from(parts);
};

test("arbitrary bytes never throw; a stream ends only in close or a documented error", async () => {
  await check("frame bytes", (random) => {
    const data = oneOf(bytes(0, 80), frameish)(random);
    return { chunks: chunked(data)(random), max: pick([undefined, 1, 16, 1000])(random) };
  }, ({ chunks, max }) => {
    const parser = new WebSocketFrameParser(max === undefined ? {} : { maxMessageSize: max });
    const events = drain(parser, chunks);
    events.forEach((event, index) => {
      assert.ok(["text", "binary", "ping", "pong", "close", "error"].includes(event.kind));
      if (event.kind === "close" || event.kind === "error") {
        assert.equal(index, events.length - 1, "nothing after close or error");
        assert.ok(parser.finished);
      }
      if (event.kind === "error") {
        assert.ok([1002, 1007, 1009].includes(event.code), `code ${event.code}`);
        assert.ok(event.reason.length > 0);
      }
      if (event.kind === "text") assert.equal(typeof event.data, "string");
    });
  }, { runs: 4000, seed: 61 });
});

type Message = { kind: "text"; data: string } | { kind: "binary"; data: Uint8Array };

test("encoded and masked frames decode to the messages, fragmented or not", async () => {
  const encoder = new TextEncoder();
  const message: Gen<Message> = oneOf<Message>(
    (r) => ({ kind: "text", data: string(wellFormedChar, 0, int(0, 1)(r) ? 20 : 300)(r) }),
    (r) => ({ kind: "binary", data: bytes(0, pick([10, 200, 70000])(r))(r) }),
  );
  await check("frame round trip", (random) => {
    const messages = array(message, 1, 4)(random);
    const frames: Uint8Array[] = [];
    const expected: WebSocketFrameEvent[] = [];
    for (const m of messages) {
      const payload = m.kind === "text" ? encoder.encode(m.data) : m.data;
      const opcode: WebSocketOpcodeValue = m.kind === "text"
        ? WebSocketOpcode.text
        : WebSocketOpcode.binary;
      if (m.kind === "text" && random.next() < 0.3) frames.push(encodeTextFrame(m.data));
      else {
        // Cut the payload into fragments; UTF-8 may be split mid-character, as the RFC allows.
        const cuts = array(int(0, payload.length), 0, 3)(random).sort((a, b) => a - b);
        const edges = [0, ...cuts, payload.length];
        for (let i = 0; i + 1 < edges.length; i++) {
          frames.push(
            encodeFrame(
              i === 0 ? opcode : WebSocketOpcode.continuation,
              payload.slice(edges[i], edges[i + 1]),
              i + 2 === edges.length,
            ),
          );
          if (i + 2 < edges.length && random.next() < 0.3) {
            const ping = bytes(0, 125)(random);
            frames.push(encodeFrame(WebSocketOpcode.ping, ping));
            expected.push({ kind: "ping", data: ping });
          }
        }
      }
      expected.push(m);
    }
    const code = pick([1000, 1001, 3000, 4999])(random);
    const reason = truncateCloseReason(string(wellFormedChar, 0, 60)(random));
    frames.push(encodeCloseFrame(code, reason));
    expected.push({ kind: "close", code, reason });
    const wire = frames.map((frame) => mask(frame, bytes(4, 4)(random)));
    const all = new Uint8Array(wire.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of wire) all.set(f, (at += f.length) - f.length);
    return { expected, chunks: chunked(all)(random) };
  }, ({ expected, chunks }) => {
    const events = drain(new WebSocketFrameParser(), chunks).map((e) =>
      "data" in e && e.data instanceof Uint8Array ? { ...e, data: Uint8Array.from(e.data) } : e
    );
    assert.deepEqual(
      events,
      expected.map((e) =>
        "data" in e && e.data instanceof Uint8Array ? { ...e, data: Uint8Array.from(e.data) } : e
      ),
    );
  }, { runs: 150, seed: 62 });
});

test("the encoders refuse bad frames with RangeError only", async () => {
  await check("frame encoder", (random) => ({
    opcode: pick<WebSocketOpcodeValue>([0, 1, 2, 8, 9, 10])(random),
    length: weighted([3, int(0, 130)], [1, int(0, 70000)])(random),
    fin: random.next() < 0.8,
    code: weighted([1, int(0, 5000)], [1, pick([1000, 1005, 1006, 1015, 2999, 3000, 4999, 5000])])(
      random,
    ),
    reason: string(wellFormedChar, 0, 130)(random),
  }), ({ opcode, length, fin, code, reason }) => {
    for (
      const attempt of [
        () => encodeFrame(opcode, new Uint8Array(length), fin),
        () => encodeCloseFrame(code, reason),
      ]
    ) {
      try {
        const frame = attempt();
        assert.ok(frame instanceof Uint8Array && frame.length >= 2);
      } catch (error) {
        assert.ok(error instanceof RangeError, `threw ${error}`);
      }
    }
  }, { runs: 1500, seed: 63 });
});
