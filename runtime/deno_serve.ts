/**
 * Serving HTTP on Deno, WebSocket upgrades included, with our own HTTP/1.1 server (`http1/`)
 * on `Deno.listen` rather than `Deno.serve`: `Deno.serve` has no header-read timeout and no
 * connection count, and at the descriptor limit its accept loop fails with "Too many open
 * files" and takes the process with it (catching that leaves a server that never accepts
 * again). Our accept loop (`deno_listener.ts`) sheds the connection idle longest instead.
 * Loaded by the Deno adapter on the first `serve`, so that processes that never serve HTTP never
 * load this layer.
 *
 * @module
 */
import type { DenoLike, DenoNetAddr } from "./deno.ts";
import type { DenoTcpListenerLike } from "./deno_listener.ts";
import { readDescriptorLimit } from "./descriptor_limit.ts";
import {
  type HttpHandler,
  type HttpServerHandle,
  type NativeServeOptions,
  serverHandle,
} from "./http.ts";
import type { DuplexConnection } from "./http1/conn_duplex.ts";
import { serveOnListener } from "./http1/serve.ts";

/** A TCP connection of `Deno.listen`. */
interface DenoTcpConnLike extends DuplexConnection {
  readonly remoteAddr: Partial<DenoNetAddr>;
}

/** The part of the `Deno` namespace serving needs beyond {@linkcode DenoLike}. */
interface DenoListenLike {
  listen(options: { port: number; hostname: string; transport: "tcp" }): DenoTcpListenerLike<
    DenoTcpConnLike
  >;
}

interface DenoPermissionsLike {
  permissions?: {
    querySync?(descriptor: { name: "read"; path: string }): { state: string };
  };
}

/** Reads `path` if reading it is already allowed: never a permission prompt for it. */
function readWithoutPrompt(deno: DenoLike & DenoPermissionsLike, path: string): Promise<string> {
  const state = deno.permissions?.querySync?.({ name: "read", path }).state;
  if (state !== "granted") return Promise.reject(new Error(`no read permission for ${path}`));
  return deno.readTextFile(path);
}

const ignoreSignal = (): void => {};

/**
 * Deno sets up its signal handling on the first signal listener, which needs a descriptor: at
 * the descriptor limit that panics the process (an unwrap in ext/signals). Registering one
 * before any descriptor pressure makes later listeners (a shutdown handler) safe. SIGWINCH is
 * ignored by default, so listening to it changes nothing else.
 */
function prepareSignals(deno: DenoLike): () => void {
  try {
    deno.addSignalListener("SIGWINCH" as never, ignoreSignal);
    return () => deno.removeSignalListener("SIGWINCH" as never, ignoreSignal);
  } catch {
    return () => {}; // no signals here (Windows)
  }
}

/**
 * Serves `handler` on Deno with our HTTP/1.1 server, upgrading WebSocket requests; with
 * `Deno.serve` (`deno_native_serve.ts`, loaded only then) when `options.engine` is `"native"`.
 */
export async function serveDenoHttp(
  deno: DenoLike,
  handler: HttpHandler,
  options: NativeServeOptions,
): Promise<HttpServerHandle> {
  if (options.engine === "native") {
    return (await import("./deno_native_serve.ts")).serveDenoNativeHttp(deno, handler, options);
  }
  const limit = await readDescriptorLimit((path) => readWithoutPrompt(deno, path));
  const releaseSignals = prepareSignals(deno);
  const listener = (deno as DenoLike & DenoListenLike).listen({
    port: options.port,
    hostname: options.hostname,
    transport: "tcp",
  });
  const stop = serveOnListener(withRemoteAddress(listener), handler, options, limit);
  return serverHandle(listener.addr.hostname, listener.addr.port, async () => {
    await stop();
    releaseSignals();
  });
}

/** `Deno.listen`'s listener whose connections name their peer as `remoteAddress`. */
function withRemoteAddress(
  listener: DenoTcpListenerLike<DenoTcpConnLike>,
): DenoTcpListenerLike<DenoTcpConnLike & { remoteAddress: string | undefined }> {
  return {
    addr: listener.addr,
    accept: async () => {
      const conn = await listener.accept();
      return Object.assign(conn, { remoteAddress: conn.remoteAddr.hostname });
    },
    close: () => listener.close(),
  };
}
