/**
 * `McpClient`: one client for both protocol eras and every transport. It
 * detects the era of a server it does not know (probe with `server/discover`,
 * fall back to `initialize`, and over HTTP further to HTTP+SSE), remembers it
 * per server, and gives the same API either way: listing, calls, reads,
 * prompts, completion, subscriptions, and the server's requests for input
 * (elicitation, sampling, roots) whether they come as legacy server-to-client
 * requests or as modern `InputRequiredResult` rounds.
 *
 * @module
 */
import { createRequestEngine, type Progress, type RequestEngine } from "../protocol/engine.ts";
import { ErrorCode, McpError, toErrorObject } from "../protocol/errors.ts";
import {
  encodeHeaderValue,
  type HeaderParameter,
  headerParameters,
  parameterHeaderText,
  valueAtPath,
} from "../protocol/headers.ts";
import {
  type Classified,
  errorResponse,
  isObject,
  type JsonObject,
  type JsonRpcMessage,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type RequestId,
  resultResponse,
} from "../protocol/jsonrpc.ts";
import { MetaKey } from "../protocol/meta.ts";
import type { Transport } from "../protocol/transport.ts";
import type {
  CallToolResult,
  ClientCapabilities,
  CompleteResult,
  ContentBlock,
  CreateMessageRequestParams,
  CreateMessageResult,
  DiscoverResult,
  ElicitRequestParams,
  ElicitResult,
  GetPromptResult,
  Implementation,
  InputResponses,
  LoggingLevel,
  Page,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Root,
  ServerCapabilities,
  SubscriptionFilter,
  Tool,
} from "../protocol/types.ts";
import { LATEST_LEGACY_VERSION, LEGACY_VERSIONS, MODERN_VERSIONS } from "../protocol/versions.ts";
import {
  createHttpClientTransport,
  type HttpClientTransport,
  HttpStatusError,
} from "../transports/http/client.ts";
import { createLegacySseClientTransport } from "../transports/legacy_sse/client.ts";
import {
  createStdioClientTransport,
  type StdioServerParameters,
} from "../transports/stdio/client.ts";
import { eraCache, eraKeyForCommand, eraKeyForUrl } from "./era_cache.ts";
import { ClientError, ToolError } from "./errors.ts";
import { compileSchema, type JsonSchema } from "../schema/mod.ts";
import { awaitTask, isTaskHandle, type TaskDriver } from "./tasks.ts";
import { type DetailedTask, TASKS_EXTENSION } from "../protocol/tasks.ts";
import {
  applyElicitationDefaults,
  checkStructure,
  resultToContent,
  type StructuralIssue,
} from "./results.ts";
import { formatIssues } from "../schema/issues.ts";
import { filterAccepts, honouredListChanges } from "../protocol/subscriptions.ts";

/** What {@link McpClient.connect} accepts: a URL, a command to spawn, or a ready transport. */
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
  /** HTTP: headers added to every request (e.g. `Authorization`). */
  headers?: Record<string, string>;
  /** HTTP legacy sessions: open the GET stream for server-initiated messages. Default true. */
  sessionStream?: boolean;
  /** stdio: what to do with the child's stderr. Default "inherit". */
  stderr?: "inherit" | "capture" | "ignore";
  /** stdio: grace period after closing stdin, and again after SIGTERM. Default 2000 ms. */
  shutdownGraceMs?: number;
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
  /** Settles when the subscription ended: `"graceful"` (server closed it) or `"cancelled"`. */
  ended: Promise<"graceful" | "cancelled" | "dropped">;
}

interface ModernSubscription {
  listener: (notification: JsonRpcNotification) => void;
  acknowledge: (filter: SubscriptionFilter) => void;
}

interface LegacySubscription {
  filter: SubscriptionFilter;
  listener: (notification: JsonRpcNotification) => void;
}

interface CacheEntry {
  result: JsonObject;
  freshUntil: number;
  scope: string;
}

interface MetaMemo {
  version: string;
  logLevel: LoggingLevel | undefined;
  handlers: ClientHandlers | undefined;
  capabilities: ClientCapabilities | undefined;
  plain: JsonObject;
  withTasks: JsonObject;
}

interface RequestSettings extends CallOptions {
  headers?: Record<string, string>;
  onSend?: (message: JsonRpcMessage) => void;
}

const MODERN_ERROR_CODES = new Set<number>([
  ErrorCode.UnsupportedProtocolVersion,
  ErrorCode.HeaderMismatch,
  ErrorCode.MissingRequiredClientCapability,
]);

const LIST_CHANGED: Record<string, string[]> = {
  "notifications/tools/list_changed": ["tools/list"],
  "notifications/prompts/list_changed": ["prompts/list"],
  "notifications/resources/list_changed": ["resources/list", "resources/templates/list"],
};

function isTransport(target: ConnectTarget): target is Transport {
  return typeof target === "object" && !(target instanceof URL) && "send" in target &&
    "start" in target;
}

function pickVersion(offered: unknown, ours: readonly string[]): string | undefined {
  if (!Array.isArray(offered)) return undefined;
  return ours.find((version) => offered.includes(version));
}

/** Whether an error proves the peer is a modern server (it speaks the modern error vocabulary). */
function isModernError(error: unknown): boolean {
  return error instanceof McpError && MODERN_ERROR_CODES.has(error.code) &&
    (!(error instanceof HttpStatusError) || error.jsonRpcBody);
}

/**
 * An MCP client for servers of either era.
 *
 * @example
 * ```ts
 * import { McpClient } from "./client.ts";
 * const client = new McpClient({ name: "my-app", version: "1.0.0" }, {
 *   handlers: { elicit: () => ({ action: "decline" }) },
 * });
 * await client.connect("http://127.0.0.1:3000/mcp");
 * const tools = await client.listTools();
 * const result = await client.callTool(tools[0].name, {});
 * await client.close();
 * ```
 */
