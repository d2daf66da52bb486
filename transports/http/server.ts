/**
 * Streamable HTTP as one web-standard handler, `(Request) => Promise<Response>`,
 * that mounts unchanged in `Deno.serve`, `Bun.serve`, Hono, or Node through
 * `toNodeHandler`. It serves both eras on one endpoint: stateless 2026-07-28
 * requests, and legacy sessions (2025-11-25 back to 2025-03-26) with GET
 * streams, DELETE, and resumption through an event store.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import { errorResponse } from "../../protocol/jsonrpc.ts";
import type { ServerEndpoint } from "../../protocol/server_endpoint.ts";
import { type HttpStore, httpStoreOf } from "./store.ts";
import { clientAddressOf } from "../../runtime/client_address.ts";
import type { HttpHandler } from "../../runtime/http.ts";
import {
  type ClientAddress,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
} from "../session_quota.ts";
import { admit, type Authenticate, type Authorize } from "./admission.ts";
import { type CorsOptions, withCorsOption } from "./cors.ts";
import type { EndpointState, SessionRecord } from "./endpoint_state.ts";
import { createMemoryEventStore, type EventStore } from "./event_store.ts";
import { get } from "./get.ts";
import { endSession, findSession, releaseSession } from "./legacy_sessions.ts";
import type { OriginPolicy } from "./origin_guard.ts";
import { post } from "./post.ts";
import { rpcError, storeFailureAnswer } from "./responses.ts";
import { relayServerEvents } from "./event_relay.ts";
import type { MessageBus } from "./message_bus.ts";
import type { SessionDirectory } from "./session_directory.ts";
import { createSessionTable } from "./sessions.ts";

// Importers of the handler's type from this file predate its home in runtime/.
export type { HttpHandler } from "../../runtime/mod.ts";

/** Options of the legacy (session-based) side of the endpoint. */
export interface LegacyHttpOptions {
  /**
   * Live sessions kept in all. Default 1 000. Past it, the least recently used session of the
   * owner holding the most is evicted, anonymous owners first (see `session_quota.ts`).
   */
  maxSessions?: number;
  /**
   * Live sessions kept per principal, and per client address for anonymous clients (see
   * `clientAddress`); a new one past it evicts that owner's least recently used. Default 100.
   */
  maxSessionsPerPrincipal?: number;
  /** Ended session ids remembered to answer "ended" rather than "unknown". Default 10 000. */
  rememberEndedSessions?: number;
  /** Where SSE events are kept for `Last-Event-ID` resumption. Default: bounded in memory. */
  eventStore?: EventStore;
  /** The `retry` hint (ms) sent in the priming event. Default 1 000. */
  retryMs?: number;
  /**
   * Shares sessions with the other instances of this endpoint (e.g. `redisStore(…)`'s
   * `sessionDirectory`, with its `eventStore`): a session opened on one is adopted by another
   * that gets its requests, and the caps are the directory's, across instances. Default: none,
   * sessions live only in the process that opened them.
   */
  sessionDirectory?: SessionDirectory;
  /**
   * With `sessionDirectory`: carries a session's notifications sent on an instance that holds
   * no GET stream for it to the one that does (e.g. `redisStore(…)`'s `messageBus`).
   */
  messageBus?: MessageBus;
}

/** Options for {@link createHttpHandler}. */
export interface HttpHandlerOptions extends OriginPolicy {
  /** Largest accepted request body in bytes; larger gets 413 without being read whole. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Legacy sessions, or `false` to serve only 2026-07-28. Default on. */
  legacy?: LegacyHttpOptions | false;
  /**
   * State shared with the other instances (e.g. `await redisStore({ url })`): its event store,
   * session directory and message bus serve the legacy side unless `legacy` names its own.
   * Default: the store of `server` (`new McpServer(info, { store })`), if any. When the store is
   * unreachable, a request that needs it is answered 503 with `Retry-After`.
   */
  store?: HttpStore;
  /** Runs before anything else; return a Response to refuse, or the principal to serve as. */
  authenticate?: Authenticate;
  /**
   * Runs for each JSON-RPC request of a POST once its body is read; return a
   * Response to refuse the POST (e.g. a 403 for a tool's missing scopes).
   */
  authorize?: Authorize;
  /**
   * Answer CORS preflights and add CORS headers for the origins the origin
   * policy allows, so browser clients can call this endpoint. Default off.
   */
  cors?: boolean | CorsOptions;
  /** Interval of keep-alive comments on long-lived streams, ms. Default 15 000. */
  keepAliveMs?: number;
  /**
   * Bytes an SSE stream may queue for a client that does not read; past it
   * the client is cut. Default 4 MiB.
   */
  maxQueuedBytes?: number;
  /**
   * Where an anonymous request comes from, for its session quota; behind a reverse proxy,
   * read the header it sets. Default: the peer address `serveHttp` recorded
   * (`clientAddressOf`); anonymous requests of unknown address share one quota.
   */
  clientAddress?: ClientAddress;
}

