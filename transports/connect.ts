/**
 * Serves an `McpServer` over a message-stream transport (stdio, in-memory,
 * WebSocket): both eras on one channel, cancellation, and server-to-client
 * requests.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { RequestId } from "../protocol/jsonrpc.ts";
import type { Transport } from "../protocol/transport.ts";
import type { AuthInfo, LegacySession, ServerEndpoint } from "../protocol/server_endpoint.ts";
import { createInflightRequests, createLegacySession, routeClientMessage } from "./session.ts";

/** A running server connection. */
export interface ServerConnection {
  /** Resolves when the transport closed. */
  closed: Promise<void>;
  /** Closes the transport. */
  close(): Promise<void>;
  /** The legacy session of this connection (populated by `initialize`). */
  session: LegacySession;
}

/** Options of {@link connectServer}. */
export interface ConnectOptions {
  /** The principal every request on this connection is served as. */
  auth?: AuthInfo;
}

/**
 * Connects `server` to `transport` and serves until the transport closes.
 *
 * @example
 * ```ts
 * import { McpServer } from "../server/server.ts";
 * import { connectServer } from "./connect.ts";
 * import { createMemoryPair } from "./memory.ts";
 * const [serverSide] = createMemoryPair();
 * const connection = await connectServer(new McpServer({ name: "s", version: "1" }), serverSide);
 * ```
 */
export async function connectServer(
  server: ServerEndpoint,
  transport: Transport,
  options: ConnectOptions = {},
): Promise<ServerConnection> {
  const send = (message: Parameters<Transport["send"]>[0]) => transport.send(message);
  const session = createLegacySession(send);
  const inflight = createInflightRequests();
  const answering = new Set<Promise<unknown>>();
  const listening = new Set<RequestId>();
  const detach = server.attachSession(session);
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const scopeBase = {
    session,
    auth: options.auth,
    notify: (message: Parameters<Transport["send"]>[0]) => {
      send(message).catch(() => {});
    },
  };

  await transport.start({
    message(incoming) {
      switch (incoming.kind) {
        case "invalid":
          send(incoming.error).catch(() => {});
          return;
        case "response":
        case "notification":
          routeClientMessage(server, incoming, inflight, scopeBase);
          return;
        case "request": {
          const request = incoming.message;
          const { signal, end } = inflight.begin(request.id);
          const answered = server.handleRequest(request, { ...scopeBase, signal })
            .then((response) => {
              // A cancelled request gets no response (spec: cancellation).
              if (!signal.aborted) return send(response);
            })
            .catch(() => {})
            .finally(() => {
              end();
              answering.delete(answered);
            });
          // A stream that lasts as long as the client listens is not waited for at EOF.
          if (request.method === "subscriptions/listen") listening.add(request.id);
          answered.finally(() => listening.delete(request.id));
          answering.add(answered);
        }
      }
    },
    async end() {
      // The client stopped sending: what it asked is still answered, then the
      // transport closes. Requests to it can no longer be answered.
      session.engine.failAll(new McpError(ErrorCode.ConnectionClosed, "Connection closed"));
      for (const id of listening) inflight.cancel(id, "input ended");
      while (answering.size > 0) await Promise.allSettled([...answering]);
      await transport.close();
    },
    close() {
      inflight.cancelAll("connection closed");
      session.engine.failAll(new McpError(ErrorCode.ConnectionClosed, "Connection closed"));
      detach();
      resolveClosed();
    },
  });

  return { closed, close: () => transport.close(), session };
}
