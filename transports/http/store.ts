/**
 * The pieces of a shared store the Streamable HTTP handler uses for legacy sessions: declared
 * here so that the transport depends on nothing above it; `SharedStore` (server/shared_store.ts)
 * extends it with what the server itself shares.
 *
 * @module
 */
import type { ServerEndpoint } from "../../protocol/server_endpoint.ts";
import type { EventStore } from "./event_store.ts";
import type { MessageBus } from "./message_bus.ts";
import type { SessionDirectory } from "./session_directory.ts";

/** State the HTTP handler shares with other instances; each piece optional. */
export interface HttpStore {
  /** Legacy SSE events, for `Last-Event-ID` on any instance. */
  readonly eventStore?: EventStore;
  /** Legacy sessions, adopted by whichever instance gets their requests. */
  readonly sessionDirectory?: SessionDirectory;
  /** Carries a session's messages to the instance holding its stream (with `sessionDirectory`). */
  readonly messageBus?: MessageBus;
}

/**
 * The store `server` was built with (`McpServer`'s `options.store`), read structurally;
 * `undefined` for an endpoint without one.
 *
 * @example
 * ```ts
 * import { httpStoreOf } from "./store.ts";
 * import type { ServerEndpoint } from "../../protocol/server_endpoint.ts";
 * declare const server: ServerEndpoint;
 * const store = httpStoreOf(server); // its eventStore, sessionDirectory and messageBus, if any
 * ```
 */
export function httpStoreOf(server: ServerEndpoint): HttpStore | undefined {
  const options = (server as { options?: { store?: HttpStore } }).options;
  return typeof options === "object" && options !== null ? options.store : undefined;
}
