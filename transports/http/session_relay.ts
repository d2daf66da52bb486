/**
 * What a legacy session's client sends in answer to another instance: with a message bus, a
 * response to a server-to-client request (elicitation, sampling, roots), its progress, or a
 * `notifications/cancelled` can reach an instance that neither sent that request nor runs
 * the request cancelled. That instance publishes the message on the session's
 * `session:<id>:client` channel; every instance holding the session is subscribed to it while
 * it holds it, and the one whose engine or in-flight table knows the id takes it.
 *
 * One channel for the session's lifetime here, rather than one per pending request: a
 * request is sent without waiting for a subscription first, and a cancellation that races the
 * start of its request still finds a listener.
 *
 * @module
 */
import { createRequestEngine, type RequestEngine } from "../../protocol/engine.ts";
import type { JsonObject, JsonRpcMessage, RequestId } from "../../protocol/jsonrpc.ts";
import type { InflightRequests } from "../session.ts";
import type { MessageBus } from "./message_bus.ts";
import { randomId } from "./sessions.ts";

/** A session's engine and in-flight table, relayed through the bus when a message is not theirs. */
export interface SessionRelay {
  /** The engine of the session's server-to-client requests, with ids unique to this instance. */
  readonly engine: RequestEngine;
  /** Its requests in flight; a cancellation of one running elsewhere is published. */
  readonly inflight: InflightRequests;
  /** Settles once this instance listens for what other instances relay. */
  readonly ready: Promise<void>;
  /** Stops listening. */
  close(): void;
}

/** The channel relaying what session `id`'s client sent to an instance it was not meant for. */
export function clientChannelOf(id: string): string {
  return `session:${id}:client`;
}

/**
 * A relay for session `id`: its server-to-client requests go out through `send` (unless their
 * own `send` says otherwise), and what arrives for them elsewhere comes back through `bus`.
 *
 * @example
 * ```ts
 * import { createMemoryMessageBus } from "./message_bus.ts";
 * import { createInflightRequests } from "../session.ts";
 * import { relaySession } from "./session_relay.ts";
 * const bus = createMemoryMessageBus();
 * const relay = relaySession(bus, "abc", () => {}, createInflightRequests());
 * await relay.ready;
 * relay.close();
 * ```
 */
export function relaySession(
  bus: MessageBus,
  id: string,
  send: (message: JsonRpcMessage) => void | Promise<void>,
  local: InflightRequests,
): SessionRelay {
  // Instances of one session number their requests alike: a tag of this one tells them apart.
  const engine = createRequestEngine(send, {
    idPrefix: `s${randomId().slice(0, 8)}-`,
    defaultTimeoutMs: null,
  });
  const channel = clientChannelOf(id);
  const relay = (message: JsonRpcMessage) =>
    void bus.publish(channel, JSON.stringify(message)).catch(() => {});
  const running = new Set<RequestId>();
  const subscribed = bus.subscribe(channel, (text) => {
    const message = parseMessage(text);
    if (message === undefined) return;
    if (!("method" in message)) engine.handleResponse(message);
    else if (message.method === "notifications/progress") engine.handleProgress(message.params);
    else if (message.method === "notifications/cancelled") {
      local.cancel(message.params?.requestId, message.params?.reason);
    }
  }).catch(() => undefined);
  return {
    engine: {
      request: engine.request,
      handleResponse(response) {
        if (engine.handleResponse(response)) return true;
        relay(response);
        return false;
      },
      handleProgress(params) {
        if (engine.handleProgress(params)) return true;
        relay({ jsonrpc: "2.0", method: "notifications/progress", params: params ?? {} });
        return false;
      },
      failAll: engine.failAll,
      get pendingCount() {
        return engine.pendingCount;
      },
    },
    inflight: {
      begin(requestId, parent) {
        const tracked = local.begin(requestId, parent);
        running.add(requestId);
        return {
          signal: tracked.signal,
          end() {
            running.delete(requestId);
            tracked.end();
          },
        };
      },
      cancel(requestId, reason) {
        if (running.has(requestId as RequestId)) return local.cancel(requestId, reason);
        const params: JsonObject = { requestId: requestId as RequestId };
        if (reason !== undefined) params.reason = String(reason);
        relay({ jsonrpc: "2.0", method: "notifications/cancelled", params });
      },
      cancelAll(reason) {
        running.clear();
        local.cancelAll(reason);
      },
    },
    ready: subscribed.then(() => {}),
    close() {
      void subscribed.then((stop) => stop?.()).catch(() => {});
    },
  };
}

/** A JSON-RPC response or notification relayed on the bus; `undefined` for anything else. */
function parseMessage(
  text: string,
): Extract<JsonRpcMessage, { jsonrpc: "2.0" }> | undefined {
  try {
    const message = JSON.parse(text);
    if (message === null || typeof message !== "object" || message.jsonrpc !== "2.0") {
      return undefined;
    }
    return message;
  } catch {
    return undefined;
  }
}
