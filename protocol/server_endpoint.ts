/**
 * What a server-side transport needs from a server, and what it hands over
 * with each request: `McpServer` implements {@link ServerEndpoint}, so every
 * transport depends on this contract and not on the server itself.
 *
 * @module
 */
import type { ClientCapabilities, Implementation } from "./capabilities.ts";
import type { RequestEngine } from "./engine.ts";
import type { McpError } from "./errors.ts";
import type {
  JsonObject,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
} from "./jsonrpc.ts";
import type { LoggingLevel } from "./logging.ts";

/** The authenticated principal, when an auth layer ran before the server. */
export interface AuthInfo {
  /** The bearer token. */
  token: string;
  /** OAuth client id. */
  clientId?: string;
  /** Subject (user) the token was issued for. */
  subject?: string;
  /** Granted scopes. */
  scopes: string[];
  /** Expiry, seconds since the epoch. */
  expiresAt?: number;
  /** Anything else the verifier adds. */
  extra?: { [key: string]: unknown };
}

/**
 * State of a legacy (initialize-based) connection: one per stdio process,
 * in-memory pair, or HTTP session.
 */
export interface LegacySession {
  /** The `Mcp-Session-Id`, for HTTP sessions. */
  id?: string;
  /** The negotiated protocol version. */
  protocolVersion?: string;
  /** What the client declared at initialize. */
  clientCapabilities: ClientCapabilities;
  /** Who the client is. */
  clientInfo?: Implementation;
  /** Whether `notifications/initialized` arrived. */
  initialized: boolean;
  /** Minimum level set by `logging/setLevel`. */
  logLevel?: LoggingLevel;
  /** URIs subscribed with `resources/subscribe`. */
  subscriptions: Set<string>;
  /** Server-to-client requests; responses are fed back by the transport. */
  engine: RequestEngine;
  /** Sends a message outside any request (stdio, or the HTTP GET stream). */
  sendStandalone(message: JsonRpcNotification): void;
}

/**
 * Per-request information a transport hands to the server.
 */
export interface RequestScope {
  /** The legacy session this request belongs to, if any. */
  session?: LegacySession;
  /** Sends a notification related to this request on its own stream. */
  notify?: (message: JsonRpcNotification) => void;
  /** Legacy HTTP: closes this request's SSE stream so the client resumes by polling (SEP-1699). */
  closeStream?: () => void;
  /** Sends a server-to-client request on this request's stream (legacy HTTP). */
  sendRelated?: (message: JsonRpcMessage) => void | Promise<void>;
  /** Aborted when the client disconnects or cancels. */
  signal?: AbortSignal;
  /** The authenticated principal. */
  auth?: AuthInfo;
}

/**
 * The server as a transport sees it: requests in, responses out, and the
 * standalone notifications of a legacy session.
 *
 * @example A transport-side echo of what a server does with one request
 * ```ts
 * import type { ServerEndpoint } from "./server_endpoint.ts";
 * declare const endpoint: ServerEndpoint;
 * const response = await endpoint.handleRequest({ jsonrpc: "2.0", id: 1, method: "ping" });
 * ```
 */
export interface ServerEndpoint {
  /** Serves one request in its era; never throws (errors become error responses). */
  handleRequest(request: JsonRpcRequest, scope?: RequestScope): Promise<JsonRpcResponse>;
  /** Handles one client notification. */
  handleNotification(notification: JsonRpcNotification, scope?: RequestScope): void;
  /** Why a request cannot be served in the modern era, or `undefined` when its envelope is sound. */
  modernEnvelopeProblem(request: JsonRpcRequest): McpError | undefined;
  /** The input schema of a registered tool, for transport-level header checks. */
  toolInputSchema(name: string): JsonObject | undefined;
  /** Starts the session's standalone notifications; returns the function that stops them. */
  attachSession(session: LegacySession): () => void;
}
