/**
 * Shared pieces of the WebSocket tests: deferreds, a bounded wait, a real `node:http` server
 * with our upgrade listener, hand-made client frames and a raw TCP client that speaks them.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect, type Socket } from "node:net";
import WebSocket from "ws";
import type { NodeWebSocket } from "../../../runtime/websocket/node_websocket.ts";
import {
  websocketUpgradeListener,
  type WebSocketUpgradeOptions,
} from "../../../runtime/websocket/node_upgrade.ts";
import { type Deferred, deferred, within } from "../../async.ts";

export { type Deferred, deferred, within };

export const encoder: TextEncoder = new TextEncoder();
export const decoder: TextDecoder = new TextDecoder();

/** A queue of values that tests await one at a time. */
export class Inbox<T> {
  #items: T[] = [];
  #waiters: ((value: T) => void)[] = [];

  push(value: T): void {
    const waiter = this.#waiters.shift();
    if (waiter === undefined) this.#items.push(value);
    else waiter(value);
  }

  next(what: string, ms: number = 10_000): Promise<T> {
    const item = this.#items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return within(new Promise<T>((resolve) => this.#waiters.push(resolve)), ms, what);
  }

  get size(): number {
    return this.#items.length;
  }
}

export interface TestServer {
  port: number;
  url: string;
  /** Every socket accepted, in order. */
  sockets: Inbox<{ socket: NodeWebSocket; request: IncomingMessage }>;
  errors: unknown[];
  /** Resolves once no TCP connection to the server is open. */
  idle(): Promise<void>;
  close(): Promise<void>;
}

