/**
 * What one Streamable HTTP endpoint keeps between requests, shared by the
 * parts that answer POST, GET and DELETE.
 *
 * @module
 */
import type { LegacySession, ServerEndpoint } from "../../protocol/server_endpoint.ts";
import type { InflightRequests } from "../session.ts";
import type { ClientAddress } from "../session_quota.ts";
import type { Authorize } from "./admission.ts";
import type { EventStore } from "./event_store.ts";
import type { MessageBus } from "./message_bus.ts";
import type { SessionDirectory } from "./session_directory.ts";
import type { OwnedSession, SessionTable } from "./sessions.ts";
import type { SseWriter, SseWriterLimits } from "./sse_writer.ts";

/** A legacy session of the endpoint and the streams it owns. */
export interface SessionRecord extends OwnedSession {
  /** The session the server sees. */
  session: LegacySession;
  /** Who created the session; only they may use it. */
  readonly principal: string;
  /** Its requests in flight, for `notifications/cancelled`. */
  readonly inflight: InflightRequests;
  /** The GET stream, while one is open. */
  standalone?: SseWriter;
  /** The event-store stream id of the GET stream. */
  readonly standaloneStreamId: string;
  /** Stops the server's standalone notifications to this session. */
  detach: () => void;
  /** With a session directory: settles once the directory has the session's latest state. */
  synced?: Promise<void>;
}

/** A legacy request's SSE stream, which a `Last-Event-ID` GET may take over. */
export interface LiveStream {
  /** Where its events go now; `undefined` while no client listens. */
  writer?: SseWriter;
  /** Whether its request has been answered. */
  done: boolean;
}

/** The state of one endpoint, created by `createHttpHandler`. */
export interface EndpointState {
  /** The server requests are dispatched to. */
  readonly server: ServerEndpoint;
  /** Largest accepted request body in bytes. */
  readonly maxBodyBytes: number;
  /** Decides per JSON-RPC request whether its principal may make it. */
  readonly authorize?: Authorize;
  /** Where an anonymous request comes from, for its session quota. */
  readonly clientAddress: ClientAddress;
  /** Legacy sessions; `undefined` when the endpoint serves only 2026-07-28. */
  readonly sessions: SessionTable<SessionRecord> | undefined;
  /** Where legacy sessions are shared with other instances; `undefined`: only in `sessions`. */
  readonly directory?: SessionDirectory;
  /** Carries a session's standalone messages to the instance holding its GET stream. */
  readonly bus?: MessageBus;
  /** Where legacy SSE events are kept for resumption. */
  readonly store: EventStore;
  /** The `retry` hint (ms) of priming events. */
  readonly retryMs: number;
  /** Interval of keep-alive comments on long-lived streams, ms. */
  readonly keepAliveMs: number;
  /** Limits of each SSE stream (the bytes queued for a slow client). */
  readonly sseLimits?: SseWriterLimits;
  /** Legacy request streams by event-store stream id. */
  readonly liveStreams: Map<string, LiveStream>;
}
