/**
 * The Streamable HTTP client transport on `fetch`: one POST per message, JSON
 * or SSE responses, the request metadata headers of 2026-07-28, and the
 * legacy (2025-03-26 … 2025-11-25) session mechanics: `Mcp-Session-Id`, the
 * GET stream for server-initiated messages, resumption with `Last-Event-ID`
 * honouring `retry`, and DELETE on close.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import { encodeHeaderValue, mcpNameField } from "../../protocol/headers.ts";
import {
  classifyMessage,
  isObject,
  type JsonRpcMessage,
  type RequestId,
} from "../../protocol/jsonrpc.ts";
import { MetaKey } from "../../protocol/meta.ts";
import { parseSse } from "../../protocol/sse.ts";
import { authorizedFetch, type TokenProvider } from "../../protocol/token_provider.ts";
import type { Transport, TransportSink } from "../../protocol/transport.ts";
import { isModernVersion } from "../../protocol/versions.ts";

/**
 * An HTTP answer that was not a success. `code` is the JSON-RPC error code of
 * the body when it carried one (`jsonRpcBody` true), else -32000.
 */
export class HttpStatusError extends McpError {
  /** The HTTP status. */
  readonly status: number;
  /** Whether the body was a JSON-RPC error response. */
  readonly jsonRpcBody: boolean;

  /** Creates the error. */
  constructor(status: number, code: number, message: string, data: unknown, jsonRpcBody: boolean) {
    super(code, message, data);
    this.name = "HttpStatusError";
    this.status = status;
    this.jsonRpcBody = jsonRpcBody;
  }
}

/** Per-message options for {@link HttpClientTransport.send}. */
export interface HttpSendOptions {
  /** Extra headers, e.g. `Mcp-Param-*`. */
  headers?: Record<string, string>;
}

/** Options for {@link createHttpClientTransport}. */
export interface HttpClientTransportOptions {
  /** The `fetch` to use; defaults to the global one. */
  fetch?: typeof fetch;
  /** Credentials for every request, renewed after a 401 or 403 (e.g. `OAuthTokenProvider`). */
  auth?: TokenProvider;
  /** Headers added to every HTTP request (e.g. `Authorization`). */
  headers?: Record<string, string> | (() => Record<string, string>);
  /** Open the GET stream for server-initiated messages in legacy sessions. Default true. */
  sessionStream?: boolean;
  /** Reconnection delay when the server sent no `retry`. Default 1000 ms. */
  defaultRetryMs?: number;
  /** Consecutive failed reconnections before giving up on a stream. Default 3. */
  maxReconnects?: number;
  /**
   * How the transport waits `ms` before reconnecting (resolving early when `signal` aborts).
   * Default: a timer. A test passes its own to see the delays asked for without waiting.
   */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/** The Streamable HTTP client transport. */
export interface HttpClientTransport extends Transport {
  /** Discriminator for the client. */
  readonly kind: "http";
  /** The MCP endpoint. */
  readonly url: URL;
  /** The legacy session id, once the server assigned one. */
  readonly sessionId: string | undefined;
  /** Sets the negotiated legacy version sent in `MCP-Protocol-Version`. */
  setProtocolVersion(version: string): void;
  /** Opens the legacy GET stream (no-op when disabled, open, or without a legacy version). */
  openSessionStream(): void;
  /** Sends one message as its own POST. */
  send(message: JsonRpcMessage, options?: HttpSendOptions): Promise<void>;
}

interface Exchange {
  controller: AbortController;
  answered: boolean;
}

interface StreamState {
  lastEventId?: string;
  retryMs?: number;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
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
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
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
    const text = await response.text().catch(() => "");
    if (response.status === 404 && sessionId !== undefined) {
      sessionId = undefined;
      return new HttpStatusError(
        404,
        ErrorCode.ConnectionClosed,
        `The server no longer knows this session (HTTP 404 on ${method}); reconnect to start a new one`,
        { httpStatus: 404, sessionExpired: true },
        false,
      );
    }
    try {
      const parsed = JSON.parse(text);
      if (isObject(parsed) && isObject(parsed.error) && typeof parsed.error.code === "number") {
        return new HttpStatusError(
          response.status,
          parsed.error.code,
          String(parsed.error.message ?? `HTTP ${response.status}`),
          parsed.error.data,
          true,
        );
      }
    } catch {
      // Not JSON: report the status and the start of the body.
    }
    const snippet = text.trim().slice(0, 200);
    return new HttpStatusError(
      response.status,
      ErrorCode.ConnectionClosed,
      `HTTP ${response.status} ${response.statusText} for ${method}${
        snippet ? `: ${snippet}` : ""
      }`,
      { httpStatus: response.status },
      false,
    );
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

  const transportFailure = (method: string, error: unknown): McpError =>
    error instanceof McpError ? error : new McpError(
      ErrorCode.ConnectionClosed,
      `HTTP request for ${method} failed: ${
        error instanceof Error ? error.message : String(error)
      }`,
    );

  const requestHeaders = (
    message: JsonRpcMessage,
    extra?: Record<string, string>,
  ): Record<string, string> => {
    const headers = baseHeaders();
    headers["content-type"] = "application/json";
    headers.accept = "application/json, text/event-stream";
    if ("method" in message) {
      const params = message.params;
      const meta = isObject(params?._meta) ? params._meta : undefined;
      const version = meta?.[MetaKey.protocolVersion];
      if (typeof version === "string") headers["mcp-protocol-version"] = version;
      else if (message.method === "initialize" && typeof params?.protocolVersion === "string") {
        headers["mcp-protocol-version"] = params.protocolVersion;
      }
      headers["mcp-method"] = message.method;
      const nameField = mcpNameField(message.method);
      if (nameField !== undefined) {
        const name = params?.[nameField];
        if (typeof name === "string") headers["mcp-name"] = encodeHeaderValue(name);
      }
    }
    if (extra !== undefined) Object.assign(headers, extra);
    return headers;
  };

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
