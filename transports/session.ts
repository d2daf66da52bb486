/**
 * Legacy session plumbing shared by every transport: the session record,
 * in-flight request tracking for `notifications/cancelled`, and routing of
 * the client's responses to server-to-client requests.
 *
 * @module
 */
import { createRequestEngine } from "../protocol/engine.ts";
import type {
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcResponse,
  RequestId,
} from "../protocol/jsonrpc.ts";
import type { LegacySession, RequestScope, ServerEndpoint } from "../protocol/server_endpoint.ts";

/**
 * Creates an uninitialized session whose standalone messages and
 * server-to-client requests go through `send`.
 */
export function createLegacySession(
  send: (message: JsonRpcMessage) => void | Promise<void>,
  id?: string,
): LegacySession {
  return {
    id,
    clientCapabilities: {},
    initialized: false,
    subscriptions: new Set(),
    engine: createRequestEngine(send, { idPrefix: "s", defaultTimeoutMs: null }),
    sendStandalone: (message: JsonRpcNotification) => {
      Promise.resolve(send(message)).catch(() => {});
    },
  };
}

/** Tracks requests in flight so `notifications/cancelled` can abort them. */
export interface InflightRequests {
  /** Registers a request; returns its signal and the function that forgets it. */
  begin(id: RequestId, parent?: AbortSignal): { signal: AbortSignal; end(): void };
  /** Aborts a request by id (from `notifications/cancelled`). */
  cancel(id: unknown, reason?: unknown): void;
  /** Aborts everything, e.g. when the connection closes. */
  cancelAll(reason: string): void;
}

/** Creates an in-flight request table. */
export function createInflightRequests(): InflightRequests {
  const controllers = new Map<RequestId, AbortController>();
  return {
    begin(id, parent) {
      const controller = new AbortController();
      controllers.set(id, controller);
      const onParent = () => controller.abort(parent?.reason);
      parent?.addEventListener("abort", onParent, { once: true });
      return {
        signal: controller.signal,
        end() {
          parent?.removeEventListener("abort", onParent);
          if (controllers.get(id) === controller) controllers.delete(id);
        },
      };
    },
    cancel(id, reason) {
      if (typeof id !== "string" && typeof id !== "number") return;
      controllers.get(id)?.abort(reason ?? "cancelled by client");
    },
    cancelAll(reason) {
      for (const controller of controllers.values()) controller.abort(reason);
      controllers.clear();
    },
  };
}

/**
 * Routes what a legacy client sends that is not a request: a response goes to
 * the session's server-to-client requests; `notifications/cancelled` aborts a
 * request in flight; progress reaches its request; anything else goes to the
 * server.
 */
export function routeClientMessage(
  server: ServerEndpoint,
  incoming: { kind: "response"; message: JsonRpcResponse } | {
    kind: "notification";
    message: JsonRpcNotification;
  },
  inflight: InflightRequests,
  scope: RequestScope & { session: LegacySession },
): void {
  if (incoming.kind === "response") {
    scope.session.engine.handleResponse(incoming.message);
    return;
  }
  const { method, params } = incoming.message;
  if (method === "notifications/cancelled") inflight.cancel(params?.requestId, params?.reason);
  else if (method === "notifications/progress") scope.session.engine.handleProgress(params);
  else server.handleNotification(incoming.message, scope);
}
