/**
 * Server-sent event streams handed out as response bodies by the HTTP
 * transports, with keep-alive comments that never hold the process open.
 *
 * @module
 */
import { encodeSseComment } from "../../protocol/sse.ts";
import { backgroundInterval } from "../../runtime/mod.ts";

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

/**
 * Creates an SSE stream. `onCancel` runs when the client goes away; with
 * `keepAliveMs`, a comment is sent at that interval (the timer never holds
 * the process open).
 */
export function createSseWriter(onCancel: () => void, keepAliveMs?: number): SseWriter {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    closed = true;
    if (timer !== undefined) clearInterval(timer);
  };
  const readable = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      stop();
      onCancel();
    },
  });
  const writer: SseWriter = {
    readable,
    get closed() {
      return closed;
    },
    write(text) {
      if (closed) return;
      try {
        controller.enqueue(encoder.encode(text));
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
