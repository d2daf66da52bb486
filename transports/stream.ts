/**
 * Newline-delimited JSON over a byte stream: the framing of the stdio
 * transport, shared by the stdio server and the stdio client.
 *
 * @module
 */
import { type JsonRpcResponse, parseMessage } from "../protocol/jsonrpc.ts";
import type { Transport, TransportSink } from "../protocol/transport.ts";

/** The byte channel under a stream transport. */
export interface ByteChannel {
  /** Incoming bytes. */
  readable: ReadableStream<Uint8Array>;
  /** Writes outgoing bytes, in order. */
  write(bytes: Uint8Array): Promise<void>;
  /** Releases the underlying resources when the transport closes. */
  close?(): void | Promise<void>;
}

/** Options for {@link createStreamTransport}. */
export interface StreamTransportOptions {
  /** Longest accepted line in bytes; a longer one is answered as invalid and skipped. Default 64 MiB. */
  maxLineBytes?: number;
  /**
   * Takes the lines that are JSON arrays (JSON-RPC batches, which only
   * 2025-03-26 has) instead of answering them as invalid; `answer` writes one
   * line (the batch's responses, or the error refusing it) in order with what
   * is sent.
   */
  batch?(
    items: unknown[],
    answer: (line: JsonRpcResponse | JsonRpcResponse[]) => Promise<void>,
  ): void;
}

const encoder = new TextEncoder();

/**
 * Wraps a byte channel as a JSON-RPC transport: one message per line, UTF-8,
 * no embedded newlines. Malformed lines are classified as invalid (the server
 * answers -32700) and reading continues.
 *
 * @example
 * ```ts
 * import { createStreamTransport } from "./stream.ts";
 * // A loopback channel: what is sent comes back.
 * const { readable, writable } = new TransformStream<Uint8Array, Uint8Array>();
 * const writer = writable.getWriter();
 * const transport = createStreamTransport({ readable, write: (bytes) => writer.write(bytes) });
 * ```
 */
export function createStreamTransport(
  channel: ByteChannel,
  options: StreamTransportOptions = {},
): Transport {
  const maxLine = options.maxLineBytes ?? 64 * 1024 * 1024;
  let sink: TransportSink | undefined;
  let closed = false;
  const writes = createWriteQueue();
  let writing = false;
  // After a failed write, later ones fail the same way (the channel is gone).
  let failure: { error: unknown } | undefined;
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;

  const finish = async () => {
    if (closed) return;
    closed = true;
    try {
      await channel.close?.();
    } catch {
      // Closing a channel the peer already closed is fine.
    }
    sink?.close();
  };

  const tooLong = () =>
    sink?.message({
      kind: "invalid",
      error: {
        jsonrpc: "2.0",
        error: { code: -32600, message: "Message exceeds the size limit" },
      },
    });

  // Lines are assembled from bytes: each chunk is searched once for newlines
  // and kept as it is until its line is complete, so a long line costs linear
  // work, and an oversized one is reported once and then skipped without
  // being held.
  async function pump(): Promise<void> {
    const decoder = new TextDecoder();
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    let discarding = false;
    reader = channel.readable.getReader();
    try {
      while (!closed) {
        const { value, done } = await reader.read();
        if (done) break;
        let from = 0;
        let newline = value.indexOf(10, from);
        while (newline >= 0) {
          if (discarding) {
            discarding = false;
          } else if (pendingBytes + newline - from > maxLine) {
            tooLong();
          } else {
            pending.push(value.subarray(from, newline));
            deliverLine(decoder.decode(concat(pending, pendingBytes + newline - from)));
          }
          pending = [];
          pendingBytes = 0;
          from = newline + 1;
          newline = value.indexOf(10, from);
        }
        if (discarding || from === value.length) continue;
        if (pendingBytes + value.length - from > maxLine) {
          discarding = true;
          pending = [];
          pendingBytes = 0;
          tooLong();
          continue;
        }
        // A tail is copied so the whole chunk it came from is not retained.
        const rest = from === 0 ? value : value.slice(from);
        pending.push(rest);
        pendingBytes += rest.length;
      }
      if (!discarding && pendingBytes > 0) {
        deliverLine(decoder.decode(concat(pending, pendingBytes)));
      }
      // End of input with a sink that still answers: the channel stays open
      // for writing until the sink closes the transport.
      if (!closed && sink?.end) {
        reader.releaseLock();
        sink.end();
        return;
      }
    } catch {
      // A read error ends the transport like EOF does.
    }
    reader.releaseLock();
    await finish();
  }

  function deliverLine(line: string): void {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.trim() === "") return;
    const items = options.batch && /^\s*\[/.test(text) ? arrayOf(text) : undefined;
    if (items) options.batch?.(items, writeLine);
    else sink?.message(parseMessage(text));
  }

  function writeLine(value: unknown): Promise<void> {
    if (closed) return Promise.reject(new Error("Transport closed"));
    const line = JSON.stringify(value) + "\n";
    if (failure) return Promise.reject(failure.error);
    if (writing) return writes.add(line);
    writing = true;
    return writeOut(line);
  }

  // One write at a time: the lines sent while it is under way leave together in
  // the next one (one encode and one system call for a whole burst of answers,
  // instead of a write per line), and each settles when its own bytes do.
  function writeOut(text: string): Promise<void> {
    let written: Promise<void>;
    try {
      written = channel.write(encoder.encode(text));
    } catch (error) {
      written = Promise.reject(error);
    }
    written.then(writeNext, (error: unknown) => {
      failure = { error };
      writeNext();
    });
    return written;
  }

  function writeNext(): void {
    const next = writes.take();
    if (next === undefined) {
      writing = false;
      return;
    }
    if (failure) {
      next.reject(failure.error);
      writing = false;
      return;
    }
    writeOut(next.text).then(next.resolve, next.reject);
  }

  return {
    start(target) {
      sink = target;
      pump();
    },
    send: writeLine,
    async close() {
      try {
        await reader?.cancel();
      } catch {
        // Already released.
      }
      await finish();
    },
  };
}

/** The lines waiting for the write under way, and the one promise they share. */
interface PendingWrites {
  text: string;
  resolve(): void;
  reject(error: unknown): void;
}

function createWriteQueue(): {
  add(line: string): Promise<void>;
  take(): PendingWrites | undefined;
} {
  let pending: (PendingWrites & { done: Promise<void> }) | undefined;
  return {
    add(line: string): Promise<void> {
      if (pending) {
        pending.text += line;
        return pending.done;
      }
      let resolve!: () => void, reject!: (error: unknown) => void;
      const done = new Promise<void>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      pending = { text: line, resolve, reject, done };
      return done;
    },
    take(): PendingWrites | undefined {
      const taken = pending;
      pending = undefined;
      return taken;
    },
  };
}

/** The items of `text` when it is a JSON array (invalid JSON is left to `parseMessage`). */
function arrayOf(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The first `length` bytes of `chunks` as one array (the chunk itself when there is one). */
function concat(chunks: Uint8Array[], length: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(length);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}
