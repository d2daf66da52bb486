/**
 * HTTP building blocks shared by the Streamable HTTP and legacy HTTP+SSE
 * server transports: SSE response streams, bounded body reading, JSON
 * responses and session ids.
 *
 * @module
 */
import { errorResponse, type RequestId } from "../../protocol/jsonrpc.ts";
import { encodeSseComment } from "../../protocol/sse.ts";
import { ErrorCode } from "../../protocol/errors.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { type OriginPolicy, originProblem } from "./origin_guard.ts";
import { backgroundInterval } from "../../runtime/timers.ts";

/** A server-sent event stream to hand out as a response body. */
export interface SseWriter {
  /** The response body. */
  readonly readable: ReadableStream<Uint8Array>;
  /** Whether the stream ended (closed here or cancelled by the client). */
  readonly closed: boolean;
  /** Writes encoded SSE text. */
  write(text: string): void;
  /** Ends the stream. */
  close(): void;
}

const encoder = new TextEncoder();
const utf8 = new TextDecoder();

/** Response headers of an SSE stream; `X-Accel-Buffering` keeps proxies from buffering it. */
export const SSE_HEADERS: { readonly [name: string]: string } = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache, no-transform",
  "x-accel-buffering": "no",
};

/**
 * Creates an SSE stream. `onCancel` runs when the client goes away; with
 * `keepAliveMs`, a comment is sent at that interval (the timer never holds
 * the process open).
 */
export function createSseWriter(onCancel: () => void, keepAliveMs?: number): SseWriter {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let closed = false;
  let timer: ReturnType<typeof setInterval> | undefined;
  const stop = () => {
    closed = true;
    if (timer !== undefined) clearInterval(timer);
  };
  const readable = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
    },
    cancel() {
      stop();
      onCancel();
    },
  });
  const writer: SseWriter = {
    readable,
    get closed() {
      return closed;
    },
    write(text) {
      if (closed) return;
      try {
        controller.enqueue(encoder.encode(text));
      } catch {
        stop();
      }
    },
    close() {
      if (closed) return;
      stop();
      try {
        controller.close();
      } catch {
        // Already errored by a disconnect.
      }
    },
  };
  if (keepAliveMs && keepAliveMs > 0) {
    timer = backgroundInterval(() => writer.write(encodeSseComment()), keepAliveMs);
  }
  return writer;
}

const JSON_HEADERS = { "content-type": "application/json" };

/** A JSON response; no body when `body` is undefined. */
export function json(status: number, body: unknown, headers?: HeadersInit): Response {
  if (body === undefined) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), {
    status,
    headers: headers ? { ...JSON_HEADERS, ...headers } : JSON_HEADERS,
  });
}

/** A JSON-RPC error response with an HTTP status. */
export function rpcError(
  status: number,
  code: number,
  message: string,
  id?: RequestId,
  data?: unknown,
): Response {
  return json(
    status,
    errorResponse(id, data === undefined ? { code, message } : { code, message, data }),
  );
}

/** Reads a body up to `limit` bytes; `undefined` when it is larger (it is then not read whole). */
export async function readBody(request: Request, limit: number): Promise<string | undefined> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    request.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!request.body) return "";
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return utf8.decode(bytes);
}

/** A cryptographically random id of 32 hex digits (visible ASCII, as session ids must be). */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The identity a legacy session is bound to: the authenticated subject or client, if any. */
export function principalOf(auth: AuthInfo | undefined): string {
  return auth ? `${auth.subject ?? ""}|${auth.clientId ?? ""}` : "";
}

/**
 * Decides who a request is served as: the principal, a Response that refuses
 * it, or `undefined` to serve it anonymously (e.g. `bearerAuth(…)` from auth/).
 */
export type Authenticate = (
  request: Request,
) => Promise<AuthInfo | Response | undefined> | AuthInfo | Response | undefined;

/**
 * Admits a request to an MCP endpoint: the origin guard (403), then
 * `authenticate`. Returns the Response that refuses it, or the principal.
 */
export async function admit(
  request: Request,
  options: OriginPolicy & { authenticate?: Authenticate },
): Promise<{ auth?: AuthInfo } | Response> {
  const refused = originProblem(request, options);
  if (refused) return rpcError(403, ErrorCode.InvalidRequest, `Forbidden: ${refused}`);
  if (!options.authenticate) return {};
  const outcome = await options.authenticate(request);
  return outcome instanceof Response ? outcome : { auth: outcome };
}
