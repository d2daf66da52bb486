/**
 * Request bodies of our HTTP/1.1 server (RFC 9112 §6-§7): how a head frames its body
 * (`Content-Length`, `chunked`, or none), and the `ReadableStream` a handler reads it from.
 *
 * @module
 */
import { headerValues, type RequestHead } from "./head.ts";
import type { ConnectionReader } from "./reader.ts";

/** How a request's body is delimited. */
export type BodyFraming = { kind: "none" } | { kind: "length"; length: number } | {
  kind: "chunked";
};

const NO_BODY: BodyFraming = { kind: "none" };

/** The framing a head declares, or `undefined` when it is ambiguous or unsupported (400). */
export function bodyFraming(head: RequestHead): BodyFraming | undefined {
  let lengthValue: string | undefined;
  let fields = 0;
  for (const [name, value] of head.headers) {
    if (name === "content-length") lengthValue = value;
    if (name === "content-length" || name === "transfer-encoding") fields++;
  }
  if (fields === 0) return NO_BODY;
  // The common case, one plain Content-Length, without the general parse below.
  if (fields === 1 && lengthValue !== undefined && /^\d{1,15}$/.test(lengthValue)) {
    const length = Number(lengthValue);
    return length === 0 ? NO_BODY : { kind: "length", length };
  }
  const encodings = headerValues(head, "transfer-encoding");
  const lengths = headerValues(head, "content-length");
  if (encodings.length > 0) {
    // Both at once is a smuggling vector (RFC 9112 §6.3); only plain "chunked" is supported.
    if (lengths.length > 0 || head.version === "1.0") return undefined;
    const codings = encodings.join(",").toLowerCase().split(/\s*,\s*/);
    return codings.length === 1 && codings[0] === "chunked" ? { kind: "chunked" } : undefined;
  }
  if (lengths.length === 0) return { kind: "none" };
  const values = new Set(lengths.join(",").split(/\s*,\s*/));
  if (values.size !== 1) return undefined;
  const [value] = values;
  if (!/^\d{1,15}$/.test(value)) return undefined;
  const length = Number(value);
  return length === 0 ? { kind: "none" } : { kind: "length", length };
}

/** What a body stream reports to its connection. */
export interface BodyEvents {
  /** The first read: the handler wants the body (send `100 Continue`, start the deadline). */
  onStart(): void;
  /** The whole body was read. */
  onEnd(): void;
}

const MAX_CHUNK_LINE = 4096;

class BodyError extends Error {}

/** Reads the bytes of one body from `reader`, as its framing delimits them. */
class BodyDecoder {
  #reader: ConnectionReader;
  #chunked: boolean;
  #remaining: number;
  #state: "size" | "data" | "data-end" | "trailers" | "done" = "size";

  constructor(reader: ConnectionReader, framing: BodyFraming) {
    this.#reader = reader;
    this.#chunked = framing.kind === "chunked";
    this.#remaining = framing.kind === "length" ? framing.length : 0;
    if (framing.kind === "length") this.#state = "data";
  }

  /** The next bytes of the body, or `undefined` once it has all been read. */
  async next(): Promise<Uint8Array | undefined> {
    while (true) {
      if (this.#state === "done") return undefined;
      if (this.#state === "data") {
        if (this.#reader.buffered.length === 0) await this.#more();
        const bytes = this.#reader.take(this.#remaining);
        this.#remaining -= bytes.length;
        if (this.#remaining === 0) this.#state = this.#chunked ? "data-end" : "done";
        return bytes;
      }
      const line = await this.#line();
      if (this.#state === "size") {
        const size = /^([0-9a-fA-F]{1,12})[ \t]*(;.*)?$/.exec(line);
        if (size === null) throw new BodyError("Malformed chunk size");
        this.#remaining = parseInt(size[1], 16);
        this.#state = this.#remaining === 0 ? "trailers" : "data";
      } else if (this.#state === "data-end") {
        if (line !== "") throw new BodyError("Chunk data longer than its size");
        this.#state = "size";
      } else if (line === "") {
        this.#state = "done"; // trailers are read and dropped
      }
    }
  }

  async #more(): Promise<void> {
    if (!(await this.#reader.fill())) throw new BodyError("The request body ended early");
  }

  async #line(): Promise<string> {
    while (true) {
      const buffered = this.#reader.buffered;
      const end = buffered.indexOf(10);
      if (end !== -1) {
        if (buffered[end - 1] !== 13) throw new BodyError("Bare LF in chunked framing");
        const line = String.fromCharCode(...buffered.subarray(0, end - 1));
        this.#reader.consume(end + 1);
        return line;
      }
      if (buffered.length > MAX_CHUNK_LINE) throw new BodyError("Chunk line too long");
      await this.#more();
    }
  }
}

/** A request body as a stream; `events` tell the connection when it starts and ends. */
export function bodyStream(
  reader: ConnectionReader,
  framing: BodyFraming,
  events: BodyEvents,
): ReadableStream<Uint8Array> {
  const decoder = new BodyDecoder(reader, framing);
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      if (!started) {
        started = true;
        events.onStart();
      }
      const bytes = await decoder.next();
      if (bytes === undefined) {
        events.onEnd();
        controller.close();
      } else {
        controller.enqueue(bytes);
      }
    },
  }, { highWaterMark: 0 });
}

/** Reads what is left of a body the handler did not read, so the connection can be reused. */
export async function drainBody(stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader();
  while (!(await reader.read()).done) { /* discarding */ }
}
