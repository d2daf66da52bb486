/**
 * The process's standard streams as every runtime adapter presents them.
 *
 * @module
 */

/** The current process's standard streams, as used by the stdio transport. */
export interface ProcessStdio {
  /** Standard input; ends when stdin reaches end-of-file. Cancel it to stop reading early. */
  readable: ReadableStream<Uint8Array>;
  /** Writes to standard output; calls are written in call order and settle once accepted. */
  write(bytes: Uint8Array): Promise<void>;
  /** Writes a log line (or any text) to standard error, best effort and without waiting. */
  writeError(text: string): void;
}

/** Chains writes so they reach the output in call order even when callers do not await. */
export function serializeWrites(
  writeOnce: (bytes: Uint8Array) => Promise<void>,
): (bytes: Uint8Array) => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  return (bytes: Uint8Array): Promise<void> => {
    const result = tail.then(() => writeOnce(bytes));
    tail = result.catch(() => {});
    return result;
  };
}
