/**
 * The incremental RFC 6455 parser for frames a client sends: bytes go in with `push()` in chunks
 * cut anywhere, whole messages and control frames come out of `next()`. Every rule whose breach
 * must fail the connection is enforced here, and the breach comes out as an `error` event carrying
 * the close code to send. Pure: no runtime APIs.
 *
 * @example
 * ```ts
 * import { WebSocketFrameParser } from "./frame_parser.ts";
 * const parser = new WebSocketFrameParser();
 * // A masked text frame "Hi" (mask key 1 2 3 4), split across two chunks.
 * parser.push(new Uint8Array([0x81, 0x82, 1, 2]));
 * console.log(parser.next()); // undefined: the frame is not complete
 * parser.push(new Uint8Array([3, 4, 0x48 ^ 1, 0x69 ^ 2]));
 * console.log(parser.next()); // { kind: "text", data: "Hi" }
 * ```
 *
 * @module
 */
import {
  isValidCloseCode,
  MAX_CONTROL_PAYLOAD,
  WebSocketCloseCode,
  WebSocketOpcode,
} from "./frame.ts";

/**
 * What the parser yields: a whole message (`text`, `binary`), a control frame (`ping`, `pong`,
 * `close`, whose `code` is 1005 when the frame had none), or `error`: the client broke the
 * protocol and the connection must be failed with `code` (1002, 1007 or 1009). After `close` or
 * `error` the parser yields nothing more.
 */
export type WebSocketFrameEvent =
  | { readonly kind: "text"; readonly data: string }
  | { readonly kind: "binary"; readonly data: Uint8Array }
  | { readonly kind: "ping"; readonly data: Uint8Array }
  | { readonly kind: "pong"; readonly data: Uint8Array }
  | { readonly kind: "close"; readonly code: number; readonly reason: string }
  | { readonly kind: "error"; readonly code: number; readonly reason: string };

/** Limits for {@link WebSocketFrameParser}. */
export interface WebSocketFrameParserOptions {
  /**
   * The largest message, in payload bytes summed over its fragments. A frame whose declared length
   * would pass it fails the connection with 1009 as soon as its header arrives, before its payload
   * is buffered. Default 4 MiB.
   */
  maxMessageSize?: number;
}

/** The default {@link WebSocketFrameParserOptions.maxMessageSize}: 4 MiB. */
export const DEFAULT_MAX_MESSAGE_SIZE = 4 * 1024 * 1024;

const EMPTY = new Uint8Array(0);
const NO_MESSAGE = -1;

function protocolError(code: number, reason: string): WebSocketFrameEvent {
  return { kind: "error", code, reason };
}

/** XORs `payload` in place with the 4-byte masking key (RFC 6455 §5.3). */
function unmask(payload: Uint8Array, mask: Uint8Array): void {
  const m0 = mask[0], m1 = mask[1], m2 = mask[2], m3 = mask[3];
  const whole = payload.length & ~3;
  let i = 0;
  for (; i < whole; i += 4) {
    payload[i] ^= m0;
    payload[i + 1] ^= m1;
    payload[i + 2] ^= m2;
    payload[i + 3] ^= m3;
  }
  for (; i < payload.length; i++) payload[i] ^= mask[i & 3];
}

/**
 * Parses client-to-server frames incrementally. No extension is ever negotiated, so every RSV bit
 * must be 0. The parser takes ownership of the chunks pushed into it: payloads are unmasked in
 * place, and a `binary`, `ping` or `pong` event's data may be a view into a pushed chunk.
 *
 * @example
 * ```ts
 * import { WebSocketFrameParser } from "./frame_parser.ts";
 * const parser = new WebSocketFrameParser({ maxMessageSize: 1024 });
 * parser.push(new Uint8Array([0x81, 0x00])); // an unmasked frame
 * console.log(parser.next()); // { kind: "error", code: 1002, reason: "Client frames must be masked" }
 * ```
 */
export class WebSocketFrameParser {
  readonly #maxMessageSize: number;
  readonly #decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
  readonly #chunks: Uint8Array[] = [];
  #offset = 0; // into #chunks[0]
  #buffered = 0;
  #finished = false;

  // The frame whose header has been read and whose payload is awaited.
  #haveHeader = false;
  #fin = false;
  #opcode = 0;
  #payloadLength = 0;
  readonly #mask = new Uint8Array(4);

  // The fragmented message in progress: its opcode and the payload so far.
  #messageOpcode = NO_MESSAGE;
  #message: Uint8Array = EMPTY;
  #messageBytes = 0;

