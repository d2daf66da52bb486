/**
 * Resuming a legacy SSE stream with `Last-Event-ID`: the events the client
 * missed are replayed, then the stream goes on where it left off, the
 * session's GET stream or a request stream whose request is still running.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import { encodeSseComment, encodeSseEvent } from "../../protocol/sse.ts";
import type { EndpointState, SessionRecord } from "./endpoint_state.ts";
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

/** Answers a GET with `Last-Event-ID` in the session of `record`. */
export async function resumeStream(
  state: EndpointState,
  record: SessionRecord,
  lastEventId: string,
): Promise<Response> {
  const writer = createSseWriter(() => {}, state.keepAliveMs, state.sseLimits);
  // The new writer is known only after the replay, but events go on meanwhile:
  // the streams this id may name are tapped so nothing sent during the replay is lost.
  const standaloneTap = tap(record.standalone, writer.readable);
  record.standalone = standaloneTap.writer;
  const guessed = state.liveStreams.get(lastEventId.slice(0, lastEventId.lastIndexOf(".")));
  const requestTap = guessed && !guessed.done ? tap(guessed.writer, writer.readable) : undefined;
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
  try {
    streamId = await state.store.replayAfter(lastEventId, (eventId, message) => {
      replayedIds.add(eventId);
      replayed.push(encodeSseEvent({ id: eventId, data: JSON.stringify(message) }));
    });
  } finally {
    untap();
  }
  if (streamId === undefined || !streamId.startsWith(record.session.id!)) {
    writer.close();
    return rpcError(400, ErrorCode.InvalidRequest, "Unknown Last-Event-ID");
  }
  // A comment first, so the headers go out even when there is nothing to replay.
  writer.write(encodeSseComment("resumed"));
  for (const event of replayed) writer.write(event);
  if (streamId === record.standaloneStreamId) {
    record.standalone?.close();
    record.standalone = writer;
    flush(writer, standaloneTap.held, replayedIds);
  } else {
    // A request stream: take it over if its request is still running.
    const live = state.liveStreams.get(streamId);
    if (live === guessed && requestTap) flush(writer, requestTap.held, replayedIds);
    if (live && !live.done) {
      live.writer?.close();
      live.writer = writer;
    } else {
      setTimeout(() => writer.close(), 0);
    }
  }
  return new Response(writer.readable, { status: 200, headers: SSE_HEADERS });
}
