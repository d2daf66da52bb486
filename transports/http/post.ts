/**
 * POST on a Streamable HTTP endpoint: one JSON-RPC message (or a 2025-03-26
 * session's batch), routed to its legacy session, to `initialize` (which opens
 * one), or served statelessly as 2026-07-28 once its headers pass the checks.
 *
 * @module
 */
import { describeValue } from "../../protocol/describe.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import { errorResponse, type JsonRpcRequest } from "../../protocol/jsonrpc.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { isLegacyVersion, isModernVersion } from "../../protocol/versions.ts";
import { routeClientMessage } from "../session.ts";
import { accepts } from "./accept.ts";
import { answer } from "./answer.ts";
import { isJsonContentType } from "./content_type.ts";
import { inSessionHeaderProblem, sessionlessNotificationProblem } from "./compat_checks.ts";
import { answerBatch, BATCH_VERSION, parseBody, type ReceivedBatch, refuseBatch } from "./batch.ts";
import { readBody, type ReceivedMessage } from "./body.ts";
import type { EndpointState, SessionRecord } from "./endpoint_state.ts";
import { endSession, findSession, openSession, sessionSynced } from "./legacy_sessions.ts";
import { isStatelessShaped, modernRequestProblem } from "./request_checks.ts";
import { json, rpcError, storeFailureAnswer } from "./responses.ts";

const ONLY_MODERN = ["2026-07-28"];

/** Answers one POST. */
export async function post(
  state: EndpointState,
  request: Request,
  auth: AuthInfo | undefined,
): Promise<Response> {
  if (!isJsonContentType(request.headers.get("content-type"))) {
    return rpcError(415, ErrorCode.InvalidRequest, "Content-Type must be application/json");
  }
  const acceptsSse = accepts(request, "text/event-stream");
  const text = await readBody(request, state.maxBodyBytes);
  if (text instanceof Response) return text;
  const incoming = parseBody(text);
  if (incoming instanceof Response) return incoming;

  const sessions = state.sessions;
  const sessionId = request.headers.get("mcp-session-id");
  if (sessions && sessionId !== null) {
    try {
      const found = await findSession(sessions, sessionId, auth, state);
      if (found instanceof Response) return found;
      const response = await postInSession(state, request, incoming, found, auth, acceptsSse);
      // What the request changed (a log level, a subscription) reaches the directory first.
      await sessionSynced(found);
      return response;
    } catch (error) {
      return storeFailureAnswer(
        error,
        incoming.kind === "request" ? incoming.message.id : undefined,
      );
    }
  }
  if (incoming.kind === "batch") return refuseBatch(incoming);
  if (
    incoming.kind === "request" && incoming.message.method === "initialize" &&
    !isStatelessShaped(request, incoming.message)
  ) {
    if (!sessions) {
      return rpcError(
        400,
        ErrorCode.UnsupportedProtocolVersion,
        "This server speaks only 2026-07-28; initialize is not supported",
        incoming.message.id,
        {
          supported: ONLY_MODERN,
          requested: describeValue(incoming.message.params?.protocolVersion),
        },
      );
    }
    const refused = await state.authorize?.(incoming.message, auth, request);
    if (refused) return refused;
    try {
      return await initializeSession(state, sessions, incoming.message, request, auth, acceptsSse);
    } catch (error) {
      return storeFailureAnswer(error, incoming.message.id);
    }
  }
  if (incoming.kind === "response") {
    return rpcError(
      400,
      ErrorCode.InvalidRequest,
      "Responses are only accepted within a legacy session",
    );
  }
  if (incoming.kind === "notification") {
    return sessionlessNotificationProblem(state.server, request, incoming.message) ??
      new Response(null, { status: 202 });
  }

  const message = incoming.message;
  if (!isStatelessShaped(request, message)) {
    return rpcError(
      400,
      ErrorCode.ConnectionClosed,
      "Bad Request: no valid Mcp-Session-Id; legacy clients must initialize first",
      message.id,
    );
  }
  const problem = modernRequestProblem(request, message, state.server);
  if (problem) return json(400, errorResponse(message.id, problem.toJSON()));
  const refused = await state.authorize?.(message, auth, request);
  if (refused) return refused;
  return answer(state, message, request, { auth }, { modern: true, acceptsSse });
}

/** Opens a legacy session with `initialize`; a failed one leaves no session behind. */
async function initializeSession(
  state: EndpointState,
  sessions: NonNullable<EndpointState["sessions"]>,
  message: JsonRpcRequest,
  request: Request,
  auth: AuthInfo | undefined,
  acceptsSse: boolean,
): Promise<Response> {
  const record = openSession(state, sessions, auth, request);
  const response = await answer(state, message, request, { session: record.session, auth }, {
    modern: false,
    record,
    acceptsSse,
    extraHeaders: { "mcp-session-id": record.session.id! },
  });
  if (response.headers.get("content-type")?.includes("application/json")) {
    const body = await response.clone().json();
    if ("error" in body) await endSession(state, sessions, record.session.id!);
  }
  await sessionSynced(record);
  return response;
}

/** Answers a POST within a legacy session. */
function postInSession(
  state: EndpointState,
  request: Request,
  incoming: ReceivedMessage | ReceivedBatch,
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
  const strict = inSessionHeaderProblem(state.server, request, session);
  if (strict) return strict;
  if (incoming.kind === "batch") {
    return session.protocolVersion === BATCH_VERSION
      ? answerBatch(state, incoming, record, auth, request)
      : refuseBatch(incoming);
  }
  if (incoming.kind !== "request") {
    routeClientMessage(state.server, incoming, record.inflight, { session, auth });
    return new Response(null, { status: 202 });
  }
  if (incoming.message.method === "initialize") {
    return rpcError(
      400,
      ErrorCode.InvalidRequest,
      "The session is already initialized",
      incoming.message.id,
    );
  }
  return authorized(
    state,
    incoming.message,
    request,
    auth,
    () =>
      answer(state, incoming.message, request, { session, auth }, {
        modern: false,
        record,
        acceptsSse,
      }),
  );
}

/** Runs `serve` unless the `authorize` hook refuses `message`. */
async function authorized(
  state: EndpointState,
  message: JsonRpcRequest,
  request: Request,
  auth: AuthInfo | undefined,
  serve: () => Promise<Response>,
): Promise<Response> {
  return (await state.authorize?.(message, auth, request)) ?? serve();
}
