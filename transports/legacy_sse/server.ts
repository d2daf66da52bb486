/**
 * The deprecated HTTP+SSE transport of protocol version 2024-11-05, for old
 * clients: a GET opens an event stream whose first event, `endpoint`, names
 * the URL to POST messages to; every server message travels on that stream.
 * Mount one handler for both paths (e.g. `/sse` and `/messages`).
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { JsonRpcMessage } from "../../protocol/jsonrpc.ts";
import type { AuthInfo, ServerEndpoint } from "../../protocol/server_endpoint.ts";
import { encodeSseEvent } from "../../protocol/sse.ts";
import type { Transport, TransportSink } from "../../protocol/transport.ts";
import { clientAddressOf } from "../../runtime/client_address.ts";
import type { HttpHandler } from "../../runtime/http.ts";
import { connectServer } from "../connect.ts";
import { accepts } from "../http/accept.ts";
import { admit, type Authenticate, principalOf } from "../http/admission.ts";
import { readMessage } from "../http/body.ts";
import { type CorsOptions, withCorsOption } from "../http/cors.ts";
import type { OriginPolicy } from "../http/origin_guard.ts";
import { rpcError } from "../http/responses.ts";
import { createSessionTable, randomId } from "../http/sessions.ts";
import { createSseWriter, SSE_HEADERS, type SseWriter } from "../http/sse_writer.ts";
import {
  type ClientAddress,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
  quotaOwner,
} from "../session_quota.ts";

/** Options for {@link createLegacySseHandler}. */
export interface LegacySseOptions extends OriginPolicy {
  /** The path clients POST messages to, announced in the `endpoint` event. Default `/messages`. */
  messagesPath?: string;
  /** Largest accepted message in bytes; larger gets 413 without being read whole. Default 4 MiB. */
  maxBodyBytes?: number;
  /**
   * Live streams kept in all. Default 1 000. Past it, the least recently used stream of the
   * owner holding the most is closed, anonymous owners first (see `session_quota.ts`).
   */
  maxSessions?: number;
  /**
   * Live streams kept per principal, and per client address for anonymous clients; a new one
   * past it closes that owner's least recently used. Default 100.
   */
  maxSessionsPerPrincipal?: number;
  /**
   * Where an anonymous request comes from, for its quota; behind a reverse proxy, read the
   * header it sets. Default: the peer address `serveHttp` recorded (`clientAddressOf`).
   */
  clientAddress?: ClientAddress;
  /**
   * Answer CORS preflights and add CORS headers for the origins the origin
   * policy allows, so browser clients can call this endpoint. Default off.
   */
  cors?: boolean | CorsOptions;
  /** Interval of keep-alive comments, ms. Default 15 000. */
  keepAliveMs?: number;
  /**
   * Bytes an SSE stream may queue for a client that does not read; past it
   * the client is cut. Default 4 MiB.
   */
  maxQueuedBytes?: number;
  /**
   * Runs before anything else (e.g. `bearerAuth(…)` from auth/); return a
   * Response to refuse, or the principal. A session is bound to the principal
   * that opened it: POSTs from anyone else get 404.
   */
  authenticate?: Authenticate;
}

/** One open stream: where its POSTed messages go and where the server's go. */
interface SseSession {
  readonly principal: string;
  readonly sink: TransportSink;
  readonly writer: SseWriter;
}

/** Ends a session's stream and its server connection. */
function closeSession(session: SseSession): void {
  session.writer.close();
  session.sink.close();
}

/**
 * Creates the HTTP+SSE (2024-11-05) handler: GET opens a session stream, POST
 * `<messagesPath>?sessionId=…` delivers one message to it (202 Accepted).
 *
 * @example
 * ```ts
 * import { McpServer } from "../../server/server.ts";
 * import { createLegacySseHandler } from "./server.ts";
 * import { serveHttp } from "../../runtime/mod.ts";
 * const handler = createLegacySseHandler(new McpServer({ name: "old", version: "1.0.0" }));
 * await serveHttp(handler, { port: 3000 }); // clients connect to http://127.0.0.1:3000/sse
 * ```
 */
export function createLegacySseHandler(
  server: ServerEndpoint,
  options: LegacySseOptions = {},
): HttpHandler {
  const messagesPath = options.messagesPath ?? "/messages";
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const sessions = createSessionTable<SseSession>(
    {
      maxSessions: options.maxSessions ?? DEFAULT_MAX_SESSIONS,
      maxSessionsPerPrincipal: options.maxSessionsPerPrincipal ??
        DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
      rememberEnded: 0,
    },
    closeSession,
  );

  const clientAddress = options.clientAddress ?? clientAddressOf;

  async function open(request: Request, auth: AuthInfo | undefined): Promise<Response> {
    const id = randomId();
    const principal = principalOf(auth);
    const owner = quotaOwner(principal, principal === "" ? clientAddress(request) : undefined);
    const writer = createSseWriter(() => sessions.end(id), keepAliveMs, {
      maxQueuedBytes: options.maxQueuedBytes,
    });
    const transport: Transport = {
      start(sink) {
        sessions.add(id, { principal, sink, writer }, owner);
      },
      send(message: JsonRpcMessage) {
        if (writer.closed) return Promise.reject(new Error("SSE stream closed"));
        writer.write(encodeSseEvent({ event: "message", data: JSON.stringify(message) }));
        return Promise.resolve();
      },
      close() {
        sessions.end(id);
        return Promise.resolve();
      },
    };
    await connectServer(server, transport, { auth });
    writer.write(encodeSseEvent({ event: "endpoint", data: `${messagesPath}?sessionId=${id}` }));
    return new Response(writer.readable, { status: 200, headers: SSE_HEADERS });
  }

  async function post(request: Request, auth: AuthInfo | undefined): Promise<Response> {
    const sessionId = new URL(request.url).searchParams.get("sessionId");
    const session = sessionId === null ? undefined : sessions.use(sessionId, principalOf(auth));
    if (!session) return rpcError(404, ErrorCode.InvalidRequest, "Unknown or ended sessionId");
    const incoming = await readMessage(request, maxBody);
    if (incoming instanceof Response) return incoming;
    session.sink.message(incoming);
    return new Response("Accepted", { status: 202 });
  }

  const handle = async (request: Request): Promise<Response> => {
    const admitted = await admit(request, options);
    if (admitted instanceof Response) return admitted;
    const auth = admitted.auth;
    if (request.method === "GET") {
      if (!accepts(request, "text/event-stream")) {
        return rpcError(406, ErrorCode.InvalidRequest, "GET needs Accept: text/event-stream");
      }
      return await open(request, auth);
    }
    if (request.method === "POST") return await post(request, auth);
    return new Response(null, { status: 405, headers: { allow: "GET, POST" } });
  };
  return withCorsOption(handle, options);
}
