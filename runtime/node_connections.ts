/**
 * Connection limits for `serveHttp` on Node's `http` server: Node accepts connections without
 * bound and, at the descriptor limit, closes every client that arrives (libuv's EMFILE
 * fallback) while slow clients hold all descriptors for its 60 s head timeout. Here the
 * sockets are counted: past the cap, or once accepting failed for want of descriptors, the
 * connection idle longest (waiting for a request head) is shed.
 *
 * @module
 */
import { isDescriptorExhaustion } from "./descriptor_limit.ts";

/** The parts of a `net.Socket` tracked here. */
export interface NodeSocketLike {
  /** Closes it now. */
  destroy(): unknown;
  /** Listens for `close`. */
  once(event: "close", listener: () => void): unknown;
}

/** The parts of an `http.Server` the tracking listens to. */
export interface NodeConnectionEventsLike {
  /** Subscribes to `connection`, `request`, `upgrade` and `error`. */
  on(event: string, listener: (...args: never[]) => void): unknown;
}

interface RequestLike {
  socket: NodeSocketLike;
}

interface ResponseLike {
  once(event: "close", listener: () => void): unknown;
}

/** Descriptors left free below the count at which accepting failed. */
const DESCRIPTOR_HEADROOM = 16;

/** Starts counting the connections of `server`, shedding past `maxConnections`. */
export function limitNodeConnections(
  server: NodeConnectionEventsLike,
  maxConnections: number,
): void {
  /** Each open socket, and since when it has been idle (`undefined`: a request is served). */
  const sockets = new Map<NodeSocketLike, number | undefined>();
  let cap = maxConnections;

  const shedOldestIdle = (except?: NodeSocketLike): boolean => {
    let oldest: NodeSocketLike | undefined;
    let since = Infinity;
    for (const [socket, idleSince] of sockets) {
      if (socket !== except && idleSince !== undefined && idleSince < since) {
        oldest = socket;
        since = idleSince;
      }
    }
    if (oldest === undefined) return false;
    sockets.delete(oldest);
    oldest.destroy();
    return true;
  };

  server.on("connection", (socket: NodeSocketLike) => {
    sockets.set(socket, Date.now());
    socket.once("close", () => sockets.delete(socket));
    while (sockets.size > cap) {
      if (!shedOldestIdle(socket)) {
        sockets.delete(socket);
        socket.destroy(); // nothing idle to shed: refuse the newcomer
        return;
      }
    }
  });
  server.on("request", (request: RequestLike, response: ResponseLike) => {
    const socket = request.socket;
    if (!sockets.has(socket)) return;
    sockets.set(socket, undefined);
    response.once("close", () => {
      if (sockets.has(socket)) sockets.set(socket, Date.now());
    });
  });
  server.on("upgrade", (request: RequestLike) => {
    if (sockets.has(request.socket)) sockets.set(request.socket, undefined);
  });
  server.on("error", (error: unknown) => {
    if (!isDescriptorExhaustion(error)) return;
    // The table is full at this count: keep the cap below it, and free room for the next client.
    cap = Math.max(1, Math.min(cap, sockets.size - DESCRIPTOR_HEADROOM));
    while (sockets.size > cap && shedOldestIdle()) { /* shedding */ }
  });
}
