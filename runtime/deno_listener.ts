/**
 * The accept loop of `serveHttp` on Deno, over `Deno.listen`: `Deno.serve` has no header-read
 * timeout and no connection count, and ends the process when accepting fails with "Too many
 * open files". Here a full descriptor table or a full connection cap sheds the connection idle
 * longest (a client that never finished its request head first), accept errors are survived
 * with a back-off, and overdue heads and bodies are cut by a sweep.
 *
 * @module
 */
import { isDescriptorExhaustion } from "./descriptor_limit.ts";
import { backgroundInterval, backgroundTimeout } from "./timers.ts";

/** A connection as the accept loop tracks it. */
export interface TrackedConnection {
  /** When it started waiting for a request head; `undefined` while it is busy. */
  readonly idleSince: number | undefined;
  /** When its current wait (head or body) is overdue, `Date.now()` scale. */
  readonly deadline: number;
  /** Closes it now. */
  close(): void;
  /** Closes it once its answer in flight, if any, is out. */
  shutdown(): void;
  /** Serves it; resolves once it has closed. */
  run(): Promise<void>;
}

/** `Deno.listen`'s listener, declared locally: no Deno types needed. */
export interface DenoTcpListenerLike<Connection> {
  /** The bound address. */
  readonly addr: { hostname: string; port: number };
  /** The next connection. */
  accept(): Promise<Connection>;
  /** Stops listening. */
  close(): void;
}

/** What the accept loop needs besides the listener. */
export interface AcceptLoopOptions<Connection> {
  /** The most connections open at once; past it the one idle longest is closed. */
  maxConnections: number;
  /** How often overdue connections are looked for, ms. */
  sweepIntervalMs: number;
  /** Wraps an accepted connection; `onClosed` must run when it closes. */
  track(connection: Connection, onClosed: () => void): TrackedConnection;
  /** Refuses a connection over the cap when none is idle (e.g. 503 and close). */
  refuse(connection: Connection): void;
  /** Receives accept errors other than a full descriptor table. */
  onError(error: unknown): void;
}

/** A running accept loop. */
export interface AcceptLoop {
  /** Connections open now. */
  readonly size: number;
  /** Stops accepting, shuts every connection down and resolves once all have closed. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 1000;

function oldestIdle(connections: Set<TrackedConnection>): TrackedConnection | undefined {
  let oldest: TrackedConnection | undefined;
  for (const connection of connections) {
    const since = connection.idleSince;
    if (since !== undefined && (oldest === undefined || since < oldest.idleSince!)) {
      oldest = connection;
    }
  }
  return oldest;
}

const pause = (ms: number): Promise<void> =>
  new Promise((resolve) => backgroundTimeout(resolve, ms));

/**
 * Accepts from `listener` until stopped, serving each connection with `options.track`.
 *
 * @example
 * ```ts ignore
 * import { startAcceptLoop } from "./deno_listener.ts";
 * const loop = startAcceptLoop(Deno.listen({ port: 0 }), {
 *   maxConnections: 900,
 *   sweepIntervalMs: 1000,
 *   track: (conn, onClosed) => myConnection(conn, onClosed),
 *   refuse: (conn) => conn.close(),
 *   onError: console.error,
 * });
 * await loop.stop();
 * ```
 */
export function startAcceptLoop<Connection>(
  listener: DenoTcpListenerLike<Connection>,
  options: AcceptLoopOptions<Connection>,
): AcceptLoop {
  const open = new Set<TrackedConnection>();
  const running = new Set<Promise<void>>();
  let stopped = false;
  const sweep = backgroundInterval(() => {
    const now = Date.now();
    for (const connection of open) if (connection.deadline < now) connection.close();
  }, options.sweepIntervalMs);

  const admit = (connection: Connection): void => {
    if (open.size >= options.maxConnections) {
      const idle = oldestIdle(open);
      if (idle === undefined) return options.refuse(connection);
      idle.close();
    }
    const slot: { tracked?: TrackedConnection } = {};
    const onClosed = (): void => void (slot.tracked !== undefined && open.delete(slot.tracked));
    const tracked = options.track(connection, onClosed);
    slot.tracked = tracked;
    open.add(tracked);
    const served = tracked.run().catch(() => {});
    running.add(served);
    served.finally(() => running.delete(served));
  };

  const loop = async (): Promise<void> => {
    let backoff = 0;
    while (!stopped) {
      let connection: Connection;
      try {
        connection = await listener.accept();
      } catch (error) {
        if (stopped) return;
        if (isDescriptorExhaustion(error)) {
          // Free a descriptor for the client waiting in the backlog; wait only if none can go.
          const idle = oldestIdle(open);
          if (idle !== undefined) {
            idle.close();
            continue;
          }
        } else {
          options.onError(error);
        }
        backoff = Math.min(MAX_BACKOFF_MS, backoff === 0 ? 10 : backoff * 2);
        await pause(backoff);
        continue;
      }
      backoff = 0;
      if (stopped) {
        options.refuse(connection);
        return;
      }
      admit(connection);
    }
  };
  const looping = loop();

  return {
    get size(): number {
      return open.size;
    },
    async stop(): Promise<void> {
      if (stopped) return;
      stopped = true;
      clearInterval(sweep);
      try {
        listener.close();
      } catch {
        // Already closed.
      }
      await looping;
      for (const connection of [...open]) connection.shutdown();
      await Promise.all([...running]);
    },
  };
}
