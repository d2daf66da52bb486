/**
 * In-memory transports: a linked pair for tests and embedding. By default
 * messages pass as JSON text, exactly as on a wire; `direct: true` hands the
 * objects over without serialization for the fastest in-process path.
 *
 * @module
 */
import { classifyMessage, type JsonRpcMessage, parseMessage } from "../protocol/jsonrpc.ts";
import type { Transport, TransportSink } from "../protocol/transport.ts";

/** Options for {@link createMemoryPair}. */
export interface MemoryPairOptions {
  /** Pass message objects by reference instead of as JSON text. */
  direct?: boolean;
}

/**
 * Creates two transports wired to each other: what one sends, the other
 * receives (asynchronously, in order).
 *
 * @example
 * ```ts
 * import { createMemoryPair } from "./memory.ts";
 * const [clientSide, serverSide] = createMemoryPair();
 * ```
 */
export function createMemoryPair(options: MemoryPairOptions = {}): [Transport, Transport] {
  const sinks: [TransportSink | undefined, TransportSink | undefined] = [undefined, undefined];
  const backlog: [JsonRpcMessage[], JsonRpcMessage[]] = [[], []];
  let closed = false;

  const deliver = (to: 0 | 1, message: JsonRpcMessage) => {
    const sink = sinks[to];
    if (!sink) {
      backlog[to].push(message);
      return;
    }
    sink.message(options.direct ? classifyMessage(message) : parseMessage(JSON.stringify(message)));
  };

  const side = (self: 0 | 1): Transport => {
    const peer = (1 - self) as 0 | 1;
    return {
      start(sink) {
        sinks[self] = sink;
        const pending = backlog[self].splice(0);
        queueMicrotask(() => pending.forEach((m) => deliver(self, m)));
      },
      send(message) {
        if (closed) return Promise.reject(new Error("Transport closed"));
        queueMicrotask(() => {
          if (!closed) deliver(peer, message);
        });
        return Promise.resolve();
      },
      close() {
        if (closed) return Promise.resolve();
        closed = true;
        queueMicrotask(() => {
          sinks[0]?.close();
          sinks[1]?.close();
        });
        return Promise.resolve();
      },
    };
  };
  return [side(0), side(1)];
}
