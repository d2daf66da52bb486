/**
 * A 2026-07-28 handler run that survives its rounds: when the handler awaits
 * input the client has not given, the round ends with those input requests
 * but the run itself is kept (suspended) rather than abandoned; the retry
 * resumes it, settling the awaited calls with the client's answers, so the
 * handler runs once. Progress and logs go to the stream of the round in
 * progress; while suspended they are dropped.
 *
 * @module
 */
import type {
  InputRequests,
  JsonObject,
  JsonRpcNotification,
  JsonRpcRequest,
  Meta,
  RequestScope,
} from "../protocol/mod.ts";
import { type ContextInit, createContext } from "./context.ts";
import type { InputAnswers } from "./extension.ts";
import type { RequestEra } from "./handler_run.ts";
import { createModernInput } from "./modern_input.ts";
import { createMemoStore, type MemoSnapshot } from "./once.ts";
import type { SuspendedRun } from "./suspended_runs.ts";
import type { PreparedRun } from "./targets.ts";

/** One round of a run: the request that carries it and the answers given so far. */
export interface Turn {
  /** The request of this round (the first call, or a retry). */
  request: JsonRpcRequest;
  /** The round's `_meta` (progress token, log level). */
  meta: Meta;
  /** The round's transport scope: its stream and its cancellation. */
  scope: RequestScope;
  /** Every answer gathered, earlier rounds included. */
  answers: InputAnswers;
}

/** How a round of a live run ended. */
export type LiveEnd =
  | { result: JsonObject }
  | { inputRequests: InputRequests; run: LiveRun };

/** A run suspended at input requests. */
export interface LiveRun extends SuspendedRun {
  /** The `context.once` results settled so far. */
  memos(): MemoSnapshot;
  /** Goes on with the retry's answers until the handler ends or asks again. */
  resume(turn: Turn): Promise<LiveEnd>;
}

/** What {@link startLiveRun} needs besides the first turn. */
export interface LiveRunInit {
  /** The request's era facts. */
  era: RequestEra;
  /** The handler to run. */
  run: PreparedRun;
  /** `context.once` results of earlier rounds (a replay), from the state. */
  memos: MemoSnapshot;
  /** The server's lifespan state. */
  state: unknown;
}

/** Starts a handler that is kept suspended (not abandoned) when it awaits input. */
export function startLiveRun(init: LiveRunInit, first: Turn): Promise<LiveEnd> {
  const controller = new AbortController();
  let unfollow = () => {};
  const follow = (signal: AbortSignal | undefined) => {
    const onAbort = () => abort(signal?.reason);
    if (signal?.aborted) abort(signal.reason);
    else signal?.addEventListener("abort", onAbort, { once: true });
    unfollow = () => signal?.removeEventListener("abort", onAbort);
  };
  let notify: ((message: JsonRpcNotification) => void) | undefined;
  let turnEnded: ((requests: InputRequests) => void) | undefined;
  const input = createModernInput({
    answers: { ...first.answers },
    suspendable: true,
    onInputRequired: (requests) => turnEnded?.(requests),
  });
  const memos = createMemoStore(init.memos);
  const contextInit: ContextInit = {
    requestId: first.request.id,
    method: first.request.method,
    meta: first.meta,
    era: init.era.era,
    protocolVersion: init.era.protocolVersion,
    clientCapabilities: init.era.clientCapabilities,
    clientInfo: init.era.clientInfo,
    scope: { ...first.scope, notify: (message) => notify?.(message) },
    signal: controller.signal,
    input,
    memos,
    state: init.state,
  };
  const abort = (reason: unknown) => {
    if (controller.signal.aborted) return;
    controller.abort(reason);
    input.fail(controller.signal.reason);
  };
  const settled = init.run.execute(createContext(contextInit)).then((result) => ({ result }));
  // While suspended nobody awaits the run: its failure is seen by the round that resumes it.
  settled.catch(() => {});

  const turn = async (current: Turn, resuming: boolean): Promise<LiveEnd> => {
    contextInit.requestId = current.request.id;
    contextInit.meta = current.meta;
    notify = current.scope.notify;
    follow(current.scope.signal);
    const asked = new Promise<InputRequests>((resolve) => (turnEnded = resolve));
    if (resuming) input.supply(current.answers);
    let end: { result: JsonObject } | { inputRequests: InputRequests } | undefined;
    try {
      end = await Promise.race([settled, asked.then((inputRequests) => ({ inputRequests }))]);
    } finally {
      unfollow();
      notify = undefined;
      turnEnded = undefined;
      if (!end || "result" in end) abort("request finished");
    }
    return "result" in end ? end : { inputRequests: end.inputRequests, run };
  };

  const run: LiveRun = {
    abort,
    memos: () => memos.snapshot(),
    resume: (current) => turn(current, true),
  };
  return turn(first, false);
}
