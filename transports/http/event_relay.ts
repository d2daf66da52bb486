/**
 * The server's events (a list changed, a resource was updated) across the instances of one
 * endpoint: with a message bus, each event that happens on one instance is published on the
 * {@linkcode SERVER_EVENTS_CHANNEL}, and every other instance announces it to its own
 * listeners, so a `subscriptions/listen` stream or a legacy session's GET stream held by any
 * instance hears of it. The originating instance announces it once, locally, and ignores its
 * own message.
 *
 * Legacy sessions, which several instances may hold at once (each adopting it from the session
 * directory), hear an event only on the instance holding their GET stream (and subscribed
 * resources are checked against the directory, where `resources/subscribe` on any instance
 * wrote them): one delivery, wherever the event happened. An event while no instance holds
 * the GET stream is not kept for it.
 *
 * @module
 */
import type { JsonRpcMessage, JsonRpcNotification } from "../../protocol/jsonrpc.ts";
import type { ServerEndpoint } from "../../protocol/server_endpoint.ts";
import {
  LIST_CHANGES,
  listChange,
  RESOURCE_UPDATED,
  type ServerEvent,
} from "../../protocol/subscriptions.ts";
import type { EndpointState, SessionRecord } from "./endpoint_state.ts";
import type { MessageBus } from "./message_bus.ts";
import { randomId } from "./sessions.ts";

/** The bus channel of the server's events, one for all the instances of an endpoint. */
export const SERVER_EVENTS_CHANNEL = "server:events";

/** A server that can hear and announce its events (as `McpServer` does). */
export interface EventfulServer {
  /** Subscribes to the server's events; returns the unsubscribe function. */
  onEvent(listener: (event: ServerEvent) => void): () => void;
  /** Announces an event to the server's listeners as if it happened here. */
  emitEvent(event: ServerEvent): void;
}

/** One server's events, shared on a bus. */
export interface EventRelay {
  /** Settles once this instance hears the other instances' events. */
  readonly ready: Promise<void>;
  /** Stops publishing and hearing events. */
  close(): Promise<void>;
}

/** What is published: the event, and which instance it happened on. */
interface Published {
  origin: string;
  event: ServerEvent;
}

const LIST_KINDS: ReadonlySet<string> = new Set(["tools", "prompts", "resources"]);

/** The relays made so far, per server and bus: handlers of one server share one. */
const relays = new WeakMap<object, WeakMap<MessageBus, EventRelay>>();

/** Whether `server` can hear and announce events. */
export function isEventful(server: unknown): server is EventfulServer {
  const candidate = server as Partial<EventfulServer> | null;
  return typeof candidate?.onEvent === "function" && typeof candidate.emitEvent === "function";
}

/** The published message `text`, or `undefined` when it is not one. */
function parsePublished(text: string): Published | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  const { origin, event } = (value ?? {}) as { origin?: unknown; event?: Partial<ServerEvent> };
  if (typeof origin !== "string" || typeof event !== "object" || event === null) return undefined;
  if (event.type === "resource") {
    const uri = (event as { uri?: unknown }).uri;
    return typeof uri === "string" ? { origin, event: { type: "resource", uri } } : undefined;
  }
  if (typeof event.type === "string" && LIST_KINDS.has(event.type)) {
    return { origin, event: { type: event.type } as ServerEvent };
  }
  return undefined;
}

/**
 * Shares `server`'s events with the other instances on `bus` (once per server and bus: a
 * later call returns the same relay); `undefined` when `server` has no events to share.
 *
 * @example
 * ```ts
 * import { McpServer } from "../../server/server.ts";
 * import { createMemoryMessageBus } from "./message_bus.ts";
 * import { relayServerEvents } from "./event_relay.ts";
 * const bus = createMemoryMessageBus();
 * const a = new McpServer({ name: "a", version: "1.0.0" });
 * const b = new McpServer({ name: "b", version: "1.0.0" });
 * await relayServerEvents(a, bus)!.ready;
 * await relayServerEvents(b, bus)!.ready;
 * b.onEvent((event) => console.log(event)); // { type: "resource", uri: "file:///x" }
 * a.resourceUpdated("file:///x");
 * ```
 */
