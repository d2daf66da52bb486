/**
 * Serving HTTP on Bun, WebSocket upgrades included, with our own HTTP/1.1 server (`http1/`, as
 * on Deno) on `Bun.listen` rather than `Bun.serve`: `Bun.serve` gives no access to connections
 * that have not finished a request head and keeps them for a fixed ~12 s whatever its
 * `idleTimeout`, so 300 stalled clients under `ulimit -n 256` kept every other client waiting
 * that long (issue 15). Our accept loop sheds the connection idle longest and cuts overdue heads
 * and bodies. With `engine: "native"`, `Bun.serve` (`bun_native_serve.ts`, loaded only then).
 * Loaded by the Bun adapter on the first `serve`, so that processes that never serve HTTP never
 * load this layer.
 *
 * @module
 */
import type { BunLike } from "./bun.ts";
import { readDescriptorLimit } from "./descriptor_limit.ts";
import {
  type HttpHandler,
  type HttpServerHandle,
  type NativeServeOptions,
  serverHandle,
} from "./http.ts";
import { type BunAcceptQueue, bunAcceptQueue } from "./http1/bun_connection.ts";
import { serveOnListener } from "./http1/serve.ts";

/** The part of the `Bun` global listening needs beyond {@linkcode BunLike}. */
interface BunListenLike {
  listen(options: {
    hostname: string;
    port: number;
    socket: BunAcceptQueue["handlers"];
  }): { hostname: string; port: number; stop(closeActiveConnections?: boolean): void };
  file(path: string): { text(): Promise<string> };
}

/** Serves `handler` on Bun, upgrading WebSocket requests. */
export async function serveBunHttp(
  bun: BunLike,
  handler: HttpHandler,
  options: NativeServeOptions,
): Promise<HttpServerHandle> {
  if (options.engine === "native") {
    return (await import("./bun_native_serve.ts")).serveBunNativeHttp(bun, handler, options);
  }
  const listening = bun as BunLike & BunListenLike;
  const limit = await readDescriptorLimit((path) => listening.file(path).text());
  const queue = bunAcceptQueue();
  const listener = listening.listen({
    hostname: options.hostname,
    port: options.port,
    socket: queue.handlers,
  });
  const stop = serveOnListener(
    {
      addr: { hostname: listener.hostname, port: listener.port },
      accept: () => queue.accept(),
      close: () => {
        queue.close();
        listener.stop(false);
      },
    },
    handler,
    options,
    limit,
  );
  return serverHandle(listener.hostname, listener.port, stop);
}
