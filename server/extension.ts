/**
 * The hook protocol extensions (such as `io.modelcontextprotocol/tasks`) use to
 * plug into `McpServer`: capabilities to advertise, methods to serve, and a say
 * in how handler calls run. Extensions apply to the 2026-07-28 era only.
 *
 * @module
 */
import type { JsonObject } from "../protocol/jsonrpc.ts";
import type { ClientCapabilities, InputRequests } from "../protocol/mod.ts";
import type { AuthInfo } from "../protocol/server_endpoint.ts";

/** Answers to input requests, by key (MRTR `inputResponses`). */
export type InputAnswers = { [key: string]: JsonObject };

/**
 * How one run of a handler ended: with its result, or stopped at input it
 * does not have yet (handlers are replayed from the start with the answers).
 */
export type RoundOutcome = { result: JsonObject } | { inputRequests: InputRequests };

/** How a tool may run beyond its request. */
export interface ToolExecution {
  /**
   * Whether calls may (`"optional"`) or must (`"required"`) run as tasks of the
   * tasks extension; `"forbidden"` (the default) always runs them in the request.
   */
  taskSupport?: "forbidden" | "optional" | "required";
  /**
   * When the task is created: `"call"` (default) before the handler runs;
   * `"handler"` when the handler calls `context.startTask()`, so input it asks
   * for before that goes through multi round-trip requests on the call itself.
   */
  taskStart?: "call" | "handler";
}

/** A modern-era handler call (`tools/call`, `prompts/get`, `resources/read`) about to run. */
export interface HandlerCall {
  /** The method. */
  method: string;
  /** The request parameters. */
  params: JsonObject;
  /** What the tool's definition says about running beyond the request. */
  execution?: ToolExecution;
  /** Capabilities the client declared on this request. */
  clientCapabilities: ClientCapabilities;
  /** The authenticated principal. */
  auth?: AuthInfo;
}

/** A handler call an extension took over. */
export interface HandedOffCall {
  /** Answers gathered over multi round-trip requests before the hand-off. */
  answers: InputAnswers;
  /**
   * Continues the run in progress (or starts it, when handed off before the
   * handler ran) under `signal`.
   */
  resume(signal: AbortSignal): Promise<RoundOutcome>;
  /** Runs the handler again from the start with `answers`, under `signal`. */
  replay(answers: InputAnswers, signal: AbortSignal): Promise<RoundOutcome>;
}

/** How an extension wants a handler call to run. */
export interface HandOffPlan {
  /** `"now"`: before the handler runs; `"onStartTask"`: when it calls `context.startTask()`. */
  when: "now" | "onStartTask";
  /** Takes the call over; resolves with the result the request answers with. */
  take(call: HandedOffCall): Promise<JsonObject>;
}

/** A modern-era request for a method an extension serves. */
export interface ExtensionRequest {
  /** The method. */
  method: string;
  /** The request parameters. */
  params: JsonObject;
  /** Capabilities the client declared on this request. */
  clientCapabilities: ClientCapabilities;
  /** The authenticated principal. */
  auth?: AuthInfo;
}

/** What an extension adds to one `subscriptions/listen` stream. */
export interface ExtensionSubscription {
  /** Filter fields it honours, merged into the acknowledgement. */
  honoured: JsonObject;
  /** Called when the stream ends. */
  stop(): void;
}

/**
 * A protocol extension plugged into `McpServer` with its `extensions` option.
 *
 * @example
 * ```ts
 * import type { ServerExtension } from "./extension.ts";
 * const echo: ServerExtension = {
 *   id: "com.example/echo",
 *   methods: { "echo/say": (request) => Promise.resolve({ said: request.params.text ?? "" }) },
 * };
 * ```
 */
export interface ServerExtension {
  /** The identifier advertised under `capabilities.extensions`. */
  readonly id: string;
  /** The settings advertised with it. Default `{}`. */
  readonly settings?: JsonObject;
  /**
   * Also declared in the legacy `initialize` result and serving its methods
   * to legacy sessions, for extensions that need nothing modern. Default false.
   */
  readonly legacy?: boolean;
  /** Methods it serves. */
  readonly methods?: { [method: string]: (request: ExtensionRequest) => Promise<JsonObject> };
  /**
   * Decides whether to take over a handler call; `undefined` lets it run in the
   * request. May throw to refuse the call.
   */
  planHandlerCall?(call: HandlerCall): HandOffPlan | undefined;
  /**
   * Joins a `subscriptions/listen` stream (`request.params.notifications` is
   * the filter); `send` emits a notification on it. `undefined` when the filter
   * asks nothing of this extension. May throw to refuse the subscription.
   */
  listen?(
    request: ExtensionRequest,
    send: (method: string, params: JsonObject) => void,
  ): ExtensionSubscription | undefined;
}

/** Whether the client declared an extension on this request. */
export function clientDeclares(capabilities: ClientCapabilities, id: string): boolean {
  const declared = capabilities.extensions?.[id];
  return typeof declared === "object" && declared !== null;
}
