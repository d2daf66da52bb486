/**
 * {@linkcode connectTcp} on Node and Bun: `node:net` and `node:tls`, their sockets turned into
 * a web stream with backpressure (the socket pauses while the stream's queue is full).
 *
 * @module
 */
import type { ConnectTcpOptions, TcpConnection } from "./tcp.ts";

interface NodeSocketLike {
  on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
  on(event: "end" | "close", listener: () => void): unknown;
  on(event: "error", listener: (error: Error) => void): unknown;
  once(event: string, listener: (...args: unknown[]) => void): unknown;
  off(event: string, listener: (...args: unknown[]) => void): unknown;
  write(bytes: Uint8Array, callback: (error?: Error | null) => void): boolean;
  pause(): unknown;
  resume(): unknown;
  destroy(): unknown;
  setNoDelay(noDelay: boolean): unknown;
}

interface NodeNetLike {
  connect(options: { host: string; port: number }): NodeSocketLike;
}

interface NodeTlsLike {
  connect(
    options: { host: string; port: number; servername?: string; ca?: string[] },
  ): NodeSocketLike;
}

function isIpAddress(hostname: string): boolean {
  return /^[\d.]+$/.test(hostname) || hostname.includes(":");
}

/** Opens the connection with `node:net` or `node:tls`; errors are Node's own, wrapped by the caller. */
export async function connectNodeTcp(options: ConnectTcpOptions): Promise<TcpConnection> {
  const { hostname, port, tls, signal } = options;
  let socket: NodeSocketLike;
  let ready: string;
  if (tls) {
    const settings = typeof tls === "object" ? tls : {};
    const nodeTls = (await import("node:tls")) as unknown as NodeTlsLike;
    const servername = settings.serverName ?? (isIpAddress(hostname) ? undefined : hostname);
    socket = nodeTls.connect({ host: hostname, port, servername, ca: settings.caCerts });
    ready = "secureConnect";
  } else {
    const net = (await import("node:net")) as unknown as NodeNetLike;
    socket = net.connect({ host: hostname, port });
    ready = "connect";
  }
  await new Promise<void>((resolve, reject) => {
    const cleanup = (): void => {
      socket.off(ready, onReady);
      socket.off("error", onError);
      signal?.removeEventListener("abort", onAbort);
    };
    const onReady = (): void => {
      cleanup();
      resolve();
    };
    const onError = (error: unknown): void => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onAbort = (): void => onError(signal?.reason);
    socket.once(ready, onReady);
    socket.once("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
  socket.setNoDelay(true);
  return wrapNodeSocket(socket);
}

function wrapNodeSocket(socket: NodeSocketLike): TcpConnection {
  let ended = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  let failure: Error | undefined;
  const readable = new ReadableStream<Uint8Array>({
    start(controller): void {
      socket.on("data", (chunk) => {
        if (ended) return;
        // Node's Buffers may share a pooled ArrayBuffer; a plain Uint8Array view is what callers expect.
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 1) <= 0) socket.pause();
      });
      socket.on("error", (error) => {
        failure = error;
      });
      // The peer's FIN ends what it sends: end the stream now, not at "close" (which Bun emits
      // later), so the reader learns of it before anyone writes to the half-closed socket.
      socket.on("end", () => {
        if (ended) return;
        ended = true;
        controller.close();
      });
      socket.on("close", () => {
        if (!ended) {
          ended = true;
          if (failure) controller.error(failure);
          else controller.close();
        }
        resolveClosed();
      });
    },
    pull(): void {
      socket.resume();
    },
    cancel(): void {
      ended = true;
      socket.destroy();
    },
  }, { highWaterMark: 4 });
  return {
    readable,
    write(bytes: Uint8Array): Promise<void> {
      return new Promise((resolve, reject) => {
        if (ended) {
          reject(failure ?? new Error("the connection is closed"));
          return;
        }
        socket.write(bytes, (error) => (error ? reject(error) : resolve()));
      });
    },
    close(): void {
      socket.destroy();
    },
    closed,
  };
}
