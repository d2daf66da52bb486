/**
 * The request engine used by client and server alike: id allocation, response
 * correlation, per-request timeouts with a hard maximum, cancellation through
 * `AbortSignal` (sending `notifications/cancelled`), and progress callbacks.
 *
 * @module
 */
import { ErrorCode, McpError } from "./errors.ts";
import type {
  JsonObject,
  JsonRpcMessage,
  JsonRpcNotification,
  JsonRpcResponse,
  RequestId,
} from "./jsonrpc.ts";

/** Progress reported by the peer for a request. */
export interface Progress {
  /** Progress so far; increases with each notification. */
  progress: number;
  /** Total, when known. */
  total?: number;
  /** Human-readable status. */
  message?: string;
}

/** Options for one outgoing request. */
export interface RequestOptions {
  /** Milliseconds without an answer before the request fails; `null` for none. Default 60 000. */
  timeoutMs?: number | null;
  /** Upper bound on total time even when progress keeps resetting the timeout. */
  maxTotalTimeoutMs?: number;
  /** Restart the timeout each time progress arrives. */
  resetTimeoutOnProgress?: boolean;
  /** Aborting cancels the request and tells the peer. */
  signal?: AbortSignal;
  /** Receives progress notifications; a progress token is attached when set. */
  onProgress?: (progress: Progress) => void;
  /** Whether to send `notifications/cancelled` on abort or timeout. Default true. */
  notifyCancel?: boolean;
  /** Sends this request (and its cancellation) another way than the engine's default. */
  send?: (message: JsonRpcMessage) => Promise<void> | void;
}

/** The engine's interface. */
export interface RequestEngine {
  /** Sends a request and resolves with its result; rejects with an `McpError`. */
  request(
    method: string,
    params: JsonObject | undefined,
    options?: RequestOptions,
  ): Promise<JsonObject>;
  /** Feeds a response from the peer. Returns false when no request is waiting for it. */
  handleResponse(response: JsonRpcResponse): boolean;
  /** Feeds a `notifications/progress`. Returns false when no request owns the token. */
  handleProgress(params: JsonObject | undefined): boolean;
  /** Fails every pending request, for example when the transport closed. */
  failAll(error: McpError): void;
  /** How many requests await an answer. */
  readonly pendingCount: number;
}

/** Options for {@link createRequestEngine}. */
export interface RequestEngineOptions {
  /** Default timeout in milliseconds; `null` for none. Default 60 000. */
  defaultTimeoutMs?: number | null;
  /** Hard maximum for any request, whatever its options. Default 10 minutes. */
  hardMaxTimeoutMs?: number;
  /** Prefix for string ids; numeric ids are used when absent. */
  idPrefix?: string;
  /** Adds fields to every request's params (e.g. modern `_meta`). */
  decorate?: (method: string, params: JsonObject | undefined) => JsonObject | undefined;
}

interface Pending {
  resolve(result: JsonObject): void;
  reject(error: McpError): void;
  progressToken?: RequestId;
  onProgress?: (progress: Progress) => void;
  restartTimer?: () => void;
}

/**
 * Creates a request engine that writes through `send`.
 *
 * @example
 * ```ts
 * import { createRequestEngine } from "./engine.ts";
 * import type { Transport } from "./transport.ts";
 * declare const transport: Transport;
 *
 * const engine = createRequestEngine((message) => transport.send(message));
 * // The transport's sink feeds responses back: engine.handleResponse(response)
 * const result = await engine.request("tools/list", {}, { timeoutMs: 5_000 });
 * ```
 */
