/**
 * The public option types of `McpClient`: what it connects to, the handlers
 * for what a server may ask, construction options, per-call options, and the
 * shape of a subscription.
 *
 * @module
 */
import type { Progress } from "../protocol/engine.ts";
import type { JsonRpcNotification } from "../protocol/jsonrpc.ts";
import type { DetailedTask } from "../protocol/tasks.ts";
import type { TokenProvider } from "../protocol/token_provider.ts";
import type { Transport } from "../protocol/transport.ts";
import type {
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  LoggingLevel,
  Root,
  SubscriptionFilter,
} from "../protocol/types.ts";
import type { StdioServerParameters } from "../transports/stdio/client.ts";
import type { ClientCompat } from "./compat.ts";

/** What `McpClient.connect` accepts: a URL, a command to spawn, or a ready transport. */
export type ConnectTarget = string | URL | StdioServerParameters | Transport;

/** What a handler of a server request receives besides the params. */
export interface HandlerContext {
  /** Aborted when the server cancels the request or the client closes. */
  signal: AbortSignal;
  /** The era the request arrived in. */
  era: "modern" | "legacy";
}

/** Handlers for what a server may ask of the client. A capability is declared only when its handler is set. */
export interface ClientHandlers {
  /** Form-mode elicitation: ask the user to fill in `requestedSchema`. */
  elicit?: (
    params: ElicitRequestParams,
    context: HandlerContext,
  ) => ElicitResult | Promise<ElicitResult>;
  /** URL-mode elicitation: send the user to `params.url`. */
  elicitUrl?: (
    params: ElicitRequestParams,
    context: HandlerContext,
  ) => ElicitResult | Promise<ElicitResult>;
  /** Sampling (with tools): produce the next model message. */
  sample?: (
    params: CreateMessageRequestParams,
    context: HandlerContext,
  ) => CreateMessageResult | Promise<CreateMessageResult>;
  /** The roots the client exposes. */
  roots?: (context: HandlerContext) => Root[] | Promise<Root[]>;
}

/** A log message from the server (`notifications/message`). */
export interface LogMessage {
  /** Severity. */
  level: LoggingLevel;
  /** Logger name. */
  logger?: string;
  /** The payload. */
  data: unknown;
}

/** Client construction options. */
export interface ClientOptions {
  /** Handlers for server requests. */
  handlers?: ClientHandlers;
  /** Extra capabilities (e.g. `extensions`), merged under the handler-derived ones. */
  capabilities?: ClientCapabilities;
  /** Default per-request timeout in ms; `null` for none. Default 60 000. */
  timeoutMs?: number | null;
  /** Most `InputRequiredResult` rounds before a request fails. Default 10. */
  maxInputRounds?: number;
  /** Skip detection and speak this era. Default: detect. */
  era?: "modern" | "legacy";
  /** Use the module-wide era cache. Default true. */
  eraCache?: boolean;
  /** How long the stdio `server/discover` probe may take before assuming legacy. Default 3000 ms. */
  probeTimeoutMs?: number;
  /** Log level asked of the server (legacy RPC or modern `_meta`). */
  logLevel?: LoggingLevel;
  /** Receives `notifications/message`. */
  onLog?: (message: LogMessage) => void;
  /** Receives every notification from the server. */
  onNotification?: (notification: JsonRpcNotification) => void;
  /** Receives warnings (dropped tools, stray messages). Default: `console.warn`. */
  onWarning?: (message: string) => void;
  /** Fill form defaults into accepted elicitations (SEP-1034). Default true. */
  applyElicitationDefaults?: boolean;
  /**
   * Declare the tasks extension (`io.modelcontextprotocol/tasks`) on modern
   * requests, so servers may answer `tools/call` with a task; `callTool` then
   * drives it to the end and returns the final result. Default false.
   */
  tasks?: boolean | ClientTaskOptions;
  /** The legacy version offered in `initialize`. Default 2025-11-25. */
  legacyVersion?: string;
  /** HTTP: the `fetch` to use. */
  fetch?: typeof fetch;
  /**
   * HTTP: credentials for every request, obtained and renewed after a 401 or 403 (e.g. an
   * `OAuthTokenProvider` from `auth/`, which discovers the authorization server and runs the flow).
   */
  auth?: TokenProvider;
  /** HTTP: headers added to every request (e.g. `Authorization`). */
  headers?: Record<string, string>;
  /** HTTP legacy sessions: open the GET stream for server-initiated messages. Default true. */
  sessionStream?: boolean;
  /** stdio: what to do with the child's stderr. Default "inherit". */
  stderr?: "inherit" | "capture" | "ignore";
  /** stdio: grace period after closing stdin, and again after SIGTERM. Default 2000 ms. */
  shutdownGraceMs?: number;
  /**
   * Compatibility flags (aiomcp's client flags, in camelCase): each turns a
   * tolerance into an error, all off by default; see {@link ClientCompat}.
   */
  compat?: ClientCompat;
}

/** Settings of the tasks extension on the client. */
export interface ClientTaskOptions {
  /** Polling interval when the server suggests none. Default 1000 ms. */
  defaultPollIntervalMs?: number;
}

/** Per-call options. */
export interface CallOptions {
  /** Timeout in ms for each round trip; `null` for none. */
  timeoutMs?: number | null;
  /** Aborting cancels the call and tells the server. */
  signal?: AbortSignal;
  /** Progress callback; asks the server for progress notifications. */
  onProgress?: (progress: Progress) => void;
  /** Restart the timeout whenever progress arrives. */
  resetTimeoutOnProgress?: boolean;
  /** Upper bound on total time even with progress. */
  maxTotalTimeoutMs?: number;
  /**
   * When the server answers `tools/call` with a task: receives every state
   * observed, the handle first (e.g. to persist the task id).
   */
  onTask?: (task: DetailedTask) => void;
}

/**
 * Options of `McpClient.invoke`: besides the call's options, what form the
 * tool's value must take.
 */
export interface InvokeOptions extends CallOptions {
  /** Require `structuredContent` (a tool that sends only content is an error). */
  structured?: boolean;
  /** Return the LLM-friendly content list instead (`resultToContent`). */
  content?: boolean;
}

/** Options of list helpers. */
export interface ListOptions extends CallOptions {
  /** Skip the cache and ask the server. */
  fresh?: boolean;
}

/** An active subscription; call it to unsubscribe. */
export interface Subscription {
  /** Ends the subscription. */
  (): Promise<void>;
  /** What the server agreed to deliver. */
  acknowledged: SubscriptionFilter;
  /**
   * Settles when the subscription ended: `"graceful"` (the server closed it),
   * `"cancelled"` (unsubscribed) or `"dropped"` (the connection went away).
   */
  ended: Promise<"graceful" | "cancelled" | "dropped">;
}
