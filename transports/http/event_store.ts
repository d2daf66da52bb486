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
  /**
   * Drops every stream of a session that ended (their ids begin
   * `<sessionId>-`), so an ended session holds no memory. Optional: a store
   * without it keeps them until its own limits drop them.
   */
  forgetSession?(sessionId: string): void | Promise<void>;
}

/** Limits of the in-memory store. */
export interface MemoryEventStoreOptions {
  /** Events kept per stream. Default 1 000. */
  maxEventsPerStream?: number;
  /** Streams kept, least recently written dropped first. Default 10 000. */
  maxStreams?: number;
  /**
   * Bytes of events kept in all (their JSON, as UTF-16 code units, a close
   * measure for mostly-ASCII JSON); past it the oldest events of the least
   * recently written streams are dropped first. Default 64 MiB.
   */
  maxBytes?: number;
}

/** The in-memory event store, which also tells how much it holds. */
export interface MemoryEventStore extends EventStore {
  /** Bytes of the events held now, as {@link MemoryEventStoreOptions.maxBytes} counts them. */
  readonly bytes: number;
  /** Drops every stream whose id begins `<sessionId>-`. */
  forgetSession(sessionId: string): void;
}

interface StoredStream {
  next: number;
  events: [sequence: number, message: JsonRpcMessage | null, bytes: number][];
  bytes: number;
}

/**
 * An in-memory event store bounded in events, streams and bytes. Event ids
 * are `<streamId>.<sequence>`.
 *
 * @example
 * ```ts
 * import { createMemoryEventStore } from "./event_store.ts";
 * const store = createMemoryEventStore({ maxEventsPerStream: 100, maxBytes: 8 * 1024 * 1024 });
 * store.append("s1-get", { jsonrpc: "2.0", method: "notifications/message" });
 * store.forgetSession("s1");
 * ```
 */
export function createMemoryEventStore(options: MemoryEventStoreOptions = {}): MemoryEventStore {
  const perStream = options.maxEventsPerStream ?? 1000;
  const maxStreams = options.maxStreams ?? 10_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  // Insertion order is write order: the first stream is the least recently written.
  const streams = new Map<string, StoredStream>();
  let total = 0;
  const drop = (streamId: string) => {
    const stream = streams.get(streamId);
    if (!stream) return;
    total -= stream.bytes;
    streams.delete(streamId);
  };
  const shift = (stream: StoredStream) => {
    const [, , bytes] = stream.events.shift()!;
    stream.bytes -= bytes;
    total -= bytes;
  };
  return {
    get bytes() {
      return total;
    },
    append(streamId, message) {
      let stream = streams.get(streamId);
      if (stream) {
        streams.delete(streamId);
      } else {
        stream = { next: 0, events: [], bytes: 0 };
        if (streams.size >= maxStreams) drop(streams.keys().next().value!);
      }
      streams.set(streamId, stream);
      const sequence = stream.next++;
      const bytes = message ? JSON.stringify(message).length : 0;
      stream.events.push([sequence, message, bytes]);
      stream.bytes += bytes;
      total += bytes;
      if (stream.events.length > perStream) shift(stream);
      // Oldest first, but the event just stored stays even when it alone is over the bound.
      for (const [id, oldest] of streams) {
        if (total <= maxBytes) break;
        while (total > maxBytes && oldest.events.length > (oldest === stream ? 1 : 0)) {
          shift(oldest);
        }
        // An emptied stream goes, as one past maxStreams does.
        if (oldest.events.length === 0) streams.delete(id);
      }
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
    forgetSession(sessionId) {
      const prefix = `${sessionId}-`;
      for (const streamId of [...streams.keys()]) {
        if (streamId.startsWith(prefix)) drop(streamId);
      }
    },
  };
}