  /** Creates a parser; throws `RangeError` for a limit that is not a positive integer. */
  constructor(options: WebSocketFrameParserOptions = {}) {
    const max = options.maxMessageSize ?? DEFAULT_MAX_MESSAGE_SIZE;
    if (!Number.isSafeInteger(max) || max <= 0) {
      throw new RangeError(`maxMessageSize must be a positive integer, not ${max}`);
    }
    this.#maxMessageSize = max;
  }

  /** Bytes pushed and not yet consumed by `next()`. */
  get bufferedBytes(): number {
    return this.#buffered;
  }

  /** Whether a `close` or `error` event has been yielded: further input is ignored. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Appends a chunk of the byte stream. */
  push(chunk: Uint8Array): void {
    if (this.#finished || chunk.length === 0) return;
    this.#chunks.push(chunk);
    this.#buffered += chunk.length;
  }

  /** The next complete event, or `undefined` until more bytes arrive. */
  next(): WebSocketFrameEvent | undefined {
    while (!this.#finished) {
      if (!this.#haveHeader) {
        const header = this.#readHeader();
        if (header === false) return undefined;
        if (header !== true) return this.#fail(header);
      }
      if (this.#buffered < this.#payloadLength) return undefined;
      const payload = this.#consume(this.#payloadLength);
      this.#haveHeader = false;
      unmask(payload, this.#mask);
      const event = this.#frame(payload);
      if (event !== undefined) {
        if (event.kind === "error") return this.#fail(event);
        if (event.kind === "close") this.#release();
        return event;
      }
    }
    return undefined;
  }

  #fail(event: WebSocketFrameEvent): WebSocketFrameEvent {
    this.#release();
    return event;
  }

  #release(): void {
    this.#finished = true;
    this.#chunks.length = 0;
    this.#buffered = 0;
    this.#message = EMPTY;
  }

  /** The byte at `index` past the read position; the caller knows it is buffered. */
  #byteAt(index: number): number {
    let position = this.#offset + index;
    for (const chunk of this.#chunks) {
      if (position < chunk.length) return chunk[position];
      position -= chunk.length;
    }
    return 0;
  }

