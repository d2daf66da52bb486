/**
 * One connection of our HTTP/1.1 server: request after request (keep-alive, pipelining), each
 * head read under a deadline, each body under another, the handler's signal aborted when the
 * client leaves before its answer is out, and WebSocket handshakes handed to our RFC 6455 layer.
 *
 * @module
 */
import { setClientAddress } from "../client_address.ts";
import type {
  NodeUpgradeListener,
  NodeUpgradeRequestLike,
} from "../websocket/node_serve_upgrade.ts";
import { type BodyFraming, bodyFraming, bodyStream, drainBody } from "./body.ts";
import { connectionDuplex, type DuplexConnection } from "./conn_duplex.ts";
import { headerValues, parseRequestHead, type RequestHead, wantsKeepAlive } from "./head.ts";
import { wholeRequest } from "./lazy_request.ts";
import { ConnectionReader } from "./reader.ts";
import { errorResponseBytes, writeAll, writeResponse } from "./response.ts";

/** Limits of one connection, in milliseconds and bytes. */
export interface ConnectionLimits {
  /** How long a request head may take to arrive, counted from the connection (or the last answer). */
  headTimeoutMs: number;
  /** How long a request body may take to arrive once the handler starts reading it. */
  bodyTimeoutMs: number;
  /** The largest request head; larger is refused with 431. */
  maxHeadBytes: number;
}

/** What a connection needs from its server. */
export interface ConnectionContext {
  /** The guarded handler (it never throws). */
  handler: (request: Request) => Promise<Response>;
  /** Serves WebSocket handshakes. */
  upgrade: NodeUpgradeListener;
  /** The limits. */
  limits: ConnectionLimits;
}

/** Bodies left unread up to this size are read and dropped to keep the connection; larger close it. */
const MAX_DRAIN_BYTES = 64 * 1024;
/** `Content-Length` bodies up to this size are read before the handler runs (a lazy request). */
const MAX_PREREAD_BYTES = 64 * 1024;
/** The connection's buffer for whole answers; larger ones get a buffer of their own. */
const SCRATCH_BYTES = 8 * 1024;
const CONTINUE = new TextEncoder().encode("HTTP/1.1 100 Continue\r\n\r\n");

function isUpgrade(head: RequestHead): boolean {
  return head.method === "GET" &&
    headerValues(head, "upgrade").join(",").toLowerCase().split(/\s*,\s*/).includes("websocket");
}

const hostsValid = new Map<string, boolean>();

/** Whether `http://<host>` parses, asked of the URL parser once per distinct Host. */
function validHost(host: string): boolean {
  let valid = hostsValid.get(host);
  if (valid === undefined) {
    // Empty, or several joined with a comma (RFC 9112 §3.2), is refused like a malformed one.
    valid = host !== "" && !host.includes(",") && URL.canParse(`http://${host}/`);
    if (hostsValid.size >= 256) hostsValid.clear(); // Hosts are client-chosen.
    hostsValid.set(host, valid);
  }
  return valid;
}

/**
 * Whether the head names one well-formed host (none only in HTTP/1.0) and an origin-form or
 * http(s) absolute target, so that its URL parses: anything else (authority form, `*`) is
 * answered 400 before any handler sees it.
 */
function addressable(head: RequestHead): boolean {
  let hosts = 0;
  let host = "localhost";
  for (const [name, value] of head.headers) {
    if (name === "host") {
      hosts++;
      host = value;
    }
  }
  if (hosts > 1 || (hosts === 0 && head.version === "1.1") || !validHost(host)) return false;
  const target = head.target;
  // After a Host that parses, an origin-form target always does (the path parser never fails).
  if (target.charCodeAt(0) === 47) return true;
  return /^https?:\/\//i.test(target) && URL.canParse(target);
}

function expectsContinue(head: RequestHead): boolean {
  return headerValues(head, "expect").some((value) => value.toLowerCase() === "100-continue");
}

/** The URL of an {@link addressable} head. */
function requestUrl(head: RequestHead): string {
  const target = head.target;
  if (target.charCodeAt(0) !== 47) return target;
  return `http://${headerValues(head, "host")[0] ?? "localhost"}${target}`;
}

function upgradeRequest(
  head: RequestHead,
  remoteAddress: string | undefined,
): NodeUpgradeRequestLike {
  const headers: Record<string, string | string[]> = {};
  const rawHeaders: string[] = [];
  for (const [name, value] of head.headers) {
    rawHeaders.push(name, value);
    const known = headers[name];
    headers[name] = known === undefined ? value : [...[known].flat(), value];
  }
  const ignore = (): void => {};
  return {
    method: head.method,
    url: head.target,
    httpVersion: head.version,
    headers,
    rawHeaders,
    socket: { remoteAddress },
    on: ignore,
    pause: ignore,
    resume: ignore,
    destroy: ignore,
  };
}

