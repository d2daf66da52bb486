/**
 * Outgoing TCP connections, plain or TLS, as web streams: `Deno.connect` / `Deno.connectTls` on
 * Deno, `node:net` / `node:tls` on Node and Bun. What a client of a TCP protocol (a Redis
 * client) needs, and nothing more.
 *
 * @module
 */
import { connectDenoTcp, type DenoTcpLike } from "./tcp_deno.ts";
import { connectNodeTcp } from "./tcp_node.ts";

/** TLS settings for {@linkcode connectTcp}. */
export interface TcpTlsOptions {
  /**
   * The name the server's certificate must carry (and the SNI sent); defaults to `hostname`.
   * Deno always checks against `hostname`, and refuses a different `serverName`.
   */
  serverName?: string;
  /** PEM certificates to trust instead of the system's roots (a private CA, a test server). */
  caCerts?: string[];
}

/** Options for {@linkcode connectTcp}. */
export interface ConnectTcpOptions {
  /** Host name or IP address to connect to. */
  hostname: string;
  /** TCP port. */
  port: number;
  /** `true` or settings for TLS; plain TCP when absent or `false`. */
  tls?: boolean | TcpTlsOptions;
  /** Aborting it before the connection is made rejects the connect and drops the socket. */
  signal?: AbortSignal;
}

/** An open TCP connection. */
export interface TcpConnection {
  /** The bytes the peer sends; ends when the peer closes, errors when the connection fails. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Sends `bytes`; resolves once they are handed to the operating system. */
  write(bytes: Uint8Array): Promise<void>;
  /** Closes the connection at once (pending writes may be lost); idempotent. */
  close(): void;
  /** Resolves once the connection has ended, whichever side ended it. Never rejects. */
  readonly closed: Promise<void>;
}

/** A connection that could not be made: says where to and why, the reason kept as `cause`. */
export class TcpConnectError extends Error {
  /** `host:port` that was tried. */
  readonly address: string;
  /** Builds the error for `address`, failing with `cause`. */
  constructor(address: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`cannot connect to ${address}: ${reason}`, { cause });
    this.name = "TcpConnectError";
    this.address = address;
  }
}

/** `host:port`, with brackets around an IPv6 address. */
export function tcpAddress(hostname: string, port: number): string {
  return hostname.includes(":") ? `[${hostname}]:${port}` : `${hostname}:${port}`;
}

/**
 * Opens a TCP connection (TLS with `tls`). Rejects with a {@linkcode TcpConnectError} naming the
 * address and keeping the cause when the connection is refused, the name does not resolve or
 * the TLS handshake fails.
 *
 * @example
 * ```ts
 * import { connectTcp } from "./tcp.ts";
 * const connection = await connectTcp({ hostname: "127.0.0.1", port: 6379 });
 * await connection.write(new TextEncoder().encode("PING\r\n"));
 * const reader = connection.readable.getReader();
 * console.log(new TextDecoder().decode((await reader.read()).value)); // "+PONG\r\n"
 * connection.close();
 * ```
 */
export async function connectTcp(options: ConnectTcpOptions): Promise<TcpConnection> {
  const address = tcpAddress(options.hostname, options.port);
  options.signal?.throwIfAborted();
  const deno = (globalThis as { Deno?: DenoTcpLike }).Deno;
  try {
    return typeof deno?.connect === "function"
      ? await connectDenoTcp(deno, options)
      : await connectNodeTcp(options);
  } catch (error) {
    if (options.signal?.aborted) throw options.signal.reason;
    throw new TcpConnectError(address, error);
  }
}
