/**
 * The RFC 6455 frame vocabulary and the server side of the codec: opcodes, close codes, and
 * encoders for the (unmasked) frames a server sends. Pure: `Uint8Array` in, `Uint8Array` out, no
 * runtime APIs, so it runs anywhere.
 *
 * @example
 * ```ts
 * import { encodeCloseFrame, encodeTextFrame, WebSocketCloseCode } from "./frame.ts";
 * const hello: Uint8Array = encodeTextFrame("hello"); // 0x81 0x05 h e l l o
 * const bye: Uint8Array = encodeCloseFrame(WebSocketCloseCode.normal, "done");
 * console.log(hello.length, bye.length); // 7 8
 * ```
 *
 * @module
 */

/** Frame opcodes (RFC 6455 §5.2). Every other value is reserved and fails the connection. */
export const WebSocketOpcode: {
  readonly continuation: 0x0;
  readonly text: 0x1;
  readonly binary: 0x2;
  readonly close: 0x8;
  readonly ping: 0x9;
  readonly pong: 0xa;
} = {
  continuation: 0x0,
  text: 0x1,
  binary: 0x2,
  close: 0x8,
  ping: 0x9,
  pong: 0xa,
};

/** One of the opcodes in {@link WebSocketOpcode}. */
export type WebSocketOpcodeValue = (typeof WebSocketOpcode)[keyof typeof WebSocketOpcode];

/**
 * The close codes this implementation sends or reports (RFC 6455 §7.4.1). `noStatus` (1005) and
 * `abnormal` (1006) are never sent on the wire: they only describe a close locally.
 */
export const WebSocketCloseCode: {
  readonly normal: 1000;
  readonly goingAway: 1001;
  readonly protocolError: 1002;
  readonly unsupportedData: 1003;
  readonly noStatus: 1005;
  readonly abnormal: 1006;
  readonly invalidPayload: 1007;
  readonly policyViolation: 1008;
  readonly messageTooBig: 1009;
  readonly internalError: 1011;
  readonly tryAgainLater: 1013;
} = {
  normal: 1000,
  goingAway: 1001,
  protocolError: 1002,
  unsupportedData: 1003,
  noStatus: 1005,
  abnormal: 1006,
  invalidPayload: 1007,
  policyViolation: 1008,
  messageTooBig: 1009,
  internalError: 1011,
  tryAgainLater: 1013,
};

/** The largest payload of a control frame (close, ping, pong): RFC 6455 §5.5. */
export const MAX_CONTROL_PAYLOAD = 125;

/** The largest close reason in UTF-8 bytes: a control payload less the 2-byte code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * Whether `code` may appear in a close frame on the wire: 1000–1003, 1007–1014 (the registered
 * codes that are not local-only) and 3000–4999 (libraries and applications). A peer's close frame
 * with any other code fails the connection with 1002.
 *
 * @example
 * ```ts
 * import { isValidCloseCode } from "./frame.ts";
 * console.log(isValidCloseCode(1000), isValidCloseCode(1005), isValidCloseCode(4000)); // true false true
 * ```
 */
