/**
 * The MCP WebSocket transport on the server side (SEP-1288, experimental): a web-standard
 * handler that upgrades `GET` requests offering the `mcp` subprotocol and serves an `McpServer`
 * over the socket, one JSON-RPC message per text frame, in both eras. Upgrades are checked like
 * Streamable HTTP requests: Origin and Host (loopback only by default), then `authenticate`
 * with the bearer token of the `Authorization` header or of an `mcp.auth.<token>` subprotocol.
 * Everything that is not a WebSocket handshake goes to `fallback` (such as the Streamable HTTP
 * handler), so one URL serves both.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { ServerEndpoint } from "../../protocol/server_endpoint.ts";
import { SUPPORTED_VERSIONS } from "../../protocol/versions.ts";
import { clientAddressOf } from "../../runtime/client_address.ts";
import type { HttpHandler } from "../../runtime/http.ts";
import {
  isWebSocketUpgrade,
  offeredProtocols,
  upgradeWebSocket,
} from "../../runtime/websocket/upgrade.ts";
import { admit, type Authenticate } from "../http/admission.ts";
import type { OriginPolicy } from "../http/origin_guard.ts";
import { rpcError } from "../http/responses.ts";
import { principalOf } from "../http/admission.ts";
import {
  type ClientAddress,
  DEFAULT_MAX_SESSIONS,
  DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
} from "../session_quota.ts";
import { createSessionTable } from "./sessions.ts";
import { MCP_SUBPROTOCOL, readSubprotocols } from "./subprotocol.ts";

/** Options of {@link createWebSocketHandler}. */
export interface WebSocketHandlerOptions extends OriginPolicy {
  /** Decides who an upgrade is served as, or refuses it (e.g. `bearerAuth(…)` from auth/). */
  authenticate?: Authenticate;
  /** Serves every request that is not a WebSocket handshake. Default: 426 Upgrade Required. */
  fallback?: HttpHandler;
  /** The largest incoming message in bytes; larger closes the socket with 1009. Default 4 MiB. */
  maxMessageBytes?: number;
  /** The most bytes waiting to be sent on a socket; past it, 1008. Default 16 MiB. */
  maxBufferedBytes?: number;
  /**
   * Pings each socket this often with WebSocket ping frames (not MCP messages), ms; on Deno,
   * after this long without a frame from the peer; 0 disables. Default 30 000. A socket found
   * dead ends as a lost connection would: an initialized legacy session then waits
   * `resumeGraceMs` for its client.
   */
  keepAliveMs?: number;
  /**
   * How long a pinged socket may stay silent before it is closed (1001, then dropped), ms; at
   * most `keepAliveMs`. Default `keepAliveMs`. On Deno, whose native socket has one setting,
   * the ping goes after `(keepAliveMs + idleTimeoutMs) / 2` of silence and the close after both.
   */
  idleTimeoutMs?: number;
  /** How long an initialized session waits for its client to reconnect, ms; 0: none. Default 30 000. */
  resumeGraceMs?: number;
  /** Messages a disconnected session holds for its client; one more ends it. Default 1 000. */
  maxPendingMessages?: number;
  /** Bytes a disconnected session holds for its client; more ends it. Default 4 MiB. */
  maxPendingBytes?: number;
  /**
   * Live sessions kept in all (attached or waiting to resume). Default 1 000. Past it, the
   * least recently used session of the owner holding the most is ended (1008), anonymous
   * owners first (see `session_quota.ts`).
   */
  maxSessions?: number;
  /**
   * Live sessions kept per principal, and per client address for anonymous clients; a new one
   * past it ends that owner's least recently used (1008). Default 100.
   */
  maxSessionsPerPrincipal?: number;
  /**
   * Where an anonymous upgrade comes from, for its quota; behind a reverse proxy, read the
   * header it sets. Default: the peer address `serveHttp` recorded (`clientAddressOf`).
   */
  clientAddress?: ClientAddress;
}

