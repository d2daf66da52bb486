/**
 * The stdio transport on the server side: newline-delimited JSON on the
 * process's stdin/stdout, logs on stderr, a clean exit when stdin closes, and
 * optionally a graceful close on `SIGINT`/`SIGTERM`. JSON-RPC batches (a JSON
 * array line) are served when the connection negotiated 2025-03-26 and refused
 * otherwise, as on Streamable HTTP.
 *
 * @module
 */
import type { LegacySession } from "../../protocol/server_endpoint.ts";
import type { Transport } from "../../protocol/transport.ts";
import { connectServer, type ServerConnection } from "../connect.ts";
import { createDrainableEndpoint } from "../drain.ts";
import type { ClosableEndpoint } from "../http/serve.ts";
import { stdio } from "../../runtime/runtime.ts";
import { closeOnSignal, resolveShutdown, type ShutdownOptions } from "../shutdown.ts";
import { createStreamTransport, type StreamTransportOptions } from "../stream.ts";
import { createStdioBatches } from "./batch.ts";

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

/**
 * The process's stdin/stdout as a JSON-RPC transport (`options.batch` takes
 * the JSON array lines, which are otherwise refused).
 */
export function stdioServerTransport(options: StreamTransportOptions = {}): Transport {
  const io = stdio();
  return createStreamTransport({
    readable: io.readable,
    write: (bytes) => io.write(bytes),
  }, options);
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
  // The session exists once connected; a batch line before that is refused.
  const connected: { session?: LegacySession } = {};
  const batches = createStdioBatches(() => connected.session?.protocolVersion);
  const transport = stdioServerTransport({ batch: batches.receive });
  let lastSend: Promise<unknown> = Promise.resolve();
  // Remembers the last write, so a graceful close lets the final answers out first.
  const tracked: Transport = {
    start: (sink) => transport.start(batches.watch(sink)),
    send(message) {
      const sent = batches.capture(message) ?? transport.send(message);
      lastSend = sent.catch(() => {});
      return sent;
    },
    close: () => transport.close(),
  };
  const connection = await connectServer(endpoint, tracked);
  connected.session = connection.session;
  let closing: Promise<void> | undefined;
  const shutdown = (): Promise<void> =>
    closing ??= (async () => {
      try {
        await endpoint.drain(settings.timeoutMs);
        await batches.settled(settings.timeoutMs);
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