export function createRequestEngine(
  send: (message: JsonRpcMessage) => Promise<void> | void,
  options: RequestEngineOptions = {},
): RequestEngine {
  const pending = new Map<RequestId, Pending>();
  const byProgressToken = new Map<RequestId, Pending>();
  const defaultTimeout = options.defaultTimeoutMs === undefined ? 60_000 : options.defaultTimeoutMs;
  const hardMax = options.hardMaxTimeoutMs ?? 600_000;
  let nextId = 0;

  const allocateId = (): RequestId => {
    nextId += 1;
    return options.idPrefix === undefined ? nextId : `${options.idPrefix}${nextId}`;
  };

  function request(
    method: string,
    params: JsonObject | undefined,
    requestOptions: RequestOptions = {},
  ): Promise<JsonObject> {
    const id = allocateId();
    const signal = requestOptions.signal;
    const deliver = requestOptions.send ?? send;
    if (signal?.aborted) {
      return Promise.reject(
        new McpError(ErrorCode.RequestTimeout, `Request ${method} was cancelled`, {
          reason: String(signal.reason),
        }),
      );
    }
    let finalParams = options.decorate ? options.decorate(method, params) : params;
    if (requestOptions.onProgress) {
      const meta = { ...(finalParams?._meta as JsonObject | undefined), progressToken: id };
      finalParams = { ...finalParams, _meta: meta };
    }
    return new Promise<JsonObject>((resolve, reject) => {
      const timeoutMs = requestOptions.timeoutMs === undefined
        ? defaultTimeout
        : requestOptions.timeoutMs;
      const maxTotal = Math.min(requestOptions.maxTotalTimeoutMs ?? hardMax, hardMax);
      const startedAt = Date.now();
      // One timer, armed for whichever comes first: the timeout or the hard deadline.
      const deadline = startedAt + maxTotal;
      let timer: ReturnType<typeof setTimeout> | undefined;

      const cleanup = () => {
        pending.delete(id);
        byProgressToken.delete(id);
        clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
      };
      const cancel = (reason: string, error: McpError) => {
        if (!pending.has(id)) return;
        cleanup();
        if (requestOptions.notifyCancel !== false) {
          const note: JsonRpcNotification = {
            jsonrpc: "2.0",
            method: "notifications/cancelled",
            params: { requestId: id, reason },
          };
          Promise.resolve(deliver(note)).catch(() => {});
        }
        reject(error);
      };
      const onTimeout = () =>
        cancel(
          "timeout",
          new McpError(
            ErrorCode.RequestTimeout,
            `Request ${method} timed out after ${timeoutMs} ms`,
            {
              timeoutMs,
              elapsedMs: Date.now() - startedAt,
            },
          ),
        );
      const onAbort = () =>
        cancel(
          String(signal?.reason ?? "aborted"),
          new McpError(ErrorCode.RequestTimeout, `Request ${method} was cancelled`, {
            reason: String(signal?.reason),
          }),
        );
      const restartTimer = () => {
        clearTimeout(timer);
        const left = deadline - Date.now();
        const wait = timeoutMs === null ? left : Math.min(timeoutMs, left);
        // Timers overflow past 2^31-1 ms and would fire at once.
        timer = setTimeout(onTimeout, Math.min(wait, 2_147_483_647));
      };

      const entry: Pending = {
        resolve: (result) => {
          cleanup();
          resolve(result);
        },
        reject: (error) => {
          cleanup();
          reject(error);
        },
        onProgress: requestOptions.onProgress,
        restartTimer: requestOptions.resetTimeoutOnProgress ? restartTimer : undefined,
      };
      pending.set(id, entry);
      if (requestOptions.onProgress) byProgressToken.set(id, entry);
      restartTimer();
      signal?.addEventListener("abort", onAbort, { once: true });

      const message = finalParams === undefined
        ? { jsonrpc: "2.0" as const, id, method }
        : { jsonrpc: "2.0" as const, id, method, params: finalParams };
      Promise.resolve(deliver(message)).catch((error: unknown) => {
        if (!pending.has(id)) return;
        entry.reject(
          error instanceof McpError ? error : new McpError(
            ErrorCode.ConnectionClosed,
            `Could not send ${method}: ${String(error)}`,
          ),
        );
      });
    });
  }

  function handleResponse(response: JsonRpcResponse): boolean {
    const id = response.id;
    if (id === undefined || id === null) return false;
    const entry = pending.get(id);
    if (!entry) return false;
    if ("error" in response) {
      const { code, message, data } = response.error;
      entry.reject(new McpError(code, message, data));
    } else {
      entry.resolve(response.result);
    }
    return true;
  }

  function handleProgress(params: JsonObject | undefined): boolean {
    const token = params?.progressToken;
    if (typeof token !== "string" && typeof token !== "number") return false;
    const entry = byProgressToken.get(token);
    if (!entry) return false;
    entry.restartTimer?.();
    const progress: Progress = { progress: Number(params?.progress) };
    if (typeof params?.total === "number") progress.total = params.total;
    if (typeof params?.message === "string") progress.message = params.message;
    try {
      entry.onProgress?.(progress);
    } catch {
      // A throwing progress callback must not break the transport loop.
    }
    return true;
  }

  function failAll(error: McpError): void {
    for (const entry of [...pending.values()]) entry.reject(error);
  }

  return {
    request,
    handleResponse,
    handleProgress,
    failAll,
    get pendingCount() {
      return pending.size;
    },
  };
}
