/**
 * The server side of the RFC 6455 opening handshake: checking an upgrade request, the
 * `Sec-WebSocket-Accept` digest, the offered subprotocols, and the bytes of the `101` answer or of
 * a refusal. Pure apart from Web Crypto (SHA-1), so it runs anywhere.
 *
 * @example
 * ```ts
 * import { checkUpgradeRequest, computeAcceptKey } from "./handshake.ts";
 * const check = checkUpgradeRequest({
 *   method: "GET",
 *   headers: {
 *     upgrade: "websocket",
 *     connection: "Upgrade",
 *     "sec-websocket-version": "13",
 *     "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
 *     "sec-websocket-protocol": "mcp, mcp.version.2026-07-28",
 *   },
 * });
 * if (check.ok) {
 *   console.log(check.protocols); // ["mcp", "mcp.version.2026-07-28"]
 *   console.log(await computeAcceptKey(check.key)); // s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
 * }
 * ```
 *
 * @module
 */

/**
 * The parts of an HTTP upgrade request the handshake reads. Node's `http.IncomingMessage` fits:
 * header names are lower-case, repeated headers are joined or listed.
 */
export interface WebSocketUpgradeRequestLike {
  /** The request method; only `GET` may upgrade. */
  readonly method?: string;
  /** `"1.1"` and the like; the handshake needs HTTP/1.1 or later. */
  readonly httpVersion?: string;
  /** Request headers by lower-case name. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
}

/** An HTTP answer that refuses an upgrade, such as 401 or 403 from an auth or Origin check. */
export interface WebSocketHandshakeRefusal {
  /** An HTTP status from 300 to 599. */
  readonly status: number;
  /** Extra response headers, such as `WWW-Authenticate`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** A plain-text body; the status text when absent. */
  readonly body?: string;
}

/** The outcome of {@link checkUpgradeRequest}. */
export type WebSocketHandshakeCheck =
  | {
    readonly ok: true;
    /** The client's `Sec-WebSocket-Key`, to answer with {@link computeAcceptKey}. */
    readonly key: string;
    /** The subprotocols offered in `Sec-WebSocket-Protocol`, in the client's order. */
    readonly protocols: readonly string[];
  }
  | { readonly ok: false; readonly refusal: WebSocketHandshakeRefusal };

/** The GUID RFC 6455 §1.3 appends to the key before hashing. */
export const WEBSOCKET_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

// 16 bytes in base64: 21 free characters, a 22nd carrying 2 bits (its low 4 bits zero), "==".
const KEY_PATTERN = /^[A-Za-z0-9+/]{21}[AQgw]==$/;
const TOKEN_PATTERN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const HEADER_VALUE_PATTERN = /^[\t\x20-\x7e]*$/;
// Set by refusalResponse itself: a refusal cannot change how its body is framed.
const FRAMING_HEADERS = new Set(["connection", "content-length", "transfer-encoding"]);

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  426: "Upgrade Required",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

const encoder = new TextEncoder();

function header(request: WebSocketUpgradeRequestLike, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" || value === undefined ? value : value.join(", ");
}

/** Whether the comma-separated header `value` lists `token` (case-insensitively). */
function listsToken(value: string | undefined, token: string): boolean {
  if (value === undefined) return false;
  return value.split(",").some((item) => item.trim().toLowerCase() === token);
}

function badRequest(body: string): WebSocketHandshakeCheck {
  return { ok: false, refusal: { status: 400, body } };
}

/**
 * Parses a `Sec-WebSocket-Protocol` value into its tokens, in order; empty list elements are
 * skipped. `undefined` when an element is not an HTTP token or one is repeated.
 *
 * @example
 * ```ts
 * import { parseProtocolHeader } from "./handshake.ts";
 * console.log(parseProtocolHeader("mcp, mcp.auth.eyJhbGciOi")); // ["mcp", "mcp.auth.eyJhbGciOi"]
 * console.log(parseProtocolHeader("mcp, mcp")); // undefined
 * ```
 */
export function parseProtocolHeader(value: string | undefined): string[] | undefined {
  const protocols: string[] = [];
  if (value === undefined) return protocols;
  for (const item of value.split(",")) {
    const protocol = item.trim();
    if (protocol === "") continue;
    if (!TOKEN_PATTERN.test(protocol) || protocols.includes(protocol)) return undefined;
    protocols.push(protocol);
  }
  return protocols;
}

/**
 * Checks that `request` is a WebSocket version 13 opening handshake (RFC 6455 §4.2.1): GET over
 * HTTP/1.1+, `Upgrade: websocket`, a `Connection` listing `upgrade`, a 16-byte base64
 * `Sec-WebSocket-Key` and well-formed subprotocols; else a 400 refusal. A version other than 13
 * gets 426 with `Sec-WebSocket-Version: 13`, as §4.4 asks.
 *
 * @example
 * ```ts
 * import { checkUpgradeRequest } from "./handshake.ts";
 * const check = checkUpgradeRequest({ method: "GET", headers: { upgrade: "websocket" } });
 * if (!check.ok) console.log(check.refusal.status); // 400
 * ```
 */
export function checkUpgradeRequest(request: WebSocketUpgradeRequestLike): WebSocketHandshakeCheck {
  if (request.method !== "GET") {
    return { ok: false, refusal: { status: 405, headers: { Allow: "GET" }, body: "Use GET" } };
  }
  const version = request.httpVersion;
  if (version !== undefined && (version === "0.9" || version === "1.0")) {
    return badRequest("A WebSocket handshake needs HTTP/1.1");
  }
  if (!listsToken(header(request, "upgrade"), "websocket")) {
    return badRequest("Upgrade: websocket is missing");
  }
  if (!listsToken(header(request, "connection"), "upgrade")) {
    return badRequest("Connection: upgrade is missing");
  }
  if (header(request, "sec-websocket-version")?.trim() !== "13") {
    return {
      ok: false,
      refusal: {
        status: 426,
        headers: { "Sec-WebSocket-Version": "13" },
        body: "Only WebSocket version 13 is supported",
      },
    };
  }
  const key = header(request, "sec-websocket-key")?.trim();
  if (key === undefined || !KEY_PATTERN.test(key)) {
    return badRequest("Sec-WebSocket-Key must be 16 bytes in base64");
  }
  const protocols = parseProtocolHeader(header(request, "sec-websocket-protocol"));
  if (protocols === undefined) {
    return badRequest("Sec-WebSocket-Protocol must list distinct tokens");
  }
  return { ok: true, key, protocols };
}

/**
 * The `Sec-WebSocket-Accept` value for a client key: base64 of SHA-1 over the key and the GUID.
 *
 * @example
 * ```ts
 * import { computeAcceptKey } from "./handshake.ts";
 * console.log(await computeAcceptKey("dGhlIHNhbXBsZSBub25jZQ==")); // s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
 * ```
 */
export async function computeAcceptKey(key: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-1", encoder.encode(key + WEBSOCKET_GUID)),
  );
  let binary = "";
  for (const byte of digest) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function headerLines(headers: Readonly<Record<string, string>>): string {
  let lines = "";
  for (const [name, value] of Object.entries(headers)) {
    if (!TOKEN_PATTERN.test(name) || FRAMING_HEADERS.has(name.toLowerCase())) {
      throw new TypeError(`A refusal cannot carry a header named ${JSON.stringify(name)}`);
    }
    if (!HEADER_VALUE_PATTERN.test(value)) {
      throw new TypeError(`The ${name} header must be printable ASCII`);
    }
    lines += `${name}: ${value}\r\n`;
  }
  return lines;
}

/**
 * The bytes of the `101 Switching Protocols` answer that completes the handshake, naming the
 * chosen subprotocol if any.
 *
 * @example
 * ```ts
 * import { acceptResponse } from "./handshake.ts";
 * const bytes: Uint8Array = acceptResponse("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "mcp");
 * console.log(new TextDecoder().decode(bytes).split("\r\n")[0]); // HTTP/1.1 101 Switching Protocols
 * ```
 */
export function acceptResponse(accept: string, protocol?: string): Uint8Array {
  if (protocol !== undefined && !TOKEN_PATTERN.test(protocol)) {
    throw new TypeError(`Invalid subprotocol ${JSON.stringify(protocol)}`);
  }
  const protocolLine = protocol === undefined ? "" : `Sec-WebSocket-Protocol: ${protocol}\r\n`;
  return encoder.encode(
    "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
      `Sec-WebSocket-Accept: ${accept}\r\n${protocolLine}\r\n`,
  );
}

/**
 * The bytes of an HTTP answer refusing the upgrade; the connection closes after it. Throws
 * `RangeError` for a status outside 300–599 and `TypeError` for a malformed header.
 *
 * @example
 * ```ts
 * import { refusalResponse } from "./handshake.ts";
 * const bytes: Uint8Array = refusalResponse({
 *   status: 401,
 *   headers: { "WWW-Authenticate": 'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"' },
 * });
 * console.log(new TextDecoder().decode(bytes).split("\r\n")[0]); // HTTP/1.1 401 Unauthorized
 * ```
 */
export function refusalResponse(refusal: WebSocketHandshakeRefusal): Uint8Array {
  const { status } = refusal;
  if (!Number.isInteger(status) || status < 300 || status > 599) {
    throw new RangeError(`A refusal needs an HTTP status from 300 to 599, not ${status}`);
  }
  const text = STATUS_TEXT[status] ?? "";
  const body = encoder.encode(refusal.body ?? text);
  const extra = refusal.headers ?? {};
  const typed = Object.keys(extra).some((name) => name.toLowerCase() === "content-type");
  const head = `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\n` +
    (typed ? "" : "Content-Type: text/plain; charset=utf-8\r\n") +
    `Content-Length: ${body.length}\r\n${headerLines(extra)}\r\n`;
  const headBytes = encoder.encode(head);
  const response = new Uint8Array(headBytes.length + body.length);
  response.set(headBytes);
  response.set(body, headBytes.length);
  return response;
}
