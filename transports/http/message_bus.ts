/**
 * Live messages between the instances of one endpoint: the {@linkcode MessageBus} interface
 * and its in-process implementation. A Redis one (pub/sub) lives in `store/`.
 *
 * The channels of a legacy session `<id>`, each subscribed by every instance that holds it:
 * - `session:<id>:standalone`: a standalone message (a notification, or a request to the
 *   client) sent on an instance without the session's GET stream, for the one holding it; an
 *   instance taking the GET stream says so here, and the stream left elsewhere closes; an empty
 *   message says the session ended.
 * - `session:<id>:client`: what the client sent to an instance it was not meant for (a response
 *   to another instance's request, its progress, `notifications/cancelled` for a request
 *   running elsewhere), for the instance that knows its id (`session_relay.ts`).
 *
 * And `stream:<streamId>`: the events of a request stream while no client listens on the
 * instance running it, for an instance where the client resumed it with `Last-Event-ID`.
 *
 * @module
 */

/** Receives a message published on a channel subscribed to. */
export type BusListener = (message: string) => void;

/** Publish/subscribe between instances; delivery is at most once, to current subscribers. */
export interface MessageBus {
  /** Sends `message` to every subscriber of `channel`, on any instance. */
  publish(channel: string, message: string): Promise<void>;
  /** Subscribes `onMessage` to `channel`; resolves, once subscribed, with its unsubscribe. */
  subscribe(channel: string, onMessage: BusListener): Promise<() => Promise<void>>;
}

/**
 * A bus within this process, for several handlers of one process; messages are delivered
 * asynchronously, as a shared bus would.
 *
 * @example
 * ```ts
 * import { createMemoryMessageBus } from "./message_bus.ts";
 * const bus = createMemoryMessageBus();
 * const stop = await bus.subscribe("news", (message) => console.log(message));
 * await bus.publish("news", "hello");
 * await stop();
 * ```
 */
export function createMemoryMessageBus(): MessageBus {
  const channels = new Map<string, Set<BusListener>>();
  return {
    publish(channel, message) {
      for (const listener of channels.get(channel) ?? []) {
        queueMicrotask(() => listener(message));
      }
      return Promise.resolve();
    },
    subscribe(channel, onMessage) {
      let listeners = channels.get(channel);
      if (listeners === undefined) channels.set(channel, listeners = new Set());
      // Each subscription is its own, even when one function subscribes twice.
      const listener: BusListener = (message) => onMessage(message);
      listeners.add(listener);
      return Promise.resolve(() => {
        listeners.delete(listener);
        if (listeners.size === 0 && channels.get(channel) === listeners) channels.delete(channel);
        return Promise.resolve();
      });
    },
  };
}
