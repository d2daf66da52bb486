/**
 * Legacy session plumbing shared by every transport: the session record,
 * in-flight request tracking for `notifications/cancelled`, and routing of
 * the client's responses to server-to-client requests.
 *
 * @module
 */
import type { ClientCapabilities } from "../protocol/capabilities.ts";
import { createRequestEngine, type RequestEngine } from "../protocol/engine.ts";
import type {
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcResponse,
  RequestId,
} from "../protocol/jsonrpc.ts";
import type { LegacySession, RequestScope, ServerEndpoint } from "../protocol/server_endpoint.ts";

// A session idle between requests holds only its fields: the request engine (two maps and a
// handful of closures) and the subscription set are made on first use, and the methods live on
// the prototype.
class IdleFriendlySession implements LegacySession {
  id?: string;
  clientCapabilities: ClientCapabilities = {};
  initialized = false;
  #subscriptions: Set<string> | undefined = undefined;
  #send: (message: JsonRpcMessage) => void | Promise<void>;
  #engine: RequestEngine | undefined = undefined;

  constructor(send: (message: JsonRpcMessage) => void | Promise<void>, id: string | undefined) {
    this.id = id;
    this.#send = send;
  }

  get engine(): RequestEngine {
    return this.#engine ??= createRequestEngine(this.#send, {
      idPrefix: "s",
      defaultTimeoutMs: null,
    });
  }

  set engine(engine: RequestEngine) {
    this.#engine = engine;
  }

  get subscriptions(): Set<string> {
    return this.#subscriptions ??= new Set();
  }

  set subscriptions(subscriptions: Set<string>) {
    this.#subscriptions = subscriptions;
  }

  sendStandalone(message: JsonRpcNotification): void {
    Promise.resolve(this.#send(message)).catch(() => {});
  }
}

/**
 * Creates an uninitialized session whose standalone messages and
 * server-to-client requests go through `send`.
 */
export function createLegacySession(
  send: (message: JsonRpcMessage) => void | Promise<void>,
  id?: string,
): LegacySession {
  return new IdleFriendlySession(send, id);
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

// The table of one session or connection; its map only exists while requests are in flight.
class InflightTable implements InflightRequests {
  #controllers: Map<RequestId, AbortController> | undefined = undefined;

  begin(id: RequestId, parent?: AbortSignal): { signal: AbortSignal; end(): void } {
    const controllers = this.#controllers ??= new Map();
    const controller = new AbortController();
    controllers.set(id, controller);
    const forget = () => {
      if (controllers.get(id) === controller) controllers.delete(id);
      if (controllers.size === 0 && this.#controllers === controllers) {
        this.#controllers = undefined;
      }
    };
    const onParent = () => controller.abort(parent?.reason);
    parent?.addEventListener("abort", onParent, { once: true });
    return {
      signal: controller.signal,
      end() {
        parent?.removeEventListener("abort", onParent);
        forget();
      },
    };
  }

  cancel(id: unknown, reason?: unknown): void {
    if (typeof id !== "string" && typeof id !== "number") return;
    this.#controllers?.get(id)?.abort(reason ?? "cancelled by client");
  }

  cancelAll(reason: string): void {
    const controllers = this.#controllers;
    if (controllers === undefined) return;
    this.#controllers = undefined;
    for (const controller of controllers.values()) controller.abort(reason);
  }
}

/** Creates an in-flight request table. */
export function createInflightRequests(): InflightRequests {
  return new InflightTable();
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
