/**
 * What a handler receives besides its arguments: cancellation, progress,
 * logging, and requests to the client (elicitation, sampling, roots) that work
 * the same in both protocol eras.
 *
 * @module
 */
import type { AuthInfo, RequestScope } from "../protocol/server_endpoint.ts";
import { ErrorCode, McpError } from "../protocol/errors.ts";
import { requireCapability, urlElicitationParams } from "./input_checks.ts";
import type { JsonObject, RequestId } from "../protocol/jsonrpc.ts";
import {
  type ClientCapabilities,
  type CreateMessageRequestParams,
  type CreateMessageResult,
  type ElicitRequestParams,
  type ElicitResult,
  type Implementation,
  type InputRequest,
  type InputRequests,
  type ListRootsResult,
  LOGGING_LEVELS,
  type LoggingLevel,
  type Meta,
} from "../protocol/mod.ts";
import { createModernInput, type ModernInput } from "./modern_input.ts";
import { createMemoStore, type MemoStore } from "./once.ts";

/**
 * Everything a tool, resource or prompt handler may use. `State` is what the
 * server's `lifespan` returned (`undefined` without one).
 */
export interface RequestContext<State = unknown> {
  /** What the server's `lifespan` returned; `undefined` when it has none. */
  state: State;
  /** Aborted when the client cancels or disconnects, or the request ends. */
  signal: AbortSignal;
  /** The JSON-RPC id of this request. */
  requestId: RequestId;
  /** The method being served. */
  method: string;
  /** "modern" (2026-07-28, stateless) or "legacy" (initialize-based). */
  era: "modern" | "legacy";
  /** The protocol version of this request. */
  protocolVersion: string;
  /** Capabilities the client declared. */
  clientCapabilities: ClientCapabilities;
  /** Who the client says it is. */
  clientInfo?: Implementation;
  /** The request's `_meta`. */
  meta: Meta;
  /** The authenticated principal. */
  auth?: AuthInfo;
  /** The legacy session id, when there is one. */
  sessionId?: string;
  /** Reports progress when the client asked for it (a progress token). */
  progress(progress: number, total?: number, message?: string): void;
  /** Sends a log message if the client's level lets it through. */
  log(level: LoggingLevel, data: unknown, logger?: string): void;
  /** Asks the user for input through the client. */
  elicit(params: ElicitRequestParams, options?: InputOptions): Promise<ElicitResult>;
  /** Asks the client's model for a completion. */
  sample(params: CreateMessageRequestParams, options?: InputOptions): Promise<CreateMessageResult>;
  /** Asks the client for its roots. */
  listRoots(options?: InputOptions): Promise<ListRootsResult>;
  /**
   * Legacy HTTP only: closes this request's SSE stream now; the client
   * reconnects with `Last-Event-ID` and receives the rest (SEP-1699 polling).
   * Elsewhere it does nothing.
   */
  closeStream(): void;
  /**
   * Legacy 2025-11-25: tells the client that the URL-mode elicitation with
   * this id finished out of band (`notifications/elicitation/complete`). Keep
   * the context to call it after the request ended. Modern clients learn the
   * outcome by retrying, so it does nothing there.
   */
  completeElicitation(elicitationId: string): void;
  /** Sends several input requests at once; answers come back by key. */
  input(requests: InputRequests): Promise<{ [key: string]: JsonObject }>;
  /**
   * Tasks extension, for tools defined with `execution.taskStart: "handler"`:
   * answers the call with a task now and continues in the background. Input
   * asked for before this went over the call itself; input after it goes
   * through the task. Resolves at once when the call cannot become a task, or
   * already is one (replays).
   */
  startTask(): Promise<void>;
  /**
   * Runs `fn` once per handler call, however many rounds of input it takes:
   * a later call with the same `key` resolves with the first result. In the
   * 2026-07-28 era a run that asked for input is normally resumed in place;
   * when it has to be replayed instead (the retry reached another instance,
   * or the process restarted), settled results come back from the signed
   * `requestState`, so put side effects (a payment, an email) behind it.
   * Results must be JSON (the JSON copy is returned) and together at most
   * 16 KiB per call (`MAX_MEMO_BYTES`): memoise an id, not the data.
   *
   * @example
   * ```ts ignore
   * const id = await context.once("charge", () => payments.charge(amount));
   * ```
   */
  once<T>(key: string, fn: () => T | Promise<T>): Promise<T>;
}

/** Options of one input request. */
export interface InputOptions {
  /**
   * The key of this request in `inputRequests` (2026-07-28). Default: the
   * method family and a counter, e.g. `elicitation-1`. Keys must be stable
   * across rounds because a handler may be replayed.
   */
  key?: string;
}

/**
 * The legacy (2025-11-25) error telling a client that a request needs URL-mode
 * elicitations first (-32042). The 2026-07-28 era must not send it: ask with
 * `context.elicit({ mode: "url", … })` instead.
 *
 * @example
 * ```ts
 * import { urlElicitationRequired } from "./context.ts";
 * throw urlElicitationRequired([{
 *   mode: "url",
 *   message: "Connect your account",
 *   url: "https://example.com/connect?id=42",
 *   elicitationId: "42",
 * }]);
 * ```
 */
