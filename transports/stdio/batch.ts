/**
 * JSON-RPC batches on stdio: a line that is a JSON array. A connection that
 * negotiated 2025-03-26 gets the responses of the batch's requests as one JSON
 * array line (nothing for a batch of notifications); any other gets the line
 * refusing it, as Streamable HTTP does (`../batch.ts` holds what they share).
 * Each item is handed to the connection as if it had come alone, so
 * cancellation, progress and the graceful drain work as for single messages;
 * the responses the server sends for a batch's requests are held back and
 * written together.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import {
  classifyMessage,
  errorResponse,
  type JsonRpcMessage,
  type JsonRpcRequest,
  type JsonRpcResponse,
  type RequestId,
} from "../../protocol/jsonrpc.ts";
import type { TransportSink } from "../../protocol/transport.ts";
import { BATCH_VERSION, emptyBatchError, refuseBatchItems, serveBatch } from "../batch.ts";

/** Writes one line: a batch's responses, or the error refusing it. */
export type AnswerLine = (line: JsonRpcResponse | JsonRpcResponse[]) => Promise<void>;

/** The batches of one stdio connection. */
export interface StdioBatches {
  /** Wraps the connection's sink so cancellations and the close reach the batches waiting. */
  watch(sink: TransportSink): TransportSink;
  /** Serves a batch line (the stream transport's `batch` hook). */
  receive(items: unknown[], answer: AnswerLine): void;
  /**
   * Takes a response the server sends when a batch waits for it; then resolves
   * once the batch's line is written. `undefined`: the message goes out as it is.
   */
  capture(message: JsonRpcMessage): Promise<void> | undefined;
  /**
   * Resolves when every batch received so far is answered (or its answer
   * failed). Requests still running after `timeoutMs` (handlers that ignore
   * their aborted signal) are answered in their batch with the shutdown error,
   * so the line goes out without them.
   */
  settled(timeoutMs: number): Promise<void>;
}

const shutDown = (id: RequestId): JsonRpcResponse =>
  errorResponse(id, { code: ErrorCode.RequestTimeout, message: "The server shut down" });

interface Awaited {
  resolve(response: JsonRpcResponse | undefined): void;
  written: Promise<void>;
}

/**
 * The batches of a connection whose negotiated version `version()` reports.
 *
 * @example
 * ```ts
 * import { createStdioBatches } from "./batch.ts";
 * const batches = createStdioBatches(() => undefined);
 * batches.receive([{ jsonrpc: "2.0", id: 1, method: "ping" }], (line) => {
 *   console.log(line); // the refusal: no 2025-03-26 session
 *   return Promise.resolve();
 * });
 * ```
 */
export function createStdioBatches(version: () => string | undefined): StdioBatches {
  const awaited = new Map<RequestId, Awaited>();
  const answering = new Set<Promise<void>>();
  let sink: TransportSink | undefined;

  const settle = (id: unknown, response: JsonRpcResponse | undefined): Awaited | undefined => {
    const entry = awaited.get(id as RequestId);
    if (!entry) return undefined;
    awaited.delete(id as RequestId);
    entry.resolve(response);
    return entry;
  };

  const track = (answer: Promise<void>): void => {
    const settledAnswer = answer.catch(() => {}).finally(() => answering.delete(settledAnswer));
    answering.add(settledAnswer);
  };

  const run = (request: JsonRpcRequest, written: Promise<void>) => {
    if (awaited.has(request.id)) {
      return Promise.resolve(errorResponse(request.id, {
        code: ErrorCode.InvalidRequest,
        message: `Request id ${JSON.stringify(request.id)} is already in flight`,
      }));
    }
    const response = new Promise<JsonRpcResponse | undefined>((resolve) =>
      awaited.set(request.id, { resolve, written })
    );
    sink?.message({ kind: "request", message: request });
    return response;
  };

  return {
    watch(target) {
      sink = {
        message(incoming) {
          target.message(incoming);
          // A cancelled request gets no response, so its batch stops waiting for it.
          if (
            incoming.kind === "notification" &&
            incoming.message.method === "notifications/cancelled"
          ) settle(incoming.message.params?.requestId, undefined);
        },
        close() {
          target.close();
          for (const id of [...awaited.keys()]) settle(id, undefined);
        },
        end: target.end && (() => target.end?.()),
      };
      return sink;
    },
    receive(items, answer) {
      if (version() !== BATCH_VERSION) return track(answer(refuseBatchItems(items)));
      if (items.length === 0) return track(answer(emptyBatchError()));
      let wrote!: () => void;
      const written = new Promise<void>((resolve) => (wrote = resolve));
      const served = serveBatch(items.map(classifyMessage), {
        route: (incoming) => sink?.message(incoming),
        run: (request) => run(request, written),
      }).then((responses) => responses.length > 0 ? answer(responses) : undefined)
        .finally(wrote);
      track(served);
    },
    capture(message) {
      if ("method" in message || !("id" in message)) return undefined;
      return settle(message.id, message)?.written;
    },
    async settled(timeoutMs) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
      const answered = (async () => {
        while (answering.size > 0) await Promise.allSettled([...answering]);
      })();
      if (await Promise.race([answered.then(() => false), late.then(() => true)])) {
        for (const id of [...awaited.keys()]) settle(id, shutDown(id));
        await answered;
      }
      clearTimeout(timer);
    },
  };
}
