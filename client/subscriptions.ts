/**
 * Subscriptions with one API for both eras: a modern `subscriptions/listen`
 * request the server acknowledges and then streams notifications on, or
 * legacy `resources/subscribe` (reference-counted per URI) plus the session's
 * notifications, filtered as a modern server would.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import {
  isObject,
  type JsonObject,
  type JsonRpcNotification,
  type RequestId,
} from "../protocol/jsonrpc.ts";
import { MetaKey } from "../protocol/meta.ts";
import { filterAccepts, honouredListChanges } from "../protocol/subscriptions.ts";
import type { SubscriptionFilter } from "../protocol/types.ts";
import { ClientError } from "./errors.ts";
import type { Subscription } from "./options.ts";
import { request } from "./request.ts";
import { type ClientState, warn } from "./state.ts";

/** An open `subscriptions/listen` request. */
export interface ModernSubscription {
  /** Receives the notifications the server sends on it. */
  listener: (notification: JsonRpcNotification) => void;
  /** Settles the subscription with what the server agreed to deliver. */
  acknowledge: (filter: SubscriptionFilter) => void;
}

/** A legacy subscription: a filter over the session's notifications. */
export interface LegacySubscription {
  /** What it delivers. */
  filter: SubscriptionFilter;
  /** Receives the notifications the filter accepts. */
  listener: (notification: JsonRpcNotification) => void;
}

type Listener = (notification: JsonRpcNotification) => void;

/** Subscribes in the client's era; resolves once the server acknowledged. */
export function subscribe(
  state: ClientState,
  filter: SubscriptionFilter,
  listener: Listener,
  ackTimeoutMs: number | undefined,
): Promise<Subscription> {
  return state.era === "modern"
    ? subscribeModern(state, filter, listener, ackTimeoutMs)
    : subscribeLegacy(state, filter, listener);
}

function subscriptionIdOf(params: JsonObject): RequestId | undefined {
  const id = isObject(params._meta) ? params._meta[MetaKey.subscriptionId] : undefined;
  return typeof id === "string" || typeof id === "number" ? id : undefined;
}

/** Handles `notifications/subscriptions/acknowledged`. */
export function acknowledgeSubscription(state: ClientState, params: JsonObject): void {
  const id = subscriptionIdOf(params);
  const sub = id === undefined ? undefined : state.modernSubs.get(id);
  sub?.acknowledge(
    isObject(params.notifications) ? params.notifications as SubscriptionFilter : {},
  );
}

/** Hands a notification to the subscription it was sent on, or to every legacy filter that accepts it. */
export function deliverToSubscriptions(
  state: ClientState,
  notification: JsonRpcNotification,
): void {
  const id = subscriptionIdOf(notification.params ?? {});
  if (id !== undefined) {
    state.modernSubs.get(id)?.listener(notification);
    return;
  }
  for (const sub of state.legacySubs) {
    if (filterAccepts(sub.filter, notification)) sub.listener(notification);
  }
}

async function subscribeModern(
  state: ClientState,
  filter: SubscriptionFilter,
  listener: Listener,
  ackTimeoutMs: number | undefined,
): Promise<Subscription> {
  const controller = new AbortController();
  let acknowledge!: (filter: SubscriptionFilter) => void;
  const acknowledged = new Promise<SubscriptionFilter>((resolve) => (acknowledge = resolve));
  const ids: RequestId[] = [];
  const entry: ModernSubscription = { listener, acknowledge: (honoured) => acknowledge(honoured) };
  const listen = request(state, "subscriptions/listen", { notifications: filter as JsonObject }, {
    timeoutMs: null,
    signal: controller.signal,
    onSend: (message) => {
      if ("id" in message && "method" in message) {
        ids.push(message.id);
        state.modernSubs.set(message.id, entry);
      }
    },
  });
  let cancelled = false;
  const ended = listen.then(
    () => "graceful" as const,
    () => (cancelled ? "cancelled" as const : "dropped" as const),
  ).finally(() => {
    for (const id of ids) state.modernSubs.delete(id);
  });
  const timeoutMs = ackTimeoutMs ?? state.options.timeoutMs ?? 60_000;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new McpError(
            ErrorCode.RequestTimeout,
            "subscriptions/listen was not acknowledged in time",
          ),
        ),
      timeoutMs,
    );
  });
  try {
    const honoured = await Promise.race([
      acknowledged,
      listen.then(() => {
        throw new ClientError(
          ErrorCode.InternalError,
          "The subscription ended before it was acknowledged",
        );
      }),
      timedOut,
    ]);
    for (const key of Object.keys(filter) as (keyof SubscriptionFilter)[]) {
      if (filter[key] && honoured[key] === undefined) {
        warn(state, `The server did not agree to deliver ${key}`);
      }
    }
    const unsubscribe = async () => {
      cancelled = true;
      controller.abort("unsubscribed");
      await ended;
    };
    return Object.assign(unsubscribe, { acknowledged: honoured, ended });
  } catch (error) {
    cancelled = true;
    controller.abort("subscription failed");
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

async function subscribeLegacy(
  state: ClientState,
  filter: SubscriptionFilter,
  listener: Listener,
): Promise<Subscription> {
  const caps = state.serverCapabilities;
  const honoured = honouredListChanges(filter, caps);
  const uris = caps.resources?.subscribe ? [...new Set(filter.resourceSubscriptions ?? [])] : [];
  if (filter.resourceSubscriptions?.length && !caps.resources?.subscribe) {
    warn(state, "The server does not support resource subscriptions");
  }
  const subscribed: string[] = [];
  try {
    for (const uri of uris) {
      const count = state.resourceRefs.get(uri) ?? 0;
      if (count === 0) await request(state, "resources/subscribe", { uri });
      state.resourceRefs.set(uri, count + 1);
      subscribed.push(uri);
    }
  } catch (error) {
    await releaseResources(state, subscribed);
    throw error;
  }
  if (uris.length > 0) honoured.resourceSubscriptions = uris;
  const entry: LegacySubscription = { filter: honoured, listener };
  state.legacySubs.add(entry);
  let finish!: (how: "cancelled" | "dropped") => void;
  const ended = new Promise<"graceful" | "cancelled" | "dropped">((resolve) => (finish = resolve));
  const lifetime = state.lifetime.signal;
  const onClose = () => finish("dropped");
  lifetime.addEventListener("abort", onClose, { once: true });
  let done = false;
  const unsubscribe = async () => {
    if (done) return;
    done = true;
    state.legacySubs.delete(entry);
    lifetime.removeEventListener("abort", onClose);
    if (!state.closed) await releaseResources(state, subscribed);
    finish("cancelled");
  };
  return Object.assign(unsubscribe, { acknowledged: honoured, ended });
}

/** Drops one reference to each URI; the last one sends `resources/unsubscribe`. */
async function releaseResources(state: ClientState, uris: string[]): Promise<void> {
  for (const uri of uris) {
    const count = (state.resourceRefs.get(uri) ?? 1) - 1;
    if (count > 0) {
      state.resourceRefs.set(uri, count);
      continue;
    }
    state.resourceRefs.delete(uri);
    await request(state, "resources/unsubscribe", { uri }).catch((error) =>
      warn(state, `resources/unsubscribe ${uri} failed: ${String(error)}`)
    );
  }
}
