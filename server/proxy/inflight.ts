/**
 * The forwarded calls under way, and the client hooks that route what the
 * remote sends outside a response (server-to-client requests, log messages)
 * to the local caller of the one call that can have caused it.
 *
 * Neither a legacy server-to-client request nor a log notification says which
 * request it belongs to, and the client's handlers do not learn which of its
 * requests is waiting: with one forwarded call in flight the answer is
 * certain, with several it is a guess that could hand one caller's prompt to
 * another, so the proxy only routes when exactly one call is in flight.
 *
 * @module
 */
import type { McpClient } from "../../client/client.ts";
import type { ClientHandlers, HandlerContext, LogMessage } from "../../client/options.ts";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { RequestContext } from "../context.ts";

/** The local contexts of the forwarded calls under way. */
export interface InflightCalls {
  /**
   * Records a call; returns the function that ends it. The call also ends
   * when its context's signal aborts (a replayed handler may never return).
   */
  enter(context: RequestContext): () => void;
  /** The context of the only call in flight, if exactly one is. */
  only(): RequestContext | undefined;
  /** Resolves once no call is in flight (at once when none is). */
  idle(): Promise<void>;
}

/** An empty set of calls in flight. */
export function createInflightCalls(): InflightCalls {
  const contexts = new Set<RequestContext>();
  let waiters: (() => void)[] = [];
  return {
    enter(context) {
      contexts.add(context);
      const leave = () => {
        contexts.delete(context);
        context.signal.removeEventListener("abort", leave);
        if (contexts.size > 0) return;
        const woken = waiters;
        waiters = [];
        for (const wake of woken) wake();
      };
      if (context.signal.aborted) leave();
      else context.signal.addEventListener("abort", leave, { once: true });
      return leave;
    },
    only: () => (contexts.size === 1 ? contexts.values().next().value : undefined),
    idle: () =>
      contexts.size === 0 ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve)),
  };
}

function unroutable(what: string): McpError {
  return new McpError(
    ErrorCode.InternalError,
    `The proxy cannot tell which of its callers this ${what} is for`,
  );
}

/**
 * Handlers that answer the remote's requests by asking the local caller of
 * the call in flight; outside one (or with several) the client's own
 * handlers answer, when it has them.
 */
function routingHandlers(calls: InflightCalls, own: ClientHandlers): ClientHandlers {
  const route = <T>(
    what: string,
    ask: (context: RequestContext) => Promise<T>,
    fallback: (() => T | Promise<T>) | undefined,
  ): Promise<T> => {
    const context = calls.only();
    if (context) return ask(context);
    if (fallback) return Promise.resolve(fallback());
    return Promise.reject(unroutable(what));
  };
  return {
    elicit: (params, handler: HandlerContext) =>
      route(
        "elicitation",
        (context) => context.elicit(params),
        own.elicit && (() => own.elicit!(params, handler)),
      ),
    elicitUrl: (params, handler: HandlerContext) =>
      route(
        "URL elicitation",
        (context) => context.elicit(params),
        own.elicitUrl && (() => own.elicitUrl!(params, handler)),
      ),
    sample: (params, handler: HandlerContext) =>
      route(
        "sampling request",
        (context) => context.sample(params),
        own.sample && (() => own.sample!(params, handler)),
      ),
    roots: (handler: HandlerContext) =>
      route(
        "roots request",
        async (context) => (await context.listRoots()).roots,
        own.roots && (() => own.roots!(handler)),
      ),
  };
}

/**
 * Installs the routing handlers and log relay on the client (the client reads
 * its options live); returns the function that puts the client's own back.
 * A legacy server learned the client's capabilities at `initialize`, so only
 * what the client declared then can be relayed.
 */
export function hookClient(client: McpClient, calls: InflightCalls): () => void {
  const options = client.options;
  const own = { handlers: options.handlers, onLog: options.onLog };
  options.handlers = routingHandlers(calls, own.handlers ?? {});
  options.onLog = (message: LogMessage) => {
    own.onLog?.(message);
    calls.only()?.log(message.level, message.data, message.logger);
  };
  return () => {
    options.handlers = own.handlers;
    options.onLog = own.onLog;
  };
}
