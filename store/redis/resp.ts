/**
 * RESP, the Redis protocol, both versions: an encoder for commands and an incremental parser
 * for replies that takes bytes as they arrive, in chunks of any size, and hands out each
 * complete frame.
 *
 * A bulk string is decoded as UTF-8 text unless the reader asks for bytes. RESP3 types map to:
 * map → `Map`, set → array, double → number, big number → bigint, boolean → boolean, verbatim
 * string → its text, null → `null`, attributes are skipped. Integers are numbers, bigints beyond
 * 2^53. Error replies become {@linkcode RedisError} values.
 *
 * @module
 */
import { RedisError } from "./errors.ts";

/** One decoded reply, or an element of one. */
export type RespValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | Uint8Array
  | RedisError
  | RespValue[]
  | Map<RespValue, RespValue>;

/** A complete top-level frame: its value, and whether it was a RESP3 push (`>`) frame. */
export interface RespFrame {
  /** The decoded value. */
  value: RespValue;
  /** `true` for out-of-band push data (pub/sub messages, invalidations) rather than a reply. */
  push: boolean;
}

/** An argument of a command; numbers are sent as their decimal text. */
export type RedisArgument = string | number | bigint | Uint8Array;

const encoder = new TextEncoder();
// ignoreBOM: a value that starts with U+FEFF keeps it (the default strips it).
const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
const CR = 13;
const CRLF = encoder.encode("\r\n");

/**
 * Encodes a command as a RESP array of bulk strings, the form servers accept from clients.
 *
 * @example
 * ```ts
 * import { encodeCommand } from "./resp.ts";
 * const bytes = encodeCommand(["SET", "greeting", "hello"]);
 * console.log(new TextDecoder().decode(bytes)); // "*3\r\n$3\r\nSET\r\n$8\r\ngreeting\r\n$5\r\nhello\r\n"
 * ```
 */
