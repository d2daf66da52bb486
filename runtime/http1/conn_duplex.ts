/**
 * A connection of our HTTP/1.1 server seen as the Node-style duplex a server WebSocket runs on
 * ({@linkcode WebSocketDuplexLike}), so that an upgraded connection gets the same RFC 6455
 * implementation as on Node.
 *
 * @module
 */
import type { WebSocketDuplexLike } from "../websocket/duplex.ts";
import type { ByteConnection } from "./reader.ts";
import { writeAll } from "./response.ts";
import { backgroundTimeout } from "../timers.ts";

/** A {@link ByteConnection} that can also half-close and disable Nagle, as `Deno.Conn` can. */
export interface DuplexConnection extends ByteConnection {
  /** Sends FIN once written bytes are out. */
  closeWrite?(): Promise<void>;
  /** Disables Nagle's algorithm. */
  setNoDelay?(noDelay?: boolean): void;
}

type Listener = (...args: never[]) => void;

const HIGH_WATER_MARK = 64 * 1024;
const READ_SIZE = 16 * 1024;
const FLUSH_ON_DESTROY_MS = 1000;

/** The duplex over `connection`; it starts paused, with `head` as the first `data`. */
export function connectionDuplex(
  connection: DuplexConnection,
  head: Uint8Array,
  onClose: () => void,
): WebSocketDuplexLike {
  const listeners = new Map<string, Set<Listener>>();
  const emit = (event: string, ...args: unknown[]): void => {
    for (const listener of [...(listeners.get(event) ?? [])]) {
      (listener as (...args: unknown[]) => void)(...args);
    }
  };
  let paused = true;
  let reading = false;
  let destroyed = false;
  let queued = 0;
  let needDrain = false;
  let writes = Promise.resolve();
  let pendingHead: Uint8Array | undefined = head.length > 0 ? head : undefined;
  let resumeReading: (() => void) | undefined;

  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    try {
      connection.close();
    } catch {
      // Already closed.
    }
  };
  // A Node socket hands a write to the kernel at once, so a close frame written just before
  // destroy() still goes out: here the queued writes get a moment to, then the socket closes.
  const destroy = (): void => {
    if (destroyed) return;
    destroyed = true;
    const timer = backgroundTimeout(release, FLUSH_ON_DESTROY_MS);
    writes.finally(() => {
      clearTimeout(timer);
      release();
    });
    resumeReading?.();
    queueMicrotask(() => {
      emit("close");
      onClose();
    });
  };

  const readLoop = async (): Promise<void> => {
    reading = true;
    while (!destroyed) {
      if (paused) {
        await new Promise<void>((resolve) => (resumeReading = resolve));
        resumeReading = undefined;
        continue;
      }
      if (pendingHead !== undefined) {
        const bytes = pendingHead;
        pendingHead = undefined;
        emit("data", bytes);
        continue;
      }
      const buffer = new Uint8Array(READ_SIZE);
      let count: number | null;
      try {
        count = await connection.read(buffer);
      } catch (error) {
        if (!destroyed) emit("error", error);
        destroy();
        return;
      }
      if (count === null) {
        emit("end");
        // Like a Node socket without allowHalfOpen: the peer's FIN ends our side too.
        await writes;
        destroy();
        return;
      }
      emit("data", buffer.subarray(0, count));
    }
  };

  const duplex: WebSocketDuplexLike = {
    write(chunk: Uint8Array): boolean {
      if (destroyed) return false;
      const bytes = chunk.slice();
      queued += bytes.length;
      writes = writes.then(async () => {
        if (released) return;
        try {
          await writeAll(connection, bytes);
        } catch (error) {
          if (!destroyed) emit("error", error);
          destroy();
          release();
          return;
        }
        queued -= bytes.length;
        if (needDrain && queued < HIGH_WATER_MARK) {
          needDrain = false;
          emit("drain");
        }
      });
      if (queued >= HIGH_WATER_MARK) needDrain = true;
      return !needDrain;
    },
    end(): void {
      writes = writes.then(async () => {
        if (destroyed) return;
        try {
          await connection.closeWrite?.();
        } catch {
          destroy();
        }
        if (connection.closeWrite === undefined) destroy();
      });
    },
    destroy,
    pause(): void {
      paused = true;
    },
    resume(): void {
      paused = false;
      if (!reading) void readLoop();
      resumeReading?.();
    },
    on(event: string, listener: Listener): void {
      let set = listeners.get(event);
      if (set === undefined) listeners.set(event, set = new Set());
      set.add(listener);
    },
    removeListener(event: string, listener: Listener): void {
      listeners.get(event)?.delete(listener);
    },
    get writableLength(): number {
      return queued;
    },
    get writableNeedDrain(): boolean {
      return needDrain;
    },
    get destroyed(): boolean {
      return destroyed;
    },
    setNoDelay(noDelay?: boolean): void {
      try {
        connection.setNoDelay?.(noDelay);
      } catch {
        // Not a TCP connection.
      }
    },
  };
  return duplex;
}
