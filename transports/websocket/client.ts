/**
 * The MCP WebSocket transport on the client side (SEP-1288, experimental), over the runtime's
 * global `WebSocket` (Deno, Bun, Node ≥ 22, browsers): the `mcp` subprotocol, one JSON-RPC
 * message per text frame, the protocol version and a bearer token as `mcp.version.` and
 * `mcp.auth.` subprotocol entries (a browser cannot set headers). In the legacy era the
 * transport resumes its session after an unexpected close: it reconnects with backoff and sends
 * `initialize` with the session id the server gave, holding outgoing messages meanwhile.
 *
 * @module
 */
import { type Classified, type JsonRpcMessage, parseMessage } from "../../protocol/jsonrpc.ts";
import type { Transport, TransportSink } from "../../protocol/transport.ts";
import { clientSubprotocols, MCP_SUBPROTOCOL } from "./subprotocol.ts";
import { SESSION_ID_FIELD } from "./sessions.ts";

/** The constructor of a web-standard `WebSocket`. */
export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocket;

/** Options of {@link createWebSocketClientTransport}. */
export interface WebSocketClientOptions {
  /** A bearer token, sent as the `mcp.auth.<token>` subprotocol. */
  token?: string;
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

function openSocket(
  Socket: WebSocketConstructor,
  url: string,
  protocols: string[],
  timeoutMs: number,
): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new Socket(url, protocols);
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
    socket.onerror = () => {
      clearTimeout(timer);
      reject(new Error(`WebSocket ${url} refused the connection or the handshake`));
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
  const protocols = clientSubprotocols({ version: options.protocolVersion, token: options.token });
  const timeoutMs = options.connectTimeoutMs ?? 10_000;
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
        const next = await openSocket(Socket, href, protocols, timeoutMs);
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
      socket = await openSocket(Socket, href, protocols, timeoutMs);
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
