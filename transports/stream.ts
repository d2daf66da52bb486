/**
 * Newline-delimited JSON over a byte stream: the framing of the stdio
 * transport, shared by the stdio server and the stdio client.
 *
 * @module
 */
import { parseMessage } from "../protocol/jsonrpc.ts";
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
  let writeChain: Promise<void> = Promise.resolve();
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

  async function pump(): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = "";
    let oversized = false;
    reader = channel.readable.getReader();
    try {
      while (!closed) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let newline = buffer.indexOf("\n");
        while (newline >= 0) {
          const line = oversized ? "" : buffer.slice(0, newline);
          buffer = buffer.slice(newline + 1);
          if (oversized) {
            oversized = false;
          } else {
            deliverLine(line);
          }
          newline = buffer.indexOf("\n");
        }
        if (buffer.length > maxLine) {
          oversized = true;
          buffer = "";
          sink?.message({
            kind: "invalid",
            error: {
              jsonrpc: "2.0",
              error: { code: -32600, message: "Message exceeds the size limit" },
            },
          });
        }
      }
      buffer += decoder.decode();
      if (buffer.trim() && !oversized) deliverLine(buffer);
    } catch {
      // A read error ends the transport like EOF does.
    } finally {
      reader.releaseLock();
      await finish();
    }
  }

  function deliverLine(line: string): void {
    const text = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (text.trim() === "") return;
    sink?.message(parseMessage(text));
  }

  return {
    start(target) {
      sink = target;
      pump();
    },
    send(message) {
      if (closed) return Promise.reject(new Error("Transport closed"));
      const bytes = encoder.encode(JSON.stringify(message) + "\n");
      writeChain = writeChain.then(() => channel.write(bytes));
      return writeChain;
    },
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
