/**
 * JSON-RPC batches on Streamable HTTP. Only 2025-03-26 has them (a JSON array
 * of requests and notifications, or of responses, in one POST); 2025-06-18
 * removed them. A session that negotiated 2025-03-26 gets the responses as one
 * JSON array, or 202 when the batch held no request; everyone else gets the
 * refusal, a 400. `initialize` must be sent alone, never in a batch. What does
 * not depend on HTTP is shared with stdio (`../batch.ts`).
 *
 * @module
 */
import { classifyMessage, parseMessage } from "../../protocol/jsonrpc.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { emptyBatchError, refuseBatchItems, serveBatch } from "../batch.ts";
import { routeClientMessage } from "../session.ts";
import type { ReceivedMessage } from "./body.ts";
import type { EndpointState, SessionRecord } from "./endpoint_state.ts";
import { json } from "./responses.ts";

export { BATCH_VERSION } from "../batch.ts";

/** A body that is a JSON array: a JSON-RPC batch, its items not yet classified. */
export interface ReceivedBatch {
  /** Always "batch". */
  kind: "batch";
  /** The array's items. */
  items: unknown[];
}

/**
 * Parses a POST body: one message, a batch, or the 400 that refuses it.
 *
 * @example
 * ```ts
 * import { parseBody } from "./batch.ts";
 * const parsed = parseBody('[{"jsonrpc":"2.0","id":1,"method":"ping"}]');
 * if (!(parsed instanceof Response) && parsed.kind === "batch") console.log(parsed.items.length); // 1
 * ```
 */
export function parseBody(text: string): ReceivedMessage | ReceivedBatch | Response {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // parseMessage owns the exact parse-error answer.
    const invalid = parseMessage(text);
    return invalid.kind === "invalid" ? json(400, invalid.error) : invalid;
  }
  if (Array.isArray(value)) return { kind: "batch", items: value };
  const incoming = classifyMessage(value);
  return incoming.kind === "invalid" ? json(400, incoming.error) : incoming;
}

/** The 400 for a batch outside a 2025-03-26 session (or one that tries to initialize). */
export function refuseBatch(batch: ReceivedBatch): Response {
  return json(400, refuseBatchItems(batch.items));
}

/**
 * Serves a batch in the 2025-03-26 session of `record`: notifications and
 * responses are routed, requests run concurrently, and the answer is the
 * JSON array of their responses (202 when there are none). Notifications a
 * request emits go to the session's GET stream, since the answer is not a stream.
 */
export async function answerBatch(
  state: EndpointState,
  batch: ReceivedBatch,
  record: SessionRecord,
  auth: AuthInfo | undefined,
  request: Request,
): Promise<Response> {
  if (batch.items.length === 0) return json(400, emptyBatchError());
  const session = record.session;
  const incomings = batch.items.map(classifyMessage);
  // Refused as a whole before anything of it runs, as a single request would be.
  for (const incoming of incomings) {
    if (incoming.kind !== "request" || !state.authorize) continue;
    const refused = await state.authorize(incoming.message, auth, request);
    if (refused) return refused;
  }
  const responses = await serveBatch(incomings, {
    route: (incoming) =>
      routeClientMessage(state.server, incoming, record.inflight, { session, auth }),
    run: (message) => {
      const tracked = record.inflight.begin(message.id);
      return state.server.handleRequest(message, {
        session,
        auth,
        signal: tracked.signal,
        notify: (message) => session.sendStandalone(message),
      }).finally(tracked.end);
    },
  });
  return responses.length === 0 ? new Response(null, { status: 202 }) : json(200, responses);
}
