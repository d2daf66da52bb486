/**
 * Live messages between the instances of one endpoint: the {@linkcode MessageBus} interface
 * and its in-process implementation. A Redis one (pub/sub) lives in `store/`.
 *
 * Used so far for one case: a standalone message of a legacy session (a notification) sent on
 * an instance that holds no GET stream for it is published on the session's channel, and the
 * instance holding that stream writes it there. Server-to-client requests answered on another
 * instance are the next use (see `store/mod.ts`).
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
