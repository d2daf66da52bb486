/**
 * Draining a server for a graceful shutdown: a wrapper around a
 * {@link ServerEndpoint} that counts the calls in flight, refuses new ones once
 * draining began, and aborts the stragglers' signals when the time is up.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { errorResponseFrom } from "../protocol/jsonrpc.ts";
import type { JsonRpcRequest, JsonRpcResponse } from "../protocol/jsonrpc.ts";
import type { RequestScope, ServerEndpoint } from "../protocol/server_endpoint.ts";

/** A server endpoint that can stop taking calls and wait for the ones in flight. */
export interface DrainableEndpoint extends ServerEndpoint {
  /** Whether draining began (new calls are refused). */
  readonly draining: boolean;
  /**
   * Refuses new calls from now on and resolves once the calls in flight
   * ended; those still running after `timeoutMs` get their signals aborted,
   * and it resolves without waiting further for them. Long-lived streams
   * (`subscriptions/listen`) are not waited for: ending them is the server's
   * `close()`.
   */
  drain(timeoutMs: number): Promise<void>;
}

/** Methods that last as long as the client listens, so draining does not wait for them. */
const LONG_LIVED = new Set(["subscriptions/listen"]);

/** The error a request gets once the server is shutting down. */
export function shuttingDownError(): McpError {
  return new McpError(ErrorCode.InternalError, "The server is shutting down");
}

/** Wraps `server` so it can be drained; see {@link DrainableEndpoint}. */
export function createDrainableEndpoint(server: ServerEndpoint): DrainableEndpoint {
  const abort = new AbortController();
  const inflight = new Set<Promise<unknown>>();
  let draining = false;
  let idle: (() => void) | undefined;
  const handleRequest = (
    request: JsonRpcRequest,
    scope: RequestScope = {},
  ): Promise<JsonRpcResponse> => {
    if (draining) return Promise.resolve(errorResponseFrom(request.id, shuttingDownError()));
    const linked = linkSignal(scope.signal);
    const call = server.handleRequest(request, { ...scope, signal: linked.signal });
    if (LONG_LIVED.has(request.method)) {
      call.then(linked.unlink, linked.unlink);
      return call;
    }
    inflight.add(call);
    const forget = () => {
      linked.unlink();
      inflight.delete(call);
      if (inflight.size === 0) idle?.();
    };
    call.then(forget, forget);
    return call;
  };
  // A call's signal aborts with the caller's or when draining runs out of time. One controller
  // and one listener per call, dropped when it ends: AbortSignal.any's weak references and
  // finalizers cost every runtime far more per request.
  const linked = new Set<AbortController>();
  const linkSignal = (parent: AbortSignal | undefined): { signal: AbortSignal; unlink(): void } => {
    if (!parent) return { signal: abort.signal, unlink: () => {} };
    if (parent.aborted || abort.signal.aborted) {
      return { signal: AbortSignal.any([parent, abort.signal]), unlink: () => {} };
    }
    const own = new AbortController();
    const follow = () => own.abort(parent.reason);
    parent.addEventListener("abort", follow, { once: true });
    linked.add(own);
    return {
      signal: own.signal,
      unlink() {
        parent.removeEventListener("abort", follow);
        linked.delete(own);
      },
    };
  };
  return {
    get draining() {
      return draining;
    },
    handleRequest,
    handleNotification: (notification, scope) => server.handleNotification(notification, scope),
    modernEnvelopeProblem: (request) => server.modernEnvelopeProblem(request),
    toolInputSchema: (name) => server.toolInputSchema(name),
    attachSession: (session) => server.attachSession(session),
    async drain(timeoutMs) {
      draining = true;
      if (inflight.size === 0) return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const ended = new Promise<void>((resolve) => (idle = resolve));
      const late = new Promise<"late">((resolve) => {
        timer = setTimeout(() => resolve("late"), timeoutMs);
      });
      const outcome = await Promise.race([ended, late]);
      clearTimeout(timer);
      if (outcome === "late") {
        const reason = new McpError(ErrorCode.RequestTimeout, "The server shut down");
        abort.abort(reason);
        for (const own of linked) own.abort(reason);
      }
    },
  };
}
