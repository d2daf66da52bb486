/**
 * The MCP WebSocket transport on the client side (SEP-1288, experimental), over the runtime's
 * global `WebSocket` (Deno, Bun, Node ≥ 22, browsers): the `mcp` subprotocol, one JSON-RPC
 * message per text frame, the protocol version and a bearer token as `mcp.version.` and
 * `mcp.auth.` subprotocol entries (a browser cannot set headers). With a `TokenProvider` the
 * credentials go in the `Authorization` header where the runtime's `WebSocket` takes headers,
 * and a 401 refusal of the handshake asks the provider once whether to retry. In the legacy era the
 * transport resumes its session after an unexpected close: it reconnects with backoff and sends
 * `initialize` with the session id the server gave, holding outgoing messages meanwhile.
 *
 * @module
 */
import { type Classified, type JsonRpcMessage, parseMessage } from "../../protocol/jsonrpc.ts";
import type { Transport, TransportSink } from "../../protocol/transport.ts";
import type { AuthorizationHeaders, TokenProvider } from "../../protocol/token_provider.ts";
import {
  handshakeRefusal,
  webSocketTakesHeaders,
} from "../../runtime/websocket/client_handshake.ts";
import { clientSubprotocols, MCP_SUBPROTOCOL } from "./subprotocol.ts";
import { SESSION_ID_FIELD } from "./sessions.ts";

/** The constructor of a web-standard `WebSocket`. */
export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocket;

/** The constructor of Deno's, Bun's and Node's `WebSocket`, which also takes headers. */
type HeaderWebSocketConstructor = new (
  url: string,
  init: { protocols: string[]; headers: Record<string, string> },
) => WebSocket;

/** Options of {@link createWebSocketClientTransport}. */
export interface WebSocketClientOptions {
  /** A bearer token, sent as the `mcp.auth.<token>` subprotocol. */
  token?: string;
  /**
   * Supplies credentials for each handshake, and after a 401 (or 403) refusal decides whether
   * to try once more. Where the runtime's `WebSocket` takes headers (Deno, Bun, Node) they go in
   * the `Authorization` (and `DPoP`) header; in a browser the bearer token travels as
   * `mcp.auth.<token>`. Ignored when `WebSocket` is given, which takes no headers: its token
   * goes as a subprotocol.
   */
  auth?: TokenProvider;
  /** A protocol version to announce as `mcp.version.<revision>`. */
  protocolVersion?: string;
  /** How long opening may take, ms. Default 10 000. */
  connectTimeoutMs?: number;
  /** Reconnection attempts after an unexpected close of a legacy session; 0 disables. Default 5. */
  reconnectAttempts?: number;
  /** The first reconnection delay, doubled each attempt, ms. Default 100. */
  reconnectDelayMs?: number;
  /** The `WebSocket` to use. Default the global one. */
  WebSocket?: WebSocketConstructor;
}

/** The WebSocket client transport. */
export interface WebSocketClientTransport extends Transport {
  /** Discriminator for the client. */
  readonly kind: "websocket";
  /** The session id the server assigned at `initialize`, in the legacy era. */
  readonly sessionId: string | undefined;
  /** Why the connection ended, for error messages. */
  readonly closeReason: string | undefined;
}

const RESUME_ID_PREFIX = "ws-resume-";

/** A handshake the server refused: a 401 or 403 is worth asking the token provider about. */
class HandshakeRefused extends Error {
  readonly status: number;
  readonly wwwAuthenticate: string | null;
  readonly dpopNonce: string | null;
  constructor(
    url: string,
    refusal: { status: number; wwwAuthenticate: string | null; dpopNonce: string | null },
    cause: unknown,
  ) {
    super(`WebSocket ${url} refused the handshake with ${refusal.status}`, { cause });
    this.status = refusal.status;
    this.wwwAuthenticate = refusal.wwwAuthenticate;
    this.dpopNonce = refusal.dpopNonce;
  }
}

/** How one handshake is sent: subprotocols, and headers where the runtime takes them. */
interface Handshake {
  protocols: string[];
  headers?: Record<string, string>;
}

