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
const encoder = new TextEncoder();

function isUpgrade(head: RequestHead): boolean {
  return head.method === "GET" &&
    headerValues(head, "upgrade").join(",").toLowerCase().split(/\s*,\s*/).includes("websocket");
}

function requestUrl(head: RequestHead): string | undefined {
  const hosts = headerValues(head, "host");
  if (hosts.length > 1 || (hosts.length === 0 && head.version === "1.1")) return undefined;
  const target = head.target;
  if (target.startsWith("/")) return `http://${hosts[0] ?? "localhost"}${target}`;
  return /^https?:\/\//i.test(target) ? target : undefined;
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
  #inFlight: AbortController | undefined;
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
    this.#inFlight?.abort(new Error("Connection closed"));
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
    if (this.idleSince !== undefined) this.close();
    else this.#inFlight?.abort(new Error("Server shutting down"));
  }

  /** Serves requests until the connection ends; never rejects. */
  async run(): Promise<void> {
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
    const url = requestUrl(head);
    if (framing === undefined || url === undefined || !URL.canParse(url)) {
      return (await this.#refuse(400)) ?? false;
    }
    if (isUpgrade(head)) return this.#handOff(head);
    const inFlight = new AbortController();
    this.#inFlight = inFlight;
    let bodyEnded = framing.kind === "none";
    let answered = false;
    const leave = (): void => {
      if (!answered) inFlight.abort(new Error("Client disconnected"));
    };
    const body = framing.kind === "none" ? null : bodyStream(this.#reader, framing, {
      onStart: () => {
        if (headerValues(head, "expect").some((value) => value.toLowerCase() === "100-continue")) {
          writeAll(this.#connection, encoder.encode("HTTP/1.1 100 Continue\r\n\r\n")).catch(
            () => {},
          );
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
    if (body !== null && !bodyless) {
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
    if (bodyEnded) this.#reader.watchEnd(leave);
    const response = await this.#context.handler(request);
    const outcome = await writeResponse(this.#connection, response, {
      head: head.method === "HEAD",
      http10: head.version === "1.0",
      keepAlive: wantsKeepAlive(head) && !this.#closing,
      signal: inFlight.signal,
    });
    answered = outcome !== "failed";
    this.#inFlight = undefined;
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