/** A 405 whose `Allow` lists what this request may use and whose message says why. */
function methodNotAllowed(allow: string, message: string): Response {
  return new Response(
    JSON.stringify(errorResponse(undefined, { code: ErrorCode.InvalidRequest, message })),
    { status: 405, headers: { allow, "content-type": "application/json" } },
  );
}

const NO_GET_STREAM = "2026-07-28 has no GET stream; use subscriptions/listen";

/**
 * The 405 for anything but POST and a legacy session's GET or DELETE. The spec
 * has a server that offers no GET stream answer 405; without a session id
 * there is none, so only POST is allowed.
 */
function refuseMethod(method: string, legacy: boolean, hasSession: boolean): Response {
  if (!legacy) {
    const why = method === "GET"
      ? `GET is not served: ${NO_GET_STREAM}`
      : `${method} is not served`;
    return methodNotAllowed("POST", `Method not allowed: ${why}; this endpoint takes only POST`);
  }
  if (hasSession) {
    return methodNotAllowed("GET, POST, DELETE", `Method not allowed: ${method} is not served`);
  }
  const why = method === "GET"
    ? "GET opens a legacy session's stream; send Mcp-Session-Id from initialize" +
      ` (${NO_GET_STREAM})`
    : method === "DELETE"
    ? "DELETE ends a legacy session; send Mcp-Session-Id from initialize"
    : `${method} is not served`;
  return methodNotAllowed("POST", `Method not allowed without a session: ${why}`);
}

/** The endpoint's state under `options`, with the pieces `shared` brings where none is given. */
function endpointState(
  server: ServerEndpoint,
  options: HttpHandlerOptions,
  shared: HttpStore | undefined,
): EndpointState {
  const given = options.legacy === false ? undefined : options.legacy ?? {};
  const legacy = given && {
    ...given,
    eventStore: given.eventStore ?? shared?.eventStore,
    sessionDirectory: given.sessionDirectory ?? shared?.sessionDirectory,
    messageBus: given.messageBus ?? shared?.messageBus,
  };
  return {
    server,
    maxBodyBytes: options.maxBodyBytes ?? 4 * 1024 * 1024,
    authorize: options.authorize,
    clientAddress: options.clientAddress ?? clientAddressOf,
    sessions: legacy && createSessionTable<SessionRecord>({
      maxSessions: legacy.maxSessions ?? DEFAULT_MAX_SESSIONS,
      maxSessionsPerPrincipal: legacy.maxSessionsPerPrincipal ?? DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
      rememberEnded: legacy.rememberEndedSessions ?? 10_000,
    }, releaseSession),
    directory: legacy?.sessionDirectory,
    bus: legacy?.sessionDirectory && legacy.messageBus,
    store: legacy?.eventStore ?? createMemoryEventStore(),
    retryMs: legacy?.retryMs ?? 1000,
    keepAliveMs: options.keepAliveMs ?? 15_000,
    sseLimits: { maxQueuedBytes: options.maxQueuedBytes },
    liveStreams: new Map(),
  };
}

/**
 * Creates the Streamable HTTP handler for `server`.
 *
 * @example
 * ```ts
 * import { McpServer } from "../../server/server.ts";
 * import { createHttpHandler } from "./server.ts";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const handler = createHttpHandler(server);
 * // Deno.serve({ hostname: "127.0.0.1", port: 3000 }, handler);
 * // Bun.serve({ hostname: "127.0.0.1", port: 3000, fetch: handler });
 * ```
 */
export function createHttpHandler(
  server: ServerEndpoint,
  options: HttpHandlerOptions = {},
): HttpHandler {
  const shared = options.store ?? httpStoreOf(server);
  const state = endpointState(server, options, shared);
  // Before any session is opened: sessions follow relayed events once they are.
  const eventBus = state.bus ?? shared?.messageBus;
  if (eventBus) relayServerEvents(server, eventBus);
  const sessions = state.sessions;
  const handle = async (request: Request): Promise<Response> => {
    const admitted = await admit(request, options);
    if (admitted instanceof Response) return admitted;
    const auth = admitted.auth;
    const method = request.method;
    if (method === "POST") {
      try {
        return await post(state, request, auth);
      } catch (error) {
        return rpcError(
          500,
          ErrorCode.InternalError,
          error instanceof Error ? error.message : String(error),
        );
      }
    }
    const sessionId = request.headers.get("mcp-session-id");
    if (sessions && sessionId !== null && (method === "GET" || method === "DELETE")) {
      try {
        const found = await findSession(sessions, sessionId, auth, state);
        if (found instanceof Response) return found;
        if (method === "GET") return await get(state, request, found);
        await endSession(state, sessions, sessionId);
        return new Response(null, { status: 200 });
      } catch (error) {
        return storeFailureAnswer(error);
      }
    }
    return refuseMethod(method, sessions !== undefined, sessionId !== null);
  };
  return withCorsOption(handle, options);
}
