/**
 * Streamable HTTP as one web-standard handler, `(Request) => Promise<Response>`,
 * that mounts unchanged in `Deno.serve`, `Bun.serve`, Hono, or Node through
 * `toNodeHandler`. It serves both eras on one endpoint: stateless 2026-07-28
 * requests, and legacy sessions (2025-11-25 back to 2025-03-26) with GET
 * streams, DELETE, and resumption through an event store.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import {
  decodeHeaderValue,
  headerParameters,
  mcpNameField,
  parameterHeaderText,
  valueAtPath,
} from "../../protocol/headers.ts";
import {
  type Classified,
  errorResponse,
  type JsonObject,
  type JsonRpcMessage,
  type JsonRpcRequest,
  type JsonRpcResponse,
  parseMessage,
} from "../../protocol/jsonrpc.ts";
import { MetaKey } from "../../protocol/meta.ts";
import { encodeSseEvent } from "../../protocol/sse.ts";
import { isLegacyVersion, isModernVersion } from "../../protocol/versions.ts";
import type {
  AuthInfo,
  LegacySession,
  RequestScope,
  ServerEndpoint,
} from "../../protocol/server_endpoint.ts";
import {
  createInflightRequests,
  createLegacySession,
  type InflightRequests,
  routeClientMessage,
} from "../session.ts";
import { createMemoryEventStore, type EventStore } from "./event_store.ts";
import {
  admit,
  type Authenticate,
  createSseWriter,
  json,
  principalOf,
  randomId,
  readBody,
  rpcError,
  SSE_HEADERS,
  type SseWriter,
} from "./io.ts";
import { type CorsOptions, withCors } from "./cors.ts";
import type { OriginPolicy } from "./origin_guard.ts";
import { backgroundTimeout } from "../../runtime/timers.ts";

/** Options of the legacy (session-based) side of the endpoint. */
export interface LegacyHttpOptions {
  /** Live sessions kept; the least recently used is evicted past this. Default 1 000. */
  maxSessions?: number;
  /** Ended session ids remembered to answer "ended" rather than "unknown". Default 10 000. */
  rememberEndedSessions?: number;
  /** Where SSE events are kept for `Last-Event-ID` resumption. Default: bounded in memory. */
  eventStore?: EventStore;
  /** The `retry` hint (ms) sent in the priming event. Default 1 000. */
  retryMs?: number;
}

/** Options for {@link createHttpHandler}. */
export interface HttpHandlerOptions extends OriginPolicy {
  /** Largest accepted request body in bytes; larger gets 413 without being read whole. Default 4 MiB. */
  maxBodyBytes?: number;
  /** Legacy sessions, or `false` to serve only 2026-07-28. Default on. */
  legacy?: LegacyHttpOptions | false;
  /** Runs before anything else; return a Response to refuse, or the principal to serve as. */
  authenticate?: Authenticate;
  /**
   * Answer CORS preflights and add CORS headers for the origins the origin
   * policy allows, so browser clients can call this endpoint. Default off.
   */
  cors?: boolean | CorsOptions;
  /** Interval of keep-alive comments on long-lived streams, ms. Default 15 000. */
  keepAliveMs?: number;
}

/** A web-standard request handler. */
export type HttpHandler = (request: Request) => Promise<Response>;