  /** Removes `length` buffered bytes: a view when they lie in one chunk, else a copy. */
  #consume(length: number): Uint8Array {
    if (length === 0) return EMPTY;
    this.#buffered -= length;
    const first = this.#chunks[0];
    const available = first.length - this.#offset;
    if (available > length) {
      const view = first.subarray(this.#offset, this.#offset + length);
      this.#offset += length;
      return view;
    }
    if (available === length) {
      const view = this.#offset === 0 ? first : first.subarray(this.#offset);
      this.#chunks.shift();
      this.#offset = 0;
      return view;
    }
    const out = new Uint8Array(length);
    let filled = 0;
    while (filled < length) {
      const chunk = this.#chunks[0];
      const take = Math.min(chunk.length - this.#offset, length - filled);
      out.set(chunk.subarray(this.#offset, this.#offset + take), filled);
      filled += take;
      this.#offset += take;
      if (this.#offset === chunk.length) {
        this.#chunks.shift();
        this.#offset = 0;
      }
    }
    return out;
  }

  /**
   * Reads a frame header: `true` once read, `false` while incomplete, or the error it proves.
   * The first two bytes are checked as soon as they arrive, so a bad frame fails at once.
   */
  #readHeader(): boolean | WebSocketFrameEvent {
    if (this.#buffered < 2) return false;
    const b0 = this.#byteAt(0);
    const b1 = this.#byteAt(1);
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    const lengthCode = b1 & 0x7f;
    const error = this.#checkStart(b0, fin, opcode, b1, lengthCode);
    if (error !== undefined) return error;
    const size = 6 + (lengthCode === 126 ? 2 : lengthCode === 127 ? 8 : 0);
    if (this.#buffered < size) return false;
    const header = this.#consume(size);
    let length = lengthCode;
    if (lengthCode === 126) {
      length = (header[2] << 8) | header[3];
    } else if (lengthCode === 127) {
      if (header[2] & 0x80) {
        return protocolError(WebSocketCloseCode.protocolError, "Frame length over 2^63");
      }
      const high = ((header[2] << 24) | (header[3] << 16) | (header[4] << 8) | header[5]) >>> 0;
      const low = ((header[6] << 24) | (header[7] << 16) | (header[8] << 8) | header[9]) >>> 0;
      length = high * 0x1_0000_0000 + low; // beyond 2^53 it is inexact, and far over any limit
    }
    this.#mask.set(header.subarray(size - 4, size));
    if (opcode < WebSocketOpcode.close) {
      const total = (opcode === WebSocketOpcode.continuation ? this.#messageBytes : 0) + length;
      if (total > this.#maxMessageSize) {
        return protocolError(
          WebSocketCloseCode.messageTooBig,
          `Message over the ${this.#maxMessageSize}-byte limit`,
        );
      }
    }
    this.#haveHeader = true;
    this.#fin = fin;
    this.#opcode = opcode;
    this.#payloadLength = length;
    return true;
  }

  /** The checks the first two header bytes settle on their own. */
  #checkStart(
    b0: number,
    fin: boolean,
    opcode: number,
    b1: number,
    lengthCode: number,
  ): WebSocketFrameEvent | undefined {
    const code = WebSocketCloseCode.protocolError;
    if (b0 & 0x70) return protocolError(code, "Reserved bits set without a negotiated extension");
    if ((b1 & 0x80) === 0) return protocolError(code, "Client frames must be masked");
    switch (opcode) {
      case WebSocketOpcode.continuation:
        if (this.#messageOpcode === NO_MESSAGE) {
          return protocolError(code, "Continuation frame without a message to continue");
        }
        return undefined;
      case WebSocketOpcode.text:
      case WebSocketOpcode.binary:
        if (this.#messageOpcode !== NO_MESSAGE) {
          return protocolError(code, "New message before the fragmented one ended");
        }
        return undefined;
      case WebSocketOpcode.close:
      case WebSocketOpcode.ping:
      case WebSocketOpcode.pong:
        if (!fin) return protocolError(code, "Fragmented control frame");
        if (lengthCode > MAX_CONTROL_PAYLOAD) {
          return protocolError(code, `Control frame longer than ${MAX_CONTROL_PAYLOAD} bytes`);
        }
        return undefined;
      default:
        return protocolError(code, `Reserved opcode 0x${opcode.toString(16)}`);
    }
  }

  /** Handles a frame with its payload unmasked: an event, or `undefined` for a mid fragment. */
  #frame(payload: Uint8Array): WebSocketFrameEvent | undefined {
    switch (this.#opcode) {
      case WebSocketOpcode.ping:
        return { kind: "ping", data: payload };
      case WebSocketOpcode.pong:
        return { kind: "pong", data: payload };
      case WebSocketOpcode.close:
        return this.#close(payload);
      case WebSocketOpcode.continuation:
        this.#append(payload);
        if (!this.#fin) return undefined;
        return this.#endMessage();
      default: // text or binary, the first frame of a message
        if (this.#fin) return this.#completeMessage(this.#opcode, payload);
        this.#messageOpcode = this.#opcode;
        this.#messageBytes = 0;
        this.#append(payload);
        return undefined;
    }
  }

  /** Fragments are gathered as bytes (a text message is decoded once, when whole). */
  #append(payload: Uint8Array): void {
    const needed = this.#messageBytes + payload.length;
    if (needed > this.#message.length) {
      const grown = Math.min(
        Math.max(needed, this.#message.length * 2, 1024),
        this.#maxMessageSize,
      );
      const buffer = new Uint8Array(grown);
      buffer.set(this.#message.subarray(0, this.#messageBytes));
      this.#message = buffer;
    }
    this.#message.set(payload, this.#messageBytes);
    this.#messageBytes = needed;
  }

  #endMessage(): WebSocketFrameEvent {
    const opcode = this.#messageOpcode;
    const data = this.#message.subarray(0, this.#messageBytes);
    this.#messageOpcode = NO_MESSAGE;
    this.#message = EMPTY;
    this.#messageBytes = 0;
    return this.#completeMessage(opcode, data);
  }

  #completeMessage(opcode: number, data: Uint8Array): WebSocketFrameEvent {
    if (opcode === WebSocketOpcode.binary) return { kind: "binary", data };
    const text = this.#decode(data);
    if (text === undefined) {
      return protocolError(WebSocketCloseCode.invalidPayload, "Text message is not valid UTF-8");
    }
    return { kind: "text", data: text };
  }

  #close(payload: Uint8Array): WebSocketFrameEvent {
    if (payload.length === 0) {
      return { kind: "close", code: WebSocketCloseCode.noStatus, reason: "" };
    }
    const protocol = WebSocketCloseCode.protocolError;
    if (payload.length === 1) return protocolError(protocol, "Close frame with a 1-byte payload");
    const code = (payload[0] << 8) | payload[1];
    if (!isValidCloseCode(code)) return protocolError(protocol, `Invalid close code ${code}`);
    const reason = this.#decode(payload.subarray(2));
    if (reason === undefined) {
      return protocolError(WebSocketCloseCode.invalidPayload, "Close reason is not valid UTF-8");
    }
    return { kind: "close", code, reason };
  }

  #decode(bytes: Uint8Array): string | undefined {
    try {
      return this.#decoder.decode(bytes);
    } catch {
      return undefined;
    }
  }
}
