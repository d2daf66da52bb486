/**
 * The Streamable HTTP client transport on `fetch` (by default the runtime's, see
 * `runtime/http_client.ts`): one POST per message, JSON or SSE responses, the request metadata
 * headers of 2026-07-28, and the legacy (2025-03-26 … 2025-11-25) session mechanics:
 * `Mcp-Session-Id`, the GET stream for server-initiated messages, resumption with
 * `Last-Event-ID` honouring `retry`, and DELETE on close.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import { classifyMessage, type JsonRpcMessage, type RequestId } from "../../protocol/jsonrpc.ts";
import { parseSse } from "../../protocol/sse.ts";
import { authorizedFetch } from "../../protocol/token_provider.ts";
import type { TransportSink } from "../../protocol/transport.ts";
import { isModernVersion } from "../../protocol/versions.ts";
import { httpFetch } from "../../runtime/http_client.ts";
import { httpStatusError, transportFailure } from "./client_errors.ts";
import { messageHeaders } from "./client_headers.ts";
import {
  delay,
  type HttpClientTransport,
  type HttpClientTransportOptions,
  type HttpSendOptions,
} from "./client_options.ts";

export { HttpStatusError } from "./client_errors.ts";
export type { HttpClientTransport, HttpClientTransportOptions, HttpSendOptions };

interface Exchange {
  controller: AbortController;
  answered: boolean;
}

interface StreamState {
  lastEventId?: string;
  retryMs?: number;
}

/**
 * Creates a Streamable HTTP client transport for `url`.
 *
 * @example
 * ```ts
 * import { createHttpClientTransport } from "./client.ts";
 * const transport = createHttpClientTransport(new URL("http://127.0.0.1:3000/mcp"));
 * ```
 */
