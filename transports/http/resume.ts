/**
 * Resuming a legacy SSE stream with `Last-Event-ID`: the events the client
 * missed are replayed, then the stream goes on where it left off, the
 * session's GET stream or a request stream whose request is still running.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import { encodeSseEvent } from "../../protocol/sse.ts";
import type { EndpointState, SessionRecord } from "./endpoint_state.ts";
import { rpcError } from "./responses.ts";
import { createSseWriter, SSE_HEADERS } from "./sse_writer.ts";

/** Answers a GET with `Last-Event-ID` in the session of `record`. */
export async function resumeStream(
  state: EndpointState,
  record: SessionRecord,
  lastEventId: string,
): Promise<Response> {
  const replayed: string[] = [];
  const streamId = await state.store.replayAfter(lastEventId, (eventId, message) => {
    replayed.push(encodeSseEvent({ id: eventId, data: JSON.stringify(message) }));
  });
  if (streamId === undefined || !streamId.startsWith(record.session.id!)) {
    return rpcError(400, ErrorCode.InvalidRequest, "Unknown Last-Event-ID");
  }
  const writer = createSseWriter(() => {}, state.keepAliveMs);
  for (const event of replayed) writer.write(event);
  if (streamId === record.standaloneStreamId) {
    record.standalone?.close();
    record.standalone = writer;
  } else {
    // A request stream: take it over if its request is still running.
    const live = state.liveStreams.get(streamId);
    if (live && !live.done) {
      live.writer?.close();
      live.writer = writer;
    } else {
      setTimeout(() => writer.close(), 0);
    }
  }
  return new Response(writer.readable, { status: 200, headers: SSE_HEADERS });
}
