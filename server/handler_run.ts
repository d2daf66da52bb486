/**
 * How a handler call (`tools/call`, `prompts/get`, `resources/read`) runs: in
 * 2026-07-28 as a multi round-trip request (input the handler has no answer
 * for ends the round with an `InputRequiredResult` and HMAC-signed
 * `requestState`; the run stays suspended in this process and the retry
 * resumes it with the answers, or replays it when the run is not here), and,
 * when an extension plans it, handed off beyond the request (the tasks
 * extension, whose calls are replayed).
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { isObject } from "../protocol/jsonrpc.ts";
import { principalOf } from "../protocol/principal.ts";
import type {
  ClientCapabilities,
  Implementation,
  InputRequests,
  JsonObject,
  JsonRpcRequest,
  Meta,
  RequestScope,
} from "../protocol/mod.ts";
import { createContext } from "./context.ts";
import type { ServerCore } from "./core.ts";
import type { HandOffPlan, InputAnswers, RoundOutcome } from "./extension.ts";
import { lifespanState } from "./lifespan.ts";
import { type LiveRun, startLiveRun } from "./live_run.ts";
import { canonicalJson, digestOfText, type RequestStatePayload } from "./request_state.ts";
import { newRunId } from "./suspended_runs.ts";
import { type PreparedRun, prepareRun } from "./targets.ts";

/** The era-dependent facts of one request, resolved before dispatch. */
export interface RequestEra {
  /** "modern" (2026-07-28) or "legacy" (initialize-based). */
  era: "modern" | "legacy";
  /** The request's protocol version. */
  protocolVersion: string;
  /** What the client declared: per request (modern) or at initialize (legacy). */
  clientCapabilities: ClientCapabilities;
  /** Who the client says it is. */
  clientInfo?: Implementation;
  /** The request's `_meta`. */
  meta: Meta;
}

/** How one handler run ended when an extension may still take the call over. */
type RoundEnd = RoundOutcome | { resume(signal?: AbortSignal): Promise<RoundOutcome> };

/** The methods whose handlers may ask for input over multi round-trip requests. */
const MRTR_METHODS = new Set(["tools/call", "prompts/get", "resources/read"]);

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

/** That no extension was asked yet whether it takes the call over. */
const UNPLANNED: unique symbol = Symbol("unplanned");

/**
 * What `requestState` is bound to: the method, the request as it arrived (its canonical JSON,
 * digested) and the whole principal (subject and client, or the bare token), digested: the
 * state is readable by its holder and must not carry a token; JSON keeps the method unambiguous.
 */
function bindingFor(method: string, arrived: string, scope: RequestScope): Promise<string> {
  return Promise.all([
    digestOfText(arrived && canonicalJson(JSON.parse(arrived))),
    digestOfText(principalOf(scope.auth)),
  ]).then(([digest, principal]) => JSON.stringify([method, digest, principal]));
}

/**
 * Serves a handler method in either era; see the module documentation. The common
 * 2026-07-28 call (no state, no answers, no hand-off) is a plain chain of promises;
 * everything else goes through {@link runHandlerFully}.
 */
export function runHandler(
  core: ServerCore,
  request: JsonRpcRequest,
  scope: RequestScope,
  era: RequestEra,
): Promise<JsonObject> {
  try {
    const params = request.params ?? {};
    const run = prepareRun(core, request.method, params, era.era === "legacy");
    if (
      era.era !== "modern" || !MRTR_METHODS.has(request.method) ||
      params.requestState !== undefined || params.inputResponses !== undefined
    ) {
      return runHandlerFully(core, request, scope, era, params, run, UNPLANNED);
    }
    // Taken before the handler runs: it may mutate its arguments.
    const arrived = JSON.stringify(run.identity) ?? "";
    const plan = planHandOff(core, request.method, params, run, era, scope);
    if (plan) return runHandlerFully(core, request, scope, era, params, run, plan);
    const answers: InputAnswers = {};
    const turn = { request, meta: era.meta, scope, answers };
    return startLiveRun({ era, run, memos: {}, state: lifespanState(core) }, turn).then((end) =>
      "result" in end
        ? end.result
        : parkRun(core, end, answers, () => bindingFor(request.method, arrived, scope))
    );
  } catch (error) {
    return Promise.reject(error);
  }
}

