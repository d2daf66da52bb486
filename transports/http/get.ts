/**
 * GET on a Streamable HTTP endpoint, within a legacy session: the session's
 * one standalone SSE stream (server notifications and requests outside any
 * request), or the resumption of a stream with `Last-Event-ID`.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import { encodeSseComment, encodeSseEvent } from "../../protocol/sse.ts";
import { accepts } from "./accept.ts";
import type { EndpointState, SessionRecord } from "./endpoint_state.ts";
import { claimStandalone } from "./legacy_sessions.ts";
import { rpcError } from "./responses.ts";
import { resumeStream } from "./resume.ts";
import { createSseWriter, SSE_HEADERS } from "./sse_writer.ts";

/** Answers a GET in the session of `record`. */
export async function get(
  state: EndpointState,
  request: Request,
  record: SessionRecord,
): Promise<Response> {
  if (!accepts(request, "text/event-stream")) {
    return rpcError(406, ErrorCode.InvalidRequest, "GET needs Accept: text/event-stream");
  }
  const lastEventId = request.headers.get("last-event-id");
  if (lastEventId) return resumeStream(state, record, lastEventId);
  if (record.standalone && !record.standalone.closed) {
    return rpcError(409, ErrorCode.InvalidRequest, "Only one GET stream is allowed per session");
  }
  const writer = createSseWriter(
    () => {
      if (record.standalone === writer) record.standalone = undefined;
    },
    state.keepAliveMs,
    state.sseLimits,
  );
  record.standalone = writer;
  claimStandalone(state, record, writer);
  if ((record.session.protocolVersion ?? "") >= "2025-11-25") {
    const eventId = await state.store.append(record.standaloneStreamId, null);
    writer.write(encodeSseEvent({ id: eventId, retry: state.retryMs, data: "" }));
  } else {
    // Something to send at once, so the headers go out now (Bun holds them until the first chunk).
    writer.write(encodeSseComment("stream open"));
  }
  return new Response(writer.readable, { status: 200, headers: SSE_HEADERS });
}
