/**
 * Answering one Streamable HTTP request: JSON when nothing streams before the
 * result, else an SSE stream that carries notifications (and legacy
 * server-to-client requests) and ends with the response. A legacy call still
 * running after `STREAM_AFTER_MS` (100 ms) opens its stream then, so the client
 * has headers (and a priming event) while it waits. Legacy streams get event
 * ids from the event store so a client can resume them.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { JsonRpcMessage, JsonRpcRequest, JsonRpcResponse } from "../../protocol/jsonrpc.ts";
import type { RequestScope } from "../../protocol/server_endpoint.ts";
import { encodeSseComment, encodeSseEvent } from "../../protocol/sse.ts";
import { retryAfterOf } from "../../protocol/store_errors.ts";
import {
  backgroundInterval,
  backgroundTimeout,
  type BackgroundTimer,
} from "../../runtime/timers.ts";
import type { EndpointState, LiveStream, SessionRecord } from "./endpoint_state.ts";
import { json, storeUnavailable } from "./responses.ts";
import { type PublishedEvent, streamChannelOf } from "./resume.ts";
import { randomId } from "./sessions.ts";
import { createSseWriter, SSE_HEADERS } from "./sse_writer.ts";

/** How a request is answered. */
export interface AnswerMode {
  /** A 2026-07-28 request: a disconnect cancels it, errors map to HTTP statuses. */
  modern: boolean;
  /** The legacy session it belongs to. */
  record?: SessionRecord;
  /** Headers added to the response (the new session id of an initialize). */
  extraHeaders?: HeadersInit;
  /** Whether the client accepts an SSE response. */
  acceptsSse: boolean;
}

/** How long a finished legacy stream stays resumable, ms. */
const RESUMABLE_FOR_MS = 60_000;

/**
 * How long a legacy call may run without a message before its answer becomes an SSE stream
 * anyway, ms: a faster call still gets plain JSON, a slower one gets its headers (and, from
 * 2025-11-25, its priming event) now rather than when it first sends something.
 */
const STREAM_AFTER_MS = 100;

/**
 * Legacy calls not answered yet, oldest first: how to open each one's stream, and since when it
 * runs. One shared sweep (not a timer a call: that costs microseconds on Deno) opens those past
 * `STREAM_AFTER_MS`, so a slow call has its headers 100 to 150 ms after it began.
 */
const unanswered = new Map<() => void, number>();
let sweeper: BackgroundTimer | undefined;

function sweepUnanswered(): void {
  if (unanswered.size === 0) {
    clearInterval(sweeper);
    sweeper = undefined;
    return;
  }
  const due = performance.now() - STREAM_AFTER_MS;
  for (const [openStream, since] of unanswered) {
    if (since > due) return;
    unanswered.delete(openStream);
    openStream();
  }
}

/** Runs `openStream` once the call has gone `STREAM_AFTER_MS` unanswered. */
function openIfSlow(openStream: () => void): void {
  unanswered.set(openStream, performance.now());
  sweeper ??= backgroundInterval(sweepUnanswered, STREAM_AFTER_MS / 2);
}

/** The HTTP status of a modern JSON-RPC response. */
function modernStatus(response: JsonRpcResponse): number {
  if (!("error" in response)) return 200;
  switch (response.error.code) {
    case ErrorCode.MethodNotFound:
      return 404;
    case ErrorCode.ParseError:
    case ErrorCode.InvalidRequest:
    case ErrorCode.HeaderMismatch:
    case ErrorCode.MissingRequiredClientCapability:
    case ErrorCode.UnsupportedProtocolVersion:
      return 400;
    default:
      return 200;
  }
}

