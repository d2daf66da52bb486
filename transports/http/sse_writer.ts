/**
 * Server-sent event streams handed out as response bodies by the HTTP
 * transports, with keep-alive comments that never hold the process open.
 *
 * @module
 */
import { encodeSseComment } from "../../protocol/sse.ts";
import { backgroundInterval } from "../../runtime/timers.ts";

/** A server-sent event stream to hand out as a response body. */
export interface SseWriter {
  /** The response body. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Whether the stream ended (closed here or cancelled by the client). */
  readonly closed: boolean;
  /** Writes encoded SSE text. */
  write(text: string): void;
  /** Ends the stream. */
  close(): void;
}

const encoder = new TextEncoder();

/** Response headers of an SSE stream; `X-Accel-Buffering` keeps proxies from buffering it. */
export const SSE_HEADERS: { readonly [name: string]: string } = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

/** Bytes a stream may have queued for a client that does not read, by default: 4 MiB. */
export const DEFAULT_MAX_QUEUED_BYTES: number = 4 * 1024 * 1024;

/** Limits of one SSE stream. */
export interface SseWriterLimits {
  /**
   * Bytes queued for the client (written here, not yet taken by the
   * connection) past which it counts as too slow: the stream is cut (it
   * errors, so the client sees the connection end, not a clean end of
   * stream) and `onCancel` runs. Default {@link DEFAULT_MAX_QUEUED_BYTES}.
   */
  maxQueuedBytes?: number;
}

/**
 * Creates an SSE stream. `onCancel` runs when the client goes away or is cut
 * for not reading; with `keepAliveMs`, a comment is sent at that interval (the
 * timer never holds the process open).
 */
export function createSseWriter(
  onCancel: () => void,
  keepAliveMs?: number,
  limits: SseWriterLimits = {},
): SseWriter {
  const maxQueued = limits.maxQueuedBytes ?? DEFAULT_MAX_QUEUED_BYTES;
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    closed = true;
    if (timer !== undefined) clearInterval(timer);
  };
  // The queue is measured in bytes, so desiredSize says how far the client lags.
  const readable = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      stop();
      onCancel();
    },
  }, { highWaterMark: maxQueued, size: (chunk) => chunk.byteLength });
  const writer: SseWriter = {
    readable,
    get closed() {
      return closed;
    },
    write(text) {
      if (closed) return;
      try {
        const bytes = encoder.encode(text);
        const room = controller.desiredSize ?? 0;
        // One event larger than the bound still goes out to a client that keeps up.
        if (room < bytes.length && room < maxQueued) {
          stop();
          controller.error(
            new Error(`SSE client too slow: over ${maxQueued} bytes queued`),
          );
          onCancel();
          return;
        }
        controller.enqueue(bytes);
      } catch {
        stop();
      }
    },
    close() {
      if (closed) return;
      stop();
      try {
        controller.close();
      } catch {
        // Already errored by a disconnect.
      }
    },
  };
  if (keepAliveMs && keepAliveMs > 0) {
    timer = backgroundInterval(() => writer.write(encodeSseComment()), keepAliveMs);
  }
  return writer;
}
