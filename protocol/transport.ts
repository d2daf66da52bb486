/**
 * The message-stream transport contract shared by stdio, in-memory, WebSocket
 * and the legacy HTTP session streams.
 *
 * @module
 */
import type { Classified, JsonRpcMessage } from "./jsonrpc.ts";

/** Where a transport delivers what it receives. */
export interface TransportSink {
  /** One incoming message, already framed, parsed and classified. */
  message(incoming: Classified): void;
  /** The peer went away or the transport closed. Called once. */
  close(): void;
  /**
   * The peer stopped sending (its end of the stream closed) but can still
   * receive. Given, the transport stays open for sending, and the sink closes
   * it once what it owes the peer is sent; absent, the transport closes.
   */
  end?(): void;
}

/**
 * A bidirectional channel of JSON-RPC messages. Framing and JSON parsing live
 * in the transport; everything above works on classified messages.
 */
export interface Transport {
  /** Starts delivering incoming messages to `sink`. */
  start(sink: TransportSink): void | Promise<void>;
  /** Sends one message to the peer. */
  send(message: JsonRpcMessage): Promise<void>;
  /** Closes the channel; the sink's `close` is then called. */
  close(): Promise<void>;
}