export function urlElicitationRequired(elicitations: ElicitRequestParams[]): McpError {
  return new McpError(ErrorCode.UrlElicitationRequired, "URL elicitation required", {
    elicitations,
  });
}

/** Inputs to {@link createContext}. */
export interface ContextInit {
  /** The request id. */
  requestId: RequestId;
  /** The method. */
  method: string;
  /** The request `_meta`. */
  meta: Meta;
  /** Era of the request. */
  era: "modern" | "legacy";
  /** Protocol version. */
  protocolVersion: string;
  /** Client capabilities. */
  clientCapabilities: ClientCapabilities;
  /** Client identity. */
  clientInfo?: Implementation;
  /** Transport scope. */
  scope: RequestScope;
  /** Aborted when the request ends or is cancelled; read only when used (it may be a getter). */
  signal: AbortSignal;
  /** Whether `signal` is aborted, without making it when it is made lazily. */
  aborted?: () => boolean;
  /** Modern era: answers gathered so far, by key. */
  answers?: { [key: string]: JsonObject };
  /** Modern era: called when an unanswered input request stops the handler. */
  onInputRequired?: (requests: InputRequests) => void;
  /**
   * Modern era: the input channel of a run kept suspended between rounds
   * (instead of `answers` and `onInputRequired`). Such a run's `meta`,
   * `requestId` and `scope.notify` are read at each use, so a resumed run may
   * replace them with the retry's.
   */
  input?: ModernInput;
  /** `context.once` results of earlier rounds; a fresh store when absent (read when first used). */
  memos?: MemoStore;
  /** Hands the call over to a task; resolves when the handler may go on. */
  onStartTask?: () => Promise<void>;
  /** The server's lifespan state. */
  state?: unknown;
}

function levelIndex(level: unknown): number {
  return LOGGING_LEVELS.indexOf(level as LoggingLevel);
}

type Progress = RequestContext["progress"];
type Log = RequestContext["log"];
type Elicit = RequestContext["elicit"];
type Sample = RequestContext["sample"];
type ListRoots = RequestContext["listRoots"];
type Input = RequestContext["input"];
type Once = RequestContext["once"];

/**
 * A handler context: one small object per call. The data fields are its own;
 * the methods are prototype getters that make a function bound to this
 * context on first read (so `const { log } = context` keeps working) and the
 * input channel and memo store are made when first used. A context derived
 * with other `state` ({@link contextWithState}) shares its root's input
 * counter, input channel, memos and task start.
 */
class HandlerContext implements RequestContext {
  state: unknown;
  method: string;
  era: "modern" | "legacy";
  protocolVersion: string;
  clientCapabilities: ClientCapabilities;
  clientInfo: Implementation | undefined;
  auth: AuthInfo | undefined;
  sessionId: string | undefined;
  #init: ContextInit;
  #root: HandlerContext;
  #inputCounter = 0;
  #taskStarted: Promise<void> | undefined = undefined;
  #modernInput: ModernInput | undefined = undefined;
  #memos: MemoStore | undefined = undefined;
  #progress: Progress | undefined = undefined;
  #log: Log | undefined = undefined;
  #elicit: Elicit | undefined = undefined;
  #sample: Sample | undefined = undefined;
  #listRoots: ListRoots | undefined = undefined;
  #input: Input | undefined = undefined;
  #once: Once | undefined = undefined;

  constructor(init: ContextInit, state: unknown, root?: HandlerContext) {
    const { scope } = init;
    this.state = state;
    this.method = init.method;
    this.era = init.era;
    this.protocolVersion = init.protocolVersion;
    this.clientCapabilities = init.clientCapabilities;
    this.clientInfo = init.clientInfo;
    this.auth = scope.auth;
    this.sessionId = scope.session?.id;
    this.#init = init;
    this.#root = root ?? this;
  }

  /** The same context with other `state` (what a mounted server's handlers see). */
  static withState(context: HandlerContext, state: unknown): HandlerContext {
    return new HandlerContext(context.#init, state, context.#root);
  }

  get signal(): AbortSignal {
    return this.#init.signal;
  }

  get requestId(): RequestId {
    return this.#init.requestId;
  }

  get meta(): Meta {
    return this.#init.meta;
  }

  get progress(): Progress {
    return this.#progress ??= (progress, total, message) =>
      this.#sendProgress(progress, total, message);
  }

  get log(): Log {
    return this.#log ??= (level, data, logger) => this.#sendLog(level, data, logger);
  }

  get elicit(): Elicit {
    return this.#elicit ??= (params, options) =>
      this.#one({ method: "elicitation/create", params }, options) as Promise<unknown> as Promise<
        ElicitResult
      >;
  }

  get sample(): Sample {
    return this.#sample ??= (params, options) =>
      this.#one({ method: "sampling/createMessage", params }, options) as Promise<
        unknown
      > as Promise<
        CreateMessageResult
      >;
  }

  get listRoots(): ListRoots {
    return this.#listRoots ??= (options) =>
      this.#one({ method: "roots/list", params: {} }, options) as Promise<unknown> as Promise<
        ListRootsResult
      >;
  }

  get input(): Input {
    return this.#input ??= (requests) => this.#ask(requests);
  }

  get closeStream(): () => void {
    const scope = this.#init.scope;
    return () => scope.closeStream?.();
  }

  get completeElicitation(): (elicitationId: string) => void {
    const init = this.#init;
    return (elicitationId) => {
      if (init.era !== "legacy" || !init.scope.session) return;
      init.scope.session.sendStandalone({
        jsonrpc: "2.0",
        method: "notifications/elicitation/complete",
        params: { elicitationId },
      });
    };
  }

  get startTask(): () => Promise<void> {
    const root = this.#root;
    return () => root.#taskStarted ??= root.#init.onStartTask?.() ?? Promise.resolve();
  }

  get once(): Once {
    return this.#once ??= (key, fn) => {
      const root = this.#root;
      return (root.#memos ??= root.#init.memos ?? createMemoStore()).once(key, fn);
    };
  }

  #isAborted(): boolean {
    const init = this.#init;
    return init.aborted ? init.aborted() : init.signal.aborted;
  }