/** Keeps a live run that asked for input and answers the round with sealed state. */
async function parkRun(
  core: ServerCore,
  end: { inputRequests: InputRequests; run: LiveRun },
  answers: InputAnswers,
  bindingOf: () => Promise<string>,
): Promise<JsonObject> {
  try {
    const id = newRunId();
    const binding = await bindingOf();
    const requestState = await core.codec.seal(
      { responses: answers, id, memos: end.run.memos() },
      binding,
    );
    core.suspended.park(id, end.run, binding, core.requestStateTtlMs);
    return { resultType: "input_required", inputRequests: end.inputRequests, requestState };
  } catch (error) {
    end.run.abort(error);
    throw error;
  }
}

/** {@link runHandler} in every case; `planned` is the hand-off plan when it was asked already. */
async function runHandlerFully(
  core: ServerCore,
  request: JsonRpcRequest,
  scope: RequestScope,
  era: RequestEra,
  params: JsonObject,
  run: PreparedRun,
  planned: HandOffPlan | undefined | typeof UNPLANNED,
): Promise<JsonObject> {
  let answers: InputAnswers | undefined;
  // State is bound to the request as it arrived (a handler may mutate its arguments): a plain
  // JSON copy is taken before the handler runs, its canonical form and digest only when state
  // is opened or sealed, which a call that neither carries nor asks for input never does.
  let binding: Promise<string> | undefined;
  let arrived = "";
  const bindingOf = () => binding ??= bindingFor(request.method, arrived, scope);
  const modernMrtr = era.era === "modern" && MRTR_METHODS.has(request.method);
  let opened: RequestStatePayload | undefined;
  if (modernMrtr) {
    arrived = JSON.stringify(run.identity) ?? "";
    answers = {};
    if (params.requestState !== undefined) {
      if (typeof params.requestState !== "string") {
        throw invalidParams("requestState must be a string");
      }
      opened = await core.codec.open(params.requestState, await bindingOf());
      answers = opened.responses;
    }
    if (params.inputResponses !== undefined) {
      if (!isObject(params.inputResponses)) {
        throw invalidParams("inputResponses must be an object");
      }
      for (const [key, value] of Object.entries(params.inputResponses)) {
        if (!isObject(value)) throw invalidParams(`inputResponses["${key}"] must be an object`);
        answers[key] = value;
      }
    }
  }

  const plan = planned !== UNPLANNED
    ? planned
    : era.era === "modern"
    ? planHandOff(core, request.method, params, run, era, scope)
    : undefined;
  const state = lifespanState(core);
  if (modernMrtr && !plan) {
    const turn = { request, meta: era.meta, scope, answers: answers! };
    // The retry of a round this process served resumes the run it keeps; otherwise (another
    // instance, a restart, an evicted or expired run) the handler is replayed from the start.
    const kept = opened?.id === undefined
      ? undefined
      : core.suspended.take(opened.id, await bindingOf());
    const end = kept
      ? await kept.resume(turn)
      : await startLiveRun({ era, run, memos: opened?.memos ?? {}, state }, turn);
    if ("result" in end) return end.result;
    return await parkRun(core, end, answers!, bindingOf);
  }
  // Runs after a hand-off stream nothing to the client: the request is answered.
  const background: RequestScope = { auth: scope.auth };
  const replay = async (given: InputAnswers, signal: AbortSignal) =>
    (await round(request, background, era, run, given, signal, false, state)) as RoundOutcome;
  if (plan?.when === "now") {
    const gathered = answers ?? {};
    return await plan.take({
      answers: gathered,
      resume: (signal) => replay(gathered, signal),
      replay,
    });
  }
  const end = await round(request, scope, era, run, answers, scope.signal, !!plan, state);
  if ("result" in end) return end.result;
  if ("inputRequests" in end) {
    const state = await core.codec.seal({ responses: answers ?? {} }, await bindingOf());
    return {
      resultType: "input_required",
      inputRequests: end.inputRequests,
      requestState: state,
    };
  }
  try {
    return await plan!.take({ answers: answers ?? {}, resume: end.resume, replay });
  } catch (error) {
    // Nobody took the run over: let the handler go on under an aborted signal to its end.
    end.resume(AbortSignal.abort("hand-off failed")).catch(() => {});
    throw error;
  }
}

