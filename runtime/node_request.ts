/**
 * The web `Request` the Node bridge hands a handler, built on demand: a Node request is
 * already parsed, so its URL, headers, body stream and abort signal are made only when the
 * handler first reads them (Hono's Node server does the same). It passes `instanceof Request`;
 * anything beyond the common members is answered by a real `Request` made on first use.
 *
 * @module
 */
import { PEER_ADDRESS } from "./client_address.ts";
import { FRAMED_BODY } from "./framed_body.ts";
import { nodeReadableToWeb, READ_AHEAD_BYTES } from "./node_streams.ts";
import type { NodeIncomingMessageLike } from "./node_http.ts";

/** An origin-form target the URL parser keeps as it is: no escaping, no dot segments, not `//`. */
const SIMPLE_TARGET = /^\/(?!\/)[A-Za-z0-9\-._~!$&()*+,;=:@/?%]*$/;
const DOT_SEGMENT = /\/(?:\.|%2e)/i;
const canonicalBases = new Map<string, boolean>();

/**
 * Whether the URL parser leaves `base` (scheme and Host) unchanged, so that `base + target`
 * is already the parsed href. Asked of the parser once per distinct Host (few per server).
 */
function canonicalBase(base: string): boolean {
  let known = canonicalBases.get(base);
  if (known === undefined) {
    known = URL.canParse(base) && new URL(base).href === `${base}/`;
    if (canonicalBases.size >= 256) canonicalBases.clear(); // Hosts are client-chosen.
    canonicalBases.set(base, known);
  }
  return known;
}

/** Why a disconnected client's request signal aborted. */
function disconnectReason(): Error {
  return new Error("Client disconnected");
}

function peerAddress(socket: unknown): string | undefined {
  if (typeof socket !== "object" || socket === null || !("remoteAddress" in socket)) return;
  return typeof socket.remoteAddress === "string" ? socket.remoteAddress : undefined;
}

/** Lower-cased names to values joined as Fetch joins repeats; pseudo-headers left out. */
function headerMap(request: NodeIncomingMessageLike): Map<string, string> {
  const map = new Map<string, string>();
  const add = (name: string, value: string): void => {
    if (name.charCodeAt(0) === 58) return; // HTTP/2 ":path" is not a Fetch header name.
    const key = name.toLowerCase();
    const before = map.get(key);
    map.set(key, before === undefined ? value : `${before}, ${value}`);
  };
  const raw = request.rawHeaders;
  if (raw) {
    for (let index = 0; index + 1 < raw.length; index += 2) add(raw[index], raw[index + 1]);
    return map;
  }
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) add(name, item);
  }
  return map;
}

/**
 * Request headers answering `get`/`has` from the parsed map; anything else (iteration,
 * mutation) goes to a real `Headers` copied from it once.
 */