function openSocket(
  Socket: WebSocketConstructor,
  url: string,
  handshake: Handshake,
  timeoutMs: number,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const { protocols, headers } = handshake;
    const socket = headers === undefined
      ? new Socket(url, protocols)
      : new (Socket as unknown as HeaderWebSocketConstructor)(url, { protocols, headers });
    const timer = setTimeout(() => {
      socket.close();
      reject(new Error(`WebSocket ${url} did not open within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.onopen = () => {
      clearTimeout(timer);
      if (socket.protocol !== MCP_SUBPROTOCOL) {
        socket.close(1002, "The server did not confirm the mcp subprotocol");
        reject(new Error(`WebSocket ${url} did not confirm the mcp subprotocol`));
        return;
      }
      resolve(socket);
    };
    socket.onerror = (event: Event) => {
      clearTimeout(timer);
      reject(
        new Error(`WebSocket ${url} refused the connection or the handshake`, {
          cause: (event as ErrorEvent).error ?? (event as ErrorEvent).message,
        }),
      );
    };
  });
}

/**
 * A client transport to the MCP WebSocket endpoint at `url` (`ws:` or `wss:`).
 *
 * @example
 * ```ts
 * import { McpClient } from "../../client/mod.ts";
 * import { createWebSocketClientTransport } from "./client.ts";
 * const client = new McpClient({ name: "app", version: "1.0.0" });
 * // await client.connect(createWebSocketClientTransport("ws://127.0.0.1:3000/mcp"));
 * ```
 */
export function createWebSocketClientTransport(
  url: string | URL,
  options: WebSocketClientOptions = {},
): WebSocketClientTransport {
  const href = String(url);
  const Socket = options.WebSocket ?? globalThis.WebSocket;
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
  const provider = options.auth;
  const useHeaders = options.WebSocket === undefined && webSocketTakesHeaders();
  // The URL a token provider sees: the HTTP(S) form, as OAuth discovery expects.
  const httpUrl = href.replace(/^ws(s?):/i, "http$1:");

  async function handshake(): Promise<Handshake> {
    const sent = await provider?.headers({ url: httpUrl, method: "GET" });
    const bearer = sent?.authorization.match(/^Bearer\s+(.+)$/i)?.[1];
    const token = useHeaders && sent !== undefined ? options.token : bearer ?? options.token;
    const protocols = clientSubprotocols({ version: options.protocolVersion, token });
    if (!useHeaders || sent === undefined) return { protocols };
    const headers: Record<string, string> = { authorization: sent.authorization };
    if (sent.dpop !== undefined) headers.dpop = sent.dpop;
    return { protocols, headers };
  }

  /** Opens a socket; a 401 or 403 asks the provider once whether to try again. */
  async function open(): Promise<WebSocket> {
    for (let retries = 0;; retries++) {
      const attempt = await handshake();
      try {
        return await openSocket(Socket, href, attempt, timeoutMs);
      } catch (error) {
        if (provider === undefined) throw error;
        const refused = await refusalOf(attempt, error);
        if (refused === undefined) throw error;
        if (retries >= 1 || !(await askProvider(refused, attempt))) throw refused;
      }
    }
  }

  async function refusalOf(
    attempt: Handshake,
    error: unknown,
  ): Promise<HandshakeRefused | undefined> {
    const cause = (error as Error).cause;
    const message = typeof cause === "string" ? cause : (cause as Error | undefined)?.message;
    const refusal = await handshakeRefusal(
      href,
      attempt.protocols,
      attempt.headers ?? {},
      message,
      timeoutMs,
    );
    return refusal === undefined ? undefined : new HandshakeRefused(href, refusal, error);
  }

  function askProvider(refused: HandshakeRefused, attempt: Handshake): Promise<boolean> {
    const sent: AuthorizationHeaders | undefined = attempt.headers?.authorization === undefined
      ? undefined
      : { authorization: attempt.headers.authorization, dpop: attempt.headers.dpop };
    const challenge = {
      url: httpUrl,
      method: "GET",
      status: refused.status,
      wwwAuthenticate: refused.wwwAuthenticate,
      dpopNonce: refused.dpopNonce,
      sent,
      retries: 0,
    };
    if (refused.status === 401) return provider!.onUnauthorized(challenge);
    if (refused.status === 403 && provider!.onForbidden) return provider!.onForbidden(challenge);
    return Promise.resolve(false);
  }

  let sink: TransportSink | undefined;
  let socket: WebSocket | undefined;
  let sessionId: string | undefined;
  let initializeParams: Record<string, unknown> | undefined;
  let closeReason: string | undefined;
  let closing = false;
  let finished = false;
  let resuming: string[] | undefined; // messages held while reconnecting
  let resumes = 0;

  const finish = (reason: string): void => {
    if (finished) return;
    finished = true;
    closeReason ??= reason;
    sink?.close();
  };

  const receive = (incoming: Classified): void => {
    if (incoming.kind === "response" && String(incoming.message.id).startsWith(RESUME_ID_PREFIX)) {
      return; // the answer to our resuming initialize: the client already knows it
    }
    if (incoming.kind === "response" && "result" in incoming.message) {
      const id = incoming.message.result[SESSION_ID_FIELD];
      if (typeof id === "string") sessionId = id;
    }
    sink?.message(incoming);
  };

  const listen = (current: WebSocket): void => {
    current.onmessage = (event: MessageEvent) => {
      if (current !== socket) return;
      if (typeof event.data !== "string") {
        current.close(1003, "Binary frames are not supported");
        return;
      }
      receive(parseMessage(event.data));
    };
    current.onclose = (event: CloseEvent) => {
      if (current !== socket) return;
      const reason = `the WebSocket closed with ${event.code}${
        event.reason ? ` (${event.reason})` : ""
      }`;
      // 1000 and 1001 end the session on purpose (or the server is going away): only other
      // closes are interruptions worth resuming from.
      const final = event.code === 1000 || event.code === 1001;
      if (closing || sessionId === undefined || final) finish(reason);
      else void reconnect(reason);
    };
  };

  async function reconnect(reason: string): Promise<void> {
    const held: string[] = [];
    resuming = held;
    const attempts = options.reconnectAttempts ?? 5;
    let delay = options.reconnectDelayMs ?? 100;
    for (let attempt = 0; attempt < attempts && !closing; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay *= 2;
      try {
        const next = await open();
        if (closing) {
          next.close(1000);
          break;
        }
        socket = next;
        listen(next);
        next.send(JSON.stringify({
          jsonrpc: "2.0",
          id: `${RESUME_ID_PREFIX}${++resumes}`,
          method: "initialize",
          params: { ...initializeParams, [SESSION_ID_FIELD]: sessionId },
        }));
        for (const text of held) next.send(text);
        resuming = undefined;
        return;
      } catch {
        // The next attempt, after a longer wait.
      }
    }
    resuming = undefined;
    finish(reason);
  }

  return {
    kind: "websocket",
    get sessionId() {
      return sessionId;
    },
    get closeReason() {
      return closeReason;
    },
    async start(target) {
      sink = target;
      socket = await open();
      listen(socket);
    },
    send(message: JsonRpcMessage) {
      if (finished || socket === undefined) return Promise.reject(new Error("Transport closed"));
      if ("method" in message && message.method === "initialize" && "id" in message) {
        initializeParams = message.params;
      }
      const text = JSON.stringify(message);
      if (resuming !== undefined) resuming.push(text);
      else socket.send(text);
      return Promise.resolve();
    },
    close() {
      closing = true;
      if (socket !== undefined && socket.readyState <= 1) {
        const current = socket;
        const done = new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 2000); // a peer that never answers the close frame
          current.addEventListener("close", () => {
            clearTimeout(timer);
            resolve();
          }, { once: true });
        });
        socket.close(1000);
        return done.then(() => finish("closed by the client"));
      }
      finish("closed by the client");
      return Promise.resolve();
    },
  };
}