export function encodeCommand(args: readonly RedisArgument[]): Uint8Array {
  const parts: Uint8Array[] = [encoder.encode(`*${args.length}\r\n`)];
  let size = parts[0].length;
  for (const arg of args) {
    const bytes = arg instanceof Uint8Array ? arg : encoder.encode(String(arg));
    const header = encoder.encode(`$${bytes.length}\r\n`);
    parts.push(header, bytes, CRLF);
    size += header.length + bytes.length + 2;
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** The parser failed: the bytes are not RESP. The connection cannot be trusted after this. */
export class RespProtocolError extends Error {
  /** Describes what was wrong. */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "RespProtocolError";
  }
}

const INCOMPLETE = -1;

/** Nesting of aggregates (arrays, sets, maps, pushes, attributes) a reply may have, by default. */
export const DEFAULT_MAX_RESP_DEPTH = 64;

/** Bytes one bulk string or one line may hold, by default: Redis's own bulk limit, 512 MiB. */
export const DEFAULT_MAX_RESP_BULK_BYTES = 512 * 1024 * 1024;

/** Limits of a {@linkcode RespParser}; a reply past one is a {@linkcode RespProtocolError}. */
export interface RespLimits {
  /** Aggregates nested in one another; default {@linkcode DEFAULT_MAX_RESP_DEPTH}. */
  maxDepth?: number;
  /** Bytes of one bulk string or line; default {@linkcode DEFAULT_MAX_RESP_BULK_BYTES}. */
  maxBulkBytes?: number;
}

/**
 * An incremental RESP2/RESP3 reply parser. Feed it chunks with {@linkcode RespParser.push} and
 * take frames with {@linkcode RespParser.read} until it returns `undefined` (more bytes needed).
 * A frame cut anywhere, a bulk string of many megabytes arriving in small chunks included, is
 * parsed once it is whole, without re-scanning what it already knows is too short.
 *
 * @example
 * ```ts
 * import { RespParser } from "./resp.ts";
 * const parser = new RespParser();
 * parser.push(new TextEncoder().encode("*2\r\n$5\r\nhel"));
 * console.log(parser.read()); // undefined
 * parser.push(new TextEncoder().encode("lo\r\n:42\r\n"));
 * console.log(parser.read()); // { value: ["hello", 42], push: false }
 * ```
 */
export class RespParser {
  readonly #maxDepth: number;
  readonly #maxBulkBytes: number;
  #buffer = new Uint8Array(16 * 1024);
  #start = 0;
  #end = 0;
  /** Bytes from `#start` that the current frame needs at least; no parse is tried before. */
  #need = 1;
  #bytes = false;
  #value: RespValue = null;
  /** Aggregates open around the value being parsed. */
  #depth = 0;

  /**
   * A parser that refuses replies nested deeper or with bulk strings (or lines) larger than
   * `limits` allow, rather than overflowing the stack or buffering without end.
   */
  constructor(limits: RespLimits = {}) {
    this.#maxDepth = limits.maxDepth ?? DEFAULT_MAX_RESP_DEPTH;
    this.#maxBulkBytes = limits.maxBulkBytes ?? DEFAULT_MAX_RESP_BULK_BYTES;
  }

  /** Bytes received and not yet consumed by a complete frame. */
  get buffered(): number {
    return this.#end - this.#start;
  }

  /** Adds received bytes. */
  push(chunk: Uint8Array): void {
    if (this.#end + chunk.length > this.#buffer.length) {
      const live = this.#end - this.#start;
      const size = Math.max(this.#buffer.length, live + chunk.length);
      const target = size > this.#buffer.length
        ? new Uint8Array(Math.max(size, this.#buffer.length * 2))
        : this.#buffer;
      target.set(this.#buffer.subarray(this.#start, this.#end), 0);
      this.#buffer = target;
      this.#start = 0;
      this.#end = live;
    }
    this.#buffer.set(chunk, this.#end);
    this.#end += chunk.length;
  }

  /**
   * The next complete frame, or `undefined` until more bytes arrive. With `bytes`, bulk strings
   * in this frame are `Uint8Array` copies instead of text. Throws {@linkcode RespProtocolError}
   * on bytes that are not RESP.
   */
  read(bytes = false): RespFrame | undefined {
    if (this.#end - this.#start < this.#need) return undefined;
    this.#bytes = bytes;
    const push = this.#buffer[this.#start] === 0x3e; // '>'
    this.#depth = 0;
    const next = this.#parse(this.#start);
    if (next === INCOMPLETE) return undefined;
    const value = this.#value;
    this.#value = null;
    this.#start = next;
    this.#need = 1;
    if (this.#start === this.#end) this.#start = this.#end = 0;
    // A big frame left a big buffer behind: let it go once it is empty.
    if (this.#end === 0 && this.#buffer.length > 1024 * 1024) {
      this.#buffer = new Uint8Array(16 * 1024);
    }
    return { value, push };
  }

  /** Marks the frame incomplete until the buffer holds `position` bytes from its start. */
  #incomplete(position: number): number {
    this.#need = Math.max(this.#need, position - this.#start);
    return INCOMPLETE;
  }

  /** The index of the CR ending the line that starts at `position`, or -1. */
  #lineEnd(position: number): number {
    const index = this.#buffer.subarray(0, this.#end).indexOf(CR, position);
    return index === -1 || index + 1 >= this.#end ? -1 : index;
  }

  #parse(position: number): number {
    if (position >= this.#end) return this.#incomplete(position + 1);
    const type = this.#buffer[position];
    const lineEnd = this.#lineEnd(position + 1);
    if (lineEnd === -1) {
      if (this.#end - position > this.#maxBulkBytes + 3) {
        throw new RespProtocolError(`RESP line longer than ${this.#maxBulkBytes} bytes`);
      }
      return this.#incomplete(this.#end + 1);
    }
    const line = decoder.decode(this.#buffer.subarray(position + 1, lineEnd));
    const after = lineEnd + 2;
    switch (type) {
      case 0x2b: // '+' simple string
        this.#value = line;
        return after;
      case 0x2d: // '-' simple error
        this.#value = new RedisError(line);
        return after;
      case 0x3a: // ':' integer
        this.#value = toInteger(line);
        return after;
      case 0x5f: // '_' null
        this.#value = null;
        return after;
      case 0x23: // '#' boolean
        this.#value = line === "t";
        return after;
      case 0x2c: // ',' double
        this.#value = toDouble(line);
        return after;
      case 0x28: // '(' big number
        this.#value = toBigInt(line);
        return after;
      case 0x24: // '$' bulk string
      case 0x21: // '!' bulk error
      case 0x3d: { // '=' verbatim string
        const length = toLength(line);
        if (length > this.#maxBulkBytes) {
          throw new RespProtocolError(
            `RESP bulk string of ${length} bytes, over the limit of ${this.#maxBulkBytes}`,
          );
        }
        return this.#parseBulk(type, length, after);
      }
      case 0x2a: // '*' array
      case 0x7e: // '~' set
      case 0x3e: // '>' push
        return this.#leave(this.#parseArray(toLength(line), this.#enter(after)));
      case 0x25: // '%' map
        return this.#leave(this.#parseMap(toLength(line), this.#enter(after)));
      case 0x7c: { // '|' attribute: metadata about the next value, which is what we return
        // Its value counts one level deeper, so a chain of attributes is bounded too.
        const next = this.#parseMap(toLength(line), this.#enter(after));
        return this.#leave(next === INCOMPLETE ? INCOMPLETE : this.#parse(next));
      }
      default:
        throw new RespProtocolError(`unexpected RESP type byte 0x${type.toString(16)}`);
    }
  }

  /** Opens an aggregate at `position`, refusing one past the depth limit (`read` resets it). */
  #enter(position: number): number {
    if (this.#depth >= this.#maxDepth) {
      throw new RespProtocolError(`RESP reply nested deeper than ${this.#maxDepth} levels`);
    }
    this.#depth++;
    return position;
  }

  /** Closes the aggregate that ended at `position`. */
  #leave(position: number): number {
    this.#depth--;
    return position;
  }

  #parseBulk(type: number, length: number, position: number): number {
    if (length < 0) {
      this.#value = null;
      return position;
    }
    const end = position + length;
    if (end + 2 > this.#end) return this.#incomplete(end + 2);
    const body = this.#buffer.subarray(position, end);
    if (type === 0x24 && this.#bytes) this.#value = body.slice();
    else {
      const text = decoder.decode(body);
      if (type === 0x21) this.#value = new RedisError(text);
      else if (type === 0x3d) this.#value = text.slice(4); // "txt:" or "mkd:" before the text
      else this.#value = text;
    }
    return end + 2;
  }

  #parseArray(length: number, position: number): number {
    if (length < 0) {
      this.#value = null;
      return position;
    }
    const items: RespValue[] = [];
    for (let i = 0; i < length; i++) {
      position = this.#parse(position);
      if (position === INCOMPLETE) return INCOMPLETE;
      items.push(this.#value);
    }
    this.#value = items;
    return position;
  }

  #parseMap(length: number, position: number): number {
    const map = new Map<RespValue, RespValue>();
    for (let i = 0; i < length; i++) {
      position = this.#parse(position);
      if (position === INCOMPLETE) return INCOMPLETE;
      const key = this.#value;
      position = this.#parse(position);
      if (position === INCOMPLETE) return INCOMPLETE;
      map.set(key, this.#value);
    }
    this.#value = map;
    return position;
  }
}

function toLength(line: string): number {
  const length = Number(line);
  if (!Number.isInteger(length)) {
    throw new RespProtocolError(`bad RESP length ${JSON.stringify(line)}`);
  }
  return length;
}

function toInteger(line: string): number | bigint {
  const value = Number(line);
  if (!Number.isInteger(value)) {
    throw new RespProtocolError(`bad RESP integer ${JSON.stringify(line)}`);
  }
  return Number.isSafeInteger(value) ? value : toBigInt(line);
}

function toBigInt(line: string): bigint {
  try {
    return BigInt(line);
  } catch (cause) {
    throw new RespProtocolError(`bad RESP big number ${JSON.stringify(line)}`, { cause });
  }
}

function toDouble(line: string): number {
  if (line === "inf") return Infinity;
  if (line === "-inf") return -Infinity;
  if (line === "nan") return NaN;
  return Number(line);
}
