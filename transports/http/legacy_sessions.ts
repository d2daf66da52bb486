/**
 * Streamable HTTP's legacy sessions (2025-11-25 back to 2025-03-26): opening
 * one (attached to the server, its standalone messages kept in the event
 * store for the GET stream), finding one for a request, and releasing one.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { JsonRpcMessage } from "../../protocol/jsonrpc.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { encodeSseEvent } from "../../protocol/sse.ts";
import { createInflightRequests, createLegacySession } from "../session.ts";
import { principalOf } from "./admission.ts";
import type { EndpointState, SessionRecord } from "./endpoint_state.ts";
import { rpcError } from "./responses.ts";
import { observeSession, type SessionSnapshot, snapshotOf } from "./session_directory.ts";
import { randomId, type SessionTable } from "./sessions.ts";
import type { SseWriter } from "./sse_writer.ts";
import { quotaOwner } from "../session_quota.ts";
import { relaySession } from "./session_relay.ts";
import { followServerEvents, isEventful, withoutServerEvents } from "./event_relay.ts";

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
  const principal = principalOf(auth);
  const address = principal === "" && request ? state.clientAddress(request) : undefined;
  const owner = quotaOwner(principal, address);
  const record = sessionRecord(state, sessions, randomId(), principal, owner, undefined);
  sessions.add(record.session.id!, record, owner);
  return record;
}

/**
 * The record of session `id`, attached to the server; with a directory, `snapshot` (of an
 * adopted session) is restored, and every change is written to the directory.
 */
function sessionRecord(
  state: EndpointState,
  sessions: SessionTable<SessionRecord>,
  id: string,
  principal: string,
  owner: string,
  snapshot: SessionSnapshot | undefined,
): SessionRecord {
  const standaloneStreamId = `${id}-get`;
  const store = state.store;
  const bus = state.bus;
  // Only a bus needs the channel name (an idle session without one keeps no extra string).
  const channel = bus ? channelOf(id) : "";
  const sendStandalone = (message: JsonRpcMessage) => {
    Promise.resolve(store.append(standaloneStreamId, message)).then((eventId) => {
      const event = encodeSseEvent({ id: eventId, data: JSON.stringify(message) });
      // No GET stream here: the instance holding one (if any) writes it.
      if (record.standalone === undefined && bus) void bus.publish(channel, event).catch(() => {});
      else record.standalone?.write(event);
    });
  };
  // With a bus, what the client sends for a request of another instance is relayed to it.
  const relay = bus && relaySession(bus, id, sendStandalone, createInflightRequests());
  const server = state.server;
  // createHttpHandler relays the events of such a server on the bus.
  const follows = bus !== undefined && isEventful(server);
  const record: SessionRecord = {
    standaloneStreamId,
    principal,
    inflight: relay ? relay.inflight : createInflightRequests(),
    // With events relayed, the holder of the GET stream tells the session of the server's
    // events (below): what the server sends each copy of the session of them is dropped.
    session: createLegacySession(
      follows ? withoutServerEvents(sendStandalone) : sendStandalone,
      id,
    ),
    detach: () => {},
  };
  if (relay) record.session.engine = relay.engine;
  const directory = state.directory;
  let unsubscribe: Promise<(() => Promise<void>) | undefined> = NOTHING_TO_STOP;
  if (bus) {
    // An empty message says the session ended elsewhere: its streams here close now.
    unsubscribe = bus.subscribe(channel, (event) => {
      if (event === ENDED) sessions.end(id);
      else if (event.startsWith(CLAIMED)) yieldStandalone(record, event.slice(CLAIMED.length));
      else record.standalone?.write(event);
    }).catch(() => undefined);
    const standalone = unsubscribe;
    unsubscribe = relay!.ready.then(() => standalone);
  }
  if (directory) {
    const session = record.session;
    restorers.set(
      session,
      observeSession(session, snapshot, () => {
        record.synced = record.synced!.then(() => directory.update(id, snapshotOf(session)))
          .catch(() => {});
      }),
    );
    record.synced = snapshot !== undefined ? Promise.resolve() : directory
      .create({ id, principal, owner, session: snapshotOf(session) })
      .then((evicted) => {
        for (const other of evicted) {
          if (other === id) continue;
          sessions.end(other);
          void bus?.publish(channelOf(other), ENDED).catch(() => {});
        }
      })
      .catch(() => {});
    // Messages published for the session's GET stream reach it once subscribed.
    const created = record.synced;
    record.synced = unsubscribe.then(() => created);
  }
  const detachServer = server.attachSession(record.session);
  const unfollow = follows ? followServerEvents(state, record, server, sendStandalone) : undefined;
  const detach = unfollow
    ? () => {
      detachServer();
      unfollow();
    }
    : detachServer;
  record.detach = () => {
    detach();
    relay?.close();
    void unsubscribe.then((stop) => stop?.()).catch(() => {});
    // Ending the session also frees the events kept for its streams; with a directory, a
    // session leaving this instance's table may live on elsewhere: endSession frees them.
    if (!directory) Promise.resolve(store.forgetSession?.(id)).catch(() => {});
  };
  return record;
}

