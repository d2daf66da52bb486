/**
 * Storage of SSE events for legacy (2025-03-26 … 2025-11-25) stream
 * resumption with `Last-Event-ID`.
 *
 * @module
 */
import type { JsonRpcMessage } from "../../protocol/jsonrpc.ts";

/** Where legacy SSE events are kept for replay. */
export interface EventStore {
  /** Stores a message sent on a stream; returns its event id. */
  append(streamId: string, message: JsonRpcMessage | null): Promise<string> | string;
  /**
   * Sends, in order, every event after `lastEventId` on its stream and returns
   * that stream's id, or `undefined` when the id is unknown.
   */
  replayAfter(
    lastEventId: string,
    send: (eventId: string, message: JsonRpcMessage) => void,
  ): Promise<string | undefined> | string | undefined;
}

/** Limits of the in-memory store. */
export interface MemoryEventStoreOptions {
  /** Events kept per stream. Default 1 000. */
  maxEventsPerStream?: number;
  /** Streams kept, least recently written dropped first. Default 10 000. */
  maxStreams?: number;
}

/**
 * An in-memory, bounded event store. Event ids are `<streamId>.<sequence>`.
 *
 * @example
 * ```ts
 * import { createMemoryEventStore } from "./event_store.ts";
 * const store = createMemoryEventStore({ maxEventsPerStream: 100 });
 * ```
 */
export function createMemoryEventStore(options: MemoryEventStoreOptions = {}): EventStore {
  const perStream = options.maxEventsPerStream ?? 1000;
  const maxStreams = options.maxStreams ?? 10_000;
  const streams = new Map<string, { next: number; events: [number, JsonRpcMessage | null][] }>();
  return {
    append(streamId, message) {
      let stream = streams.get(streamId);
      if (stream) {
        streams.delete(streamId);
      } else {
        stream = { next: 0, events: [] };
        if (streams.size >= maxStreams) streams.delete(streams.keys().next().value!);
      }
      streams.set(streamId, stream);
      const sequence = stream.next++;
      stream.events.push([sequence, message]);
      if (stream.events.length > perStream) stream.events.shift();
      return `${streamId}.${sequence}`;
    },
    replayAfter(lastEventId, send) {
      const dot = lastEventId.lastIndexOf(".");
      if (dot <= 0) return undefined;
      const streamId = lastEventId.slice(0, dot);
      const after = Number(lastEventId.slice(dot + 1));
      const stream = streams.get(streamId);
      if (!stream || !Number.isInteger(after)) return undefined;
      for (const [sequence, message] of stream.events) {
        if (sequence > after && message) send(`${streamId}.${sequence}`, message);
      }
      return streamId;
    },
  };
}
