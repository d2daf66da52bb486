/**
 * A read buffer over one connection, shared by the head parser and the body decoders of our
 * HTTP/1.1 server: bytes read past one request (a pipelined next request) stay for the next.
 *
 * @module
 */

/** The byte connection the HTTP/1.1 server runs on; `Deno.Conn` fits. */
export interface ByteConnection {
  /** Reads into `buffer`; `null` at the end of the stream. */
  read(buffer: Uint8Array): Promise<number | null>;
  /** Writes some of `bytes`, resolving with how many. */
  write(bytes: Uint8Array): Promise<number>;
  /** Closes both directions. */
  close(): void;
}

const INITIAL_CAPACITY = 16 * 1024;
const FULL = Promise.resolve(true);

/** Buffered reading from a {@link ByteConnection}; at most one read is in flight at a time. */
export class ConnectionReader {
  #connection: ByteConnection;
  #buffer = new Uint8Array(INITIAL_CAPACITY);
  #start = 0;
  #end = 0;
  #ended = false;
  #reading: Promise<boolean> | undefined;

  /** Reads from `connection`. */
  constructor(connection: ByteConnection) {
    this.#connection = connection;
  }

  /** The bytes read and not yet consumed (a view, valid until the next `fill` or `consume`). */
  get buffered(): Uint8Array {
    return this.#buffer.subarray(this.#start, this.#end);
  }

  /** Whether the peer ended the stream (or reading failed). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Drops `count` buffered bytes. */
  consume(count: number): void {
    this.#start += count;
    if (this.#start === this.#end) this.#start = this.#end = 0;
  }

  /** Takes up to `count` buffered bytes as a copy of their own. */
  take(count: number): Uint8Array {
    const length = Math.min(count, this.#end - this.#start);
    const bytes = this.#buffer.slice(this.#start, this.#start + length);
    this.consume(length);
    return bytes;
  }

  /**
   * Reads more bytes into the buffer, growing it up to `limit` bytes buffered; resolves false at
   * the end of the stream or on a read error (a reset, or the connection closed by a deadline).
   * Joins the read already in flight, if any.
   */
  fill(limit: number = INITIAL_CAPACITY): Promise<boolean> {
    if (this.#ended) return Promise.resolve(false);
    if (this.#reading !== undefined) return this.#reading;
    this.#makeRoom(limit);
    if (this.#end === this.#buffer.length) return FULL; // the caller enforces its limit
    return (this.#reading = this.#read());
  }

  /** Calls `onEnd` if the peer ends the stream before more is asked of this reader. */
  watchEnd(onEnd: () => void): void {
    if (this.#end - this.#start >= this.#buffer.length) return;
    this.fill().then((more) => {
      if (!more) onEnd();
    });
  }

  async #read(): Promise<boolean> {
    let count: number | null;
    try {
      count = await this.#connection.read(this.#buffer.subarray(this.#end));
    } catch {
      count = null;
    }
    this.#reading = undefined;
    if (count === null) {
      this.#ended = true;
      return false;
    }
    this.#end += count;
    return true;
  }

  #makeRoom(limit: number): void {
    const length = this.#end - this.#start;
    if (this.#end < this.#buffer.length) return;
    if (this.#start > 0) {
      this.#buffer.copyWithin(0, this.#start, this.#end);
      this.#start = 0;
      this.#end = length;
      return;
    }
    if (this.#buffer.length >= limit) return;
    const grown = new Uint8Array(Math.min(limit, this.#buffer.length * 2));
    grown.set(this.#buffer.subarray(0, length));
    this.#buffer = grown;
  }
}