export class McpClient {
  /** The client's identity. */
  readonly info: Implementation;
  /** The options it was built with. */
  readonly options: ClientOptions;
  #transport: Transport | undefined;
  #engine: RequestEngine;
  #era: "modern" | "legacy" | undefined;
  #version: string | undefined;
  #serverInfo: Implementation | undefined;
  #serverCapabilities: ServerCapabilities = {};
  #instructions: string | undefined;
  #tools = new Map<string, Tool>();
  #cache = new Map<string, CacheEntry>();
  #modernSubs = new Map<RequestId, ModernSubscription>();
  #legacySubs = new Set<LegacySubscription>();
  #resourceRefs = new Map<string, number>();
  #serverRequests = new Map<RequestId, AbortController>();
  #logLevel: LoggingLevel | undefined;
  #closed = false;
  #connecting = false;
  #closeReason: string | undefined;
  #lifetime = new AbortController();
  #metaMemo: MetaMemo | undefined;
  #headerParameters = new WeakMap<Tool, HeaderParameter[]>();

  /** Creates a client; call {@link McpClient.connect} next. */
  constructor(info: Implementation, options: ClientOptions = {}) {
    this.info = info;
    this.options = options;
    this.#logLevel = options.logLevel;
    this.#engine = this.#newEngine();
  }

  // ---- state ---------------------------------------------------------------

  /** "modern" or "legacy", once connected. */
  get era(): "modern" | "legacy" | undefined {
    return this.#era;
  }

  /** The protocol version in use. */
  get protocolVersion(): string | undefined {
    return this.#version;
  }

  /** The server's identity, when it told. */
  get serverInfo(): Implementation | undefined {
    return this.#serverInfo;
  }

  /** The server's capabilities. */
  get serverCapabilities(): ServerCapabilities {
    return this.#serverCapabilities;
  }

  /** The server's instructions for the model. */
  get instructions(): string | undefined {
    return this.#instructions;
  }

  /** The transport in use. */
  get transport(): Transport | undefined {
    return this.#transport;
  }

  /** The capabilities this client declares (derived from its handlers). */
  capabilities(): ClientCapabilities {
    const handlers = this.options.handlers ?? {};
    const caps: ClientCapabilities = { ...this.options.capabilities };
    if (handlers.elicit || handlers.elicitUrl) {
      caps.elicitation = {
        ...(handlers.elicit ? { form: {} } : {}),
        ...(handlers.elicitUrl ? { url: {} } : {}),
      };
    }
    if (handlers.sample) caps.sampling = { tools: {} };
    if (handlers.roots) caps.roots = { listChanged: true };
    return caps;
  }

  // ---- connection ----------------------------------------------------------

  /**
   * Connects to a server: a URL (Streamable HTTP, falling back to HTTP+SSE), a
   * command to spawn (stdio), or a ready transport. Detects the era unless it
   * is cached.
   */
  async connect(target: ConnectTarget): Promise<void> {
    if (this.#transport) {
      throw new ClientError(ErrorCode.InvalidRequest, "Client is already connected");
    }
    this.#connecting = true;
    try {
      await this.#connectTo(target);
    } finally {
      this.#connecting = false;
    }
  }

  async #connectTo(target: ConnectTarget): Promise<void> {
    const useCache = this.options.eraCache !== false;
    if (typeof target === "string" || target instanceof URL) {
      await this.#connectHttp(new URL(target), useCache);
    } else if (isTransport(target)) {
      this.#attach(target);
      await target.start(this.#sinkFor(target));
      await this.#negotiate(undefined, false);
    } else {
      const key = eraKeyForCommand(target.command, target.args ?? []);
      const transport = createStdioClientTransport({ stderr: this.options.stderr, ...target }, {
        shutdownGraceMs: this.options.shutdownGraceMs,
      });
      this.#attach(transport);
      await transport.start(this.#sinkFor(transport));
      await this.#negotiate(useCache ? key : undefined, true);
    }
  }

  async #connectHttp(url: URL, useCache: boolean): Promise<void> {
    const key = eraKeyForUrl(url);
    const cached = useCache ? eraCache.get(key) : undefined;
    if (cached?.httpSse) {
      try {
        await this.#connectHttpSse(url);
        return;
      } catch {
        eraCache.delete(key);
        const stale = this.#transport;
        this.#detach();
        await stale?.close();
      }
    }
    const transport = createHttpClientTransport(url, {
      fetch: this.options.fetch,
      headers: this.options.headers,
      sessionStream: this.options.sessionStream,
    });
    this.#attach(transport);
    transport.start(this.#sinkFor(transport));
    try {
      await this.#negotiate(useCache ? key : undefined, false);
    } catch (error) {
      if (
        !(error instanceof HttpStatusError) || ![400, 404, 405].includes(error.status) ||
        error.jsonRpcBody
      ) {
        throw error;
      }
      // Neither era answered over Streamable HTTP: try the 2024-11-05 HTTP+SSE transport.
      this.#detach();
      await transport.close();
      await this.#connectHttpSse(url);
      if (useCache) {
        eraCache.set(key, { era: "legacy", protocolVersion: this.#version!, httpSse: true });
      }
    }
  }

  async #connectHttpSse(url: URL): Promise<void> {
    const transport = createLegacySseClientTransport(url, {
      fetch: this.options.fetch,
      headers: this.options.headers,
    });
    this.#attach(transport);
    await transport.start(this.#sinkFor(transport));
    await this.#initialize();
  }

  #newEngine(): RequestEngine {
    return createRequestEngine((message) => this.#sendRaw(message), {
      defaultTimeoutMs: this.options.timeoutMs === undefined ? 60_000 : this.options.timeoutMs,
      // Subscriptions are long-lived; ordinary requests are bounded by their own timeout.
      hardMaxTimeoutMs: 2_147_483_647,
    });
  }

  #sendRaw(message: JsonRpcMessage): Promise<void> {
    const transport = this.#transport;
    if (!transport || this.#closed) {
      return Promise.reject(new McpError(ErrorCode.ConnectionClosed, this.#closedMessage()));
    }
    return transport.send(message);
  }

  #attach(transport: Transport): void {
    this.#transport = transport;
  }

  #detach(): void {
    this.#transport = undefined;
    this.#engine.failAll(new McpError(ErrorCode.ConnectionClosed, "Transport replaced"));
    this.#engine = this.#newEngine();
  }