function upgradeRequired(): Response {
  return new Response("This endpoint speaks MCP over WebSocket", {
    status: 426,
    headers: { upgrade: "websocket", "content-type": "text/plain; charset=utf-8" },
  });
}

/** The request `authenticate` sees: the subprotocol's token as an `Authorization` header. */
function withSubprotocolToken(request: Request, token: string | undefined): Request {
  if (token === undefined || request.headers.has("authorization")) return request;
  const headers = new Headers(request.headers);
  headers.set("authorization", `Bearer ${token}`);
  return new Request(request.url, { method: request.method, headers });
}

/**
 * Creates the WebSocket handler for `server`. Mount it like any handler: `serveHttp` upgrades on
 * every runtime; `Deno.serve` as is; `Bun.serve` through `bunWebSocketServe`; a Node `http`
 * server through `nodeWebSocketUpgrade` on its `upgrade` event.
 *
 * @example
 * ```ts
 * import { McpServer } from "../../server/server.ts";
 * import { serveHttp } from "../../runtime/mod.ts";
 * import { createHttpHandler } from "../http/server.ts";
 * import { createWebSocketHandler } from "./server.ts";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const handler = createWebSocketHandler(server, { fallback: createHttpHandler(server) });
 * const http = await serveHttp(handler, { port: 0 }); // ws://127.0.0.1:<port>/mcp and HTTP
 * await http.close();
 * ```
 */
export function createWebSocketHandler(
  server: ServerEndpoint,
  options: WebSocketHandlerOptions = {},
): HttpHandler {
  const sessions = createSessionTable(server, {
    resumeGraceMs: options.resumeGraceMs ?? 30_000,
    maxPendingMessages: options.maxPendingMessages ?? 1000,
    maxPendingBytes: options.maxPendingBytes ?? 4 * 1024 * 1024,
    maxSessions: options.maxSessions ?? DEFAULT_MAX_SESSIONS,
    maxSessionsPerPrincipal: options.maxSessionsPerPrincipal ?? DEFAULT_MAX_SESSIONS_PER_PRINCIPAL,
  });
  const clientAddress = options.clientAddress ?? clientAddressOf;
  const fallback = options.fallback ?? upgradeRequired;
  const pingIntervalMs = options.keepAliveMs ?? 30_000;
  const pongTimeoutMs = options.idleTimeoutMs ?? pingIntervalMs;
  if (pingIntervalMs > 0 && !(pongTimeoutMs > 0 && pongTimeoutMs <= pingIntervalMs)) {
    throw new RangeError(
      `idleTimeoutMs (${pongTimeoutMs}) must be above 0 and at most keepAliveMs (${pingIntervalMs})`,
    );
  }
  return async (request: Request): Promise<Response> => {
    if (!isWebSocketUpgrade(request)) return await fallback(request);
    const offer = readSubprotocols(offeredProtocols(request));
    if (!offer.mcp) {
      return rpcError(400, ErrorCode.InvalidRequest, "The mcp subprotocol is required");
    }
    if (offer.version !== undefined && !SUPPORTED_VERSIONS.includes(offer.version)) {
      return rpcError(
        400,
        ErrorCode.InvalidRequest,
        `Unsupported protocol version ${offer.version}; supported: ${
          SUPPORTED_VERSIONS.join(", ")
        }`,
      );
    }
    const admitted = await admit(withSubprotocolToken(request, offer.token), options);
    if (admitted instanceof Response) return admitted;
    const { socket, response } = upgradeWebSocket(request, {
      protocol: MCP_SUBPROTOCOL,
      maxMessageSize: options.maxMessageBytes,
      maxBufferedAmount: options.maxBufferedBytes,
      pingIntervalMs,
      pongTimeoutMs,
    });
    const anonymous = principalOf(admitted.auth) === "";
    sessions.bind(socket, admitted.auth, anonymous ? clientAddress(request) : undefined);
    return response;
  };
}
