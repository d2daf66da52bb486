/**
 * JSON-RPC batches, whatever carries them. Only 2025-03-26 has them (a JSON
 * array of requests and notifications, or of responses); 2025-06-18 removed
 * them. A session that negotiated 2025-03-26 gets the responses of a batch's
 * requests as one JSON array, and nothing when it held no request; everyone
 * else gets the refusal. `initialize` must be sent alone, never in a batch.
 * Streamable HTTP (`http/batch.ts`) and stdio answer batches with this.
 *
 * @module
 */
import { ErrorCode } from "../protocol/errors.ts";
import {
  type Classified,
  errorResponse,
  isObject,
  type JsonRpcErrorResponse,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from "../protocol/jsonrpc.ts";

/** The one protocol version whose sessions may send batches. */
export const BATCH_VERSION = "2025-03-26";

const REFUSED =
  "Batch requests are not supported: JSON-RPC batches were removed after 2025-03-26 and are accepted only in a session that negotiated 2025-03-26";
const INITIALIZE_ALONE = "initialize must not be part of a JSON-RPC batch; send it alone";
const EMPTY = "An empty batch is not a valid JSON-RPC request";

/**
 * The error that refuses a batch as a whole: outside a 2025-03-26 session, or
 * one that tries to initialize (that one is told to send `initialize` alone).
 *
 * @example
 * ```ts
 * import { refuseBatchItems } from "./batch.ts";
 * const refusal = refuseBatchItems([{ jsonrpc: "2.0", id: 1, method: "initialize" }]);
 * console.log(refusal.error.message); // "initialize must not be part of a JSON-RPC batch; send it alone"
 * ```
 */
export function refuseBatchItems(items: readonly unknown[]): JsonRpcErrorResponse {
  const initializes = items.some((item) => isObject(item) && item.method === "initialize");
  return errorResponse(undefined, {
    code: ErrorCode.InvalidRequest,
    message: initializes ? INITIALIZE_ALONE : REFUSED,
  });
}

/** The error that answers an empty batch (`[]`), which JSON-RPC does not count as a request. */
export function emptyBatchError(): JsonRpcErrorResponse {
  return errorResponse(undefined, { code: ErrorCode.InvalidRequest, message: EMPTY });
}

/** How a transport serves the items of a batch, each as it would serve it alone. */
export interface BatchServing {
  /** Takes a notification or a response (a cancellation, progress, an answer to the server). */
  route(
    incoming:
      | { kind: "notification"; message: JsonRpcNotification }
      | { kind: "response"; message: JsonRpcResponse },
  ): void;
  /** Runs a request; resolves with its response, or `undefined` when it gets none (cancelled). */
  run(request: JsonRpcRequest): Promise<JsonRpcResponse | undefined>;
}

/**
 * Serves the classified items of a batch in a 2025-03-26 session:
 * notifications and responses are routed in order, requests run concurrently
 * (`initialize` among them is refused), and invalid items are answered with
 * their error. Resolves with the responses to put in the answering array,
 * empty when the batch held no request.
 *
 * @example
 * ```ts
 * import { classifyMessage } from "../protocol/jsonrpc.ts";
 * import { serveBatch } from "./batch.ts";
 * const items = [{ jsonrpc: "2.0", id: 1, method: "ping" }, { jsonrpc: "2.0", method: "notifications/initialized" }];
 * const responses = await serveBatch(items.map(classifyMessage), {
 *   route: () => {},
 *   run: (request) => Promise.resolve({ jsonrpc: "2.0", id: request.id, result: {} }),
 * });
 * console.log(responses.length); // 1
 * ```
 */
export async function serveBatch(
  incomings: readonly Classified[],
  serving: BatchServing,
): Promise<JsonRpcResponse[]> {
  const pending: Promise<JsonRpcResponse | undefined>[] = [];
  for (const incoming of incomings) {
    if (incoming.kind === "invalid") {
      pending.push(Promise.resolve(incoming.error));
    } else if (incoming.kind !== "request") {
      serving.route(incoming);
    } else if (incoming.message.method === "initialize") {
      pending.push(Promise.resolve(
        errorResponse(incoming.message.id, {
          code: ErrorCode.InvalidRequest,
          message: INITIALIZE_ALONE,
        }),
      ));
    } else {
      pending.push(serving.run(incoming.message));
    }
  }
  const responses = await Promise.all(pending);
  return responses.filter((response): response is JsonRpcResponse => response !== undefined);
}
