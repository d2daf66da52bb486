/**
 * {@linkcode connectTcp} on Deno: `Deno.connect` and `Deno.connectTls`, whose connections are
 * already web streams.
 *
 * @module
 */
import type { ConnectTcpOptions, TcpConnection } from "./tcp.ts";

interface DenoConnLike {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
  close(): void;
}

/** The subset of the `Deno` namespace that TCP connections use. */
export interface DenoTcpLike {
  /** Plain TCP. */
  connect(options: { hostname: string; port: number; transport: "tcp" }): Promise<DenoConnLike>;
  /** TLS over TCP. */
  connectTls(
    options: { hostname: string; port: number; caCerts?: string[] },
  ): Promise<DenoConnLike>;
}

/** Opens the connection with the `Deno` namespace; errors are Deno's own, wrapped by the caller. */
export async function connectDenoTcp(
  deno: DenoTcpLike,
  options: ConnectTcpOptions,
): Promise<TcpConnection> {
  const { hostname, port, tls, signal } = options;
  const settings = typeof tls === "object" ? tls : {};
  if (settings.serverName !== undefined && settings.serverName !== hostname) {
    throw new Error("Deno checks the certificate against hostname; serverName must equal it");
  }
  const conn = tls
    ? await deno.connectTls({ hostname, port, caCerts: settings.caCerts })
    : await deno.connect({ hostname, port, transport: "tcp" });
  if (signal?.aborted) {
    conn.close();
    throw signal.reason;
  }
  return wrapDenoConn(conn);
}

function wrapDenoConn(conn: DenoConnLike): TcpConnection {
  let closedByUs = false;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const close = (): void => {
    if (closedByUs) return;
    closedByUs = true;
    try {
      conn.close();
    } catch {
      // Already closed by the peer: nothing left to release.
    }
    resolveClosed();
  };
  const source = conn.readable.getReader();
  const readable = new ReadableStream<Uint8Array>({
    async pull(controller): Promise<void> {
      try {
        const { done, value } = await source.read();
        if (done) {
          controller.close();
          close();
        } else controller.enqueue(value);
      } catch (error) {
        // Closing our own connection makes Deno's read fail; that is an end, not an error.
        if (closedByUs) controller.close();
        else controller.error(error);
        close();
      }
    },
    cancel(): void {
      close();
    },
  }, { highWaterMark: 0 });
  const writer = conn.writable.getWriter();
  return {
    readable,
    async write(bytes: Uint8Array): Promise<void> {
      await writer.write(bytes);
    },
    close,
    closed,
  };
}
