/**
 * The byte stream a server-side WebSocket runs on once the handshake is done: the few members of
 * a Node `stream.Duplex` it needs, declared here so that nothing depends on Node's type package.
 * `net.Socket` and `tls.TLSSocket` fit, on Node, Deno and Bun alike.
 *
 * @example
 * ```ts
 * import type { Socket } from "node:net";
 * import type { WebSocketDuplexLike } from "./duplex.ts";
 * function adopt(socket: Socket): WebSocketDuplexLike {
 *   return socket;
 * }
 * ```
 *
 * @module
 */

/**
 * The parts of a Node duplex stream the socket uses; `net.Socket` (also on Deno and Bun) fits.
 * Listeners are typed loosely because Node's overloads cannot be matched one by one.
 */
export interface WebSocketDuplexLike {
  /** Queues bytes; `false` once the stream's own buffer is full. */
  write(chunk: Uint8Array): boolean;
  /** Ends the writable side once the queued bytes are out (sends FIN). */
  end(): unknown;
  /** Closes both sides at once, dropping queued bytes. */
  destroy(): unknown;
  /** Stops `data` events (and reading from the operating system). */
  pause(): unknown;
  /** Restarts `data` events. */
  resume(): unknown;
  /** Listens to `data`, `end`, `drain`, `error` and `close`. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  /** Removes a listener added with `on`. */
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
  /** Bytes accepted by `write()` and not yet handed to the operating system. */
  readonly writableLength: number;
  /** Whether a `write()` returned false and `drain` has not fired since. */
  readonly writableNeedDrain: boolean;
  /** Whether the stream was destroyed (or closed). */
  readonly destroyed: boolean;
  /** Disables Nagle's algorithm, where the stream is a TCP socket. */
  setNoDelay?(noDelay?: boolean): unknown;
  /** Sets (0: clears) an idle timeout, where the stream is a socket. */
  setTimeout?(ms: number): unknown;
}
