/**
 * The stdio transport on the server side: newline-delimited JSON on the
 * process's stdin/stdout, logs on stderr, a clean exit when stdin closes, and
 * optionally a graceful close on `SIGINT`/`SIGTERM`.
 *
 * @module
 */
import type { Transport } from "../../protocol/transport.ts";
import { connectServer, type ServerConnection } from "../connect.ts";
import { createDrainableEndpoint } from "../drain.ts";
import type { ClosableEndpoint } from "../http/serve.ts";
import { stdio } from "../../runtime/runtime.ts";
import { closeOnSignal, resolveShutdown, type ShutdownOptions } from "../shutdown.ts";
import { createStreamTransport } from "../stream.ts";

/** Options of {@link serveStdio}. */
export interface ServeStdioOptions {
  /**
   * Close gracefully on `SIGINT`/`SIGTERM` (`true`, or settings), and run the
   * server's `close()` when stdin ends. Default off: the signals keep their
   * default effect.
   */
  shutdown?: boolean | ShutdownOptions;
}

/** A server served on stdio. */
export interface StdioServerConnection extends ServerConnection {
  /**
   * Closes gracefully: new requests are answered with an error, calls in
   * flight get the shutdown timeout to finish and answer (then their signals
   * abort), stdin is released, and the server's `close()` runs (the lifespan
   * disposers). `closed` resolves after it. Idempotent.
   */
  shutdown(): Promise<void>;
}

/** The process's stdin/stdout as a JSON-RPC transport. */
export function stdioServerTransport(): Transport {
  const io = stdio();
  return createStreamTransport({
    readable: io.readable,
    write: (bytes) => io.write(bytes),
  });
}

/**
 * Serves `server` on stdin/stdout until stdin closes (or, with `shutdown`, a
 * `SIGINT`/`SIGTERM` closes it gracefully; the process is never exited here).
 *
 * @example
 * ```ts
 * import { McpServer } from "../../server/server.ts";
 * import { serveStdio } from "./server.ts";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const connection = await serveStdio(server, { shutdown: true });
 * await connection.closed;
 * ```
 */
export async function serveStdio(
  server: ClosableEndpoint,
  options: ServeStdioOptions = {},
): Promise<StdioServerConnection> {
  const settings = resolveShutdown(options.shutdown);
  const endpoint = createDrainableEndpoint(server);
  const transport = stdioServerTransport();
  let lastSend: Promise<unknown> = Promise.resolve();
  // Remembers the last write, so a graceful close lets the final answers out first.
  const tracked: Transport = {
    start: (sink) => transport.start(sink),
    send(message) {
      const sent = transport.send(message);
      lastSend = sent.catch(() => {});
      return sent;
    },
    close: () => transport.close(),
  };
  const connection = await connectServer(endpoint, tracked);
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    closing ??= (async () => {
      try {
        await endpoint.drain(settings.timeoutMs);
        await lastSend;
        await connection.close();
        await server.close?.();
      } finally {
        stopSignals();
      }
    })();
  const stopSignals = closeOnSignal(settings, () => shutdown().catch(console.error));
  const closed = connection.closed.then(() =>
    options.shutdown ? shutdown().catch(console.error) : closing?.catch(() => {})
  );
  return { ...connection, closed, shutdown };
}