export function createHttpClientTransport(
  url: URL,
  options: HttpClientTransportOptions = {},
): HttpClientTransport {
  const baseFetch = options.fetch ?? httpFetch;
  const fetchImpl = options.auth ? authorizedFetch(options.auth, baseFetch) : baseFetch;
  const defaultRetryMs = options.defaultRetryMs ?? 1000;
  const wait = options.wait ?? delay;
  const maxReconnects = options.maxReconnects ?? 3;
  const lifetime = new AbortController();
  const exchanges = new Map<RequestId, Exchange>();
  // POSTs without a response to wait for (notifications, responses); close() aborts them.
  const oneWay = new Set<AbortController>();
  let sink: TransportSink | undefined;
  let sessionId: string | undefined;
  let legacyVersion: string | undefined;
  let sessionStreamOpen = false;
  let closed = false;

  const baseHeaders = (): Record<string, string> => {
    const extra = typeof options.headers === "function" ? options.headers() : options.headers;
    const headers: Record<string, string> = extra === undefined ? {} : { ...extra };
    if (sessionId !== undefined) headers["mcp-session-id"] = sessionId;
    if (legacyVersion !== undefined) headers["mcp-protocol-version"] = legacyVersion;
    return headers;
  };

  const deliver = (text: string): void => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      sink?.message({
        kind: "invalid",
        error: {
          jsonrpc: "2.0",
          error: { code: ErrorCode.ParseError, message: "Parse error: invalid JSON from server" },
        },
      });
      return;
    }
    const classified = classifyMessage(value);
    if (classified.kind === "response") {
      const id = classified.message.id;
      const exchange = id === undefined || id === null ? undefined : exchanges.get(id);
      if (exchange) exchange.answered = true;
    }
    sink?.message(classified);
  };

  /** Reads an SSE body, delivering messages, until it ends or `stopWhen` holds. */
  const readStream = async (
    body: ReadableStream<Uint8Array>,
    state: StreamState,
    stopWhen: () => boolean,
  ): Promise<"ended" | "stopped"> => {
    const events = parseSse(body, {
      onRetry: (ms) => (state.retryMs = ms),
      onLastEventId: (id) => (state.lastEventId = id),
    });
    for await (const event of events) {
      if (event.event === "message" && event.data.trim() !== "") deliver(event.data);
      if (stopWhen()) return "stopped";
    }
    return "ended";
  };

  const errorFromResponse = async (response: Response, method: string): Promise<McpError> => {
    const inSession = sessionId !== undefined;
    const error = await httpStatusError(response, method, inSession);
    if (inSession && response.status === 404) sessionId = undefined;
    return error;
  };

  const getStream = (state: StreamState, signal: AbortSignal): Promise<Response> => {
    const headers: Record<string, string> = { ...baseHeaders(), accept: "text/event-stream" };
    if (state.lastEventId !== undefined) headers["last-event-id"] = state.lastEventId;
    return fetchImpl(url, { method: "GET", headers, signal });
  };

  /** Legacy resumption of a POST stream that ended before its response. */
  const resume = async (exchange: Exchange, state: StreamState, method: string): Promise<void> => {
    let failures = 0;
    while (!exchange.answered) {
      if (failures >= maxReconnects) {
        throw new McpError(
          ErrorCode.ConnectionClosed,
          `The response stream for ${method} ended and ${maxReconnects} reconnections did not recover it`,
        );
      }
      await wait(state.retryMs ?? defaultRetryMs, exchange.controller.signal);
      if (exchange.controller.signal.aborted) return;
      let response: Response;
      try {
        response = await getStream(state, exchange.controller.signal);
      } catch (error) {
        if (exchange.controller.signal.aborted) return;
        failures += 1;
        if (failures >= maxReconnects) throw transportFailure(method, error);
        continue;
      }
      if (!response.ok || !response.body) {
        const error = await errorFromResponse(response, method);
        throw new McpError(
          ErrorCode.ConnectionClosed,
          `The response stream for ${method} ended early and could not be resumed: ${error.message}`,
        );
      }
      try {
        const outcome = await readStream(response.body, state, () => exchange.answered);
        if (outcome === "ended" && !exchange.answered) failures += 1;
        else failures = 0;
      } catch (error) {
        if (exchange.controller.signal.aborted) return;
        failures += 1;
        if (failures >= maxReconnects) throw transportFailure(method, error);
      }
    }
  };

  const requestHeaders = (
    message: JsonRpcMessage,
    extra?: Record<string, string>,
  ): Record<string, string> => messageHeaders(baseHeaders(), message, extra);

  const postRequest = async (
    message: JsonRpcMessage & { id: RequestId; method: string },
    extra?: Record<string, string>,
  ): Promise<void> => {
    // Not linked to `lifetime` (a listener per request): close() aborts every exchange itself.
    const exchange: Exchange = { controller: new AbortController(), answered: false };
    exchanges.set(message.id, exchange);
    const signal = exchange.controller.signal;
    try {
      let response: Response;
      try {
        response = await fetchImpl(url, {
          method: "POST",
          headers: requestHeaders(message, extra),
          body: JSON.stringify(message),
          signal,
        });
      } catch (error) {
        if (signal.aborted) return;
        throw transportFailure(message.method, error);
      }
      if (message.method === "initialize") {
        const assigned = response.headers.get("mcp-session-id");
        if (assigned) sessionId = assigned;
      }
      if (!response.ok) throw await errorFromResponse(response, message.method);
      const type = response.headers.get("content-type") ?? "";
      const state: StreamState = {};
      if (type.includes("text/event-stream") && response.body) {
        try {
          await readStream(response.body, state, () => exchange.answered);
        } catch (error) {
          if (signal.aborted) return;
          if (exchange.answered) return;
          if (!resumable(state)) {
            throw new McpError(
              ErrorCode.ConnectionClosed,
              `The response stream for ${message.method} broke before the response arrived: ${
                error instanceof Error ? error.message : String(error)
              }`,
            );
          }
        }
        if (!exchange.answered && !signal.aborted) {
          if (!resumable(state)) {
            throw new McpError(
              ErrorCode.ConnectionClosed,
              `The server closed the response stream for ${message.method} before sending the response`,
            );
          }
          await resume(exchange, state, message.method);
        }
        return;
      }
      const text = await response.text();
      if (text.trim() !== "") deliver(text);
      if (!exchange.answered && !signal.aborted) {
        throw new McpError(
          ErrorCode.ConnectionClosed,
          text.trim() === ""
            ? `The server answered ${message.method} with HTTP ${response.status} and no body`
            : `The server's answer to ${message.method} did not carry a response for request ${message.id}`,
          { httpStatus: response.status },
        );
      }
    } finally {
      exchanges.delete(message.id);
    }
  };

  const resumable = (state: StreamState): boolean =>
    state.lastEventId !== undefined && legacyVersion !== undefined &&
    !isModernVersion(legacyVersion);

  const postOther = async (
    message: JsonRpcMessage,
    extra?: Record<string, string>,
  ): Promise<void> => {
    const controller = new AbortController();
    oneWay.add(controller);
    const timer = setTimeout(() => controller.abort("timeout"), 30_000);
    const label = "method" in message ? message.method : "response";
    try {
      const response = await fetchImpl(url, {
        method: "POST",
        headers: requestHeaders(message, extra),
        body: JSON.stringify(message),
        signal: controller.signal,
      });
      if (!response.ok) throw await errorFromResponse(response, label);
      await response.body?.cancel();
    } catch (error) {
      if (lifetime.signal.aborted) return;
      throw transportFailure(label, error);
    } finally {
      clearTimeout(timer);
      oneWay.delete(controller);
    }
  };

  const runSessionStream = async (): Promise<void> => {
    const state: StreamState = {};
    let failures = 0;
    while (!closed && failures < maxReconnects) {
      let response: Response;
      try {
        response = await getStream(state, lifetime.signal);
      } catch {
        failures += 1;
        await wait(state.retryMs ?? defaultRetryMs, lifetime.signal);
        continue;
      }
      if (!response.ok || !response.body) {
        // 405 and friends: the server offers no GET stream, which is allowed.
        await response.body?.cancel();
        return;
      }
      try {
        await readStream(response.body, state, () => closed);
        failures = 0;
      } catch {
        failures += 1;
      }
      if (closed) return;
      await wait(state.retryMs ?? defaultRetryMs, lifetime.signal);
    }
  };

  return {
    kind: "http",
    url,
    get sessionId() {
      return sessionId;
    },
    start(target) {
      sink = target;
    },
    setProtocolVersion(version) {
      legacyVersion = version;
    },
    openSessionStream() {
      if (options.sessionStream === false || sessionStreamOpen || closed) return;
      if (legacyVersion === undefined || isModernVersion(legacyVersion)) return;
      sessionStreamOpen = true;
      runSessionStream().catch(() => {}).finally(() => (sessionStreamOpen = false));
    },
    send(message, sendOptions) {
      if (closed) {
        return Promise.reject(new McpError(ErrorCode.ConnectionClosed, "Transport closed"));
      }
      if ("method" in message && "id" in message) {
        return postRequest(
          message as JsonRpcMessage & { id: RequestId; method: string },
          sendOptions?.headers,
        );
      }
      if ("method" in message && message.method === "notifications/cancelled") {
        const id = message.params?.requestId;
        const exchange = typeof id === "string" || typeof id === "number"
          ? exchanges.get(id)
          : undefined;
        // On modern HTTP, closing the response stream is the cancellation.
        exchange?.controller.abort("cancelled");
        if (legacyVersion === undefined || isModernVersion(legacyVersion)) return Promise.resolve();
      }
      return postOther(message, sendOptions?.headers);
    },
    async close() {
      if (closed) return;
      closed = true;
      lifetime.abort("transport closed");
      for (const exchange of exchanges.values()) exchange.controller.abort("transport closed");
      for (const controller of oneWay) controller.abort("transport closed");
      if (sessionId !== undefined) {
        const controller = new AbortController();
        const timer = setTimeout(() => controller.abort(), 2000);
        try {
          const response = await fetchImpl(url, {
            method: "DELETE",
            headers: baseHeaders(),
            signal: controller.signal,
          });
          await response.body?.cancel();
        } catch {
          // The session ends with us either way.
        } finally {
          clearTimeout(timer);
        }
      }
      sink?.close();
    },
  };
}
