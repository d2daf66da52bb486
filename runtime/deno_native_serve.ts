/**
 * Serving HTTP on Deno with `Deno.serve`, WebSocket upgrades included: `serveHttp`'s
 * `engine: "native"`, for deployments behind a reverse proxy that bounds slow and idle clients
 * itself. `Deno.serve` has no head deadline and no connection cap, and at the descriptor limit
 * its accept loop ends the process. Behind `serveHttp`'s guard (a signal and a `Request` copy
 * per request) it costs about the CPU per request of our HTTP/1.1 server (`deno_serve.ts`),
 * so it is chosen for what a proxy in front does, not for speed. Loaded only when chosen.
 *
 * @module
 */
import type { DenoLike, DenoNetAddr } from "./deno.ts";
import { setClientAddress } from "./client_address.ts";
import {
  guardHandler,
  type HttpHandler,
  type HttpServerHandle,
  isBufferable,
  type NativeServeOptions,
  serverHandle,
} from "./http.ts";
import {
  createSocketRegistry,
  isWebSocketUpgrade,
  registerNativeUpgrade,
  upgradeOnDeno,
} from "./websocket/upgrade.ts";

interface ResponseBodyHooks {
  /** The handler's body ended by itself: the response is complete. */
  onComplete(): void;
  /** The body was cancelled by the runtime (client gone) or ended by server shutdown. */
  onAbandoned(): void;
}

/**
 * Re-wraps a response body so that the server can end it on shutdown (Deno's graceful
 * `shutdown()` waits for every response, which a long-lived SSE stream never finishes) and so
 * that completion and abandonment can be told apart.
 */
function trackedResponse(
  response: Response,
  openBodies: Set<() => void>,
  hooks: ResponseBodyHooks,
): Response {
  if (response.body === null) {
    hooks.onComplete();
    return response;
  }
  const reader = response.body.getReader();
  let end = (): void => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller): void {
      end = (): void => {
        openBodies.delete(end);
        hooks.onAbandoned();
        try {
          controller.close();
        } catch {
          // Already closed or errored.
        }
        reader.cancel().catch(() => {});
      };
      openBodies.add(end);
    },
    async pull(controller): Promise<void> {
      try {
        const { done, value } = await reader.read();
        if (done) {
          openBodies.delete(end);
          hooks.onComplete();
          controller.close();
        } else {
          controller.enqueue(value);
        }
      } catch (error) {
        openBodies.delete(end);
        try {
          controller.error(error);
        } catch {
          // Ended meanwhile.
        }
      }
    },
    cancel(reason): Promise<void> {
      openBodies.delete(end);
      hooks.onAbandoned();
      return reader.cancel(reason);
    },
  });
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** Serves `handler` with `deno.serve`, upgrading WebSocket requests. */
export function serveDenoNativeHttp(
  deno: DenoLike,
  handler: HttpHandler,
  options: NativeServeOptions,
): HttpServerHandle {
  const guarded = guardHandler(handler, options.onError);
  const openBodies = new Set<() => void>();
  const sockets = createSocketRegistry();
  const server = deno.serve({
    port: options.port,
    hostname: options.hostname,
    // Overriding onListen also stops Deno printing "Listening on ..." to stdout, which would
    // corrupt a stdio transport sharing the process.
    onListen(): void {},
    async handler(
      request: Request,
      info?: { remoteAddr?: Partial<DenoNetAddr> },
    ): Promise<Response> {
      // Deno's request.signal also aborts after every *successful* response ("legacy abort",
      // still the default in Deno 2.x), and `info.completed` resolves even when the client left
      // mid-stream. So the handler gets its own signal, aborted only while the response is
      // still undelivered: by Deno's signal, or by Deno cancelling the response body.
      const disconnect = new AbortController();
      let complete = false;
      const abandon = (): void => {
        if (!complete) disconnect.abort(new Error("Client disconnected"));
      };
      request.signal.addEventListener("abort", abandon, { once: true });
      const wrapped = new Request(request, { signal: disconnect.signal });
      setClientAddress(wrapped, info?.remoteAddr?.hostname);
      const upgrade = deno.upgradeWebSocket;
      if (upgrade !== undefined && isWebSocketUpgrade(request)) {
        // Deno upgrades only the request it handed out, not the copy the handler sees.
        registerNativeUpgrade(wrapped, (upgradeOptions) => {
          const upgraded = upgradeOnDeno(upgrade, request, upgradeOptions);
          sockets.add(upgraded.socket);
          return upgraded;
        });
      }
      const response = await guarded(wrapped);
      if (response.status === 101) return response; // the WebSocket handshake answer
      if (isBufferable(response)) {
        // A whole JSON body is delivered as is; only streams need tracking.
        complete = true;
        request.signal.removeEventListener("abort", abandon);
        return response;
      }
      return trackedResponse(response, openBodies, {
        onComplete: () => (complete = true),
        onAbandoned: abandon,
      });
    },
  });
  return serverHandle(server.addr.hostname, server.addr.port, async () => {
    const closingSockets = sockets.closeAll();
    const shutdown = server.shutdown();
    for (const end of [...openBodies]) end();
    await closingSockets;
    await shutdown;
  });
}
