/**
 * Bridges between Node-style streams and web streams, for Node's process stdio, child pipes and
 * `http` request bodies (Bun's process stdio is Node-compatible and goes through here too).
 *
 * @module
 */

/** The subset of a Node readable stream (stdin, child stdout, request body) that is used here. */
export interface NodeReadableLike {
  /** Subscribes to stream events. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Stops `data` events until `resume()`. */
  pause(): unknown;
  /** Starts or restarts `data` events. */
  resume(): unknown;
  /** Releases the underlying resource. */
  destroy(error?: Error): unknown;
}

/** The subset of a Node writable stream (stdout, child stdin) that is used here. */
export interface NodeWritableLike {
  /** Subscribes to stream events. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Queues bytes; the callback reports when they were accepted or why not. */
  write(chunk: Uint8Array | string, callback?: (error?: Error | null) => void): boolean;
  /** Signals the end of the data. */
  end(): unknown;
  /** Releases the underlying resource. */
  destroy(error?: Error): unknown;
  /** Whether the stream was destroyed. */
  readonly destroyed: boolean;
  /** Whether every byte was flushed after `end()`. */
  readonly writableFinished: boolean;
}

/** Bytes buffered ahead of the consumer for pipes and request bodies. */
export const READ_AHEAD_BYTES = 64 * 1024;

const encoder = new TextEncoder();

function asUint8Array(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) {
    // A plain view: Node Buffers are Uint8Array subclasses with different `slice` semantics.
    return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
  return encoder.encode(String(chunk));
}

/** How {@linkcode nodeReadableToWeb} buffers and what cancelling does to the source. */
export interface NodeReadableToWebOptions {
  /** `"destroy"` releases stdin or a pipe; `"drain"` lets Node finish an HTTP request cleanly. */
  onCancel: "destroy" | "drain";
  /** Bytes read ahead of the consumer; `0` reads only on demand. */
  highWaterMark: number;
}

/**
 * Wraps a Node readable as a web stream that pauses the source when the consumer falls behind,
 * ends at `end`, and errors if the source closes without ending (e.g. a client disconnect).
 * Nothing is read before the first `pull`, so an unread stream never holds the process open.
 */
export function nodeReadableToWeb(
  source: NodeReadableLike,
  options: NodeReadableToWebOptions,
): ReadableStream<Uint8Array> {
  let settled = false;
  let listening = false;
  const listen = (controller: ReadableStreamDefaultController<Uint8Array>): void => {
    listening = true;
    source.on("data", (chunk: unknown) => {
      if (settled) return;
      controller.enqueue(asUint8Array(chunk));
      if ((controller.desiredSize ?? 0) <= 0) source.pause();
    });
    source.on("end", () => {
      if (settled) return;
      settled = true;
      controller.close();
    });
    source.on("error", (error: Error) => {
      if (settled) return;
      settled = true;
      controller.error(error);
    });
    source.on("close", () => {
      if (settled) return;
      settled = true;
      controller.error(new Error("Stream closed before it ended"));
    });
  };
  return new ReadableStream<Uint8Array>({
    pull(controller): void {
      if (!listening) listen(controller);
      source.resume();
    },
    cancel(): void {
      settled = true;
      if (options.onCancel === "destroy") source.destroy();
      else source.resume();
    },
  }, {
    highWaterMark: options.highWaterMark,
    size: (chunk: Uint8Array): number => chunk.byteLength,
  });
}

/** Wraps a Node writable as a web stream whose writes settle once Node accepted the bytes. */
export function nodeWritableToWeb(target: NodeWritableLike): WritableStream<Uint8Array> {
  // Errors also arrive through write/end callbacks; without a listener Node would throw them.
  target.on("error", () => {});
  return new WritableStream<Uint8Array>({
    write(chunk): Promise<void> {
      return new Promise((resolve, reject) => {
        target.write(chunk, (error) => (error ? reject(error) : resolve()));
      });
    },
    close(): Promise<void> {
      // `end(callback)` never calls back on an already-destroyed stream (e.g. the child exited),
      // so settle on whichever of finish/close/error comes first.
      if (target.destroyed || target.writableFinished) return Promise.resolve();
      return new Promise((resolve) => {
        target.on("finish", () => resolve());
        target.on("close", () => resolve());
        target.on("error", () => resolve());
        target.end();
      });
    },
    abort(reason): void {
      target.destroy(reason instanceof Error ? reason : undefined);
    },
  });
}