/** Asks the extensions whether one of them takes this handler call over. */
function planHandOff(
  core: ServerCore,
  method: string,
  params: JsonObject,
  run: PreparedRun,
  era: RequestEra,
  scope: RequestScope,
): HandOffPlan | undefined {
  for (const extension of core.extensions) {
    const plan = extension.planHandlerCall?.({
      method,
      params,
      execution: run.execution,
      clientCapabilities: era.clientCapabilities,
      auth: scope.auth,
    });
    if (plan) return plan;
  }
  return undefined;
}

/**
 * Runs a handler once from the start. In the modern era, input it has no
 * answer for stops it (it is replayed with the answers later). When
 * `canHandOff`, `context.startTask()` ends the round early with a `resume`
 * that lets the same run go on beyond the request.
 */
async function round(
  request: JsonRpcRequest,
  scope: RequestScope,
  era: RequestEra,
  run: PreparedRun,
  answers: InputAnswers | undefined,
  outer: AbortSignal | undefined,
  canHandOff: boolean,
  state: unknown,
): Promise<RoundEnd> {
  const controller = new AbortController();
  const follow = (signal: AbortSignal | undefined) => {
    const onAbort = () => controller.abort(signal?.reason);
    if (signal?.aborted) controller.abort(signal.reason);
    else signal?.addEventListener("abort", onAbort, { once: true });
    return () => signal?.removeEventListener("abort", onAbort);
  };
  let unfollow = follow(outer);
  const finish = () => {
    unfollow();
    if (!controller.signal.aborted) controller.abort("request finished");
  };

  let stop: ((requests: InputRequests) => void) | undefined;
  const inputRequired = new Promise<InputRequests>((resolve) => (stop = resolve));
  let handOff: ((proceed: () => void) => void) | undefined;
  const handedOff = new Promise<() => void>((resolve) => (handOff = resolve));
  let detached = false;
  const notify = scope.notify;
  const context = createContext({
    requestId: request.id,
    method: request.method,
    meta: era.meta,
    era: era.era,
    protocolVersion: era.protocolVersion,
    clientCapabilities: era.clientCapabilities,
    clientInfo: era.clientInfo,
    // Once handed off, the request's stream is answered; nothing more goes on it.
    scope: notify ? { ...scope, notify: (message) => detached || notify(message) } : scope,
    signal: controller.signal,
    answers,
    onInputRequired: (requests) => stop!(requests),
    onStartTask: canHandOff ? () => new Promise<void>((proceed) => handOff!(proceed)) : undefined,
    state,
  });
  const settled: Promise<RoundOutcome> = Promise.race([
    run.execute(context).then((result) => ({ result })),
    inputRequired.then((inputRequests) => {
      controller.abort("input required");
      return { inputRequests };
    }),
  ]);
  try {
    const first = await Promise.race([settled, handedOff.then((proceed) => ({ proceed }))]);
    if (!("proceed" in first)) return first;
    detached = true;
    unfollow();
    return {
      resume: (signal) => {
        unfollow = follow(signal);
        first.proceed();
        return settled.finally(finish);
      },
    };
  } finally {
    if (!detached) finish();
  }
}