/** A served connection; the server's registry sees when it is idle, and can close it. */
export class Http1Connection {
  /** When it started waiting for a request head; `undefined` while a request is served. */
  idleSince: number | undefined = Date.now();
  /** When the current wait (head, body) times out, `Date.now()` scale. */
  deadline: number;
  #connection: DuplexConnection;
  #reader: ConnectionReader;
  #context: ConnectionContext;
  #remoteAddress: string | undefined;
  #closed = false;
  #closing = false;
  #handedOff = false;
  #scratch: Uint8Array | undefined;
  #peerGone = false;
  #onShut: (() => void) | undefined;
  #abortInFlight: ((reason: Error) => void) | undefined;
  #onClosed: () => void;

  /** Serves `connection` with `context`; `onClosed` runs once when it closes. */
  constructor(
    connection: DuplexConnection,
    remoteAddress: string | undefined,
    context: ConnectionContext,
    onClosed: () => void,
  ) {
    this.#connection = connection;
    this.#reader = new ConnectionReader(connection);
    this.#context = context;
    this.#remoteAddress = remoteAddress;
    this.#onClosed = onClosed;
    this.deadline = Date.now() + context.limits.headTimeoutMs;
  }

  /** Closes the connection now, cutting any answer in flight. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#abortInFlight?.(new Error("Connection closed"));
    this.#onShut?.();
    try {
      this.#connection.close();
    } catch {
      // Already closed.
    }
    if (!this.#handedOff) this.#onClosed();
  }

  /** Server shutdown: an idle connection closes now, a busy one after its answer (a stream is cut). */
  shutdown(): void {
    this.#closing = true;
    if (this.#handedOff) return; // a WebSocket: the server's socket registry closes it with 1001
    // Idle, or its client left: no answer to wait for (a handler may never settle).
    if (this.idleSince !== undefined || this.#peerGone) this.close();
    else this.#abortInFlight?.(new Error("Server shutting down"));
  }

  /** The client left: a stopping server stops waiting for this connection's handler. */
  #leave(): void {
    this.#peerGone = true;
    if (this.#closing) this.close();
  }

  /**
   * Serves requests until the connection ends; never rejects. Resolves once it is closed even
   * if a handler never settles (its client gone, the server stopping).
   */
  run(): Promise<void> {
    return Promise.race([
      this.#serveAll(),
      new Promise<void>((resolve) => (this.#onShut = resolve)),
    ]);
  }

  async #serveAll(): Promise<void> {
    try {
      while (!this.#closed && !this.#closing) {
        this.idleSince = Date.now();
        this.deadline = this.idleSince + this.#context.limits.headTimeoutMs;
        const head = await this.#readHead();
        if (head === undefined) break;
        this.idleSince = undefined;
        this.deadline = Infinity;
        if (!(await this.#serve(head))) break;
      }
    } catch {
      // A failed write or read: the connection is closed below.
    } finally {
      if (!this.#handedOff) this.close();
    }
  }

  async #readHead(): Promise<RequestHead | undefined> {
    const limit = this.#context.limits.maxHeadBytes;
    let searched = 0;
    while (true) {
      const buffered = this.#reader.buffered;
      const parsed = parseRequestHead(buffered, limit, searched);
      if (parsed.kind === "head") {
        this.#reader.consume(parsed.length);
        return parsed.head;
      }
      if (parsed.kind === "invalid") return await this.#refuse(parsed.status);
      searched = buffered.length;
      if (!(await this.#reader.fill(limit + 4))) return undefined;
    }
  }

  async #refuse(status: number): Promise<undefined> {
    await writeAll(this.#connection, errorResponseBytes(status)).catch(() => {});
    return undefined;
  }

  /** Serves one request; resolves whether the connection may carry another. */
  async #serve(head: RequestHead): Promise<boolean> {
    const framing = bodyFraming(head);
    if (framing === undefined || !addressable(head)) return (await this.#refuse(400)) ?? false;
    if (isUpgrade(head)) return this.#handOff(head);
    if (framing.kind === "none") return await this.#serveWhole(head, null);
    if (
      framing.kind === "length" && framing.length <= MAX_PREREAD_BYTES && !expectsContinue(head)
    ) {
      const body = await this.#readWhole(framing.length);
      return body !== undefined && (await this.#serveWhole(head, body));
    }
    return await this.#serveStreamed(head, framing);
  }

  /** Reads a body of `length` bytes under the body deadline; `undefined` if the client left. */
  async #readWhole(length: number): Promise<Uint8Array | undefined> {
    if (this.#reader.buffered.length < length) {
      this.deadline = Date.now() + this.#context.limits.bodyTimeoutMs;
      // A server shutting down does not wait for a body still on its way.
      this.#abortInFlight = () => this.close();
      while (this.#reader.buffered.length < length) {
        if (!(await this.#reader.fill(length))) return undefined;
      }
      this.#abortInFlight = undefined;
      this.deadline = Infinity;
    }
    return this.#reader.take(length);
  }

  /** Serves a request whose body (if any) is all read, with a lazy request. */
  async #serveWhole(head: RequestHead, body: Uint8Array | null): Promise<boolean> {
    const request = wholeRequest(head, body, this.#remoteAddress);
    let answered = false;
    this.#abortInFlight = () => request.disconnect();
    this.#reader.watchEnd(() => {
      this.#leave();
      if (!answered) request.disconnect();
    });
    const response = await this.#context.handler(request as unknown as Request);
    const outcome = await writeResponse(this.#connection, response, {
      head: head.method === "HEAD",
      http10: head.version === "1.0",
      keepAlive: wantsKeepAlive(head) && !this.#closing,
      get signal(): AbortSignal {
        return request.signal;
      },
      scratch: this.#scratch ??= new Uint8Array(SCRATCH_BYTES),
    });
    answered = outcome !== "failed";
    this.#abortInFlight = undefined;
    if (!answered) request.disconnect();
    return outcome === "complete";
  }

  /** Serves a request whose body is streamed to the handler as it arrives. */
  async #serveStreamed(head: RequestHead, framing: BodyFraming): Promise<boolean> {
    const url = requestUrl(head);
    const inFlight = new AbortController();
    this.#abortInFlight = (reason) => inFlight.abort(reason);
    let bodyEnded = false;
    let answered = false;
    const leave = (): void => {
      this.#leave();
      if (!answered) inFlight.abort(new Error("Client disconnected"));
    };
    const body = bodyStream(this.#reader, framing, {
      onStart: () => {
        if (expectsContinue(head)) {
          writeAll(this.#connection, CONTINUE).catch(() => {});
        }
        this.deadline = Date.now() + this.#context.limits.bodyTimeoutMs;
      },
      onEnd: () => {
        bodyEnded = true;
        this.deadline = Infinity;
        this.#reader.watchEnd(leave);
      },
    });
    const bodyless = head.method === "GET" || head.method === "HEAD";
    const init: RequestInit & { duplex?: "half" } = {
      method: head.method,
      headers: head.headers,
      signal: inFlight.signal,
    };
    if (!bodyless) {
      init.body = body;
      init.duplex = "half";
    }
    let request: Request;
    try {
      request = new Request(url, init);
    } catch {
      return (await this.#refuse(400)) ?? false;
    }
    setClientAddress(request, this.#remoteAddress);
    const response = await this.#context.handler(request);
    const outcome = await writeResponse(this.#connection, response, {
      head: head.method === "HEAD",
      http10: head.version === "1.0",
      keepAlive: wantsKeepAlive(head) && !this.#closing,
      signal: inFlight.signal,
      scratch: this.#scratch ??= new Uint8Array(SCRATCH_BYTES),
    });
    answered = outcome !== "failed";
    this.#abortInFlight = undefined;
    if (!answered) {
      inFlight.abort(new Error("Client disconnected"));
      return false;
    }
    if (outcome === "complete-close") return false;
    return bodyEnded || (await this.#drain(body, framing));
  }

  async #drain(body: ReadableStream<Uint8Array> | null, framing: BodyFraming): Promise<boolean> {
    if (body === null || body.locked) return false;
    if (framing.kind !== "length" || framing.length > MAX_DRAIN_BYTES) return false;
    this.deadline = Date.now() + this.#context.limits.bodyTimeoutMs;
    try {
      await drainBody(body);
      return true;
    } catch {
      return false;
    }
  }

  #handOff(head: RequestHead): boolean {
    this.#handedOff = true;
    this.idleSince = undefined;
    this.deadline = Infinity;
    const buffered = this.#reader.take(this.#reader.buffered.length);
    const duplex = connectionDuplex(this.#connection, new Uint8Array(), () => {
      this.#closed = true;
      this.#onClosed();
    });
    this.#context.upgrade(upgradeRequest(head, this.#remoteAddress), duplex, buffered);
    return false;
  }
}