interface SessionRecord {
  session: LegacySession;
  /** Who created the session; only they may use it. */
  principal: string;
  inflight: InflightRequests;
  standalone?: SseWriter;
  standaloneStreamId: string;
  detach: () => void;
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

/**
 * Whether a request without a session is 2026-07-28 traffic: it carries
 * `_meta`, or a version header that is not a legacy version. Anything else is
 * a legacy client and needs a session.
 */
function isStatelessShaped(request: Request, message: JsonRpcRequest): boolean {
  const headerVersion = request.headers.get("mcp-protocol-version")?.trim();
  const meta = message.params?._meta;
  return (headerVersion !== undefined || meta !== undefined) &&
    !(meta === undefined && headerVersion !== undefined && isLegacyVersion(headerVersion));
}

const headerParameterCache = new WeakMap<JsonObject, ReturnType<typeof headerParameters>>();

/** The `x-mcp-header` parameters of a tool's schema, walked once per schema object. */
function headerParametersOf(schema: JsonObject): ReturnType<typeof headerParameters> {
  let parameters = headerParameterCache.get(schema);
  if (parameters === undefined) {
    parameters = headerParameters(schema);
    headerParameterCache.set(schema, parameters);
  }
  return parameters;
}

/**
 * Validates a 2026-07-28 request before dispatch, in the order the spec's
 * error precedence implies: version header present (-32020), `_meta` complete
 * (-32602), header equals body (-32020), version supported (-32022), then the
 * method, name and parameter headers (-32020). Each answers HTTP 400.
 */
function modernRequestProblem(
  request: Request,
  message: JsonRpcRequest,
  server: ServerEndpoint,
): McpError | undefined {
  const headers = request.headers;
  const mismatch = (text: string) =>
    new McpError(ErrorCode.HeaderMismatch, `Header mismatch: ${text}`);
  const headerVersion = headers.get("mcp-protocol-version")?.trim();
  if (!headerVersion) return mismatch("the MCP-Protocol-Version header is required");
  const meta = message.params?._meta as JsonObject | undefined;
  const bodyVersion = meta?.[MetaKey.protocolVersion];
  const envelope = server.modernEnvelopeProblem(message);
  if (envelope && envelope.code === ErrorCode.InvalidParams) return envelope;
  if (bodyVersion !== headerVersion) {
    return mismatch(
      `MCP-Protocol-Version header value '${headerVersion}' does not match body value '${
        String(bodyVersion)
      }'`,
    );
  }
  if (envelope) return envelope;
  const method = headers.get("mcp-method");
  if (method === null) return mismatch("the Mcp-Method header is required");
  if (method.trim() !== message.method) {
    return mismatch(
      `Mcp-Method header value '${method.trim()}' does not match body value '${message.method}'`,
    );
  }
  const nameField = mcpNameField(message.method);
  if (nameField !== undefined) {
    const bodyName = message.params?.[nameField];
    const raw = headers.get("mcp-name");
    if (raw === null) return mismatch("the Mcp-Name header is required for " + message.method);
    const name = decodeHeaderValue(raw);
    if (name === undefined) return mismatch("the Mcp-Name header has invalid characters");
    if (name !== bodyName) {
      return mismatch(
        `Mcp-Name header value '${name}' does not match body value '${String(bodyName)}'`,
      );
    }
  }
  if (message.method === "tools/call" && typeof message.params?.name === "string") {
    const schema = server.toolInputSchema(message.params.name);
    const parameters = schema ? headerParametersOf(schema) : [];
    if (Array.isArray(parameters)) {
      for (const parameter of parameters) {
        const raw = headers.get(`mcp-param-${parameter.name}`);
        const bodyValue = valueAtPath(message.params.arguments, parameter.path);
        const expected = parameterHeaderText(bodyValue);
        const header = `Mcp-Param-${parameter.name}`;
        if (raw === null) {
          if (expected !== undefined) return mismatch(`the ${header} header is required`);
          continue;
        }
        const decoded = decodeHeaderValue(raw);
        if (decoded === undefined) return mismatch(`the ${header} header has invalid characters`);
        if (expected === undefined) {
          return mismatch(`${header} is present but the argument is absent`);
        }
        const same = parameter.type === "integer"
          ? decoded.trim() !== "" && Number(decoded) === Number(bodyValue)
          : decoded === expected;
        if (!same) {
          return mismatch(
            `${header} header value '${decoded}' does not match body value '${expected}'`,
          );
        }
      }
    }
  }
  return undefined;
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
  const maxBody = options.maxBodyBytes ?? 4 * 1024 * 1024;
  const legacy = options.legacy === false ? undefined : options.legacy ?? {};
  const maxSessions = legacy?.maxSessions ?? 1000;
  const rememberEnded = legacy?.rememberEndedSessions ?? 10_000;
  const store = legacy?.eventStore ?? createMemoryEventStore();
  const retryMs = legacy?.retryMs ?? 1000;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const sessions = new Map<string, SessionRecord>();
  const ended = new Set<string>();

  function endSession(id: string): void {
    const record = sessions.get(id);
    if (!record) return;
    sessions.delete(id);
    record.inflight.cancelAll("session ended");
    record.session.engine.failAll(new McpError(ErrorCode.ConnectionClosed, "Session ended"));
    record.standalone?.close();
    record.detach();
    ended.add(id);
    if (ended.size > rememberEnded) ended.delete(ended.values().next().value!);
  }

  function createSession(auth: AuthInfo | undefined): SessionRecord {
    if (sessions.size >= maxSessions) endSession(sessions.keys().next().value!);
    const id = randomId();
    const standaloneStreamId = `${id}-get`;
    const record: SessionRecord = {
      standaloneStreamId,
      principal: principalOf(auth),
      inflight: createInflightRequests(),
      session: undefined as unknown as LegacySession,
      detach: () => {},
    };
    record.session = createLegacySession((message) => {
      const eventId = store.append(standaloneStreamId, message);
      Promise.resolve(eventId).then((eventId) => {
        record.standalone?.write(encodeSseEvent({ id: eventId, data: JSON.stringify(message) }));
      });
    }, id);
    record.detach = server.attachSession(record.session);
    sessions.set(id, record);
    return record;
  }

  function lookupSession(id: string, auth: AuthInfo | undefined): SessionRecord | Response {
    const record = sessions.get(id);
    // A session id is no credential: another principal's request must not reach it.
    if (!record || record.principal !== principalOf(auth)) {
      const why = ended.has(id) ? "Session ended" : "Session not found";
      return rpcError(404, ErrorCode.ConnectionClosed, why);
    }
    sessions.delete(id);
    sessions.set(id, record);
    return record;
  }

  /** Legacy request streams that a `Last-Event-ID` GET may take over. */
  const liveStreams = new Map<string, { writer?: SseWriter; done: boolean }>();

  /**
   * Answers one request: JSON when nothing streams before the result, else an
   * SSE stream that carries notifications (and legacy server-to-client
   * requests) and ends with the response.
   */
  function answer(
    request: JsonRpcRequest,
    httpRequest: Request,
    scope: RequestScope,
    mode: {
      modern: boolean;
      record?: SessionRecord;
      extraHeaders?: HeadersInit;
      acceptsSse: boolean;
    },
  ): Promise<Response> {
    const { record } = mode;
    const cancel = new AbortController();
    // Modern: a disconnect cancels. Legacy: it does not (the stream may resume).
    const gone = mode.modern ? httpRequest.signal : undefined;
    const onGone = () => cancel.abort("client disconnected");
    // The client may have left while the body was read and validated.
    if (gone?.aborted) cancel.abort("client disconnected");
    else gone?.addEventListener("abort", onGone, { once: true });
    const release = () => gone?.removeEventListener("abort", onGone);
    const tracked = record ? record.inflight.begin(request.id, cancel.signal) : undefined;
    const signal = tracked?.signal ?? cancel.signal;
    const version = record?.session.protocolVersion ?? "";
    const streamId = record ? `${record.session.id}-${randomId()}` : "";
    const live = { writer: undefined as SseWriter | undefined, done: false };
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
          live.writer?.write(
            encodeSseEvent({ id, retry, data: message ? JSON.stringify(message) : "" }),
          );
        });
      };
      const open = (): boolean => {
        if (opened) return true;
        if (!mode.acceptsSse) return false;
        opened = true;
        live.writer = createSseWriter(() => {
          if (mode.modern) cancel.abort("client disconnected");
          else live.writer = undefined;
        }, isListen ? keepAliveMs : undefined);
        if (record) {
          liveStreams.set(streamId, live);
          // 2025-11-25 streams start with a priming event so the client can resume.
          if (version >= "2025-11-25") write(null, retryMs);
        }
        resolve(
          new Response(live.writer.readable, {
            status: 200,
            headers: { ...SSE_HEADERS, ...mode.extraHeaders },
          }),
        );
        return true;
      };
      scope.notify = (message) => {
        if (mode.modern && signal.aborted) return;
        if (open()) write(message);
      };
      scope.sendRelated = (message) => {
        if (!open()) {
          throw new McpError(ErrorCode.InternalError, "The client does not accept SSE streams");
        }
        write(message);
      };
      scope.closeStream = () => {
        // Only resumable streams (with a priming event id) may be closed early.
        if (!record || version < "2025-11-25" || !open()) return;
        order = order.then(() => {
          live.writer?.close();
          live.writer = undefined;
        });
      };
      scope.signal = signal;
      server.handleRequest(request, scope).then((response) => {
        tracked?.end();
        if (!opened) {
          release();
          resolve(json(mode.modern ? modernStatus(response) : 200, response, mode.extraHeaders));
          return;
        }
        if (!(mode.modern && signal.aborted)) write(response);
        order = order.then(() => {
          release();
          live.done = true;
          live.writer?.close();
          // Keep the finished stream resumable for a while, then forget it.
          backgroundTimeout(() => liveStreams.delete(streamId), 60_000);
        });
      });
    });
  }

  async function post(request: Request, auth: AuthInfo | undefined): Promise<Response> {
    const contentType = request.headers.get("content-type") ?? "";
    if (!contentType.toLowerCase().includes("application/json")) {
      return rpcError(415, ErrorCode.InvalidRequest, "Content-Type must be application/json");
    }
    const accept = (request.headers.get("accept") ?? "").toLowerCase();
    const acceptsSse = accept === "" || accept.includes("text/event-stream") ||
      accept.includes("*/*");
    const text = await readBody(request, maxBody);
    if (text === undefined) {
      return rpcError(413, ErrorCode.InvalidRequest, `Request body exceeds ${maxBody} bytes`);
    }
    const incoming: Classified = parseMessage(text);
    if (incoming.kind === "invalid") return json(400, incoming.error);

    const sessionId = request.headers.get("mcp-session-id");
    if (legacy && sessionId !== null) {
      const found = lookupSession(sessionId, auth);
      if (found instanceof Response) return found;
      return servePostInSession(request, incoming, found, auth, acceptsSse);
    }
    if (
      incoming.kind === "request" && incoming.message.method === "initialize" &&
      !isStatelessShaped(request, incoming.message)
    ) {
      if (!legacy) {
        return rpcError(
          400,
          ErrorCode.UnsupportedProtocolVersion,
          "This server speaks only 2026-07-28; initialize is not supported",
          incoming.message.id,
          {
            supported: ["2026-07-28"],
            requested: String(incoming.message.params?.protocolVersion),
          },
        );
      }
      const record = createSession(auth);
      const response = await answer(incoming.message, request, { session: record.session, auth }, {
        modern: false,
        record,
        acceptsSse,
        extraHeaders: { "mcp-session-id": record.session.id! },
      });
      if (response.headers.get("content-type")?.includes("application/json")) {
        // A failed initialize leaves no session behind.
        const body = await response.clone().json() as JsonRpcResponse;
        if ("error" in body) endSession(record.session.id!);
      }
      return response;
    }
    if (incoming.kind === "response") {
      return rpcError(
        400,
        ErrorCode.InvalidRequest,
        "Responses are only accepted within a legacy session",
      );
    }
    if (incoming.kind === "notification") return new Response(null, { status: 202 });

    const message = incoming.message;
    if (!isStatelessShaped(request, message)) {
      return rpcError(
        400,
        ErrorCode.ConnectionClosed,
        "Bad Request: no valid Mcp-Session-Id; legacy clients must initialize first",
        message.id,
      );
    }
    const problem = modernRequestProblem(request, message, server);
    if (problem) return json(400, errorResponse(message.id, problem.toJSON()));
    return answer(message, request, { auth }, { modern: true, acceptsSse });
  }

  function servePostInSession(
    request: Request,
    incoming: Classified,
    record: SessionRecord,
    auth: AuthInfo | undefined,
    acceptsSse: boolean,
  ): Promise<Response> | Response {
    const headerVersion = request.headers.get("mcp-protocol-version");
    if (
      headerVersion !== null && !isLegacyVersion(headerVersion.trim()) &&
      !isModernVersion(headerVersion.trim())
    ) {
      return rpcError(
        400,
        ErrorCode.InvalidRequest,
        `Unsupported MCP-Protocol-Version: ${headerVersion}`,
      );
    }
    const session = record.session;
    switch (incoming.kind) {
      case "response":
      case "notification":
        routeClientMessage(server, incoming, record.inflight, { session, auth });
        return new Response(null, { status: 202 });
      case "request": {
        if (incoming.message.method === "initialize") {
          return rpcError(
            400,
            ErrorCode.InvalidRequest,
            "The session is already initialized",
            incoming.message.id,
          );
        }
        return answer(incoming.message, request, { session, auth }, {
          modern: false,
          record,
          acceptsSse,
        });
      }
    }
    return rpcError(400, ErrorCode.InvalidRequest, "Invalid message");
  }

  async function openStandalone(request: Request, record: SessionRecord): Promise<Response> {
    const accept = request.headers.get("accept") ?? "";
    if (!accept.includes("text/event-stream")) {
      return rpcError(406, ErrorCode.InvalidRequest, "GET needs Accept: text/event-stream");
    }
    const lastEventId = request.headers.get("last-event-id");
    if (lastEventId) {
      const writer = createSseWriter(() => {}, keepAliveMs);
      const replayed: string[] = [];
      const streamId = await store.replayAfter(lastEventId, (eventId, message) => {
        replayed.push(encodeSseEvent({ id: eventId, data: JSON.stringify(message) }));
      });
      if (streamId === undefined || !streamId.startsWith(record.session.id!)) {
        return rpcError(400, ErrorCode.InvalidRequest, "Unknown Last-Event-ID");
      }
      for (const event of replayed) writer.write(event);
      if (streamId === record.standaloneStreamId) {
        record.standalone?.close();
        record.standalone = writer;
      } else {
        // A request stream: take it over if its request is still running.
        const live = liveStreams.get(streamId);
        if (live && !live.done) {
          live.writer?.close();
          live.writer = writer;
        } else {
          setTimeout(() => writer.close(), 0);
        }
      }
      return new Response(writer.readable, { status: 200, headers: SSE_HEADERS });
    }
    if (record.standalone && !record.standalone.closed) {
      return rpcError(409, ErrorCode.InvalidRequest, "Only one GET stream is allowed per session");
    }
    const writer = createSseWriter(() => {
      if (record.standalone === writer) record.standalone = undefined;
    }, keepAliveMs);
    record.standalone = writer;
    if ((record.session.protocolVersion ?? "") >= "2025-11-25") {
      const eventId = await store.append(record.standaloneStreamId, null);
      writer.write(encodeSseEvent({ id: eventId, retry: retryMs, data: "" }));
    }
    return new Response(writer.readable, { status: 200, headers: SSE_HEADERS });
  }

  const handle = async (request: Request): Promise<Response> => {
    const admitted = await admit(request, options);
    if (admitted instanceof Response) return admitted;
    const auth = admitted.auth;
    const method = request.method;
    if (method === "POST") {
      try {
        return await post(request, auth);
      } catch (error) {
        return rpcError(
          500,
          ErrorCode.InternalError,
          error instanceof Error ? error.message : String(error),
        );
      }
    }
    const sessionId = request.headers.get("mcp-session-id");
    if (legacy && sessionId !== null && (method === "GET" || method === "DELETE")) {
      const found = lookupSession(sessionId, auth);
      if (found instanceof Response) return found;
      if (method === "DELETE") {
        endSession(sessionId);
        return new Response(null, { status: 200 });
      }
      return openStandalone(request, found);
    }
    return new Response(
      JSON.stringify(
        errorResponse(undefined, { code: ErrorCode.InvalidRequest, message: "Method not allowed" }),
      ),
      {
        status: 405,
        headers: {
          allow: legacy ? "GET, POST, DELETE" : "POST",
          "content-type": "application/json",
        },
      },
    );
  };
  return options.cors
    ? withCors(handle, { ...options, ...(options.cors === true ? {} : options.cors) })
    : handle;
}
