/**
 * Connecting and closing: picking the transport for a target (Streamable
 * HTTP with a fallback to HTTP+SSE, a spawned stdio server, or a transport
 * given by the caller), attaching it, and shutting everything down.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { Classified } from "../protocol/jsonrpc.ts";
import type { Transport, TransportSink } from "../protocol/transport.ts";
import { createHttpClientTransport, HttpStatusError } from "../transports/http/client.ts";
import { createLegacySseClientTransport } from "../transports/legacy_sse/client.ts";
import { createStdioClientTransport } from "../transports/stdio/client.ts";
import { createWebSocketClientTransport } from "../transports/websocket/client.ts";
import { compatFetch } from "./compat.ts";
import { eraCache, eraKeyForCommand, eraKeyForUrl } from "./era_cache.ts";
import { ClientError } from "./errors.ts";
import { initialize, negotiate, NOT_UNDERSTOOD_STATUSES } from "./negotiation.ts";
import { routeIncoming } from "./notifications.ts";
import type { ConnectTarget } from "./options.ts";
import { type ClientState, closedMessage, newEngine } from "./state.ts";

function isTransport(target: ConnectTarget): target is Transport {
  return typeof target === "object" && !(target instanceof URL) && "send" in target &&
    "start" in target;
}

/** Connects to `target` and negotiates the era; fails when already connected. */
export async function connect(state: ClientState, target: ConnectTarget): Promise<void> {
  if (state.transport) {
    throw new ClientError(ErrorCode.InvalidRequest, "Client is already connected");
  }
  state.connecting = true;
  try {
    await connectTo(state, target);
  } finally {
    state.connecting = false;
  }
}

async function connectTo(state: ClientState, target: ConnectTarget): Promise<void> {
  const { options } = state;
  const useCache = options.eraCache !== false;
  if (typeof target === "string" || target instanceof URL) {
    const url = new URL(target);
    if (url.protocol === "ws:" || url.protocol === "wss:") {
      await connectWebSocket(state, url, useCache);
      return;
    }
    await connectHttp(state, url, useCache);
  } else if (isTransport(target)) {
    state.transport = target;
    await target.start(sinkFor(state, target));
    await negotiate(state, undefined, false);
  } else {
    const key = eraKeyForCommand(target.command, target.args ?? []);
    const transport = createStdioClientTransport({ stderr: options.stderr, ...target }, {
      shutdownGraceMs: options.shutdownGraceMs,
    });
    state.transport = transport;
    await transport.start(sinkFor(state, transport));
    await negotiate(state, useCache ? key : undefined, true);
  }
}

async function connectHttp(state: ClientState, url: URL, useCache: boolean): Promise<void> {
  const key = eraKeyForUrl(url);
  const cached = useCache ? eraCache.get(key) : undefined;
  if (cached?.httpSse) {
    try {
      await connectHttpSse(state, url);
      return;
    } catch {
      eraCache.delete(key);
      const stale = state.transport;
      detach(state);
      await stale?.close();
    }
  }
  const { options } = state;
  const transport = createHttpClientTransport(url, {
    fetch: compatFetch(options.fetch, options.compat),
    auth: options.auth,
    headers: options.headers,
    sessionStream: options.sessionStream,
  });
  state.transport = transport;
  transport.start(sinkFor(state, transport));
  try {
    await negotiate(state, useCache ? key : undefined, false);
  } catch (error) {
    if (
      !(error instanceof HttpStatusError) || !NOT_UNDERSTOOD_STATUSES.includes(error.status) ||
      error.jsonRpcBody
    ) {
      throw error;
    }
    // Neither era answered over Streamable HTTP: try the 2024-11-05 HTTP+SSE transport.
    detach(state);
    await transport.close();
    await connectHttpSse(state, url);
    if (useCache) {
      eraCache.set(key, { era: "legacy", protocolVersion: state.version!, httpSse: true });
    }
  }
}

/** MCP over WebSocket (experimental); a bearer `Authorization` header travels as `mcp.auth.`. */
async function connectWebSocket(state: ClientState, url: URL, useCache: boolean): Promise<void> {
  const authorization = Object.entries(state.options.headers ?? {})
    .find(([name]) => name.toLowerCase() === "authorization")?.[1];
  const token = authorization?.match(/^Bearer\s+(.+)$/i)?.[1];
  const transport = createWebSocketClientTransport(url, { token, auth: state.options.auth });
  await transport.start(sinkFor(state, transport)); // before it is ours: a refusal leaves none
  state.transport = transport;
  await negotiate(state, useCache ? `ws:${url.origin}${url.pathname}` : undefined, false);
}

async function connectHttpSse(state: ClientState, url: URL): Promise<void> {
  const transport = createLegacySseClientTransport(url, {
    fetch: state.options.fetch,
    auth: state.options.auth,
    headers: state.options.headers,
  });
  state.transport = transport;
  await transport.start(sinkFor(state, transport));
  await initialize(state);
}

/** Gives up the current transport during detection; its pending requests fail. */
function detach(state: ClientState): void {
  state.transport = undefined;
  state.engine.failAll(new McpError(ErrorCode.ConnectionClosed, "Transport replaced"));
  state.engine = newEngine(state);
}

/** The sink of one transport: it is heard only while it is the client's current transport. */
function sinkFor(state: ClientState, transport: Transport): TransportSink {
  return {
    message: (incoming: Classified) => {
      if (state.transport === transport) routeIncoming(state, incoming);
    },
    close: () => {
      if (state.transport !== transport) return;
      const reason = (transport as { closeReason?: string }).closeReason ??
        "the connection closed";
      if (state.connecting) {
        // A transport given up during era detection; the next one may still work.
        state.engine.failAll(
          new McpError(ErrorCode.ConnectionClosed, `Connection closed: ${reason}`),
        );
        return;
      }
      state.closeReason ??= reason;
      state.closed = true;
      state.lifetime.abort(state.closeReason);
      state.engine.failAll(new McpError(ErrorCode.ConnectionClosed, closedMessage(state)));
    },
  };
}

/** Closes the connection; pending calls fail with a connection-closed error. */
export async function close(state: ClientState): Promise<void> {
  if (state.closed && !state.transport) return;
  state.closeReason ??= "closed by the client";
  state.modernSubs.clear();
  state.legacySubs.clear();
  const transport = state.transport;
  state.closed = true;
  state.lifetime.abort(state.closeReason);
  state.engine.failAll(new McpError(ErrorCode.ConnectionClosed, closedMessage(state)));
  for (const controller of state.serverRequests.values()) controller.abort("client closed");
  await transport?.close();
  state.transport = undefined;
}