/** Serves `request` on `state.server` and answers it as JSON or as an SSE stream. */
export function answer(
  state: EndpointState,
  request: JsonRpcRequest,
  httpRequest: Request,
  scope: RequestScope,
  mode: AnswerMode,
): Promise<Response> {
  const { record } = mode;
  const { store, liveStreams } = state;
  // The request's signal is made when first read (by a handler that reads its own, or waits
  // for input): most calls never read it, and on Node even the request's own signal is lazy.
  let cancel: AbortController | undefined;
  let cancelled = false;
  // Modern: a disconnect cancels. Legacy: it does not (the stream may resume).
  let gone: AbortSignal | undefined;
  const onGone = () => cancel!.abort("client disconnected");
  const release = () => gone?.removeEventListener("abort", onGone);
  const cancelSignal = (): AbortSignal => {
    if (cancel) return cancel.signal;
    cancel = new AbortController();
    if (cancelled) cancel.abort("client disconnected");
    else if (mode.modern) {
      gone = httpRequest.signal;
      // The client may have left while the body was read and validated.
      if (gone.aborted) cancel.abort("client disconnected");
      else gone.addEventListener("abort", onGone, { once: true });
    }
    return cancel.signal;
  };
  const abortCancel = () => {
    if (cancel) cancel.abort("client disconnected");
    else cancelled = true;
  };
  const tracked = record ? record.inflight.begin(request.id, cancelSignal()) : undefined;
  const signalOf = tracked ? () => tracked.signal : cancelSignal;
  const aborted = () =>
    cancel || tracked ? signalOf().aborted : cancelled || httpRequest.signal.aborted;
  const version = record?.session.protocolVersion ?? "";
  // Named when the stream opens: a call answered as JSON needs no id.
  let streamId = "";
  const live: LiveStream = { writer: undefined, done: false };
  const isListen = request.method === "subscriptions/listen";
  // Legacy events get ids from the store; writes are chained to keep their order.
  let order: Promise<unknown> = Promise.resolve();

  return new Promise<Response>((resolve) => {
    let opened = false;
    const write = (message: JsonRpcMessage | null, retry?: number) => {
      if (!record) {
        live.writer?.write(encodeSseEvent({ data: JSON.stringify(message) }));
        return;
      }
      order = order.then(async () => {
        const id = await store.append(streamId, message);
        if (live.writer) {
          live.writer.write(
            encodeSseEvent({ id, retry, data: message ? JSON.stringify(message) : "" }),
          );
        } else if (state.bus) {
          // No client here: one that resumed the stream on another instance may be listening.
          const event: PublishedEvent = { id, message };
          void state.bus.publish(streamChannelOf(streamId), JSON.stringify(event)).catch(() => {});
        }
      });
    };
    const open = (): boolean => {
      if (opened) return true;
      if (!mode.acceptsSse) return false;
      opened = true;
      live.writer = createSseWriter(
        () => {
          if (mode.modern) abortCancel();
          else live.writer = undefined;
        },
        isListen ? state.keepAliveMs : undefined,
        state.sseLimits,
      );
      if (record) {
        streamId = `${record.session.id}-${randomId()}`;
        liveStreams.set(streamId, live);
        // 2025-11-25 streams start with a priming event so the client can resume.
        if (version >= "2025-11-25") write(null, state.retryMs);
      }
      resolve(
        new Response(live.writer.readable, {
          status: 200,
          headers: { ...SSE_HEADERS, ...mode.extraHeaders },
        }),
      );
      return true;
    };
    // A literal with a getter (not defineProperty on the caller's scope) keeps one shape.
    const served: RequestScope = {
      session: scope.session,
      auth: scope.auth,
      notify: (message) => {
        if (mode.modern && aborted()) return;
        if (open()) write(message);
      },
      sendRelated: (message) => {
        if (!open()) {
          throw new McpError(ErrorCode.InternalError, "The client does not accept SSE streams");
        }
        write(message);
      },
      closeStream: () => {
        // Only resumable streams (with a priming event id) may be closed early.
        if (!record || version < "2025-11-25" || !open()) return;
        order = order.then(() => {
          live.writer?.close();
          live.writer = undefined;
        });
      },
      get signal() {
        return signalOf();
      },
    };
    // Not for initialize: its caller reads a JSON answer to drop a session that failed to open.
    const openSlow = record && mode.acceptsSse && request.method !== "initialize"
      ? () => {
        if (opened || !open()) return;
        // Without a priming event, a comment: Bun holds the headers until the first chunk.
        if (version < "2025-11-25") live.writer!.write(encodeSseComment("stream open"));
      }
      : undefined;
    if (openSlow) openIfSlow(openSlow);
    state.server.handleRequest(request, served).then((response) => {
      if (openSlow) unanswered.delete(openSlow);
      tracked?.end();
      if (!opened) {
        release();
        // An error from a shared store that was unreachable (sessions or tasks on Redis): 503.
        const retryAfter = "error" in response ? retryAfterOf(response.error) : undefined;
        resolve(
          retryAfter === undefined
            ? json(mode.modern ? modernStatus(response) : 200, response, mode.extraHeaders)
            : storeUnavailable(retryAfter, response),
        );
        return;
      }
      if (!(mode.modern && aborted())) write(response);
      order = order.then(() => {
        release();
        live.done = true;
        live.writer?.close();
        // Keep a finished legacy stream resumable for a while, then forget it.
        if (record) backgroundTimeout(() => liveStreams.delete(streamId), RESUMABLE_FOR_MS);
      });
    });
  });
}