/** A `node:http` server on 127.0.0.1 whose `upgrade` event runs our listener. */
export async function startServer(
  onSocket: (socket: NodeWebSocket, request: IncomingMessage) => void = () => {},
  options: WebSocketUpgradeOptions<IncomingMessage> = {},
): Promise<TestServer> {
  const sockets = new Inbox<{ socket: NodeWebSocket; request: IncomingMessage }>();
  const errors: unknown[] = [];
  const server: Server = createServer((_request, response) => {
    response.statusCode = 404;
    response.end();
  });
  server.on(
    "upgrade",
    websocketUpgradeListener((socket, request: IncomingMessage) => {
      onSocket(socket, request);
      sockets.push({ socket, request });
    }, { onError: (error) => errors.push(error), ...options }),
  );
  const open = new Set<Socket>();
  let idleWaiters: (() => void)[] = [];
  server.on("connection", (socket: Socket) => {
    open.add(socket);
    socket.on("close", () => {
      open.delete(socket);
      if (open.size > 0) return;
      for (const resolve of idleWaiters) resolve();
      idleWaiters = [];
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  const port = typeof address === "object" && address !== null ? address.port : 0;
  return {
    port,
    url: `ws://127.0.0.1:${port}/mcp`,
    sockets,
    errors,
    idle: () =>
      within(
        open.size === 0
          ? Promise.resolve()
          : new Promise<void>((resolve) => idleWaiters.push(resolve)),
        5_000,
        "every server-side connection to close",
      ),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A `ws` client, opened. */
export async function openClient(
  url: string,
  protocols: string[] = [],
  options: WebSocket.ClientOptions = {},
): Promise<WebSocket> {
  const client = new WebSocket(url, protocols, { perMessageDeflate: false, ...options });
  await within(
    new Promise<void>((resolve, reject) => {
      client.once("open", () => resolve());
      client.once("error", reject);
    }),
    10_000,
    "the ws client to open",
  );
  return client;
}

export interface ClientClose {
  code: number;
  reason: string;
}

/** Resolves with the code and reason of the `ws` client's close event. */
export function clientClosed(client: WebSocket): Promise<ClientClose> {
  return new Promise((resolve) =>
    client.once(
      "close",
      (code: number, reason: Uint8Array) => resolve({ code, reason: decoder.decode(reason) }),
    )
  );
}

export interface FrameOptions {
  fin?: boolean;
  rsv?: number;
  mask?: Uint8Array | false;
  /** Forces the length encoding: 7, 16 or 64 bits. */
  lengthBits?: 7 | 16 | 64;
}

/** A client frame built by hand: masked with 1 2 3 4 unless told otherwise. */
export function clientFrame(
  opcode: number,
  payload: Uint8Array | string,
  options: FrameOptions = {},
): Uint8Array {
  const data = typeof payload === "string" ? encoder.encode(payload) : payload;
  const mask = options.mask === undefined ? new Uint8Array([1, 2, 3, 4]) : options.mask;
  const bits = options.lengthBits ??
    (data.length <= 125 ? 7 : data.length <= 0xffff ? 16 : 64);
  const extended = bits === 7 ? 0 : bits === 16 ? 2 : 8;
  const header = 2 + extended + (mask ? 4 : 0);
  const frame = new Uint8Array(header + data.length);
  frame[0] = (options.fin === false ? 0 : 0x80) | ((options.rsv ?? 0) << 4) | opcode;
  frame[1] = (mask ? 0x80 : 0) | (bits === 7 ? data.length : bits === 16 ? 126 : 127);
  const view = new DataView(frame.buffer);
  if (bits === 16) view.setUint16(2, data.length);
  if (bits === 64) view.setBigUint64(2, BigInt(data.length));
  if (mask) frame.set(mask, 2 + extended);
  for (let i = 0; i < data.length; i++) {
    frame[header + i] = mask ? data[i] ^ mask[i & 3] : data[i];
  }
  return frame;
}

/** A close payload: the code in two bytes, then the reason. */
export function closePayload(code: number, reason: string | Uint8Array = ""): Uint8Array {
  const bytes = typeof reason === "string" ? encoder.encode(reason) : reason;
  const payload = new Uint8Array(2 + bytes.length);
  payload[0] = code >> 8;
  payload[1] = code & 0xff;
  payload.set(bytes, 2);
  return payload;
}

/** A server frame read back by the raw client. */
export interface ServerFrame {
  fin: boolean;
  opcode: number;
  masked: boolean;
  payload: Uint8Array;
}

/**
 * A TCP client that does the handshake by hand and then reads unmasked server frames,
 * so tests can send what no well-behaved client library would.
 */
export class RawClient {
  readonly socket: Socket;
  readonly frames: Inbox<ServerFrame> = new Inbox();
  readonly ended: Promise<void>;
  #buffer = new Uint8Array(0);
  #head: Deferred<string> = deferred();
  #handshakeDone = false;

  private constructor(socket: Socket) {
    this.socket = socket;
    const ended = deferred();
    this.ended = ended.promise;
    socket.on("data", (chunk: Uint8Array) => this.#onData(chunk));
    socket.on("end", () => ended.resolve());
    socket.on("close", () => ended.resolve());
    socket.on("error", () => ended.resolve());
  }

  /** Connects and sends `request` (the default: a valid handshake to /mcp). */
  static async connect(port: number, request?: string | Uint8Array): Promise<RawClient> {
    const socket = connect(port, "127.0.0.1");
    await within(
      new Promise<void>((resolve, reject) => {
        socket.once("connect", resolve);
        socket.once("error", reject);
      }),
      10_000,
      "the raw client to connect",
    );
    const client = new RawClient(socket);
    socket.write(request ?? handshakeRequest());
    return client;
  }

  /** The response head (status line and headers) of the handshake. */
  head(): Promise<string> {
    return within(this.#head.promise, 10_000, "the handshake response");
  }

  /** Bytes received after the response head that are not yet parsed as frames. */
  get leftover(): Uint8Array {
    return this.#buffer;
  }

  write(bytes: Uint8Array): void {
    this.socket.write(bytes);
  }

  #onData(chunk: Uint8Array): void {
    const joined = new Uint8Array(this.#buffer.length + chunk.length);
    joined.set(this.#buffer);
    joined.set(chunk, this.#buffer.length);
    this.#buffer = joined;
    if (!this.#handshakeDone) {
      const text = decoder.decode(this.#buffer);
      const end = text.indexOf("\r\n\r\n");
      if (end < 0) return;
      this.#handshakeDone = true;
      const headBytes = encoder.encode(text.slice(0, end + 4)).length;
      this.#buffer = this.#buffer.subarray(headBytes);
      this.#head.resolve(text.slice(0, end));
    }
    this.#parseFrames();
  }

  #parseFrames(): void {
    while (this.#buffer.length >= 2) {
      const b = this.#buffer;
      let length = b[1] & 0x7f;
      let offset = 2;
      if (length === 126) {
        if (b.length < 4) return;
        length = (b[2] << 8) | b[3];
        offset = 4;
      } else if (length === 127) {
        if (b.length < 10) return;
        length = Number(new DataView(b.buffer, b.byteOffset + 2, 8).getBigUint64(0));
        offset = 10;
      }
      const masked = (b[1] & 0x80) !== 0;
      if (masked) offset += 4;
      if (b.length < offset + length) return;
      this.frames.push({
        fin: (b[0] & 0x80) !== 0,
        opcode: b[0] & 0x0f,
        masked,
        payload: b.slice(offset, offset + length),
      });
      this.#buffer = b.subarray(offset + length);
    }
  }
}

/** A valid opening handshake, with header lines replaced or removed (value `undefined`). */
export function handshakeRequest(
  overrides: Record<string, string | undefined> = {},
  requestLine: string = "GET /mcp HTTP/1.1",
): string {
  const headers: Record<string, string | undefined> = {
    Host: "127.0.0.1",
    Upgrade: "websocket",
    Connection: "Upgrade",
    "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    "Sec-WebSocket-Version": "13",
    ...overrides,
  };
  let text = `${requestLine}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) text += `${name}: ${value}\r\n`;
  }
  return text + "\r\n";
}

/** The close code and reason in a close frame's payload. */
export function parseClose(payload: Uint8Array): ClientClose {
  if (payload.length === 0) return { code: 1005, reason: "" };
  return { code: (payload[0] << 8) | payload[1], reason: decoder.decode(payload.subarray(2)) };
}

/** Reads frames until a close frame and returns its code and reason. */
export async function nextClose(client: RawClient, what: string): Promise<ClientClose> {
  for (let i = 0; i < 100_000; i++) {
    const frame = await client.frames.next(what);
    if (frame.opcode === 0x8) return parseClose(frame.payload);
  }
  throw new Error(`no close frame: ${what}`);
}

/** Splits unmasked server bytes into frames (the bytes must hold whole frames). */
export function parseServerFrames(bytes: Uint8Array): ServerFrame[] {
  const frames: ServerFrame[] = [];
  let rest = bytes;
  while (rest.length > 0) {
    let length = rest[1] & 0x7f;
    let offset = 2;
    if (length === 126) {
      length = (rest[2] << 8) | rest[3];
      offset = 4;
    } else if (length === 127) {
      length = Number(new DataView(rest.buffer, rest.byteOffset + 2, 8).getBigUint64(0));
      offset = 10;
    }
    const masked = (rest[1] & 0x80) !== 0;
    if (masked) offset += 4;
    frames.push({
      fin: (rest[0] & 0x80) !== 0,
      opcode: rest[0] & 0x0f,
      masked,
      payload: rest.slice(offset, offset + length),
    });
    rest = rest.subarray(offset + length);
  }
  return frames;
}
