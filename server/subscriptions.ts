/**
 * Who hears about changes: the server's events (a list changed, a resource was
 * updated), the 2026-07-28 `subscriptions/listen` stream, and the standalone
 * notifications and `resources/subscribe` of a legacy session.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import { MetaKey } from "../protocol/meta.ts";
import type {
  ClientCapabilities,
  JsonObject,
  JsonRpcRequest,
  LegacySession,
  RequestScope,
  SubscriptionFilter,
} from "../protocol/mod.ts";
import {
  LIST_CHANGES,
  listChange,
  RESOURCE_UPDATED,
  type ServerEvent,
} from "../protocol/subscriptions.ts";
import type { ServerCore } from "./core.ts";
import type { ExtensionSubscription } from "./extension.ts";

export type { ServerEvent } from "../protocol/subscriptions.ts";

/** Hears the server's events. */
export type ServerEventListener = (event: ServerEvent) => void;

/** Tells every listener; one that throws does not stop the others. */
export function emit(listeners: ReadonlySet<ServerEventListener>, event: ServerEvent): void {
  for (const listener of [...listeners]) {
    try {
      listener(event);
    } catch {
      // One broken subscriber must not stop the others.
    }
  }
}

/** Adds a listener; returns the function that removes it. */
export function subscribe(
  listeners: Set<ServerEventListener>,
  listener: ServerEventListener,
): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Serves `subscriptions/listen` (2026-07-28): acknowledges the honoured
 * filter, then streams the matching notifications on the request's own
 * stream until the client goes away or the server closes.
 */
export function listen(
  core: ServerCore,
  request: JsonRpcRequest,
  scope: RequestScope,
  clientCapabilities: ClientCapabilities,
): Promise<JsonObject> {
  const params = request.params ?? {};
  const filter = params.notifications;
  if (!isObject(filter)) {
    throw new McpError(
      ErrorCode.InvalidParams,
      "subscriptions/listen needs a notifications filter",
    );
  }
  const notify = scope.notify;
  if (!notify) {
    throw new McpError(
      ErrorCode.InternalError,
      "This transport cannot carry a subscription stream",
    );
  }
  const honoured: SubscriptionFilter = {};
  for (const { filterKey } of LIST_CHANGES) {
    if (filter[filterKey] === true) honoured[filterKey] = true;
  }
  if (Array.isArray(filter.resourceSubscriptions)) {
    honoured.resourceSubscriptions = filter.resourceSubscriptions.filter((u): u is string =>
      typeof u === "string"
    );
  }
  const watched = new Set(honoured.resourceSubscriptions ?? []);
  const tag = { [MetaKey.subscriptionId]: request.id };
  const send = (method: string, extra?: JsonObject) =>
    notify({ jsonrpc: "2.0", method, params: { _meta: tag, ...extra } });
  const joined: ExtensionSubscription[] = [];
  try {
    for (const extension of core.extensions) {
      const subscription = extension.listen?.(
        { method: request.method, params, clientCapabilities, auth: scope.auth },
        send,
      );
      if (subscription) joined.push(subscription);
    }
  } catch (error) {
    for (const { stop } of joined) stop();
    throw error;
  }
  for (const { honoured: extra } of joined) Object.assign(honoured, extra);
  notify({
    jsonrpc: "2.0",
    method: "notifications/subscriptions/acknowledged",
    params: { _meta: tag, notifications: honoured as JsonObject },
  });
  return new Promise((resolve) => {
    const unsubscribe = subscribe(core.listeners, (event) => {
      if (event.type === "resource") {
        if (watched.has(event.uri)) send(RESOURCE_UPDATED, { uri: event.uri });
      } else {
        const change = listChange(event.type);
        if (honoured[change.filterKey]) send(change.method);
      }
    });
    const finish = () => {
      unsubscribe();
      for (const { stop } of joined) stop();
      core.closers.delete(finish);
      scope.signal?.removeEventListener("abort", finish);
      resolve({ resultType: "complete", _meta: tag });
    };
    core.closers.add(finish);
    scope.signal?.addEventListener("abort", finish, { once: true });
  });
}

function forwardEvent(session: LegacySession, event: ServerEvent): void {
  if (!session.initialized && !session.protocolVersion) return;
  if (event.type !== "resource") {
    session.sendStandalone({ jsonrpc: "2.0", method: listChange(event.type).method });
  } else if (session.subscriptions.has(event.uri)) {
    session.sendStandalone({
      jsonrpc: "2.0",
      method: RESOURCE_UPDATED,
      params: { uri: event.uri },
    });
  }
}

// The legacy sessions attached to each listener set, served by one listener for them all: an
// idle session then costs a set entry rather than a listener closure of its own.
const attachedSessions = new WeakMap<Set<ServerEventListener>, Set<LegacySession>>();

function sessionsOf(listeners: Set<ServerEventListener>): Set<LegacySession> {
  let sessions = attachedSessions.get(listeners);
  if (sessions !== undefined) return sessions;
  const attached = sessions = new Set();
  attachedSessions.set(listeners, attached);
  listeners.add((event) => {
    for (const session of [...attached]) {
      try {
        forwardEvent(session, event);
      } catch {
        // One broken session must not stop the others.
      }
    }
  });
  return attached;
}

/**
 * Sends a legacy session its standalone notifications: list changes, and
 * updates of the resources it subscribed to. Returns the function that stops.
 */
export function forwardToSession(
  listeners: Set<ServerEventListener>,
  session: LegacySession,
): () => void {
  const sessions = sessionsOf(listeners);
  sessions.add(session);
  return () => {
    sessions.delete(session);
  };
}

/** Serves legacy `resources/subscribe` and `resources/unsubscribe` for a session. */
export function subscribeSession(
  session: LegacySession,
  method: "resources/subscribe" | "resources/unsubscribe",
  params: JsonObject,
): JsonObject {
  if (typeof params.uri !== "string") {
    throw new McpError(ErrorCode.InvalidParams, "uri must be a string");
  }
  if (method === "resources/subscribe") session.subscriptions.add(params.uri);
  else session.subscriptions.delete(params.uri);
  return {};
}
