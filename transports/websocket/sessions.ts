/**
 * MCP sessions over WebSocket and their resumption (SEP-1288): a closed socket neither cancels
 * requests nor ends the session. An initialized session waits a grace period for its client to
 * reconnect, holding what it sends meanwhile; the client resumes by sending `initialize` with
 * the `mcpSessionId` the first `initialize` answer carried, the server closes any older socket
 * of the session with 1000, and the session goes on. When the grace period ends, in-flight
 * handlers are cancelled and the session ends. Sessions that never initialized (the 2026-07-28
 * era, which has no session) end with their socket.
 *
 * @module
 */
import type {
  Classified,
  JsonObject,
  JsonRpcMessage,
  JsonRpcRequest,
  RequestId,
} from "../../protocol/jsonrpc.ts";
import { parseMessage } from "../../protocol/jsonrpc.ts";
import type { AuthInfo, ServerEndpoint } from "../../protocol/server_endpoint.ts";
import { backgroundTimeout, type BackgroundTimer } from "../../runtime/timers.ts";
import type { ServerWebSocket } from "../../runtime/websocket/server_socket.ts";
import { connectServer } from "../connect.ts";
import { principalOf } from "../http/admission.ts";
import { createSessionQuota, quotaOwner, type SessionQuotaLimits } from "../session_quota.ts";
import { type PendingLimits, SessionChannel } from "./channel.ts";

/** The field of `initialize` (params, to resume) and of its result (to learn) naming the session. */
export const SESSION_ID_FIELD = "mcpSessionId";

/** The close reason of a socket replaced by a resumed connection, as SEP-1288 words it. */
export const RECONNECTED_REASON = "MCP session reconnected on another connection";

/** The close reason of a socket whose session was evicted to make room for another. */
export const EVICTED_REASON = "MCP session evicted: too many sessions";

/** How sessions live on, and how many (see `session_quota.ts`). */
export interface SessionPolicy extends PendingLimits, SessionQuotaLimits {
  /** How long an initialized session waits for its client to reconnect; 0 ends it at once. */
  resumeGraceMs: number;
}

interface WebSocketSession {
  readonly id: string;
  readonly principal: string;
  readonly channel: SessionChannel;
  initializeId?: RequestId;
  initializeResult?: JsonObject;
  graceTimer?: BackgroundTimer;
}

/** The live sessions of one WebSocket endpoint. */
export interface SessionTable {
  /**
   * Serves one socket: routes its messages to its session, resuming one when asked. A new
   * session counts against the quota of `address` when `auth` is anonymous.
   */
  bind(socket: ServerWebSocket, auth: AuthInfo | undefined, address?: string): void;
  /** How many sessions are live (attached or waiting), for tests and metrics. */
  readonly size: number;
}

function resumeRequest(incoming: Classified): { request: JsonRpcRequest; id: string } | undefined {
  if (incoming.kind !== "request" || incoming.message.method !== "initialize") return undefined;
  const id = incoming.message.params?.[SESSION_ID_FIELD];
  return typeof id === "string" ? { request: incoming.message, id } : undefined;
}

/** A session table serving `server` under `policy`. */
export function createSessionTable(server: ServerEndpoint, policy: SessionPolicy): SessionTable {
  const resumable = new Map<string, WebSocketSession>();
  const live = new Map<string, WebSocketSession>();
  const quota = createSessionQuota(policy);

  async function open(
    auth: AuthInfo | undefined,
    address: string | undefined,
  ): Promise<WebSocketSession> {
    const channel = new SessionChannel(policy);
    const session: WebSocketSession = {
      id: crypto.randomUUID(),
      principal: principalOf(auth),
      channel,
    };
    const owner = quotaOwner(session.principal, address);
    for (const evicted of quota.admit(session.id, owner)) {
      live.get(evicted)?.channel.end(1008, EVICTED_REASON);
    }
    channel.outgoing = (message: JsonRpcMessage): JsonRpcMessage => {
      if (
        session.initializeId === undefined || !("result" in message) ||
        message.id !== session.initializeId
      ) return message;
      session.initializeId = undefined;
      const result = { ...message.result, [SESSION_ID_FIELD]: session.id };
      session.initializeResult = result;
      resumable.set(session.id, session);
      return { ...message, result };
    };
    channel.onEnd = () => {
      live.delete(session.id);
      quota.release(session.id);
      clearTimeout(session.graceTimer);
      resumable.delete(session.id);
    };
    live.set(session.id, session);
    const connection = await connectServer(server, channel, { auth });
    connection.session.id = session.id;
    return session;
  }

  function socketClosed(session: WebSocketSession, socket: ServerWebSocket, code: number): void {
    if (session.channel.socket !== socket) return; // replaced by a resumed connection
    session.channel.detach(socket);
    // A client that closed normally (1000, 1001, or the web default without a code) is done
    // with the session; any other end of the socket may be an interruption it recovers from.
    const clientDone = !socket.closedHere && (code === 1000 || code === 1001 || code === 1005);
    if (clientDone || session.initializeResult === undefined || policy.resumeGraceMs <= 0) {
      session.channel.end();
      return;
    }
    session.graceTimer = backgroundTimeout(() => session.channel.end(), policy.resumeGraceMs);
  }

  function resume(
    socket: ServerWebSocket,
    session: WebSocketSession,
    request: JsonRpcRequest,
  ): void {
    clearTimeout(session.graceTimer);
    session.graceTimer = undefined;
    const previous = session.channel.socket;
    session.channel.detach(previous!);
    previous?.close(1000, RECONNECTED_REASON);
    session.channel.attach(socket, {
      jsonrpc: "2.0",
      id: request.id,
      result: session.initializeResult!,
    });
  }

  return {
    get size() {
      return live.size;
    },
    bind(socket, auth, address) {
      let current: Promise<WebSocketSession> | undefined;
      socket.onmessage = (data) => {
        if (typeof data !== "string") {
          socket.close(1003, "Binary frames are not supported");
          return;
        }
        const incoming = parseMessage(data); // invalid JSON is answered -32700 by the session
        const resuming = current === undefined ? resumeRequest(incoming) : undefined;
        const found = resuming && resumable.get(resuming.id);
        if (resuming && found && !found.channel.ended && found.principal === principalOf(auth)) {
          current = Promise.resolve(found);
          quota.touch(found.id);
          resume(socket, found, resuming.request);
          return;
        }
        if (resuming) delete resuming.request.params![SESSION_ID_FIELD]; // unknown: a new session
        current ??= open(auth, address).then((session) => {
          session.channel.attach(socket);
          return session;
        });
        current.then((session) => {
          if (
            incoming.kind === "request" && incoming.message.method === "initialize" &&
            session.initializeResult === undefined
          ) session.initializeId = incoming.message.id;
          quota.touch(session.id);
          session.channel.deliver(incoming);
        });
      };
      socket.onclose = ({ code }) => {
        current?.then((session) => socketClosed(session, socket, code));
      };
    },
  };
}
