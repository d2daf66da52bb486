/**
 * The shapes of the Streamable HTTP client transport: its options, its per-message options,
 * and the transport it returns (see `client.ts`).
 *
 * @module
 */
import type { JsonRpcMessage } from "../../protocol/jsonrpc.ts";
import type { TokenProvider } from "../../protocol/token_provider.ts";
import type { Transport } from "../../protocol/transport.ts";

/** Per-message options for {@link HttpClientTransport.send}. */
export interface HttpSendOptions {
  /** Extra headers, e.g. `Mcp-Param-*`. */
  headers?: Record<string, string>;
}

/** Options for `createHttpClientTransport`. */
export interface HttpClientTransportOptions {
  /**
   * The `fetch` to use. Default: the runtime's HTTP client (`httpFetch` from `runtime/`), which
   * is the global `fetch` on Deno and Bun and a keep-alive `node:http` client on Node.
   */
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

/** Waits `ms`, or less if `signal` aborts first: the default reconnection wait. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
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
