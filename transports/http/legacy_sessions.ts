/**
 * Streamable HTTP's legacy sessions (2025-11-25 back to 2025-03-26): opening
 * one (attached to the server, its standalone messages kept in the event
 * store for the GET stream), finding one for a request, and releasing one.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { encodeSseEvent } from "../../protocol/sse.ts";
import { createInflightRequests, createLegacySession } from "../session.ts";
import { principalOf } from "./admission.ts";
import type { EndpointState, SessionRecord } from "./endpoint_state.ts";
import { rpcError } from "./responses.ts";
import { randomId, type SessionTable } from "./sessions.ts";
import { quotaOwner } from "../session_quota.ts";

/**
 * Opens a session for the principal of `auth`, counted against its quota (for an anonymous
 * `request`, that of its client address); the table may evict sessions to make room.
 */
export function openSession(
  state: EndpointState,
  sessions: SessionTable<SessionRecord>,
  auth: AuthInfo | undefined,
  request?: Request,
): SessionRecord {
  const id = randomId();
  const standaloneStreamId = `${id}-get`;
  const store = state.store;
  const record: SessionRecord = {
    standaloneStreamId,
    principal: principalOf(auth),
    inflight: createInflightRequests(),
    session: undefined as unknown as SessionRecord["session"],
    detach: () => {},
  };
  record.session = createLegacySession((message) => {
    Promise.resolve(store.append(standaloneStreamId, message)).then((eventId) => {
      record.standalone?.write(encodeSseEvent({ id: eventId, data: JSON.stringify(message) }));
    });
  }, id);
  const detach = state.server.attachSession(record.session);
  // Ending the session also frees the events kept for its streams.
  record.detach = () => {
    detach();
    Promise.resolve(store.forgetSession?.(id)).catch(() => {});
  };
  const address = record.principal === "" && request ? state.clientAddress(request) : undefined;
  sessions.add(id, record, quotaOwner(record.principal, address));
  return record;
}

/** Releases what an ended session holds: its requests, its server-to-client requests, its GET stream. */
export function releaseSession(record: SessionRecord): void {
  record.inflight.cancelAll("session ended");
  record.session.engine.failAll(new McpError(ErrorCode.ConnectionClosed, "Session ended"));
  record.standalone?.close();
  record.detach();
}

/** The session `id` of the principal of `auth`, or the 404 that says it ended or never was. */
export function findSession(
  sessions: SessionTable<SessionRecord>,
  id: string,
  auth: AuthInfo | undefined,
): SessionRecord | Response {
  const record = sessions.use(id, principalOf(auth));
  if (record !== undefined) return record;
  const why = sessions.ended(id) ? "Session ended" : "Session not found";
  return rpcError(404, ErrorCode.ConnectionClosed, why);
}
