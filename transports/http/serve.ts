/**
 * `serveMcpHttp`: an MCP server on its own HTTP listener (the Streamable HTTP
 * handler under the runtime's `serveHttp`), with a graceful close: new
 * requests get 503, calls in flight finish (or are aborted after a timeout),
 * open streams end, the server's lifespan state is disposed, then `closed`
 * resolves. With `shutdown`, `SIGINT`/`SIGTERM` start that close.
 *
 * @module
 */
import { ErrorCode } from "../../protocol/errors.ts";
import type { ServerEndpoint } from "../../protocol/server_endpoint.ts";
import type { HttpServerHandle } from "../../runtime/http.ts";
import { serveHttp, type ServeHttpOptions } from "../../runtime/runtime.ts";
import { createDrainableEndpoint } from "../drain.ts";
import { closeOnSignal, resolveShutdown, type ShutdownOptions } from "../shutdown.ts";
import { rpcError } from "./responses.ts";
import { createHttpHandler, type HttpHandlerOptions } from "./server.ts";

/** A server endpoint that may hold resources to release on close (an `McpServer`). */
export interface ClosableEndpoint extends ServerEndpoint {
  /** Ends its streams and releases what it holds (`McpServer.close()`). */
  close?(): void | Promise<void>;
}

/** Options of {@link serveMcpHttp}: the handler's, the listener's, and the shutdown's. */
export interface ServeMcpHttpOptions extends HttpHandlerOptions, ServeHttpOptions {
  /**
   * Close gracefully on `SIGINT`/`SIGTERM` (`true`, or settings). Default off:
   * the signals keep their default effect.
   */
  shutdown?: boolean | ShutdownOptions;
}

/** An MCP server listening on HTTP. */
export interface McpHttpServer {
  /** The bound hostname. */
  hostname: string;
  /** The bound port. */
  port: number;
  /** Base URL without trailing slash; the MCP endpoint answers on every path. */
  url: string;
  /**
   * Closes gracefully: new requests get 503, calls in flight get the shutdown
   * timeout to finish (then their signals abort), open streams end, the
   * server's `close()` runs (the lifespan disposers). Rejects when that
   * `close()` threw. Idempotent.
   */
  close(): Promise<void>;
  /** Resolves once closed, however the close started (a signal, `close()`, the abort signal). */
  closed: Promise<void>;
}

/**
 * Counts requests from their arrival until their response bodies were sent,
 * so closing does not cut off an answer that is on its way.
 */
function createBodyTracker(): {
  begin(): void;
  end(): void;
  track(response: Response): Response;
  settled(): Promise<void>;
} {
  let open = 0;
  let idle: (() => void) | undefined;
  const done = () => {
    open -= 1;
    if (open === 0) idle?.();
  };
  return {
    begin: () => void (open += 1),
    end: done,
    track(response) {
      const body = response.body;
      if (!body) {
        done();
        return response;
      }
      const reader = body.getReader();
      let finished = false;
      const finish = () => {
        if (finished) return;
        finished = true;
        done();
      };
      const stream = new ReadableStream<Uint8Array>({
        async pull(controller) {
          try {
            const { value, done } = await reader.read();
            if (done) {
              finish();
              controller.close();
            } else controller.enqueue(value);
          } catch (error) {
            finish();
            controller.error(error);
          }
        },
        async cancel(reason) {
          finish();
          await reader.cancel(reason);
        },
      });
      return new Response(stream, { status: response.status, headers: response.headers });
    },
    settled: () => open === 0 ? Promise.resolve() : new Promise((resolve) => (idle = resolve)),
  };
}

/** Resolves after `ms`, or at once for a negative delay; the timer is cleared by the returned stop. */
function delay(ms: number): { done: Promise<void>; stop(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const done = new Promise<void>((resolve) => (timer = setTimeout(resolve, Math.max(0, ms))));
  return { done, stop: () => clearTimeout(timer) };
}

/**
 * Serves `server` over Streamable HTTP on its own listener, with a graceful
 * {@link McpHttpServer.close}. With `shutdown`, the first `SIGINT`/`SIGTERM`
 * starts that close; the process is never exited here: once closed, nothing
 * keeps it alive, or the caller exits.
 *
 * @example
 * ```ts
 * import { McpServer } from "../../server/server.ts";
 * import { serveMcpHttp } from "./serve.ts";
 * const server = new McpServer({ name: "demo", version: "1.0.0" }, {
 *   lifespan: () => ({ [Symbol.asyncDispose]: async () => console.error("disposed") }),
 * });
 * const http = await serveMcpHttp(server, { port: 0, shutdown: { timeoutMs: 5_000 } });
 * console.error(`listening on ${http.url}`);
 * await http.close(); // or wait for Ctrl-C: await http.closed
 * ```
 */
export async function serveMcpHttp(
  server: ClosableEndpoint,
  options: ServeMcpHttpOptions = {},
): Promise<McpHttpServer> {
  const settings = resolveShutdown(options.shutdown);
  const endpoint = createDrainableEndpoint(server);
  const bodies = createBodyTracker();
  const handler = createHttpHandler(endpoint, options);
  const { signal: abortSignal, ...listen } = options;
  const http: HttpServerHandle = await serveHttp(async (request) => {
    if (endpoint.draining) {
      return rpcError(503, ErrorCode.InternalError, "The server is shutting down");
    }
    // A GET is a session's standalone stream: it lasts until the close ends it.
    if (request.method === "GET") return handler(request);
    bodies.begin();
    let response: Response;
    try {
      response = await handler(request);
    } catch (error) {
      bodies.end();
      throw error;
    }
    return bodies.track(response);
  }, listen);
  const onError = options.onError ?? console.error;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    closing ??= (async () => {
      const deadline = Date.now() + settings.timeoutMs;
      try {
        await endpoint.drain(settings.timeoutMs);
        // Ends listen streams now, disposes the lifespan state once it is unused.
        const disposing = Promise.resolve(server.close?.());
        disposing.catch(() => {});
        // Finished calls' last events get what remains of the timeout (at least a second) to go out.
        const grace = delay(Math.max(deadline - Date.now(), 1000));
        await Promise.race([bodies.settled(), grace.done]);
        grace.stop();
        await http.close();
        await disposing;
      } finally {
        stopSignals();
        resolveClosed();
      }
    })();
  const stopSignals = closeOnSignal(settings, () => close().catch(onError));
  abortSignal?.addEventListener("abort", () => void close().catch(onError), { once: true });
  return { hostname: http.hostname, port: http.port, url: http.url, close, closed };
}
