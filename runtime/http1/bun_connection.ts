/**
 * Bun's callback TCP sockets (`Bun.listen`) seen as the pull-style connection our HTTP/1.1
 * server reads and writes (`Deno.Conn`'s shape), and its listener as one to `accept()` from,
 * so that Bun serves with the same server, deadlines and connection cap as Deno.
 *
 * @module
 */
import type { DuplexConnection } from "./conn_duplex.ts";

/** The part of Bun's `TCPSocket` used here; declared locally, no Bun types needed. */
export interface BunSocketLike {
  /** Writes what the kernel takes now; the count, `-1` once closed. */
  write(data: Uint8Array): number;
  /** Flushes what is queued and closes. */
  end(): void;
  /** Closes at once. */
  terminate(): void;
  /** Sends FIN. */
  shutdown(halfClose?: boolean): void;
  /** Stops `data` callbacks. */
  pause(): void;
  /** Starts them again. */
  resume(): void;
  /** Disables Nagle's algorithm. */
  setNoDelay(noDelay?: boolean): boolean;
  /** The peer's address. */
  readonly remoteAddress: string;
  /** Our per-socket state. */
  data: BunConnection | undefined;
}

/** Read-ahead past which `data` callbacks are paused until the server reads. */
const MAX_QUEUED_BYTES = 64 * 1024;

/** One accepted Bun socket as a {@link DuplexConnection}. */
export class BunConnection implements DuplexConnection {
  /** The peer's address, read at once (Bun forgets it once closed). */
  readonly remoteAddress: string | undefined;
  #socket: BunSocketLike;
  #queued: Uint8Array[] = [];
  #queuedBytes = 0;
  #paused = false;
  #ended = false;
  #closed = false;
  #reader: { buffer: Uint8Array; resolve: (count: number | null) => void } | undefined;
  #drained: (() => void) | undefined;

  /** Wraps `socket` (its `data` is set to this). */
  constructor(socket: BunSocketLike) {
    this.#socket = socket;
    this.remoteAddress = socket.remoteAddress;
    socket.data = this;
  }

  /** Bun's `data` callback. */
  onData(data: Uint8Array): void {
    const reader = this.#reader;
    if (reader !== undefined) {
      this.#reader = undefined;
      const count = Math.min(data.length, reader.buffer.length);
      reader.buffer.set(data.subarray(0, count));
      if (count < data.length) this.#queue(data.slice(count));
      reader.resolve(count);
      return;
    }
    this.#queue(data.slice());
  }

  #queue(bytes: Uint8Array): void {
    this.#queued.push(bytes);
    this.#queuedBytes += bytes.length;
    if (this.#queuedBytes >= MAX_QUEUED_BYTES && !this.#paused) {
      this.#paused = true;
      this.#socket.pause();
    }
  }

  /** Bun's `end` and `close` callbacks: reads end. */
  onEnd(): void {
    this.#ended = true;
    const reader = this.#reader;
    this.#reader = undefined;
    reader?.resolve(null);
  }

  /** Bun's `close` callback. */
  onClose(): void {
    this.#closed = true;
    this.onEnd();
    this.onDrain();
  }

  /** Bun's `drain` callback: the kernel takes writes again. */
  onDrain(): void {
    const drained = this.#drained;
    this.#drained = undefined;
    drained?.();
  }

  /** Reads into `buffer`; `null` at the end of the stream. */
  read(buffer: Uint8Array): Promise<number | null> {
    if (this.#queued.length > 0) {
      let count = 0;
      while (this.#queued.length > 0 && count < buffer.length) {
        const chunk = this.#queued[0];
        const taken = Math.min(chunk.length, buffer.length - count);
        buffer.set(taken === chunk.length ? chunk : chunk.subarray(0, taken), count);
        count += taken;
        if (taken === chunk.length) this.#queued.shift();
        else this.#queued[0] = chunk.subarray(taken);
      }
      this.#queuedBytes -= count;
      if (this.#paused && this.#queuedBytes < MAX_QUEUED_BYTES) {
        this.#paused = false;
        this.#socket.resume();
      }
      return Promise.resolve(count);
    }
    if (this.#ended) return Promise.resolve(null);
    if (this.#reader !== undefined) return Promise.reject(new Error("A read is in flight"));
    return new Promise((resolve) => (this.#reader = { buffer, resolve }));
  }

  /** Writes some of `bytes`, waiting for the socket to drain when it takes none. */
  async write(bytes: Uint8Array): Promise<number> {
    while (true) {
      if (this.#closed) throw new Error("The connection is closed");
      const count = this.#socket.write(bytes);
      if (count > 0 || bytes.length === 0) return count;
      if (count < 0) throw new Error("The connection is closed");
      await new Promise<void>((resolve) => (this.#drained = resolve));
    }
  }

  /** Sends FIN. */
  closeWrite(): Promise<void> {
    this.#socket.shutdown(true);
    return Promise.resolve();
  }

  /** Disables Nagle's algorithm. */
  setNoDelay(noDelay = true): void {
    this.#socket.setNoDelay(noDelay);
  }

  /** Closes both directions now. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#socket.terminate();
    this.onEnd();
    this.onDrain();
  }
}

/** Bun's socket handlers feeding {@link BunConnection}s to `accept()`. */
export interface BunAcceptQueue {
  /** Handlers for `Bun.listen({ socket })`. */
  handlers: {
    open(socket: BunSocketLike): void;
    data(socket: BunSocketLike, data: Uint8Array): void;
    drain(socket: BunSocketLike): void;
    end(socket: BunSocketLike): void;
    close(socket: BunSocketLike): void;
    error(socket: BunSocketLike): void;
  };
  /** The next connection. */
  accept(): Promise<BunConnection>;
  /** Ends pending and later `accept()` calls with an error. */
  close(): void;
}

/** A queue of the connections Bun's listener opens, taken with `accept()`. */
export function bunAcceptQueue(): BunAcceptQueue {
  const ready: BunConnection[] = [];
  let waiting: { resolve(c: BunConnection): void; reject(e: Error): void } | undefined;
  let closed = false;
  return {
    handlers: {
      open(socket): void {
        const connection = new BunConnection(socket);
        if (closed) return connection.close();
        if (waiting !== undefined) {
          const taker = waiting;
          waiting = undefined;
          taker.resolve(connection);
        } else {
          ready.push(connection);
        }
      },
      data: (socket, data) => socket.data?.onData(data),
      drain: (socket) => socket.data?.onDrain(),
      end: (socket) => socket.data?.onEnd(),
      close: (socket) => socket.data?.onClose(),
      error: (socket) => socket.data?.onClose(),
    },
    accept(): Promise<BunConnection> {
      if (closed) return Promise.reject(new Error("The listener is closed"));
      const next = ready.shift();
      if (next !== undefined) return Promise.resolve(next);
      return new Promise((resolve, reject) => (waiting = { resolve, reject }));
    },
    close(): void {
      closed = true;
      for (const connection of ready.splice(0)) connection.close();
      waiting?.reject(new Error("The listener is closed"));
      waiting = undefined;
    },
  };
}