export function isValidCloseCode(code: number): boolean {
  return Number.isInteger(code) &&
    ((code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
      (code >= 3000 && code <= 4999));
}

const encoder = new TextEncoder();

/** Header length for a payload of `length` bytes: 2, 4 (16-bit length) or 10 (64-bit length). */
function headerLength(length: number): number {
  return length <= 125 ? 2 : length <= 0xffff ? 4 : 10;
}

/** Writes an unmasked frame header for `length` payload bytes ending exactly at `end`. */
function writeHeader(
  frame: Uint8Array,
  end: number,
  opcode: number,
  fin: boolean,
  length: number,
): number {
  const start = end - headerLength(length);
  frame[start] = (fin ? 0x80 : 0) | opcode;
  if (length <= 125) {
    frame[start + 1] = length;
  } else if (length <= 0xffff) {
    frame[start + 1] = 126;
    frame[start + 2] = length >>> 8;
    frame[start + 3] = length & 0xff;
  } else {
    frame[start + 1] = 127;
    const high = Math.floor(length / 0x1_0000_0000);
    const low = length >>> 0;
    frame[start + 2] = 0;
    frame[start + 3] = 0;
    frame[start + 4] = high >>> 8;
    frame[start + 5] = high & 0xff;
    frame[start + 6] = low >>> 24;
    frame[start + 7] = (low >>> 16) & 0xff;
    frame[start + 8] = (low >>> 8) & 0xff;
    frame[start + 9] = low & 0xff;
  }
  return start;
}

/**
 * Encodes one unmasked frame (the form a server sends) carrying a copy of `payload`. Control
 * frames are checked: at most 125 bytes and never fragmented.
 *
 * @example
 * ```ts
 * import { encodeFrame, WebSocketOpcode } from "./frame.ts";
 * const first: Uint8Array = encodeFrame(WebSocketOpcode.binary, new Uint8Array([1, 2]), false);
 * const last: Uint8Array = encodeFrame(WebSocketOpcode.continuation, new Uint8Array([3]));
 * console.log(first[0].toString(16), last[0].toString(16)); // 2 80
 * ```
 */
export function encodeFrame(
  opcode: WebSocketOpcodeValue,
  payload: Uint8Array,
  fin: boolean = true,
): Uint8Array {
  if (opcode >= WebSocketOpcode.close) {
    if (payload.length > MAX_CONTROL_PAYLOAD) {
      throw new RangeError(
        `A control frame carries at most ${MAX_CONTROL_PAYLOAD} bytes, not ${payload.length}`,
      );
    }
    if (!fin) throw new RangeError("A control frame cannot be fragmented");
  }
  const header = headerLength(payload.length);
  const frame = new Uint8Array(header + payload.length);
  writeHeader(frame, header, opcode, fin, payload.length);
  frame.set(payload, header);
  return frame;
}

// Below this many UTF-16 units a text frame is encoded straight into a buffer sized for the
// worst case (3 bytes a unit), saving a copy; above it the waste would matter, so the text is
// encoded first and copied behind its header.
const DIRECT_ENCODE_UNITS = 16_384;

/**
 * Encodes `text` as one unmasked, final text frame.
 *
 * @example
 * ```ts
 * import { encodeTextFrame } from "./frame.ts";
 * const frame: Uint8Array = encodeTextFrame('{"jsonrpc":"2.0","method":"ping","id":1}');
 * console.log(frame[0] === 0x81, frame[1]); // true 40
 * ```
 */
export function encodeTextFrame(text: string): Uint8Array {
  if (text.length > DIRECT_ENCODE_UNITS) {
    return encodeFrame(WebSocketOpcode.text, encoder.encode(text));
  }
  // Encode at offset 4 (room for a 16-bit length header), then place the header just before.
  const buffer = new Uint8Array(4 + text.length * 3);
  const { written } = encoder.encodeInto(text, buffer.subarray(4));
  const start = writeHeader(buffer, 4, WebSocketOpcode.text, true, written);
  return buffer.subarray(start, 4 + written);
}

/**
 * Encodes a close frame. Without `code` the frame has no body (the peer sees 1005), as the web
 * `WebSocket.close()` does; a `reason` without a code implies 1000. Throws `RangeError` for a code
 * that may not be sent or a reason longer than 123 UTF-8 bytes.
 *
 * @example
 * ```ts
 * import { encodeCloseFrame } from "./frame.ts";
 * console.log(encodeCloseFrame().length, encodeCloseFrame(4000, "bye").length); // 2 7
 * ```
 */
export function encodeCloseFrame(code?: number, reason: string = ""): Uint8Array {
  if (code === undefined && reason === "") {
    return encodeFrame(WebSocketOpcode.close, new Uint8Array());
  }
  const status = code ?? WebSocketCloseCode.normal;
  if (!isValidCloseCode(status)) throw new RangeError(`${status} is not a close code one may send`);
  const reasonBytes = encoder.encode(reason);
  if (reasonBytes.length > MAX_CLOSE_REASON_BYTES) {
    throw new RangeError(
      `A close reason has at most ${MAX_CLOSE_REASON_BYTES} UTF-8 bytes, not ${reasonBytes.length}`,
    );
  }
  const payload = new Uint8Array(2 + reasonBytes.length);
  payload[0] = status >>> 8;
  payload[1] = status & 0xff;
  payload.set(reasonBytes, 2);
  return encodeFrame(WebSocketOpcode.close, payload);
}

/**
 * Cuts `reason` to at most 123 UTF-8 bytes without splitting a character, for close reasons built
 * from error messages.
 *
 * @example
 * ```ts
 * import { truncateCloseReason } from "./frame.ts";
 * console.log(new TextEncoder().encode(truncateCloseReason("é".repeat(100))).length); // 122
 * ```
 */
export function truncateCloseReason(reason: string): string {
  if (reason.length * 3 <= MAX_CLOSE_REASON_BYTES) return reason;
  const bytes = encoder.encode(reason);
  if (bytes.length <= MAX_CLOSE_REASON_BYTES) return reason;
  let end = MAX_CLOSE_REASON_BYTES;
  while (end > 0 && (bytes[end] & 0xc0) === 0x80) end--; // back off a continuation byte
  return new TextDecoder().decode(bytes.subarray(0, end));
}