export function relayServerEvents(
  server: ServerEndpoint | EventfulServer,
  bus: MessageBus,
): EventRelay | undefined {
  if (!isEventful(server)) return undefined;
  let byBus = relays.get(server);
  if (byBus === undefined) relays.set(server, byBus = new WeakMap());
  let relay = byBus.get(bus);
  if (relay === undefined) byBus.set(bus, relay = createRelay(server, bus));
  return relay;
}

function createRelay(server: EventfulServer, bus: MessageBus): EventRelay {
  const origin = randomId();
  // Set while an event from elsewhere is announced here, so it is not published back.
  let relaying = false;
  const stopLocal = server.onEvent((event) => {
    if (relaying) return;
    const published: Published = { origin, event };
    void bus.publish(SERVER_EVENTS_CHANNEL, JSON.stringify(published)).catch(() => {});
  });
  const subscribed = bus.subscribe(SERVER_EVENTS_CHANNEL, (message) => {
    const published = parsePublished(message);
    if (published === undefined || published.origin === origin) return;
    relaying = true;
    try {
      server.emitEvent(published.event);
    } finally {
      relaying = false;
    }
  });
  return {
    ready: subscribed.then(() => {}),
    async close() {
      stopLocal();
      const stop = await subscribed.catch(() => undefined);
      await stop?.();
    },
  };
}

/** The standalone notification that tells a session of `event`. */
function notificationOf(event: ServerEvent): JsonRpcNotification {
  if (event.type === "resource") {
    return { jsonrpc: "2.0", method: RESOURCE_UPDATED, params: { uri: event.uri } };
  }
  return { jsonrpc: "2.0", method: listChange(event.type).method };
}

/** Whether the session of `record` is subscribed to `uri`, as the directory (if any) says. */
async function subscribedTo(
  state: EndpointState,
  record: SessionRecord,
  uri: string,
): Promise<boolean> {
  const session = record.session;
  if (state.directory === undefined) return session.subscriptions.has(uri);
  try {
    const found = await state.directory.get(session.id!);
    return found !== undefined && found.session.subscriptions.includes(uri);
  } catch {
    return session.subscriptions.has(uri);
  }
}

/** The methods of the notifications a server sends a legacy session of its events. */
const EVENT_METHODS: ReadonlySet<string> = new Set([
  RESOURCE_UPDATED,
  ...LIST_CHANGES.map((change) => change.method),
]);

/**
 * `send` without the server's event notifications, for a session whose events
 * {@linkcode followServerEvents} delivers: each instance holding the session hears of every
 * event, and only the one holding its GET stream may tell it.
 */
export function withoutServerEvents(
  send: (message: JsonRpcMessage) => void,
): (message: JsonRpcMessage) => void {
  return (message) => {
    if (!("method" in message && !("id" in message) && EVENT_METHODS.has(message.method))) {
      send(message);
    }
  };
}

/**
 * Tells the session of `record`, through `send` (its standalone send), of `server`'s events
 * (those of other instances included) while this instance holds its GET stream, in the order
 * they happened; returns the function that stops.
 */
export function followServerEvents(
  state: EndpointState,
  record: SessionRecord,
  server: EventfulServer,
  send: (message: JsonRpcMessage) => void,
): () => void {
  let queue: Promise<void> = Promise.resolve();
  const deliver = async (event: ServerEvent) => {
    const session = record.session;
    if (!session.initialized && !session.protocolVersion) return;
    if (event.type === "resource" && !(await subscribedTo(state, record, event.uri))) return;
    // The stream may have moved while the directory answered: its new holder tells it.
    if (record.standalone === undefined) return;
    send(notificationOf(event));
  };
  return server.onEvent((event) => {
    if (record.standalone === undefined) return;
    queue = queue.then(() => deliver(event)).catch(() => {});
  });
}
