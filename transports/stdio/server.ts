/**
 * The stdio transport on the server side: newline-delimited JSON on the
 * process's stdin/stdout, logs on stderr, a clean exit when stdin closes.
 *
 * @module
 */
import type { ServerEndpoint } from "../../protocol/server_endpoint.ts";
import type { Transport } from "../../protocol/transport.ts";
import { connectServer, type ServerConnection } from "../connect.ts";
import { stdio } from "../../runtime/mod.ts";
import { createStreamTransport } from "../stream.ts";

/** The process's stdin/stdout as a JSON-RPC transport. */
export function stdioServerTransport(): Transport {
  const io = stdio();
  return createStreamTransport({
    readable: io.readable,
    write: (bytes) => io.write(bytes),
  });
}

/**
 * Serves `server` on stdin/stdout until stdin closes.
 *
 * @example
 * ```ts
 * import { McpServer } from "../../server/server.ts";
 * import { serveStdio } from "./server.ts";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const connection = await serveStdio(server);
 * await connection.closed;
 * ```
 */
export function serveStdio(server: ServerEndpoint): Promise<ServerConnection> {
  return connectServer(server, stdioServerTransport());
}
