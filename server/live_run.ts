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
  ClientCapabilities,
  Implementation,
  InputRequests,
  JsonObject,
  JsonRpcNotification,
  JsonRpcRequest,
  Meta,
  RequestId,
  RequestScope,
} from "../protocol/mod.ts";
import { type ContextInit, createContext } from "./context.ts";
import type { InputAnswers } from "./extension.ts";
import type { RequestEra } from "./handler_run.ts";
import { createModernInput, type ModernInput } from "./modern_input.ts";
import { createMemoStore, type MemoSnapshot, type MemoStore } from "./once.ts";
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

/** The abort reason of a run not aborted. */
const NOT_ABORTED: unique symbol = Symbol("not aborted");

/**
 * One live run's state, which is also its context's init: the abort
 * controller, the input channel and the memo store are made when first used
 * (prototype getters, so a run that uses none of them allocates no closure
 * for them).
 */
class LiveState implements ContextInit {
  requestId: RequestId;
  method: string;
  meta: Meta;
  era: "modern" | "legacy";
  protocolVersion: string;
  clientCapabilities: ClientCapabilities;
  clientInfo?: Implementation;
  scope: RequestScope;
  state: unknown;
  /** The scope of the turn in progress; its signal is read only when followed (it may be lazy). */
  turnScope: RequestScope | undefined;
  notifyTo: ((message: JsonRpcNotification) => void) | undefined;
  turnEnded: ((requests: InputRequests) => void) | undefined;
  controller: AbortController | undefined;
  abortedWith: unknown = NOT_ABORTED;
  unfollow: (() => void) | undefined;
  modernInput: ModernInput | undefined;
  memoStore: MemoStore | undefined;
  readonly first: Turn;
  readonly initialMemos: MemoSnapshot;

  constructor(init: LiveRunInit, first: Turn) {
    const { scope } = first;
    this.first = first;
    this.initialMemos = init.memos;
    this.requestId = first.request.id;
    this.method = first.request.method;
    this.meta = first.meta;
    this.era = init.era.era;
    this.protocolVersion = init.era.protocolVersion;
    this.clientCapabilities = init.era.clientCapabilities;
    this.clientInfo = init.era.clientInfo;
    this.state = init.state;
    this.turnScope = scope;
    this.notifyTo = scope.notify;
    // Not a spread of the scope: that would read (and so make) its lazy signal.
    this.scope = {
      session: scope.session,
      auth: scope.auth,
      closeStream: scope.closeStream,
      sendRelated: scope.sendRelated,
      notify: (message) => this.notifyTo?.(message),
    };
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.abortedWith !== NOT_ABORTED) this.controller.abort(this.abortedWith);
      else this.follow();
    }
    return this.controller.signal;
  }

  aborted(): boolean {
    return this.controller
      ? this.controller.signal.aborted
      : this.abortedWith !== NOT_ABORTED || !!this.turnScope?.signal?.aborted;
  }

  get input(): ModernInput {
    if (!this.modernInput) {
      // A run waiting for input must see the client cancel or leave.
      void this.signal;
      this.modernInput = createModernInput({
        answers: { ...this.first.answers },
        suspendable: true,
        onInputRequired: (requests) => this.turnEnded?.(requests),
      });
    }
    return this.modernInput;
  }

  get memos(): MemoStore {
    return this.memoStore ??= createMemoStore(this.initialMemos);
  }

  follow(): void {
    // A handler that ran synchronously may have followed the turn's signal already.
    this.unfollow?.();
    this.unfollow = undefined;
    const signal = this.controller && this.turnScope?.signal;
    if (!signal) return;
    if (signal.aborted) return this.abort(signal.reason);
    const onAbort = () => this.abort(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    this.unfollow = () => signal.removeEventListener("abort", onAbort);
  }

  abort(reason: unknown): void {
    const { controller } = this;
    if (controller) {
      if (controller.signal.aborted) return;
      controller.abort(reason);
      this.modernInput?.fail(controller.signal.reason);
    } else if (this.abortedWith === NOT_ABORTED) {
      this.abortedWith = reason;
    }
  }
}

/** The end of a run whose handler returned (module-level: no closure per run). */
function resultEnd(result: JsonObject): { result: JsonObject } {
  return { result };
}

function ignore(): void {}

/**
 * Starts a handler that is kept suspended (not abandoned) when it awaits input.
 * A run that never reads `context.signal` nor asks for input costs a context
 * and a promise: the abort controller, the input channel and the memo store are
 * made when first used.
 */
export function startLiveRun(init: LiveRunInit, first: Turn): Promise<LiveEnd> {
  const live = new LiveState(init, first);
  const settled = init.run.execute(createContext(live)).then(resultEnd);
  // While suspended nobody awaits the run: its failure is seen by the round that resumes it.
  settled.catch(ignore);
  return turn(live, init, settled, first, false);
}

/** One round: until the handler ends or asks for input the client has not given. */
async function turn(
  live: LiveState,
  init: LiveRunInit,
  settled: Promise<{ result: JsonObject }>,
  current: Turn,
  resuming: boolean,
): Promise<LiveEnd> {
  live.requestId = current.request.id;
  live.meta = current.meta;
  live.notifyTo = current.scope.notify;
  live.turnScope = current.scope;
  live.follow();
  // One promise settled by whichever comes first (rather than a race of two).
  const ended = new Promise<{ result: JsonObject } | { inputRequests: InputRequests }>(
    (resolve, reject) => {
      live.turnEnded = (inputRequests) => resolve({ inputRequests });
      settled.then(resolve, reject);
    },
  );
  if (resuming) live.modernInput?.supply(current.answers);
  let end: { result: JsonObject } | { inputRequests: InputRequests } | undefined;
  try {
    end = await ended;
  } finally {
    live.unfollow?.();
    live.unfollow = undefined;
    live.turnScope = undefined;
    live.notifyTo = undefined;
    live.turnEnded = undefined;
    if (!end || "result" in end) live.abort("request finished");
  }
  if ("result" in end) return end;
  const run: LiveRun = {
    abort: (reason) => live.abort(reason),
    memos: () => live.memoStore ? live.memoStore.snapshot() : { ...init.memos },
    resume: (next) => turn(live, init, settled, next, true),
  };
  return { inputRequests: end.inputRequests, run };
}
