/**
 * The deprecated HTTP+SSE transport of protocol version 2024-11-05, for old
 * clients: a GET opens an event stream whose first event, `endpoint`, names
 * the URL to POST messages to; every server message travels on that stream.
 * Mount one handler for both paths (e.g. `/sse` and `/messages`).
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import { type Classified, type JsonRpcMessage, parseMessage } from "../../protocol/jsonrpc.ts";
import { encodeSseEvent } from "../../protocol/sse.ts";
import type { Transport, TransportSink } from "../../protocol/transport.ts";
import { connectServer } from "../connect.ts";
import type { AuthInfo, ServerEndpoint } from "../../protocol/server_endpoint.ts";
import {
  admit,
  type Authenticate,
  createSseWriter,
  principalOf,
  randomId,
  readBody,
  rpcError,
  SSE_HEADERS,
} from "../http/io.ts";
import { type CorsOptions, withCors } from "../http/cors.ts";
import type { OriginPolicy } from "../http/origin_guard.ts";

/** Options for {@link createLegacySseHandler}. */
export interface LegacySseOptions extends OriginPolicy {
  /** The path clients POST messages to, announced in the `endpoint` event. Default `/messages`. */
  messagesPath?: string;
  /** Largest accepted message in bytes. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Live streams kept at once; a new one past this is refused with 503. Default 1 000. */
  maxSessions?: number;
  /**
   * Answer CORS preflights and add CORS headers for the origins the origin
   * policy allows, so browser clients can call this endpoint. Default off.
   */
  cors?: boolean | CorsOptions;
  /** Interval of keep-alive comments, ms. Default 15 000. */
  keepAliveMs?: number;
  /**
   * Runs before anything else (e.g. `bearerAuth(…)` from auth/); return a
   * Response to refuse, or the principal. A session is bound to the principal
   * that opened it: POSTs from anyone else get 404.
   */
  authenticate?: Authenticate;
}

/**
 * Creates the HTTP+SSE (2024-11-05) handler: GET opens a session stream, POST
 * `<messagesPath>?sessionId=…` delivers one message to it (202 Accepted).
 *
 * @example
 * ```ts
 * import { McpServer } from "../../server/server.ts";
 * import { createLegacySseHandler } from "./server.ts";
 * import { serveHttp } from "../../runtime/runtime.ts";
 * const handler = createLegacySseHandler(new McpServer({ name: "old", version: "1.0.0" }));
 * await serveHttp(handler, { port: 3000 }); // clients connect to http://127.0.0.1:3000/sse
 * ```
 */
export function createLegacySseHandler(
  server: ServerEndpoint,
  options: LegacySseOptions = {},
): (request: Request) => Promise<Response> {
  const messagesPath = options.messagesPath ?? "/messages";
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const maxSessions = options.maxSessions ?? 1000;
  const sinks = new Map<string, { sink: TransportSink; principal: string }>();

  async function open(auth: AuthInfo | undefined): Promise<Response> {
    if (sinks.size >= maxSessions) {
      return rpcError(503, ErrorCode.InternalError, "Too many open SSE sessions");
    }
    const id = randomId();
    let sink: TransportSink | undefined;
    const end = () => {
      if (!sinks.delete(id)) return;
      sink?.close();
    };
    const writer = createSseWriter(end, options.keepAliveMs ?? 15_000);
    const transport: Transport = {
      start(target) {
        sink = target;
        sinks.set(id, { sink: target, principal: principalOf(auth) });
      },
      send(message: JsonRpcMessage) {
        if (writer.closed) return Promise.reject(new Error("SSE stream closed"));
        writer.write(encodeSseEvent({ event: "message", data: JSON.stringify(message) }));
        return Promise.resolve();
      },
      close() {
        writer.close();
        end();
        return Promise.resolve();
      },
    };
    await connectServer(server, transport, { auth });
    writer.write(encodeSseEvent({ event: "endpoint", data: `${messagesPath}?sessionId=${id}` }));
    return new Response(writer.readable, { status: 200, headers: SSE_HEADERS });
  }

  async function post(request: Request, auth: AuthInfo | undefined): Promise<Response> {
    const sessionId = new URL(request.url).searchParams.get("sessionId");
    const entry = sessionId === null ? undefined : sinks.get(sessionId);
    if (!entry || entry.principal !== principalOf(auth)) {
      return rpcError(404, ErrorCode.InvalidRequest, "Unknown or ended sessionId");
    }
    const sink = entry.sink;
    const text = await readBody(request, maxBody);
    if (text === undefined) {
      return rpcError(413, ErrorCode.InvalidRequest, `Message exceeds ${maxBody} bytes`);
    }
    const incoming: Classified = parseMessage(text);
    if (incoming.kind === "invalid") return Response.json(incoming.error, { status: 400 });
    sink.message(incoming);
    return new Response("Accepted", { status: 202 });
  }

  const handle = async (request: Request): Promise<Response> => {
    const admitted = await admit(request, options);
    if (admitted instanceof Response) return admitted;
    const auth = admitted.auth;
    if (request.method === "GET") {
      const accept = request.headers.get("accept") ?? "";
      if (accept !== "" && !accept.includes("text/event-stream") && !accept.includes("*/*")) {
        return rpcError(406, ErrorCode.InvalidRequest, "GET needs Accept: text/event-stream");
      }
      return await open(auth);
    }
    if (request.method === "POST") return await post(request, auth);
    return new Response(null, { status: 405, headers: { allow: "GET, POST" } });
  };
  return options.cors
    ? withCors(handle, { ...options, ...(options.cors === true ? {} : options.cors) })
    : handle;
}