  #sinkFor(transport: Transport): { message(incoming: Classified): void; close(): void } {
    return {
      message: (incoming) => {
        if (this.#transport === transport) this.#onMessage(incoming);
      },
      close: () => {
        if (this.#transport !== transport) return;
        const reason = (transport as { closeReason?: string }).closeReason ??
          "the connection closed";
        if (this.#connecting) {
          // A transport given up during era detection; the next one may still work.
          this.#engine.failAll(
            new McpError(ErrorCode.ConnectionClosed, `Connection closed: ${reason}`),
          );
          return;
        }
        this.#closeReason ??= reason;
        this.#closed = true;
        this.#lifetime.abort(this.#closeReason);
        this.#engine.failAll(new McpError(ErrorCode.ConnectionClosed, this.#closedMessage()));
      },
    };
  }

  #closedMessage(): string {
    return `Connection closed: ${this.#closeReason ?? "the client is not connected"}`;
  }

  #warn(message: string): void {
    (this.options.onWarning ?? ((text: string) => console.warn(`[emcee client] ${text}`)))(message);
  }

  /** Decides the era: cached, probed with `server/discover`, or by falling back to `initialize`. */
  async #negotiate(key: string | undefined, stdio: boolean): Promise<void> {
    if (this.options.era === "legacy") return await this.#initialize();
    if (this.options.era === "modern") {
      if (await this.#probe(stdio)) return;
      throw new ClientError(
        ErrorCode.InvalidRequest,
        "The server did not answer server/discover as a modern server",
      );
    }
    const cached = key ? eraCache.get(key) : undefined;
    if (cached?.era === "legacy") {
      try {
        await this.#initialize();
        return;
      } catch (error) {
        if (
          error instanceof McpError && error.code === ErrorCode.ConnectionClosed && this.#closed
        ) throw error;
        eraCache.delete(key!);
      }
    }
    if (cached?.era === "modern") this.#version = cached.protocolVersion;
    const modern = await this.#probe(stdio);
    if (modern) {
      if (key) eraCache.set(key, { era: "modern", protocolVersion: this.#version! });
      return;
    }
    await this.#initialize();
    if (key) eraCache.set(key, { era: "legacy", protocolVersion: this.#version! });
  }

  /** Sends the `server/discover` probe; true when the server is modern. */
  async #probe(stdio: boolean): Promise<boolean> {
    this.#era = "modern";
    this.#version ??= MODERN_VERSIONS[0];
    const timeoutMs = stdio ? (this.options.probeTimeoutMs ?? 3000) : undefined;
    let result: JsonObject;
    try {
      result = await this.#request("server/discover", {}, { timeoutMs });
    } catch (error) {
      this.#era = undefined;
      if (error instanceof McpError && error.code === ErrorCode.UnsupportedProtocolVersion) {
        const legacy = pickVersion(
          isObject(error.data) ? error.data.supported : undefined,
          LEGACY_VERSIONS,
        );
        if (legacy) return false;
        throw new ClientError(
          ErrorCode.UnsupportedProtocolVersion,
          `The server supports none of our protocol versions (${
            MODERN_VERSIONS.join(", ")
          }): ${error.message}`,
          error.data,
        );
      }
      if (isModernError(error)) throw error;
      if (error instanceof HttpStatusError) {
        if ([400, 404, 405].includes(error.status)) return false;
        throw error;
      }
      if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed) throw error;
      // stdio and in-memory: any other error, or silence, means a legacy server.
      return false;
    }
    const version = pickVersion(result.supportedVersions, MODERN_VERSIONS);
    if (!version) {
      // A success that is not a DiscoverResult came from a server that does not know the method.
      this.#era = undefined;
      return false;
    }
    this.#version = version;
    this.#applyDiscover(result);
    return true;
  }

  #applyDiscover(result: JsonObject): void {
    this.#serverCapabilities = isObject(result.capabilities)
      ? result.capabilities as ServerCapabilities
      : {};
    if (typeof result.instructions === "string") this.#instructions = result.instructions;
    const meta = isObject(result._meta) ? result._meta : {};
    const info = meta[MetaKey.serverInfo] ?? result.serverInfo;
    if (isObject(info)) this.#serverInfo = info as unknown as Implementation;
  }

  async #initialize(): Promise<void> {
    this.#era = "legacy";
    const requested = this.options.legacyVersion ?? LATEST_LEGACY_VERSION;
    let result: JsonObject;
    try {
      result = await this.#engine.request("initialize", {
        protocolVersion: requested,
        capabilities: this.capabilities() as JsonObject,
        clientInfo: this.info as unknown as JsonObject,
      });
    } catch (error) {
      this.#era = undefined;
      throw error;
    }
    const version = result.protocolVersion;
    if (typeof version !== "string" || !LEGACY_VERSIONS.includes(version)) {
      throw new ClientError(
        ErrorCode.UnsupportedProtocolVersion,
        `The server chose protocol version ${
          JSON.stringify(version)
        }, which this client does not speak`,
      );
    }
    this.#version = version;
    this.#serverCapabilities = isObject(result.capabilities)
      ? result.capabilities as ServerCapabilities
      : {};
    if (isObject(result.serverInfo)) {
      this.#serverInfo = result.serverInfo as unknown as Implementation;
    }
    if (typeof result.instructions === "string") this.#instructions = result.instructions;
    const http = this.#transport as Partial<HttpClientTransport>;
    http.setProtocolVersion?.(version);
    await this.#sendRaw({ jsonrpc: "2.0", method: "notifications/initialized" });
    http.openSessionStream?.();
    if (this.#logLevel && this.#serverCapabilities.logging) {
      await this.#engine.request("logging/setLevel", { level: this.#logLevel });
    }
  }

  /** Closes the connection; pending calls fail with a connection-closed error. */
  async close(): Promise<void> {
    if (this.#closed && !this.#transport) return;
    this.#closeReason ??= "closed by the client";
    this.#modernSubs.clear();
    this.#legacySubs.clear();
    const transport = this.#transport;
    this.#closed = true;
    this.#lifetime.abort(this.#closeReason);
    this.#engine.failAll(new McpError(ErrorCode.ConnectionClosed, this.#closedMessage()));
    for (const controller of this.#serverRequests.values()) controller.abort("client closed");
    await transport?.close();
    this.#transport = undefined;
  }

  // ---- requests ------------------------------------------------------------

  /**
   * The modern `_meta` of a request. It is the same object for every request
   * until something it is made of changes, so a call builds none; `tasks/*`
   * requests always declare the tasks extension, which they belong to.
   */
  #meta(method: string): JsonObject {
    const version = this.#version ?? MODERN_VERSIONS[0];
    let memo = this.#metaMemo;
    if (
      memo === undefined || memo.version !== version || memo.logLevel !== this.#logLevel ||
      memo.handlers !== this.options.handlers || memo.capabilities !== this.options.capabilities
    ) {
      const build = (capabilities: ClientCapabilities): JsonObject => {
        const meta: JsonObject = {
          [MetaKey.protocolVersion]: version,
          [MetaKey.clientCapabilities]: capabilities as JsonObject,
          [MetaKey.clientInfo]: this.info as unknown as JsonObject,
        };
        if (this.#logLevel) meta[MetaKey.logLevel] = this.#logLevel;
        return meta;
      };
      const capabilities = this.capabilities();
      memo = this.#metaMemo = {
        version,
        logLevel: this.#logLevel,
        handlers: this.options.handlers,
        capabilities: this.options.capabilities,
        plain: build(capabilities),
        withTasks: build({
          ...capabilities,
          extensions: { ...capabilities.extensions, [TASKS_EXTENSION]: {} },
        }),
      };
    }
    return this.options.tasks || method.startsWith("tasks/") ? memo.withTasks : memo.plain;
  }

  /** One request in the current era, with one retry on -32022 with a mutually supported version. */
  async #request(
    method: string,
    params: JsonObject | undefined,
    settings: RequestSettings = {},
  ): Promise<JsonObject> {
    if (this.#closed) throw new McpError(ErrorCode.ConnectionClosed, this.#closedMessage());
    for (let attempt = 0;; attempt++) {
      let finalParams = params;
      if (this.#era === "modern") {
        const meta = this.#meta(method);
        finalParams = {
          ...params,
          _meta: isObject(params?._meta) ? { ...params._meta, ...meta } : meta,
        };
      }
      const transport = this.#transport as Partial<HttpClientTransport> | undefined;
      const custom = settings.headers !== undefined || settings.onSend !== undefined;
      try {
        return await this.#engine.request(method, finalParams, {
          timeoutMs: settings.timeoutMs,
          signal: settings.signal,
          onProgress: settings.onProgress,
          resetTimeoutOnProgress: settings.resetTimeoutOnProgress,
          maxTotalTimeoutMs: settings.maxTotalTimeoutMs,
          send: custom
            ? (message) => {
              settings.onSend?.(message);
              if (transport?.kind === "http" && "id" in message && "method" in message) {
                return transport.send!(message, { headers: settings.headers });
              }
              return this.#sendRaw(message);
            }
            : undefined,
        });
      } catch (error) {
        if (
          attempt === 0 && this.#era === "modern" && error instanceof McpError &&
          error.code === ErrorCode.UnsupportedProtocolVersion
        ) {
          const version = pickVersion(
            isObject(error.data) ? error.data.supported : undefined,
            MODERN_VERSIONS,
          );
          if (version) {
            this.#version = version;
            continue;
          }
        }
        throw error;
      }
    }
  }

  /** A request that may come back as `InputRequiredResult`: answers inputs and retries. */
  async #withInput(
    method: string,
    params: JsonObject,
    settings: RequestSettings,
  ): Promise<JsonObject> {
    const maxRounds = this.options.maxInputRounds ?? 10;
    let extra: JsonObject = {};
    for (let round = 0;; round++) {
      const result = await this.#request(
        method,
        round === 0 ? params : { ...params, ...extra },
        settings,
      );
      if (result.resultType !== "input_required") {
        if (isTaskHandle(result) && method !== "tools/call") {
          throw new ClientError(
            ErrorCode.InternalError,
            `The server answered ${method} with a task, which only tools/call may return`,
          );
        }
        return result;
      }
      if (this.#era !== "modern") {
        throw new ClientError(
          ErrorCode.InvalidRequest,
          `A legacy server answered ${method} with input_required`,
        );
      }
      if (round + 1 >= maxRounds) {
        throw new ClientError(
          ErrorCode.InternalError,
          `${method} still needed input after ${maxRounds} rounds; giving up`,
          { rounds: maxRounds },
        );
      }
      const requests = isObject(result.inputRequests) ? result.inputRequests : {};
      const responses: JsonObject = {};
      for (const [key, request] of Object.entries(requests)) {
        responses[key] = await this.#answerInput(request, settings.signal);
      }
      extra = {};
      if (Object.keys(requests).length > 0) extra.inputResponses = responses;
      if (typeof result.requestState === "string") extra.requestState = result.requestState;
    }
  }

  async #answerInput(request: unknown, signal?: AbortSignal): Promise<JsonObject> {
    if (!isObject(request) || typeof request.method !== "string") {
      throw new ClientError(ErrorCode.InvalidParams, "The server sent a malformed input request");
    }
    const controller = new AbortController();
    const onAbort = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", onAbort, { once: true });
    try {
      return await this.#serve(request.method, isObject(request.params) ? request.params : {}, {
        signal: controller.signal,
        era: "modern",
      });
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** Runs the handler for a server request (either era); throws a ClientError when none is set. */
  async #serve(method: string, params: JsonObject, context: HandlerContext): Promise<JsonObject> {
    const handlers = this.options.handlers ?? {};
    const missing = (what: string) =>
      new ClientError(
        ErrorCode.MethodNotFound,
        `The server asked for ${method}, but this client has no ${what} handler`,
        { method },
      );
    switch (method) {
      case "elicitation/create": {
        const elicit = params.mode === "url" ? handlers.elicitUrl : handlers.elicit;
        if (!elicit) throw missing(params.mode === "url" ? "URL elicitation" : "elicitation");
        const answer = await elicit(params as unknown as ElicitRequestParams, context);
        const filled = this.options.applyElicitationDefaults === false || params.mode === "url"
          ? answer
          : applyElicitationDefaults(answer, params.requestedSchema);
        return filled as unknown as JsonObject;
      }
      case "sampling/createMessage": {
        if (!handlers.sample) throw missing("sampling");
        return await handlers.sample(
          params as unknown as CreateMessageRequestParams,
          context,
        ) as unknown as JsonObject;
      }
      case "roots/list": {
        if (!handlers.roots) throw missing("roots");
        return { roots: await handlers.roots(context) as unknown as JsonObject[] };
      }
      case "ping":
        return {};
    }
    throw new ClientError(
      ErrorCode.MethodNotFound,
      `The server asked for ${method}, which this client does not know`,
    );
  }

  // ---- incoming ------------------------------------------------------------

  #onMessage(incoming: Classified): void {
    switch (incoming.kind) {
      case "response":
        if (!this.#engine.handleResponse(incoming.message)) {
          this.#warn(
            `Ignored a response for unknown or finished request ${
              JSON.stringify(incoming.message.id)
            }`,
          );
        }
        return;
      case "notification":
        this.#onNotification(incoming.message);
        return;
      case "request":
        this.#onServerRequest(incoming.message);
        return;
      case "invalid":
        this.#warn(`Ignored an invalid message from the server: ${incoming.error.error.message}`);
    }
  }

  #onServerRequest(request: JsonRpcRequest): void {
    const controller = new AbortController();
    this.#serverRequests.set(request.id, controller);
    const onClose = () => controller.abort("client closed");
    this.#lifetime.signal.addEventListener("abort", onClose, { once: true });
    this.#serve(request.method, request.params ?? {}, { signal: controller.signal, era: "legacy" })
      .then(
        (result) => resultResponse(request.id, result),
        (error) => errorResponse(request.id, toErrorObject(error)),
      )
      .then((response) => {
        if (!controller.signal.aborted) return this.#sendRaw(response);
      })
      .catch((error) =>
        this.#warn(`Could not answer the server's ${request.method}: ${String(error)}`)
      )
      .finally(() => {
        this.#serverRequests.delete(request.id);
        this.#lifetime.signal.removeEventListener("abort", onClose);
      });
  }

  #onNotification(notification: JsonRpcNotification): void {
    const { method } = notification;
    const params = notification.params ?? {};
    switch (method) {
      case "notifications/progress":
        this.#engine.handleProgress(params);
        break;
      case "notifications/message":
        this.options.onLog?.(params as unknown as LogMessage);
        break;
      case "notifications/cancelled": {
        const id = params.requestId;
        if (typeof id === "string" || typeof id === "number") {
          this.#serverRequests.get(id)?.abort(params.reason);
        }
        break;
      }
      case "notifications/subscriptions/acknowledged": {
        const id = isObject(params._meta) ? params._meta[MetaKey.subscriptionId] : undefined;
        const sub = typeof id === "string" || typeof id === "number"
          ? this.#modernSubs.get(id)
          : undefined;
        sub?.acknowledge(
          isObject(params.notifications) ? params.notifications as SubscriptionFilter : {},
        );
        break;
      }
      default:
        this.#invalidate(notification);
        this.#dispatch(notification);
    }
    try {
      this.options.onNotification?.(notification);
    } catch (error) {
      this.#warn(`onNotification threw: ${String(error)}`);
    }
  }

  #invalidate(notification: JsonRpcNotification): void {
    const prefixes = LIST_CHANGED[notification.method];
    if (!prefixes) return;
    for (const key of [...this.#cache.keys()]) {
      if (prefixes.some((prefix) => key.startsWith(`${prefix} `))) this.#cache.delete(key);
    }
  }

  #dispatch(notification: JsonRpcNotification): void {
    const params = notification.params ?? {};
    const id = isObject(params._meta) ? params._meta[MetaKey.subscriptionId] : undefined;
    if (typeof id === "string" || typeof id === "number") {
      this.#modernSubs.get(id)?.listener(notification);
      return;
    }
    for (const sub of this.#legacySubs) {
      if (filterAccepts(sub.filter, notification)) sub.listener(notification);
    }
  }

  // ---- discovery and lists -------------------------------------------------

  /** The server's `server/discover` result (legacy servers: what `initialize` told). */
  async discover(options: ListOptions = {}): Promise<DiscoverResult> {
    if (this.#era === "legacy") {
      return {
        supportedVersions: [this.#version!],
        capabilities: this.#serverCapabilities,
        ...(this.#instructions ? { instructions: this.#instructions } : {}),
        ...(this.#serverInfo ? { _meta: { [MetaKey.serverInfo]: this.#serverInfo } } : {}),
      };
    }
    const result = await this.#cached("server/discover", {}, options);
    this.#applyDiscover(result);
    return result as unknown as DiscoverResult;
  }

  async #cached(method: string, params: JsonObject, options: ListOptions): Promise<JsonObject> {
    const key = `${method} ${JSON.stringify(params)}`;
    const useCache = this.#era === "modern";
    if (useCache && !options.fresh) {
      const hit = this.#cache.get(key);
      if (hit && Date.now() < hit.freshUntil) return hit.result;
    }
    const result = await this.#request(method, params, options);
    const ttl = typeof result.ttlMs === "number" && Number.isFinite(result.ttlMs)
      ? result.ttlMs
      : 0;
    if (useCache && ttl > 0 && (result.resultType ?? "complete") === "complete") {
      this.#cache.set(key, {
        result,
        freshUntil: Date.now() + ttl,
        scope: String(result.cacheScope ?? "private"),
      });
    } else {
      this.#cache.delete(key);
    }
    return result;
  }

  async #page(
    method: string,
    field: string,
    cursor: string | undefined,
    options: ListOptions,
  ): Promise<{ items: JsonObject[]; nextCursor?: string }> {
    const params: JsonObject = cursor === undefined ? {} : { cursor };
    const result = await this.#cached(method, params, options);
    const items = Array.isArray(result[field]) ? (result[field] as unknown[]).filter(isObject) : [];
    const next = typeof result.nextCursor === "string" && result.nextCursor !== ""
      ? result.nextCursor
      : undefined;
    return next === undefined ? { items } : { items, nextCursor: next };
  }

  async #all<T>(pageOf: (cursor: string | undefined) => Promise<Page<T>>): Promise<T[]> {
    const items: T[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (let pages = 0; pages < 10_000; pages++) {
      const page = await pageOf(cursor);
      items.push(...page.items);
      if (page.nextCursor === undefined) return items;
      if (seen.has(page.nextCursor)) {
        throw new ClientError(
          ErrorCode.InternalError,
          `The server repeated cursor ${page.nextCursor}`,
        );
      }
      seen.add(page.nextCursor);
      cursor = page.nextCursor;
    }
    throw new ClientError(ErrorCode.InternalError, "The server returned too many pages");
  }

  /** One page of tools. Tools with an invalid `x-mcp-header` marking are dropped with a warning. */
  async listToolsPage(cursor?: string, options: ListOptions = {}): Promise<Page<Tool>> {
    const page = await this.#page("tools/list", "tools", cursor, options);
    const tools: Tool[] = [];
    for (const item of page.items) {
      const tool = item as unknown as Tool;
      if (typeof tool.name !== "string") continue;
      const headers = isObject(tool.inputSchema) ? headerParameters(tool.inputSchema) : [];
      if (!Array.isArray(headers)) {
        this.#warn(`Dropped tool ${tool.name}: invalid x-mcp-header marking (${headers.invalid})`);
        this.#tools.delete(tool.name);
        continue;
      }
      this.#tools.set(tool.name, tool);
      tools.push(tool);
    }
    return page.nextCursor === undefined
      ? { items: tools }
      : { items: tools, nextCursor: page.nextCursor };
  }

  /** Every tool, following cursors. */
  listTools(options: ListOptions = {}): Promise<Tool[]> {
    return this.#all((cursor) => this.listToolsPage(cursor, options));
  }

  /** One page of resources. */
  async listResourcesPage(cursor?: string, options: ListOptions = {}): Promise<Page<Resource>> {
    const page = await this.#page("resources/list", "resources", cursor, options);
    return page as unknown as Page<Resource> & { items: Resource[] };
  }

  /** Every resource, following cursors. */
  listResources(options: ListOptions = {}): Promise<Resource[]> {
    return this.#all((cursor) => this.listResourcesPage(cursor, options));
  }

  /** One page of resource templates. */
  async listResourceTemplatesPage(
    cursor?: string,
    options: ListOptions = {},
  ): Promise<Page<ResourceTemplate>> {
    const page = await this.#page("resources/templates/list", "resourceTemplates", cursor, options);
    return page as unknown as Page<ResourceTemplate>;
  }

  /** Every resource template, following cursors. */
  listResourceTemplates(options: ListOptions = {}): Promise<ResourceTemplate[]> {
    return this.#all((cursor) => this.listResourceTemplatesPage(cursor, options));
  }

  /** One page of prompts. */
  async listPromptsPage(cursor?: string, options: ListOptions = {}): Promise<Page<Prompt>> {
    const page = await this.#page("prompts/list", "prompts", cursor, options);
    return page as unknown as Page<Prompt>;
  }

  /** Every prompt, following cursors. */
  listPrompts(options: ListOptions = {}): Promise<Prompt[]> {
    return this.#all((cursor) => this.listPromptsPage(cursor, options));
  }

  // ---- tools, resources, prompts -------------------------------------------

  /** The `Mcp-Param-*` headers of a call; `undefined` when there are none (the common case). */
  #paramHeaders(name: string, args: JsonObject): Record<string, string> | undefined {
    const transport = this.#transport as Partial<HttpClientTransport> | undefined;
    if (transport?.kind !== "http" || this.#era !== "modern") return undefined;
    const tool = this.#tools.get(name);
    if (!tool || !isObject(tool.inputSchema)) return undefined;
    // The schema is walked once per tool definition, not once per call.
    let found = this.#headerParameters.get(tool);
    if (found === undefined) {
      const walked = headerParameters(tool.inputSchema);
      found = Array.isArray(walked) ? walked : [];
      this.#headerParameters.set(tool, found);
    }
    if (found.length === 0) return undefined;
    let headers: Record<string, string> | undefined;
    for (const parameter of found) {
      const text = parameterHeaderText(valueAtPath(args, parameter.path));
      if (text !== undefined) {
        (headers ??= {})[`mcp-param-${parameter.name}`] = encodeHeaderValue(text);
      }
    }
    return headers;
  }

  /** Calls a tool and returns the full result, `isError` included. */
  async callTool(
    name: string,
    args: JsonObject = {},
    options: CallOptions = {},
  ): Promise<CallToolResult> {
    const params = { name, arguments: args };
    const call = () => {
      const headers = this.#paramHeaders(name, args);
      return this.#withInput("tools/call", params, headers ? { ...options, headers } : options);
    };
    let result: JsonObject;
    try {
      result = await call();
    } catch (error) {
      if (!(error instanceof McpError) || error.code !== ErrorCode.HeaderMismatch) throw error;
      // The tool's schema may have changed: relearn it, then retry once with fresh headers.
      await this.listTools({ fresh: true });
      result = await call();
    }
    if (isTaskHandle(result)) {
      if (!this.options.tasks || this.#era !== "modern") {
        throw new ClientError(
          ErrorCode.InternalError,
          `The server answered tools/call ${name} with a task, which this client did not declare support for`,
        );
      }
      result = await this.awaitTask(result, options);
    }
    return result as unknown as CallToolResult;
  }

  // ---- tasks (io.modelcontextprotocol/tasks) --------------------------------

  /**
   * Follows a task to its end and returns the result of the request it stands
   * for: polls `tasks/get` at the server's `pollIntervalMs`, answers
   * `input_required` rounds with the client's handlers through `tasks/update`,
   * and sends `tasks/cancel` when `options.signal` aborts. Takes a task handle
   * (`resultType: "task"`) or a task id kept from earlier (e.g. after a restart).
   *
   * @example
   * ```ts
   * const client = new McpClient({ name: "app", version: "1" }, { tasks: true });
   * await client.connect("http://127.0.0.1:3000/mcp");
   * let taskId: string | undefined;
   * const result = await client.callTool("build", {}, { onTask: (task) => (taskId = task.taskId) });
   * // ...or, in a later process: await client.awaitTask(taskId);
   * ```
   */
  async awaitTask(
    task: string | DetailedTask | JsonObject,
    options: CallOptions = {},
  ): Promise<JsonObject> {
    const handle = typeof task === "string"
      ? await this.#request("tasks/get", { taskId: task }, options)
      : task as JsonObject;
    const perRequest = {
      timeoutMs: options.timeoutMs,
      maxTotalTimeoutMs: options.maxTotalTimeoutMs,
    };
    const driver: TaskDriver = {
      get: (taskId, signal) => this.#request("tasks/get", { taskId }, { ...perRequest, signal }),
      update: (taskId, inputResponses, signal) =>
        this.#request("tasks/update", { taskId, inputResponses }, { ...perRequest, signal }),
      cancel: (taskId) => this.#request("tasks/cancel", { taskId }, perRequest),
      answer: (request, signal) => this.#answerInput(request, signal),
    };
    const tasks = typeof this.options.tasks === "object" ? this.options.tasks : {};
    return await awaitTask(handle, driver, {
      signal: options.signal,
      onTask: options.onTask,
      defaultPollIntervalMs: tasks.defaultPollIntervalMs,
    });
  }

  /** `tasks/get`: the task's current state, with its result, error or input requests. */
  async getTask(taskId: string, options: CallOptions = {}): Promise<DetailedTask> {
    const task = await this.#request("tasks/get", { taskId }, options);
    return task as unknown as DetailedTask;
  }

  /** `tasks/update`: answers some of an `input_required` task's requests, by key. */
  async updateTask(
    taskId: string,
    inputResponses: InputResponses,
    options: CallOptions = {},
  ): Promise<void> {
    await this.#request("tasks/update", { taskId, inputResponses }, options);
  }

  /** `tasks/cancel`: asks the server to stop a task (cooperative; acknowledged only). */
  async cancelTask(taskId: string, options: CallOptions = {}): Promise<void> {
    await this.#request("tasks/cancel", { taskId }, options);
  }

  /**
   * Calls a tool and returns its `structuredContent`, checked against the tool's
   * output schema. Throws {@link ToolError} when the tool failed.
   */
  async callToolStructured(
    name: string,
    args: JsonObject = {},
    options: CallOptions = {},
  ): Promise<unknown> {
    const result = await this.callTool(name, args, options);
    if (result.isError) throw new ToolError(name, result);
    if (result.structuredContent === undefined) {
      throw new ClientError(ErrorCode.InvalidParams, `Tool ${name} returned no structuredContent`);
    }
    const schema = this.#tools.get(name)?.outputSchema;
    if (schema) {
      const issues = outputIssues(result.structuredContent, schema);
      if (issues.length > 0) {
        const reasons = formatIssues(issues);
        throw new ClientError(
          ErrorCode.InvalidParams,
          `Tool ${name} returned structuredContent that does not match its output schema: ${reasons}`,
          { issues },
        );
      }
    }
    return result.structuredContent;
  }

  /**
   * Calls a tool and returns content blocks for a model: `content` plus
   * `structuredContent` as JSON text. Throws {@link ToolError} when the tool failed.
   */
  async callToolContent(
    name: string,
    args: JsonObject = {},
    options: CallOptions = {},
  ): Promise<ContentBlock[]> {
    const result = await this.callTool(name, args, options);
    if (result.isError) throw new ToolError(name, result);
    return resultToContent(result);
  }

  /** Reads a resource. */
  async readResource(uri: string, options: CallOptions = {}): Promise<ReadResourceResult> {
    return await this.#withInput(
      "resources/read",
      { uri },
      options,
    ) as unknown as ReadResourceResult;
  }

  /** Renders a prompt. */
  async getPrompt(
    name: string,
    args: { [name: string]: string } = {},
    options: CallOptions = {},
  ): Promise<GetPromptResult> {
    return await this.#withInput(
      "prompts/get",
      { name, arguments: args },
      options,
    ) as unknown as GetPromptResult;
  }

  /** Asks for completions of a prompt or resource-template argument. */
  async complete(
    ref: { type: "ref/prompt"; name: string } | { type: "ref/resource"; uri: string },
    argument: { name: string; value: string },
    context?: { arguments: { [name: string]: string } },
    options: CallOptions = {},
  ): Promise<CompleteResult> {
    const params: JsonObject = { ref, argument };
    if (context) params.context = context;
    return await this.#request("completion/complete", params, options) as unknown as CompleteResult;
  }

  /** Sets the server's log level: `logging/setLevel` (legacy) or per-request `_meta` (modern). */
  async setLogLevel(level: LoggingLevel, options: CallOptions = {}): Promise<void> {
    this.#logLevel = level;
    if (this.#era === "legacy") await this.#request("logging/setLevel", { level }, options);
  }

  /** Pings the server (legacy servers answer; modern ones may not know the method). */
  async ping(options: CallOptions = {}): Promise<void> {
    await this.#request("ping", undefined, options);
  }

  /** Sends any request in the current era (with `_meta` when modern) and returns the raw result. */
  request(method: string, params?: JsonObject, options: CallOptions = {}): Promise<JsonObject> {
    return this.#request(method, params, options);
  }

  /** Tells a legacy server the roots changed. */
  async notifyRootsChanged(): Promise<void> {
    if (this.#era === "legacy") {
      await this.#sendRaw({ jsonrpc: "2.0", method: "notifications/roots/list_changed" });
    }
  }

  // ---- subscriptions -------------------------------------------------------

  /**
   * Subscribes to list changes and resource updates with one API for both eras:
   * `subscriptions/listen` (modern) or `resources/subscribe` plus the
   * session's notifications (legacy). Resolves once the server acknowledged.
   *
   * @example
   * ```ts
   * const unsubscribe = await client.subscribe(
   *   { toolsListChanged: true, resourceSubscriptions: ["file:///a.txt"] },
   *   (notification) => console.log(notification.method),
   * );
   * await unsubscribe();
   * ```
   */
  subscribe(
    filter: SubscriptionFilter,
    onNotification: (notification: JsonRpcNotification) => void,
    options: { timeoutMs?: number } = {},
  ): Promise<Subscription> {
    return this.#era === "modern"
      ? this.#subscribeModern(filter, onNotification, options.timeoutMs)
      : this.#subscribeLegacy(filter, onNotification);
  }

  async #subscribeModern(
    filter: SubscriptionFilter,
    listener: (notification: JsonRpcNotification) => void,
    ackTimeoutMs: number | undefined,
  ): Promise<Subscription> {
    const controller = new AbortController();
    let acknowledge!: (filter: SubscriptionFilter) => void;
    const acknowledged = new Promise<SubscriptionFilter>((resolve) => (acknowledge = resolve));
    const ids: RequestId[] = [];
    const entry: ModernSubscription = {
      listener,
      acknowledge: (honoured) => acknowledge(honoured),
    };
    const listen = this.#request("subscriptions/listen", { notifications: filter as JsonObject }, {
      timeoutMs: null,
      signal: controller.signal,
      onSend: (message) => {
        if ("id" in message && "method" in message) {
          ids.push(message.id);
          this.#modernSubs.set(message.id, entry);
        }
      },
    });
    let cancelled = false;
    const ended = listen.then(
      () => "graceful" as const,
      () => (cancelled ? "cancelled" as const : "dropped" as const),
    ).finally(() => {
      for (const id of ids) this.#modernSubs.delete(id);
    });
    const timeoutMs = ackTimeoutMs ?? this.options.timeoutMs ?? 60_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () =>
          reject(
            new McpError(
              ErrorCode.RequestTimeout,
              "subscriptions/listen was not acknowledged in time",
            ),
          ),
        timeoutMs,
      );
    });
    try {
      const honoured = await Promise.race([
        acknowledged,
        listen.then(() => {
          throw new ClientError(
            ErrorCode.InternalError,
            "The subscription ended before it was acknowledged",
          );
        }),
        timedOut,
      ]);
      for (const key of Object.keys(filter) as (keyof SubscriptionFilter)[]) {
        if (filter[key] && honoured[key] === undefined) {
          this.#warn(`The server did not agree to deliver ${key}`);
        }
      }
      const unsubscribe = async () => {
        cancelled = true;
        controller.abort("unsubscribed");
        await ended;
      };
      return Object.assign(unsubscribe, { acknowledged: honoured, ended });
    } catch (error) {
      cancelled = true;
      controller.abort("subscription failed");
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  async #subscribeLegacy(
    filter: SubscriptionFilter,
    listener: (notification: JsonRpcNotification) => void,
  ): Promise<Subscription> {
    const caps = this.#serverCapabilities;
    const honoured = honouredListChanges(filter, caps);
    const uris = caps.resources?.subscribe ? [...new Set(filter.resourceSubscriptions ?? [])] : [];
    if (filter.resourceSubscriptions?.length && !caps.resources?.subscribe) {
      this.#warn("The server does not support resource subscriptions");
    }
    const subscribed: string[] = [];
    try {
      for (const uri of uris) {
        const count = this.#resourceRefs.get(uri) ?? 0;
        if (count === 0) await this.#request("resources/subscribe", { uri });
        this.#resourceRefs.set(uri, count + 1);
        subscribed.push(uri);
      }
    } catch (error) {
      await this.#releaseResources(subscribed);
      throw error;
    }
    if (uris.length > 0) honoured.resourceSubscriptions = uris;
    const entry: LegacySubscription = { filter: honoured, listener };
    this.#legacySubs.add(entry);
    let finish!: (how: "cancelled" | "dropped") => void;
    const ended = new Promise<"graceful" | "cancelled" | "dropped">((
      resolve,
    ) => (finish = resolve));
    const onClose = () => finish("dropped");
    this.#lifetime.signal.addEventListener("abort", onClose, { once: true });
    let done = false;
    const unsubscribe = async () => {
      if (done) return;
      done = true;
      this.#legacySubs.delete(entry);
      this.#lifetime.signal.removeEventListener("abort", onClose);
      if (!this.#closed) await this.#releaseResources(subscribed);
      finish("cancelled");
    };
    return Object.assign(unsubscribe, { acknowledged: honoured, ended });
  }

  async #releaseResources(uris: string[]): Promise<void> {
    for (const uri of uris) {
      const count = (this.#resourceRefs.get(uri) ?? 1) - 1;
      if (count > 0) {
        this.#resourceRefs.set(uri, count);
        continue;
      }
      this.#resourceRefs.delete(uri);
      await this.#request("resources/unsubscribe", { uri }).catch((error) =>
        this.#warn(`resources/unsubscribe ${uri} failed: ${String(error)}`)
      );
    }
  }
}

/** Validates with the full JSON Schema validator; falls back to the structural check for schemas it refuses. */
function outputIssues(value: unknown, schema: JsonObject): StructuralIssue[] {
  try {
    const outcome = compileSchema(schema as JsonSchema).validate(value);
    if (outcome.valid) return [];
    const errors = outcome.errors ?? [];
    return errors.length > 0
      ? errors.map((error) => ({ path: error.instancePath, message: error.message }))
      : [{ path: "", message: "does not match the schema" }];
  } catch {
    return checkStructure(value, schema);
  }
}

/**
 * Creates a client and connects it in one step.
 *
 * @example
 * ```ts
 * import { connectClient } from "./client.ts";
 * const client = await connectClient({ command: "node", args: ["server.js"] }, { name: "app", version: "1" });
 * console.log(client.era, await client.listTools());
 * await client.close();
 * ```
 */
export async function connectClient(
  target: ConnectTarget,
  info: Implementation,
  options: ClientOptions = {},
): Promise<McpClient> {
  const client = new McpClient(info, options);
  try {
    await client.connect(target);
  } catch (error) {
    await client.close().catch(() => {});
    throw error;
  }
  return client;
}
