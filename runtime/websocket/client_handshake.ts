/**
 * What a WebSocket client needs from the runtime beyond the web `WebSocket`: whether its
 * constructor takes headers (Deno, Bun and Node do; browsers do not), and why a handshake was
 * refused. The web API reports a refused handshake as a bare `error` event (Node's says nothing
 * at all), so the status and the `WWW-Authenticate` challenge an authorizing client needs are
 * learnt by sending the same handshake again over `node:http`, which Deno, Bun and Node all
 * provide, and reading the answer.
 *
 * @example
 * ```ts
 * import { handshakeRefusal, webSocketTakesHeaders } from "./client_handshake.ts";
 * if (webSocketTakesHeaders()) {
 *   const refusal = await handshakeRefusal("ws://127.0.0.1:1/mcp", ["mcp"], {});
 *   console.log(refusal?.status); // undefined: nothing listens there
 * }
 * ```
 *
 * @module
 */

/** Why a server refused a WebSocket handshake. */
export interface HandshakeRefusal {
  /** The HTTP status of the answer (not 101). */
  status: number;
  /** The `WWW-Authenticate` header of the answer. */
  wwwAuthenticate: string | null;
  /** The `DPoP-Nonce` header of the answer. */
  dpopNonce: string | null;
}

interface RuntimeGlobals {
  Deno?: { version?: { deno?: string } };
  Bun?: { version?: string };
  process?: { versions?: { node?: string } };
}

/**
 * Whether the global `WebSocket` takes `new WebSocket(url, { protocols, headers })`: true on
 * Deno, Bun and Node, false in browsers (where the token travels as a subprotocol instead).
 */
export function webSocketTakesHeaders(): boolean {
  const globals = globalThis as RuntimeGlobals;
  return typeof globals.Deno?.version?.deno === "string" ||
    typeof globals.Bun?.version === "string" ||
    typeof globals.process?.versions?.node === "string";
}

interface NodeHttpLike {
  request(url: string, options: { headers: Record<string, string> }): NodeClientRequestLike;
}

interface NodeClientRequestLike {
  once(event: "response", listener: (response: NodeResponseLike) => void): void;
  once(event: "upgrade", listener: (response: unknown, socket: { destroy(): void }) => void): void;
  once(event: "error", listener: (error: unknown) => void): void;
  setTimeout(ms: number, listener: () => void): void;
  destroy(): void;
  end(): void;
}

interface NodeResponseLike {
  statusCode?: number;
  headers: Record<string, string | string[] | undefined>;
  resume(): void;
}

function header(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(", ") : value;
}

/** A status in a runtime's handshake error ("Invalid status code: 401" on Deno, "… 401" on Bun). */
function statusInMessage(message: string | undefined): HandshakeRefusal | undefined {
  const match = message?.match(/status code:?\s*(\d{3})\b/i);
  return match ? { status: Number(match[1]), wwwAuthenticate: null, dpopNonce: null } : undefined;
}

/**
 * Sends the handshake for `url` with `protocols` and `headers` once more and reports the refusal,
 * or `undefined` when the server accepts it now or cannot be reached (a network failure is no
 * refusal). `errorMessage` is the runtime's error text, used when `node:http` is missing.
 */
export async function handshakeRefusal(
  url: string,
  protocols: readonly string[],
  headers: Record<string, string>,
  errorMessage?: string,
  timeoutMs: number = 10_000,
): Promise<HandshakeRefusal | undefined> {
  const target = new URL(url);
  target.protocol = target.protocol === "wss:" ? "https:" : "http:";
  let http: NodeHttpLike;
  try {
    // Imported on demand: this module also loads in browsers, which never get here.
    http = (target.protocol === "https:"
      ? await import("node:https")
      : await import("node:http")) as unknown as NodeHttpLike;
  } catch {
    return statusInMessage(errorMessage);
  }
  const key = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
  return await new Promise<HandshakeRefusal | undefined>((resolve) => {
    const request = http.request(target.href, {
      headers: {
        ...headers,
        connection: "Upgrade",
        upgrade: "websocket",
        "sec-websocket-version": "13",
        "sec-websocket-key": key,
        "sec-websocket-protocol": protocols.join(", "),
      },
    });
    request.once("response", (response) => {
      response.resume();
      resolve({
        status: response.statusCode ?? 0,
        wwwAuthenticate: header(response.headers["www-authenticate"]),
        dpopNonce: header(response.headers["dpop-nonce"]),
      });
    });
    request.once("upgrade", (_response, socket) => {
      socket.destroy();
      resolve(undefined);
    });
    request.once("error", () => resolve(statusInMessage(errorMessage)));
    request.setTimeout(timeoutMs, () => {
      request.destroy();
      resolve(statusInMessage(errorMessage));
    });
    request.end();
  });
}