/** The bus channel of session `id`: its standalone events, and {@link ENDED}. */
function channelOf(id: string): string {
  return `session:${id}:standalone`;
}

/** What is published on a session's channel when it ends (no SSE event is empty). */
const ENDED = "";

/** The unsubscribe of a session without a bus, shared rather than made per session. */
const NOTHING_TO_STOP: Promise<undefined> = Promise.resolve(undefined);

/** Begins what is published when an instance takes the GET stream (an SSE comment, no event). */
const CLAIMED = ": claimed ";

/** The claim token of each GET stream claimed here. */
const claims = new WeakMap<SseWriter, string>();

/**
 * Tells the session's other instances that `writer`, here, is its GET stream now: one they
 * hold is left over from a connection the client gave up on, and closes, so what they send
 * next comes here through the bus instead of going to it.
 */
export function claimStandalone(
  state: EndpointState,
  record: SessionRecord,
  writer: SseWriter,
): void {
  if (!state.bus) return;
  const token = randomId();
  claims.set(writer, token);
  void state.bus.publish(channelOf(record.session.id!), CLAIMED + token).catch(() => {});
}

/** Closes the GET stream held here unless it is the one claimed with `token`. */
function yieldStandalone(record: SessionRecord, token: string): void {
  const held = record.standalone;
  if (held === undefined || claims.get(held) === token) return;
  record.standalone = undefined;
  held.close();
}

/** Per session with a directory: takes in its state as another instance left it. */
const restorers = new WeakMap<object, (snapshot: SessionSnapshot) => void>();

/** Waits until the directory (if any) has what the requests of `record` changed so far. */
export function sessionSynced(record: SessionRecord): Promise<void> | undefined {
  if (record.synced === undefined) return undefined;
  // Changes are reported in a microtask: let it run before waiting on the write it starts.
  return Promise.resolve().then(() => record.synced);
}

/** Ends session `id` everywhere: in the directory (if any), in `sessions`, and its events. */
export async function endSession(
  state: EndpointState,
  sessions: SessionTable<SessionRecord>,
  id: string,
): Promise<void> {
  sessions.end(id);
  if (!state.directory) return;
  await state.directory.delete(id);
  void state.bus?.publish(channelOf(id), ENDED).catch(() => {});
  Promise.resolve(state.store.forgetSession?.(id)).catch(() => {});
}

/** Releases what an ended session holds: its requests, its server-to-client requests, its GET stream. */
export function releaseSession(record: SessionRecord): void {
  record.inflight.cancelAll("session ended");
  record.session.engine.failAll(new McpError(ErrorCode.ConnectionClosed, "Session ended"));
  record.standalone?.close();
  record.detach();
}

/**
 * The session `id` of the principal of `auth`, or the 404 that says it ended or never was.
 * With a directory, a session held here is checked to be live still, and one held elsewhere
 * is adopted: built here from its directory record.
 */
export function findSession(
  sessions: SessionTable<SessionRecord>,
  id: string,
  auth: AuthInfo | undefined,
  state?: EndpointState,
): SessionRecord | Response | Promise<SessionRecord | Response> {
  const principal = principalOf(auth);
  const record = sessions.use(id, principal);
  const directory = state?.directory;
  if (!directory) return record ?? missing(sessions.ended(id));
  return (async () => {
    if (record !== undefined) {
      const current = await directory.touch(id);
      if (current !== undefined) {
        // Another instance may have served it since (a new log level, subscriptions).
        restorers.get(record.session)?.(current.session);
        return record;
      }
      // Ended on another instance (DELETE, or evicted under the shared caps).
      sessions.end(id);
      return missing(true);
    }
    const adopted = await adopt(state!, sessions, id, principal);
    if (adopted !== undefined) return adopted;
    return missing(sessions.ended(id) || await directory.ended(id));
  })();
}

function missing(ended: boolean): Response {
  return rpcError(404, ErrorCode.ConnectionClosed, ended ? "Session ended" : "Session not found");
}

/** Adoptions under way, per table: concurrent requests of one session adopt it once. */
const adopting = new WeakMap<object, Map<string, Promise<SessionRecord | undefined>>>();

/** Builds the session `id` of `principal` here from the directory; `undefined` if none. */
function adopt(
  state: EndpointState,
  sessions: SessionTable<SessionRecord>,
  id: string,
  principal: string,
): Promise<SessionRecord | undefined> {
  let pending = adopting.get(sessions);
  if (pending === undefined) adopting.set(sessions, pending = new Map());
  let made = pending.get(id);
  if (made === undefined) {
    made = state.directory!.get(id).then((found) => {
      // A session id is no credential: only its principal may make it move here.
      if (found === undefined || found.principal !== principal) return undefined;
      const record = sessionRecord(state, sessions, id, principal, found.owner, found.session);
      sessions.add(id, record, found.owner);
      void state.directory!.touch(id).catch(() => {});
      return record.synced!.then(() => record);
    }).finally(() => pending.delete(id));
    pending.set(id, made);
  }
  return made.then((record) => record && sessions.use(id, principal));
}