  #minLevel(): number {
    const init = this.#init;
    if (init.era === "modern") return levelIndex(init.meta["io.modelcontextprotocol/logLevel"]);
    const session = init.scope.session;
    return session?.logLevel ? levelIndex(session.logLevel) : 0;
  }

  #sendProgress(progress: number, total?: number, message?: string): void {
    const init = this.#init;
    const progressToken = init.meta.progressToken;
    const notify = init.scope.notify;
    if (progressToken === undefined || !notify || this.#isAborted()) return;
    const params: JsonObject = { progressToken, progress };
    if (total !== undefined) params.total = total;
    if (message !== undefined) params.message = message;
    notify({ jsonrpc: "2.0", method: "notifications/progress", params });
  }

  #sendLog(level: LoggingLevel, data: unknown, logger?: string): void {
    const notify = this.#init.scope.notify;
    const least = this.#minLevel();
    if (!notify || this.#isAborted() || least < 0) return;
    if (levelIndex(level) < least) return;
    const params: JsonObject = { level, data };
    if (logger !== undefined) params.logger = logger;
    notify({ jsonrpc: "2.0", method: "notifications/message", params });
  }

  #ask(requests: InputRequests): Promise<{ [key: string]: JsonObject }> {
    return this.#init.era === "modern" ? this.#askModern(requests) : this.#askLegacy(requests);
  }

  #askModern(requests: InputRequests): Promise<{ [key: string]: JsonObject }> {
    const root = this.#root;
    const init = root.#init;
    for (const key of Object.keys(requests)) {
      requireCapability(init.clientCapabilities, requests[key]);
    }
    root.#modernInput ??= init.input ?? createModernInput({
      answers: init.answers ?? {},
      onInputRequired: (gathered) => init.onInputRequired?.(gathered),
      suspendable: false,
    });
    return root.#modernInput.ask(requests);
  }

  async #askLegacy(requests: InputRequests): Promise<{ [key: string]: JsonObject }> {
    const init = this.#init;
    const { scope } = init;
    const session = scope.session;
    if (!session) {
      throw new McpError(ErrorCode.InternalError, "No client connection to send the request on");
    }
    const result: { [key: string]: JsonObject } = {};
    await Promise.all(
      Object.keys(requests).map(async (key) => {
        const request = requests[key];
        requireCapability(init.clientCapabilities, request, true);
        result[key] = await session.engine.request(request.method, request.params as JsonObject, {
          signal: init.signal,
          timeoutMs: null,
          send: scope.sendRelated,
        });
      }),
    );
    return result;
  }

  async #one(request: InputRequest, options?: InputOptions): Promise<JsonObject> {
    const root = this.#root;
    const count = root.#inputCounter += 1;
    if (request.method === "elicitation/create" && request.params.mode === "url") {
      request = { method: request.method, params: urlElicitationParams(request.params, this.era) };
    }
    const key = options?.key ?? `${request.method.replace(/\/.*$/, "")}-${count}`;
    return (await this.#ask({ [key]: request }))[key];
  }
}

/**
 * Builds a handler context. In the modern era, `elicit`/`sample`/`listRoots`
 * resolve from answers the client sent back; an unanswered one stops the
 * handler (its promise never settles, its signal aborts) and the request ends
 * with an `InputRequiredResult` listing every input asked for in that turn.
 * With `init.input` the run is kept suspended and the retry's answers settle
 * those requests; without it the handler is replayed from the start on each
 * round, so it must reach its input requests deterministically.
 */
export function createContext(init: ContextInit): RequestContext {
  return new HandlerContext(init, init.state);
}

/**
 * The same context with other lifespan `state` (a mounted server's handlers
 * see the child's). Its methods act for the same request; a context this
 * module did not make is copied with the new state.
 */
export function contextWithState<State>(
  context: RequestContext,
  state: State,
): RequestContext<State> {
  if (context instanceof HandlerContext) {
    return HandlerContext.withState(context, state) as RequestContext<State>;
  }
  return { ...context, state };
}
