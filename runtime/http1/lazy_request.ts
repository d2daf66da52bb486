/**
 * The request our HTTP/1.1 server hands a handler when the whole body is already read (no
 * body, or a small `Content-Length` one): the Node bridge's lazy {@linkcode NodeRequest}, fed
 * a parsed head and the body bytes instead of a Node `IncomingMessage`, so that a handler
 * reading `.json()` or `.text()` costs no `ReadableStream`, `Headers`, URL parse or
 * `AbortSignal` unless it asks for them.
 *
 * @module
 */
import type { NodeIncomingMessageLike } from "../node_http.ts";
import { NodeRequest } from "../node_request.ts";
import type { RequestHead } from "./head.ts";

/** A parsed head and its whole body, shaped as the already-read `IncomingMessage` the bridge reads. */
class WholeIncoming implements NodeIncomingMessageLike {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined> = {};
  rawHeaders: string[];
  socket: { remoteAddress: string | undefined };
  /** Read `NodeRequest`-side as "the whole body is buffered". */
  readonly complete = true;
  readonly readableFlowing = false;
  #body: Uint8Array | null;

  constructor(head: RequestHead, body: Uint8Array | null, remoteAddress: string | undefined) {
    this.method = head.method;
    this.url = head.target;
    const raw: string[] = new Array(head.headers.length * 2);
    for (let index = 0; index < head.headers.length; index++) {
      const [name, value] = head.headers[index];
      raw[2 * index] = name;
      raw[2 * index + 1] = value;
    }
    this.rawHeaders = raw;
    this.socket = { remoteAddress };
    this.#body = body;
  }

  get readableLength(): number {
    return this.#body?.length ?? 0;
  }

  /** The body once, as a Node stream's `read()` gives its buffer; `null` after. */
  read(): Uint8Array | null {
    const body = this.#body;
    this.#body = null;
    return body;
  }

  on(): this {
    return this;
  }
  pause(): this {
    return this;
  }
  resume(): this {
    return this;
  }
  destroy(): this {
    return this;
  }
}

/**
 * A lazy `Request` for `head` whose whole body is `body` (`null` for none); its `disconnect()`
 * aborts its signal.
 *
 * @example
 * ```ts ignore
 * const request = wholeRequest(head, bytes, "127.0.0.1");
 * await request.json();
 * ```
 */
export function wholeRequest(
  head: RequestHead,
  body: Uint8Array | null,
  remoteAddress: string | undefined,
): NodeRequest {
  return new NodeRequest(new WholeIncoming(head, body, remoteAddress));
}
