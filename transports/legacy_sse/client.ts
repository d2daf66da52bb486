/**
 * The deprecated HTTP+SSE client transport of 2024-11-05: a GET opens an SSE
 * stream whose first event, `endpoint`, names the URL to POST messages to;
 * every server message then arrives on that stream.
 *
 * @module
 */
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import { type JsonRpcMessage, parseMessage } from "../../protocol/jsonrpc.ts";
import { parseSse } from "../../protocol/sse.ts";
import { authorizedFetch, type TokenProvider } from "../../protocol/token_provider.ts";
import type { Transport, TransportSink } from "../../protocol/transport.ts";
import { HttpStatusError } from "../http/client.ts";

/** Options for {@link createLegacySseClientTransport}. */
export interface LegacySseClientOptions {
  /** The `fetch` to use; defaults to the global one. */
  fetch?: typeof fetch;
  /** Credentials for every request, renewed after a 401 or 403 (e.g. `OAuthTokenProvider`). */
  auth?: TokenProvider;
  /** Headers added to every HTTP request. */
  headers?: Record<string, string>;
  /** How long to wait for the `endpoint` event. Default 10 000 ms. */
  endpointTimeoutMs?: number;
}

/** The HTTP+SSE client transport. */
export interface LegacySseClientTransport extends Transport {
  /** Discriminator for the client. */
  readonly kind: "http+sse";
  /** The SSE URL. */
  readonly url: URL;
  /** The POST endpoint announced by the server, once known. */
  readonly endpoint: URL | undefined;
}

/**
 * Creates an HTTP+SSE client transport. `start` resolves once the server
 * announced its endpoint and rejects (with an {@link HttpStatusError} for an
 * HTTP failure) when it does not.
 *
 * @example
 * ```ts
 * import { createLegacySseClientTransport } from "./client.ts";
 * const transport = createLegacySseClientTransport(new URL("http://127.0.0.1:3000/sse"));
 * ```
 */
export function createLegacySseClientTransport(
  url: URL,
  options: LegacySseClientOptions = {},
): LegacySseClientTransport {
  const baseFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const fetchImpl = options.auth ? authorizedFetch(options.auth, baseFetch) : baseFetch;
  const lifetime = new AbortController();
  let sink: TransportSink | undefined;
  let endpoint: URL | undefined;
  let closed = false;

  const finish = () => {
    if (closed) return;
    closed = true;
    lifetime.abort("transport closed");
    sink?.close();
  };

  return {
    kind: "http+sse",
    url,
    get endpoint() {
      return endpoint;
    },
    async start(target) {
      sink = target;
      const response = await fetchImpl(url, {
        method: "GET",
        headers: { ...options.headers, accept: "text/event-stream" },
        signal: lifetime.signal,
      });
      const type = response.headers.get("content-type") ?? "";
      if (!response.ok || !response.body || !type.includes("text/event-stream")) {
        await response.body?.cancel();
        throw new HttpStatusError(
          response.status,
          ErrorCode.ConnectionClosed,
          `GET ${url.href} did not open an SSE stream (HTTP ${response.status})`,
          { httpStatus: response.status },
          false,
        );
      }
      const events = parseSse(response.body);
      const first = await new Promise<URL>((resolve, reject) => {
        const timer = setTimeout(() => {
          reject(new McpError(ErrorCode.ConnectionClosed, `No endpoint event from ${url.href}`));
          lifetime.abort("no endpoint");
        }, options.endpointTimeoutMs ?? 10_000);
        (async () => {
          let announced = false;
          try {
            for await (const event of events) {
              if (event.event === "endpoint" && !announced) {
                announced = true;
                clearTimeout(timer);
                resolve(new URL(event.data.trim(), url));
              } else if (event.event === "message" && announced && event.data.trim() !== "") {
                sink?.message(parseMessage(event.data));
              }
            }
          } catch {
            // The stream broke; the connection is over.
          } finally {
            clearTimeout(timer);
            if (!announced) {
              reject(
                new McpError(
                  ErrorCode.ConnectionClosed,
                  `The SSE stream of ${url.href} ended early`,
                ),
              );
            }
            finish();
          }
        })();
      });
      if (first.origin !== url.origin) {
        finish();
        throw new McpError(
          ErrorCode.ConnectionClosed,
          `Refusing endpoint on another origin: ${first.href}`,
        );
      }
      endpoint = first;
    },
    async send(message: JsonRpcMessage) {
      if (closed || !endpoint) throw new McpError(ErrorCode.ConnectionClosed, "Transport closed");
      let response: Response;
      try {
        response = await fetchImpl(endpoint, {
          method: "POST",
          headers: { ...options.headers, "content-type": "application/json" },
          body: JSON.stringify(message),
          signal: lifetime.signal,
        });
      } catch (error) {
        throw new McpError(
          ErrorCode.ConnectionClosed,
          `POST to ${endpoint.href} failed: ${
            error instanceof Error ? error.message : String(error)
          }`,
        );
      }
      const text = await response.text().catch(() => "");
      if (!response.ok) {
        throw new HttpStatusError(
          response.status,
          ErrorCode.ConnectionClosed,
          `POST to ${endpoint.href} failed with HTTP ${response.status}${
            text ? `: ${text.slice(0, 200)}` : ""
          }`,
          { httpStatus: response.status },
          false,
        );
      }
    },
    close() {
      finish();
      return Promise.resolve();
    },
  };
}