class NodeHeaders {
  #map: Map<string, string>;
  #real: Headers | undefined;
  constructor(map: Map<string, string>) {
    this.#map = map;
  }
  get(name: string): string | null {
    if (this.#real) return this.#real.get(name);
    return this.#map.get(name.toLowerCase()) ?? null;
  }
  has(name: string): boolean {
    if (this.#real) return this.#real.has(name);
    return this.#map.has(name.toLowerCase());
  }
  /** The real `Headers`, made on first need. */
  real(): Headers {
    if (this.#real) return this.#real;
    const real = new Headers();
    for (const [name, value] of this.#map) real.append(name, value);
    return (this.#real = real);
  }
}

type Forwarded = Record<string | symbol, unknown>;

function forwardRest(target: object, proto: object, real: (self: never) => object): void {
  for (const key of Reflect.ownKeys(proto)) {
    if (key === "constructor" || Object.prototype.hasOwnProperty.call(target, key)) continue;
    const descriptor = Reflect.getOwnPropertyDescriptor(proto, key);
    if (!descriptor) continue;
    if (descriptor.get) {
      Object.defineProperty(target, key, {
        configurable: true,
        get(this: never): unknown {
          return (real(this) as Forwarded)[key];
        },
      });
    } else if (typeof descriptor.value === "function") {
      Object.defineProperty(target, key, {
        configurable: true,
        writable: true,
        value(this: never, ...rest: unknown[]): unknown {
          const self = real(this) as Forwarded;
          return (self[key] as (...a: unknown[]) => unknown).apply(self, rest);
        },
      });
    }
  }
}

/**
 * A Node request seen as a web `Request`. The bridge calls {@linkcode NodeRequest.disconnect}
 * when the client goes away; `signal` then aborts (or is born aborted).
 */
export class NodeRequest {
  #incoming: NodeIncomingMessageLike;
  #url: string | undefined;
  #headers: NodeHeaders | undefined;
  #controller: AbortController | undefined;
  #gone = false;
  #body: ReadableStream<Uint8Array> | null | undefined;
  #real: Request | undefined;
  #used = false;

  #peer: string | undefined;

  /**
   * Wraps `incoming`; nothing is parsed or allocated yet. The peer address is read now (Node
   * caches it per socket): a socket closed by the time a handler asks has forgotten it.
   */
  constructor(incoming: NodeIncomingMessageLike) {
    if (!linked) linkPrototypes();
    this.#incoming = incoming;
    this.#peer = peerAddress(incoming.socket);
  }

  /** The request method, e.g. `"POST"`. */
  get method(): string {
    return this.#incoming.method ?? "GET";
  }

  /**
   * The absolute URL from the Host header. A Host that makes it unparseable yields a string
   * `URL.canParse` refuses, which the handler guard answers with 400.
   */
  get url(): string {
    if (this.#url !== undefined) return this.#url;
    const socket = this.#incoming.socket;
    const encrypted = typeof socket === "object" && socket !== null && "encrypted" in socket &&
      socket.encrypted === true;
    const base = `${encrypted ? "https" : "http"}://${this.headers.get("host") ?? "localhost"}`;
    const target = this.#incoming.url ?? "/";
    if (SIMPLE_TARGET.test(target) && !DOT_SEGMENT.test(target) && canonicalBase(base)) {
      return (this.#url = base + target);
    }
    try {
      this.#url = new URL(target, base).href;
    } catch {
      this.#url = `${base}${target.startsWith("/") ? "" : "/"}${target}`;
    }
    return this.#url;
  }

  /** The request headers. */
  get headers(): Headers {
    return (this.#headers ??= new NodeHeaders(headerMap(this.#incoming))) as unknown as Headers;
  }

  /** Aborts when the client disconnects before the response was sent. */
  get signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#gone) this.#controller.abort(disconnectReason());
    }
    return this.#controller.signal;
  }

  /** Marks the client gone and aborts `signal` if it was handed out. */
  disconnect(): void {
    if (this.#gone) return;
    this.#gone = true;
    this.#controller?.abort(disconnectReason());
  }

  /** The peer address of the connection. */
  get peer(): string | undefined {
    return this.#peer;
  }

  /** Node's parser delivers no more body than the Content-Length it checked. */
  get [FRAMED_BODY](): boolean {
    return true;
  }

  /** What `clientAddressOf` answers: kept here rather than as an entry per request in a map. */
  [PEER_ADDRESS](): string | undefined {
    const peer = this.#peer;
    return peer === "" ? undefined : peer;
  }

  /** The body as a web stream, `null` for GET and HEAD. */
  get body(): ReadableStream<Uint8Array> | null {
    if (this.#real) return this.#real.body;
    if (this.#body !== undefined) return this.#body;
    const method = this.method;
    if (method === "GET" || method === "HEAD" || this.#used) return (this.#body = null);
    const whole = buffered(this.#incoming, this.headers.get("content-length"));
    if (whole) return (this.#body = new ReadableStream(new OneChunk(whole)));
    this.#body = nodeReadableToWeb(this.#incoming, {
      onCancel: "drain",
      highWaterMark: READ_AHEAD_BYTES,
    });
    return this.#body;
  }

  /** Whether the body was read. */
  get bodyUsed(): boolean {
    if (this.#real) return this.#real.bodyUsed;
    return this.#used || (this.#body != null && this.#body.locked);
  }

  /** The whole body as bytes. */
  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    if (this.#real || this.#body !== undefined) return await this.real().bytes();
    const whole = this.#consume();
    // A view of Node's buffer is copied: the caller owns what it gets, `.buffer` included.
    return whole instanceof Promise ? await whole : whole.slice();
  }

  /**
   * Marks the body read and returns it: a view of Node's buffer when it was already whole,
   * else the bytes as they arrive.
   */
  #consume(): Uint8Array | Promise<Uint8Array<ArrayBuffer>> {
    if (this.#used) throw new TypeError("Body is unusable: Body has already been read");
    this.#used = true;
    const method = this.method;
    if (method === "GET" || method === "HEAD") return new Uint8Array(0);
    return buffered(this.#incoming, this.headers.get("content-length")) ??
      readAll(this.#incoming);
  }

  /** The whole body as an `ArrayBuffer`. */
  async arrayBuffer(): Promise<ArrayBuffer> {
    return (await this.bytes()).buffer;
  }

  /** The whole body decoded as UTF-8. */
  async text(): Promise<string> {
    if (this.#real || this.#body !== undefined) return await this.real().text();
    const whole = this.#consume();
    // Decoded where it lies: a body read as text needs no copy of its bytes.
    return utf8.decode(whole instanceof Promise ? await whole : whole);
  }

  /** The whole body parsed as JSON. */
  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  /** The real `Request` for members not served here (`clone`, `formData`, `mode`...). */
  real(): Request {
    if (this.#real) return this.#real;
    const body = this.body;
    const init: RequestInit & { duplex?: "half" } = {
      method: this.method,
      headers: (this.headers as unknown as NodeHeaders).real(),
      signal: this.signal,
    };
    if (body) {
      init.body = body;
      init.duplex = "half"; // Required by Fetch for a streaming request body.
    }
    this.#real = new Request(this.url, init);
    return this.#real;
  }
}

const utf8 = new TextDecoder();

/** The parts of an `IncomingMessage` that tell whether its whole body is already buffered. */
interface BufferingIncoming {
  complete?: boolean;
  readableFlowing?: boolean | null;
  readableLength?: number;
  read?(): unknown;
}

/**
 * The whole body, if Node already parsed all of it (a small POST usually arrives with its
 * head): taken from the stream's buffer at once, with no listeners or pull loop.
 */
function buffered(
  incoming: NodeIncomingMessageLike,
  declared: string | null,
): Uint8Array | undefined {
  const source = incoming as NodeIncomingMessageLike & BufferingIncoming;
  if (source.readableFlowing || typeof source.read !== "function") return undefined;
  // Node's parser delivers no more than Content-Length bytes, and sets `complete` a little later.
  const whole = source.complete === true ||
    (declared !== null && Number(declared) <= (source.readableLength ?? -1));
  if (!whole) return undefined;
  const chunk = source.read();
  // Let the stream run to its end (nothing is left to read), as a consumed body would.
  source.resume();
  if (chunk === null) return new Uint8Array(0);
  if (!(chunk instanceof Uint8Array)) return undefined;
  // A plain view: Node Buffers are Uint8Array subclasses with different `slice` semantics.
  return new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** A stream source that yields one chunk and ends (a class: no closure per request). */
class OneChunk implements UnderlyingDefaultSource<Uint8Array> {
  chunk: Uint8Array;
  constructor(chunk: Uint8Array) {
    this.chunk = chunk;
  }
  start(controller: ReadableStreamDefaultController<Uint8Array>): void {
    if (this.chunk.byteLength > 0) controller.enqueue(this.chunk);
    controller.close();
  }
}

function readAll(source: NodeIncomingMessageLike): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let settled = false;
    source.on("data", (chunk: Uint8Array) => {
      chunks.push(chunk);
      size += chunk.byteLength;
    });
    source.on("end", () => {
      settled = true;
      const bytes = new Uint8Array(size);
      let offset = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, offset);
        offset += chunk.byteLength;
      }
      resolve(bytes);
    });
    source.on("error", (error: Error) => {
      if (settled) return;
      settled = true;
      reject(new TypeError("The request body failed", { cause: error }));
    });
    source.on("close", () => {
      if (settled) return;
      settled = true;
      reject(new TypeError("The request body ended early"));
    });
    source.resume();
  });
}

// Linked when the first request arrives: touching `Headers` or `Request` on Node loads its fetch
// implementation (undici), tens of milliseconds that importing a server need not cost.
let linked = false;
function linkPrototypes(): void {
  linked = true;
  forwardRest(NodeHeaders.prototype, Headers.prototype, (self: NodeHeaders) => self.real());
  Object.setPrototypeOf(NodeHeaders.prototype, Headers.prototype);
  forwardRest(NodeRequest.prototype, Request.prototype, (self: NodeRequest) => self.real());
  Object.setPrototypeOf(NodeRequest.prototype, Request.prototype);
}
