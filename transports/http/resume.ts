/**
 * Resuming a legacy SSE stream with `Last-Event-ID`: the events the client
 * missed are replayed, then the stream goes on where it left off, the
 * session's GET stream or a request stream whose request is still running.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import { encodeSseComment, encodeSseEvent } from "../../protocol/sse.ts";
import type { JsonRpcMessage } from "../../protocol/jsonrpc.ts";
import type { EndpointState, SessionRecord } from "./endpoint_state.ts";
import { claimStandalone } from "./legacy_sessions.ts";
import type { MessageBus } from "./message_bus.ts";
import { rpcError } from "./responses.ts";
import { createSseWriter, SSE_HEADERS, type SseWriter } from "./sse_writer.ts";

/** Events written to a stream while the store replays, held for the resumed stream. */
interface Tap {
  /** Stands in for the stream's writer during the replay. */
  readonly writer: SseWriter;
  /** The encoded events written meanwhile, in order. */
  readonly held: string[];
  /** The writer it stands in for. */
  readonly previous: SseWriter | undefined;
}

/** A writer that passes writes on to `previous` and keeps a copy of each. */
function tap(previous: SseWriter | undefined, readable: ReadableStream<Uint8Array>): Tap {
  const held: string[] = [];
  const writer: SseWriter = {
    readable,
    get closed() {
      return false;
    },
    write(text) {
      previous?.write(text);
      held.push(text);
    },
    close() {
      previous?.close();
    },
  };
  return { writer, held, previous };
}

const EVENT_ID = /^id: ?(.*)$/m;

/** Writes the held events the replay did not already send. */
function flush(target: SseWriter, held: readonly string[], replayed: ReadonlySet<string>): void {
  for (const text of held) {
    const id = EVENT_ID.exec(text)?.[1];
    if (id === undefined || !replayed.has(id)) target.write(text);
  }
}

/** The bus channel of request stream `streamId`'s events while no client listens where it runs. */
export function streamChannelOf(streamId: string): string {
  return `stream:${streamId}`;
}

/** What is published on a stream's channel: an event id and its message. */
export interface PublishedEvent {
  /** The event's id in the event store. */
  readonly id: string;
  /** The message; `null` for a priming event. */
  readonly message: JsonRpcMessage | null;
}

/** Whether `message` is a request's response, the last event of its stream. */
function isFinal(message: JsonRpcMessage | null): boolean {
  return message !== null && !("method" in message) && ("result" in message || "error" in message);
}

/** A request stream followed on the bus: held events until attached to a writer, then live. */
interface RemoteStream {
  /** Writes what was held (but not replayed) to `target`, then each new event until the last. */
  attach(target: SseWriter, replayed: ReadonlySet<string>): void;
  /** Stops following. */
  stop(): void;
}

/** Subscribes to the events of request stream `streamId`, running on another instance. */
async function followRemote(bus: MessageBus, streamId: string): Promise<RemoteStream | undefined> {
  const held: PublishedEvent[] = [];
  let target: SseWriter | undefined;
  const deliver = (event: PublishedEvent) => {
    if (event.message === null) return;
    target!.write(encodeSseEvent({ id: event.id, data: JSON.stringify(event.message) }));
    if (isFinal(event.message)) {
      stop();
      target!.close();
    }
  };
  let unsubscribe: (() => Promise<void>) | undefined;
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    void unsubscribe?.().catch(() => {});
  };
  try {
    unsubscribe = await bus.subscribe(streamChannelOf(streamId), (text) => {
      if (stopped) return;
      let event: PublishedEvent;
      try {
        event = JSON.parse(text);
      } catch {
        return;
      }
      if (target === undefined) held.push(event);
      else if (!target.closed) deliver(event);
      else stop();
    });
  } catch {
    return undefined;
  }
  return {
    attach(writer, replayed) {
      target = writer;
      for (const event of held.splice(0)) {
        if (!stopped && !replayed.has(event.id)) deliver(event);
      }
    },
    stop,
  };
}

/** Answers a GET with `Last-Event-ID` in the session of `record`. */
export async function resumeStream(
  state: EndpointState,
  record: SessionRecord,
  lastEventId: string,
): Promise<Response> {
  let onGone = () => {};
  const writer = createSseWriter(() => onGone(), state.keepAliveMs, state.sseLimits);
  // The new writer is known only after the replay, but events go on meanwhile:
  // the streams this id may name are tapped so nothing sent during the replay is lost.
  const standaloneTap = tap(record.standalone, writer.readable);
  record.standalone = standaloneTap.writer;
  const guessedId = lastEventId.slice(0, lastEventId.lastIndexOf("."));
  const guessed = state.liveStreams.get(guessedId);
  const requestTap = guessed && !guessed.done ? tap(guessed.writer, writer.readable) : undefined;
  // A request stream not made here may be running on another instance: listen before replaying.
  const remote = !guessed && state.bus && guessedId !== record.standaloneStreamId
    ? await followRemote(state.bus, guessedId)
    : undefined;
  if (remote) onGone = remote.stop;
  if (guessed && requestTap) guessed.writer = requestTap.writer;
  const untap = () => {
    if (record.standalone === standaloneTap.writer) record.standalone = standaloneTap.previous;
    if (guessed && requestTap && guessed.writer === requestTap.writer) {
      guessed.writer = requestTap.previous;
    }
  };

  const replayed: string[] = [];
  const replayedIds = new Set<string>();
  let streamId: string | undefined;
  let answered = false;
  try {
    streamId = await state.store.replayAfter(lastEventId, (eventId, message) => {
      if (isFinal(message)) answered = true;
      replayedIds.add(eventId);
      replayed.push(encodeSseEvent({ id: eventId, data: JSON.stringify(message) }));
    });
  } finally {
    untap();
  }
  if (streamId === undefined || !streamId.startsWith(record.session.id!)) {
    remote?.stop();
    writer.close();
    return rpcError(400, ErrorCode.InvalidRequest, "Unknown Last-Event-ID");
  }
  // A comment first, so the headers go out even when there is nothing to replay.
  writer.write(encodeSseComment("resumed"));
  for (const event of replayed) writer.write(event);
  if (streamId === record.standaloneStreamId) {
    record.standalone?.close();
    record.standalone = writer;
    claimStandalone(state, record, writer);
    flush(writer, standaloneTap.held, replayedIds);
  } else {
    // A request stream: take it over if its request is still running.
    const live = state.liveStreams.get(streamId);
    if (live === guessed && requestTap) flush(writer, requestTap.held, replayedIds);
    if (live && !live.done) {
      live.writer?.close();
      live.writer = writer;
    } else if (remote && streamId === guessedId && !answered) {
      remote.attach(writer, replayedIds);
    } else {
      remote?.stop();
      setTimeout(() => writer.close(), 0);
    }
  }
  return new Response(writer.readable, { status: 200, headers: SSE_HEADERS });
}
