/**
 * `McpServer`: the registry of tools, resources, templates and prompts, and the
 * dispatcher that serves them in both protocol eras. A request is one function
 * call into {@link McpServer.handleRequest}; transports only frame messages.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import {
  errorResponseFrom,
  isObject,
  type JsonObject,
  type JsonRpcNotification,
  type JsonRpcRequest,
  type JsonRpcResponse,
  resultResponse,
} from "../protocol/jsonrpc.ts";
import { MetaKey } from "../protocol/meta.ts";
import type {
  CallToolResult,
  ClientCapabilities,
  CompleteResult,
  ContentBlock,
  GetPromptResult,
  Icon,
  Implementation,
  InputRequests,
  LoggingLevel,
  Meta,
  Prompt,
  ReadResourceResult,
  Resource,
  ResourceContents,
  ResourceTemplate,
  ServerCapabilities,
  SubscriptionFilter,
  Tool,
  ToolAnnotations,
} from "../protocol/types.ts";
import { LOGGING_LEVELS } from "../protocol/types.ts";
import {
  isModernVersion,
  negotiateLegacyVersion,
  SUPPORTED_VERSIONS,
} from "../protocol/versions.ts";
import type { LegacySession, RequestScope, ServerEndpoint } from "../protocol/server_endpoint.ts";
import { createContext, type RequestContext } from "./context.ts";
import type {
  ExtensionSubscription,
  HandOffPlan,
  InputAnswers,
  RoundOutcome,
  ServerExtension,
  ToolExecution,
} from "./extension.ts";
import { paginate } from "./pagination.ts";
import {
  canonicalJson,
  createRequestStateCodec,
  digestOfText,
  type RequestStateCodec,
} from "./request_state.ts";
import {
  type ResolvedSchema,
  resolveSchema,
  schemaProblems,
  type ToolArgs,
} from "./tool_schema.ts";
import { createTasksExtension, type TasksOptions } from "./tasks.ts";
import { parseUriTemplate, type UriTemplate } from "./uri_template.ts";
import { formatIssues } from "../schema/issues.ts";
import {
  LIST_CHANGES,
  listChange,
  type ListKind,
  RESOURCE_UPDATED,
} from "../protocol/subscriptions.ts";

/** What a tool handler may return: a full result, or text as a shortcut. */
export type ToolReturn = CallToolResult | string;

/** A tool definition with its handler; `Input` types the handler's arguments. */
export interface ToolDefinition<Input = JsonObject> {
  /** Unique name. */
  name: string;
  /** Display title. */
  title?: string;
  /** What the tool does, for the model. */
  description?: string;
  /** Input schema: raw JSON Schema, a schema builder value (`s.object(…)`), or a Standard Schema. */
  input?: Input;
  /** Output schema for `structuredContent`, in any form `input` accepts. */
  output?: unknown;
  /** Behaviour hints. */
  annotations?: ToolAnnotations;
  /** Icons. */
  icons?: Icon[];
  /** Metadata published with the tool. */
  _meta?: Meta;
  /** Whether calls may run as tasks (tasks extension); not published in `tools/list`. */
  execution?: ToolExecution;
  /** Runs the tool with validated arguments. */
  handler(args: ToolArgs<Input>, context: RequestContext): ToolReturn | Promise<ToolReturn>;
}

/** A fixed resource (as listed by `resources/list`) with its reader. */
export interface ResourceDefinition extends Resource {
  /** Reads the resource. Returning a string yields one text content. */
  read: (uri: string, context: RequestContext) => ResourceRead | Promise<ResourceRead>;
}

/** What a resource reader returns: contents, a full result, or text as a shortcut. */
export type ResourceRead = ResourceContents[] | ReadResourceResult | string;

/** Completes one argument: the value typed so far and the other arguments. */
export type Completer = (
  value: string,
  context: { arguments: { [name: string]: string } },
) => string[] | Promise<string[]>;

/** A resource template (RFC 6570, as listed by `resources/templates/list`) with its reader. */
export interface ResourceTemplateDefinition extends ResourceTemplate {
  /** Completes template variables. */
  complete?: { [variable: string]: Completer };
  /** Lists concrete resources of this template for `resources/list`. */
  list?: () => Resource[] | Promise<Resource[]>;
  /** Reads a matching URI. */
  read: (
    uri: string,
    variables: { [name: string]: string | string[] },
    context: RequestContext,
  ) => ResourceRead | Promise<ResourceRead>;
}

/** A prompt (as listed by `prompts/list`) with its renderer. */
export interface PromptDefinition extends Prompt {
  /** Completes arguments. */
  complete?: { [argument: string]: Completer };
  /** Renders the prompt. */
  get: (
    args: { [name: string]: string },
    context: RequestContext,
  ) => GetPromptResult | Promise<GetPromptResult>;
}

/** The era-dependent facts of one request, resolved before dispatch. */
interface RequestEra {
  era: "modern" | "legacy";
  protocolVersion: string;
  clientCapabilities: ClientCapabilities;
  clientInfo?: Implementation;
  meta: Meta;
}

/** Server construction options. */
export interface ServerOptions {
  /** Guidance for the model, sent in `initialize` and `server/discover`. */
  instructions?: string;
  /** Items per page of every list method. Default 100. */
  pageSize?: number;
  /** Cache hints on cacheable modern results. Default `{ ttlMs: 0, cacheScope: "public" }`. */
  cache?: { ttlMs: number; cacheScope: "public" | "private" };
  /** Secret for signing MRTR `requestState`; random per process when absent. */
  requestStateSecret?: string | Uint8Array;
  /** How long MRTR state stays valid. Default 10 minutes. */
  requestStateTtlMs?: number;
  /** Put `io.modelcontextprotocol/serverInfo` in every modern result. Default true. */
  includeServerInfo?: boolean;
  /** Extra capabilities to advertise (merged over the derived ones). */
  capabilities?: ServerCapabilities;
  /**
   * Enables the tasks extension (`io.modelcontextprotocol/tasks`, 2026-07-28):
   * tools whose definition allows it answer with a task the client polls.
   */
  tasks?: boolean | TasksOptions;
  /** Protocol extensions to serve (2026-07-28 era). */
  extensions?: ServerExtension[];
}

/** A change the server announces to subscribers. */
export type ServerEvent =
  | { type: ListKind }
  | { type: "resource"; uri: string };

/** How one handler run ended when an extension may still take the call over. */
type RoundEnd = RoundOutcome | { resume(signal?: AbortSignal): Promise<RoundOutcome> };

/** A handle to something registered, to remove it later. */
export interface Registration {
  /** Removes it and notifies subscribed clients. */
  remove(): void;
}

interface ToolEntry {
  definition: ToolDefinition<never>;
  tool: Tool;
  input: ResolvedSchema;
  output?: ResolvedSchema;
}

/** A handler call resolved to its target. */
interface PreparedRun {
  /** What MRTR state is bound to. */
  identity: unknown;
  /** The tool's execution settings, for tools. */
  execution?: ToolExecution;
  /** Runs the handler. */
  execute: (context: RequestContext) => Promise<JsonObject>;
}

interface TemplateEntry {
  definition: ResourceTemplateDefinition;
  template: UriTemplate;
}

const CACHEABLE = new Set([
  "server/discover",
  "tools/list",
  "prompts/list",
  "resources/list",
  "resources/templates/list",
  "resources/read",
]);

const MRTR_METHODS = new Set(["tools/call", "prompts/get", "resources/read"]);

function invalidParams(message: string): McpError {
  return new McpError(ErrorCode.InvalidParams, message);
}

function definedFields<T extends object>(source: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const key of keys) if (source[key] !== undefined) out[key] = source[key];
  return out;
}

/**
 * An MCP server that speaks 2026-07-28 and the legacy line back to 2024-11-05.
 *
 * @example
 * ```ts
 * import { McpServer } from "./server.ts";
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * server.tool({
 *   name: "add",
 *   input: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } } },
 *   handler: ({ a, b }: { a: number; b: number }) => String(a + b),
 * });
 * ```
 */
export class McpServer implements ServerEndpoint {
  /** The server's identity. */
  readonly info: Implementation;
  /** The options it was built with. */
  readonly options: ServerOptions;
  #tools = new Map<string, ToolEntry>();
  #resources = new Map<string, ResourceDefinition>();
  #templates = new Map<string, TemplateEntry>();
  #prompts = new Map<string, PromptDefinition>();
  #listeners = new Set<(event: ServerEvent) => void>();
  #closers = new Set<() => void>();
  #codec: RequestStateCodec;
  #pageSize: number;
  #cache: { ttlMs: number; cacheScope: "public" | "private" };
  #listCache = new Map<string, unknown[]>();
  #serverInfoMeta: Meta | undefined;
  #extensions: ServerExtension[];

  /** Creates a server with its identity and options. */
  constructor(info: Implementation, options: ServerOptions = {}) {
    this.info = info;
    this.options = options;
    this.#codec = createRequestStateCodec({
      secret: options.requestStateSecret,
      ttlMs: options.requestStateTtlMs,
    });
    this.#pageSize = options.pageSize ?? 100;
    this.#cache = options.cache ?? { ttlMs: 0, cacheScope: "public" };
    this.#serverInfoMeta = options.includeServerInfo === false
      ? undefined
      : { [MetaKey.serverInfo]: info };
    this.#extensions = [...options.extensions ?? []];
    if (options.tasks) {
      this.#extensions.push(createTasksExtension(options.tasks === true ? {} : options.tasks));
    }
  }

  // ---- registration -------------------------------------------------------

  /** Registers a tool. Its schemas are checked now; a broken one throws. */
  tool<Input = JsonObject>(definition: ToolDefinition<Input>): Registration {
    const name = definition.name;
    if (this.#tools.has(name)) throw new Error(`"${name}" is already registered`);
    let input: ResolvedSchema;
    let output: ResolvedSchema | undefined;
    try {
      input = resolveSchema(definition.input ?? { type: "object" });
      output = definition.output === undefined ? undefined : resolveSchema(definition.output);
    } catch (error) {
      throw new Error(`Tool "${name}" has an invalid schema: ${(error as Error).message}`);
    }
    for (const [label, schema] of [["input", input], ["output", output]] as const) {
      if (!schema) continue;
      const problems = schemaProblems(schema.jsonSchema, label === "input");
      if (problems.length > 0) {
        throw new Error(`Tool "${name}" has an invalid ${label} schema: ${problems.join("; ")}`);
      }
    }
    const tool: Tool = {
      name,
      ...definedFields(definition, ["title", "description"]),
      inputSchema: input.jsonSchema,
    } as Tool;
    if (output) tool.outputSchema = output.jsonSchema;
    if (definition.annotations) tool.annotations = definition.annotations;
    if (definition.icons) tool.icons = definition.icons;
    if (definition._meta) tool._meta = definition._meta;
    const entry: ToolEntry = {
      definition: definition as unknown as ToolDefinition<never>,
      tool,
      input,
      output,
    };
    return this.#register(this.#tools, name, entry, "tools");
  }

  /** Registers a fixed resource. */
  resource(definition: ResourceDefinition): Registration {
    return this.#register(this.#resources, definition.uri, definition, "resources");
  }

  /** Registers a resource template. */
  resourceTemplate(definition: ResourceTemplateDefinition): Registration {
    const key = definition.uriTemplate;
    if (this.#templates.has(key)) throw new Error(`"${key}" is already registered`);
    const entry = { definition, template: parseUriTemplate(key) };
    return this.#register(this.#templates, key, entry, "resources");
  }

  /** Registers a prompt. */
  prompt(definition: PromptDefinition): Registration {
    return this.#register(this.#prompts, definition.name, definition, "prompts");
  }

  /**
   * Adds an entry and announces the change. Its `remove` takes out only this
   * entry, not a later one registered under the same key.
   */
  #register<T>(
    registry: Map<string, T>,
    key: string,
    entry: T,
    kind: ListKind,
  ): Registration {
    if (registry.has(key)) throw new Error(`"${key}" is already registered`);
    registry.set(key, entry);
    this.#changed(kind);
    return {
      remove: () => {
        if (registry.get(key) !== entry) return;
        registry.delete(key);
        this.#changed(kind);
      },
    };
  }

  /** Tells subscribed clients that a resource changed. */
  resourceUpdated(uri: string): void {
    this.#emit({ type: "resource", uri });
  }

  /** Subscribes to server events; returns the unsubscribe function. */
  onEvent(listener: (event: ServerEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Ends open `subscriptions/listen` streams gracefully. */
  close(): void {
    for (const close of [...this.#closers]) close();
  }

  #changed(type: ListKind): void {
    this.#listCache.delete(type);
    if (type === "resources") this.#listCache.delete("templates");
    this.#emit({ type });
  }

  #emit(event: ServerEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // One broken subscriber must not stop the others.
      }
    }
  }

  /** The capabilities this server advertises, derived from what is registered. */
  capabilities(): ServerCapabilities {
    const caps: ServerCapabilities = {
      tools: { listChanged: true },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      logging: {},
      completions: {},
      ...this.options.capabilities,
    };
    return caps;
  }

  // ---- dispatch -------------------------------------------------------------

  /**
   * Serves one request and returns its response. Never throws: every failure
   * becomes a JSON-RPC error response.
   */
  async handleRequest(request: JsonRpcRequest, scope: RequestScope = {}): Promise<JsonRpcResponse> {
    try {
      const result = await this.#dispatch(request, scope);
      return resultResponse(request.id, result);
    } catch (error) {
      return errorResponseFrom(request.id, error);
    }
  }

  /** Handles a notification from the client (legacy handshake, cancellation is the transport's). */
  handleNotification(notification: JsonRpcNotification, scope: RequestScope = {}): void {
    const session = scope.session;
    if (notification.method === "notifications/initialized" && session) {
      session.initialized = true;
    }
  }

  /**
   * Why a request cannot be served in the modern era (missing `_meta` fields,
   * unsupported version), or `undefined` when its envelope is sound.
   */
  modernEnvelopeProblem(request: JsonRpcRequest): McpError | undefined {
    const meta = request.params?._meta;
    return envelopeProblem(isObject(meta) ? meta : undefined);
  }

  /** The input schema of a registered tool, for transport-level checks. */
  toolInputSchema(name: string): JsonObject | undefined {
    return this.#tools.get(name)?.tool.inputSchema;
  }

  /** Routes a request to its era, or throws the reason it cannot be served. */
  #dispatch(request: JsonRpcRequest, scope: RequestScope): Promise<JsonObject> {
    const session = scope.session;
    if (request.method === "initialize") {
      if (!session) {
        // 2026-07-28 removed the handshake; name the versions for legacy clients' diagnostics.
        throw new McpError(
          ErrorCode.MethodNotFound,
          `Method not found: initialize (removed in 2026-07-28); supported versions: ${
            SUPPORTED_VERSIONS.join(", ")
          }`,
        );
      }
      return Promise.resolve(this.#initialize(request, session));
    }
    const meta = isObject(request.params?._meta) ? request.params._meta : undefined;
    const version = meta?.[MetaKey.protocolVersion];
    if (session?.protocolVersion && version === undefined) {
      return this.#legacy(request, scope, session);
    }
    return this.#modern(request, scope, meta);
  }

  #initialize(request: JsonRpcRequest, session: LegacySession): JsonObject {
    const params = request.params ?? {};
    if (typeof params.protocolVersion !== "string") {
      throw invalidParams("initialize needs a protocolVersion string");
    }
    session.protocolVersion = negotiateLegacyVersion(params.protocolVersion);
    session.clientCapabilities = isObject(params.capabilities) ? params.capabilities : {};
    session.clientInfo = isObject(params.clientInfo)
      ? params.clientInfo as unknown as Implementation
      : undefined;
    const result: JsonObject = {
      protocolVersion: session.protocolVersion,
      capabilities: this.capabilities(),
      serverInfo: this.info,
    };
    if (this.options.instructions) result.instructions = this.options.instructions;
    return result;
  }

  async #legacy(
    request: JsonRpcRequest,
    scope: RequestScope,
    session: LegacySession,
  ): Promise<JsonObject> {
    const params = request.params ?? {};
    switch (request.method) {
      case "ping":
        return {};
      case "logging/setLevel": {
        if (!LOGGING_LEVELS.includes(params.level as LoggingLevel)) {
          throw invalidParams(`Unknown log level: ${String(params.level)}`);
        }
        session.logLevel = params.level as LoggingLevel;
        return {};
      }
      case "resources/subscribe":
      case "resources/unsubscribe": {
        if (typeof params.uri !== "string") throw invalidParams("uri must be a string");
        if (request.method === "resources/subscribe") session.subscriptions.add(params.uri);
        else session.subscriptions.delete(params.uri);
        return {};
      }
    }
    const meta = isObject(params._meta) ? params._meta : {};
    return await this.#serve(request, scope, {
      era: "legacy",
      protocolVersion: session.protocolVersion!,
      clientCapabilities: session.clientCapabilities,
      clientInfo: session.clientInfo,
      meta,
    });
  }

  async #modern(
    request: JsonRpcRequest,
    scope: RequestScope,
    meta: JsonObject | undefined,
  ): Promise<JsonObject> {
    const problem = envelopeProblem(meta);
    if (problem) throw problem;
    const version = meta![MetaKey.protocolVersion] as string;
    const capabilities = meta![MetaKey.clientCapabilities];
    const clientInfo = isObject(meta![MetaKey.clientInfo])
      ? meta![MetaKey.clientInfo] as unknown as Implementation
      : undefined;
    const result = await this.#serve(request, scope, {
      era: "modern",
      protocolVersion: version,
      clientCapabilities: capabilities as ClientCapabilities,
      clientInfo,
      meta: meta!,
    });
    if (result.resultType === undefined) result.resultType = "complete";
    if (result.resultType === "complete" && CACHEABLE.has(request.method)) {
      if (result.ttlMs === undefined) result.ttlMs = this.#cache.ttlMs;
      if (result.cacheScope === undefined) result.cacheScope = this.#cache.cacheScope;
    }
    if (this.#serverInfoMeta) {
      result._meta = isObject(result._meta)
        ? { ...this.#serverInfoMeta, ...result._meta }
        : this.#serverInfoMeta;
    }
    return result;
  }

  async #serve(
    request: JsonRpcRequest,
    scope: RequestScope,
    era: RequestEra,
  ): Promise<JsonObject> {
    const params = request.params ?? {};
    const modern = era.era === "modern";
    switch (request.method) {
      case "server/discover":
        if (!modern) break;
        return this.#discover();
      case "subscriptions/listen":
        if (!modern) break;
        return await this.#listen(request, scope, era.clientCapabilities);
      case "tools/list":
        return this.#list(
          "tools",
          () => [...this.#tools.values()].map((e) => e.tool),
          params.cursor,
        );
      case "resources/list":
        return await this.#listResources(params.cursor);
      case "resources/templates/list":
        return this.#list(
          "templates",
          () => this.#templateList(),
          params.cursor,
          "resourceTemplates",
        );
      case "prompts/list":
        return this.#list(
          "prompts",
          () => [...this.#prompts.values()].map(promptListing),
          params.cursor,
        );
      case "completion/complete":
        return await this.#complete(params);
      case "tools/call":
      case "resources/read":
      case "prompts/get":
        return await this.#runHandler(request, scope, era);
    }
    if (modern) {
      for (const extension of this.#extensions) {
        const methods = extension.methods ?? {};
        if (Object.hasOwn(methods, request.method)) {
          const serve = methods[request.method];
          return await serve({
            method: request.method,
            params,
            clientCapabilities: era.clientCapabilities,
            auth: scope.auth,
          });
        }
      }
    }
    throw new McpError(ErrorCode.MethodNotFound, `Method not found: ${request.method}`);
  }

  #discover(): JsonObject {
    const capabilities = this.capabilities();
    // Extensions exist from 2026-07-28 on, so only `server/discover` advertises them.
    if (this.#extensions.length > 0) {
      const extensions = { ...capabilities.extensions };
      for (const extension of this.#extensions) {
        extensions[extension.id] = extension.settings ?? {};
      }
      capabilities.extensions = extensions;
    }
    const result: JsonObject = {
      supportedVersions: [...SUPPORTED_VERSIONS],
      capabilities,
    };
    if (this.options.instructions) result.instructions = this.options.instructions;
    return result;
  }

  #list(key: string, build: () => unknown[], cursor: unknown, field = key): JsonObject {
    let items = this.#listCache.get(key);
    if (!items) {
      items = build();
      this.#listCache.set(key, items);
    }
    const page = paginate(items, cursor, this.#pageSize);
    const result: JsonObject = { [field]: page.items };
    if (page.nextCursor) result.nextCursor = page.nextCursor;
    return result;
  }

  async #listResources(cursor: unknown): Promise<JsonObject> {
    const listed: Resource[] = [...this.#resources.values()].map(resourceListing);
    for (const { definition } of this.#templates.values()) {
      if (definition.list) listed.push(...await definition.list());
    }
    const page = paginate(listed, cursor, this.#pageSize);
    const result: JsonObject = { resources: page.items };
    if (page.nextCursor) result.nextCursor = page.nextCursor;
    return result;
  }

  #templateList(): unknown[] {
    return [...this.#templates.values()].map(({ definition }) => ({
      uriTemplate: definition.uriTemplate,
      name: definition.name,
      ...definedFields(definition, [
        "title",
        "description",
        "mimeType",
        "annotations",
        "icons",
        "_meta",
      ]),
    }));
  }

  #listen(
    request: JsonRpcRequest,
    scope: RequestScope,
    clientCapabilities: ClientCapabilities,
  ): Promise<JsonObject> {
    const params = request.params ?? {};
    const filter = params.notifications;
    if (!isObject(filter)) throw invalidParams("subscriptions/listen needs a notifications filter");
    const notify = scope.notify;
    if (!notify) {
      throw new McpError(
        ErrorCode.InternalError,
        "This transport cannot carry a subscription stream",
      );
    }
    const subscriptionId = request.id;
    const honoured: SubscriptionFilter = {};
    for (const { filterKey } of LIST_CHANGES) {
      if (filter[filterKey] === true) honoured[filterKey] = true;
    }
    if (Array.isArray(filter.resourceSubscriptions)) {
      honoured.resourceSubscriptions = filter.resourceSubscriptions.filter((u): u is string =>
        typeof u === "string"
      );
    }
    const watched = new Set(honoured.resourceSubscriptions ?? []);
    const tag = { [MetaKey.subscriptionId]: subscriptionId };
    const send = (method: string, extra?: JsonObject) =>
      notify({ jsonrpc: "2.0", method, params: { _meta: tag, ...extra } });
    const joined: ExtensionSubscription[] = [];
    try {
      for (const extension of this.#extensions) {
        const subscription = extension.listen?.(
          { method: request.method, params, clientCapabilities, auth: scope.auth },
          send,
        );
        if (subscription) joined.push(subscription);
      }
    } catch (error) {
      for (const { stop } of joined) stop();
      throw error;
    }
    for (const { honoured: extra } of joined) Object.assign(honoured, extra);
    notify({
      jsonrpc: "2.0",
      method: "notifications/subscriptions/acknowledged",
      params: { _meta: tag, notifications: honoured as JsonObject },
    });
    return new Promise((resolve) => {
      const unsubscribe = this.onEvent((event) => {
        if (event.type === "resource") {
          if (watched.has(event.uri)) send(RESOURCE_UPDATED, { uri: event.uri });
        } else {
          const change = listChange(event.type);
          if (honoured[change.filterKey]) send(change.method);
        }
      });
      const finish = () => {
        unsubscribe();
        for (const { stop } of joined) stop();
        this.#closers.delete(finish);
        scope.signal?.removeEventListener("abort", finish);
        resolve({ resultType: "complete", _meta: tag });
      };
      this.#closers.add(finish);
      scope.signal?.addEventListener("abort", finish, { once: true });
    });
  }

  async #complete(params: JsonObject): Promise<JsonObject> {
    const ref = params.ref;
    const argument = params.argument;
    if (!isObject(ref) || !isObject(argument) || typeof argument.name !== "string") {
      throw invalidParams("completion/complete needs ref and argument.name");
    }
    let completer: Completer | undefined;
    if (ref.type === "ref/prompt") {
      const prompt = this.#prompts.get(String(ref.name));
      if (!prompt) throw invalidParams(`Unknown prompt: ${String(ref.name)}`);
      completer = prompt.complete?.[argument.name];
    } else if (ref.type === "ref/resource") {
      const entry = this.#templates.get(String(ref.uri));
      if (!entry && !this.#resources.has(String(ref.uri))) {
        throw invalidParams(`Unknown resource or template: ${String(ref.uri)}`);
      }
      completer = entry?.definition.complete?.[argument.name];
    } else {
      throw invalidParams(`Unknown completion reference type: ${String(ref.type)}`);
    }
    const context = isObject(params.context) && isObject(params.context.arguments)
      ? params.context.arguments as { [name: string]: string }
      : {};
    const all = completer
      ? await completer(String(argument.value ?? ""), { arguments: context })
      : [];
    const values = all.slice(0, 100);
    const result: CompleteResult = {
      completion: { values, total: all.length, hasMore: all.length > values.length },
    };
    return result as unknown as JsonObject;
  }

  async #runHandler(
    request: JsonRpcRequest,
    scope: RequestScope,
    era: RequestEra,
  ): Promise<JsonObject> {
    const params = request.params ?? {};
    const run = this.#prepare(request.method, params, era.era === "legacy");

    let answers: InputAnswers | undefined;
    // State is bound to the request as it arrived (a handler may mutate its arguments); the
    // digest itself is only computed when state is opened or sealed.
    let binding: Promise<string> | undefined;
    let identity = "";
    const bindingOf = () =>
      binding ??= digestOfText(identity).then((digest) =>
        `${request.method}|${digest}|${scope.auth?.subject ?? ""}`
      );
    const modernMrtr = era.era === "modern" && MRTR_METHODS.has(request.method);
    if (modernMrtr) {
      identity = canonicalJson(run.identity);
      answers = {};
      if (params.requestState !== undefined) {
        if (typeof params.requestState !== "string") {
          throw invalidParams("requestState must be a string");
        }
        answers = (await this.#codec.open(params.requestState, await bindingOf())).responses;
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

    const plan = era.era === "modern"
      ? this.#planHandOff(request.method, params, run, era, scope)
      : undefined;
    // Runs after a hand-off stream nothing to the client: the request is answered.
    const background: RequestScope = { auth: scope.auth };
    const replay = async (given: InputAnswers, signal: AbortSignal) =>
      (await this.#round(request, background, era, run, given, signal, false)) as RoundOutcome;
    if (plan?.when === "now") {
      const gathered = answers ?? {};
      return await plan.take({
        answers: gathered,
        resume: (signal) => replay(gathered, signal),
        replay,
      });
    }
    const end = await this.#round(request, scope, era, run, answers, scope.signal, !!plan);
    if ("result" in end) return end.result;
    if ("inputRequests" in end) {
      const state = await this.#codec.seal({ responses: answers ?? {} }, await bindingOf());
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
  #planHandOff(
    method: string,
    params: JsonObject,
    run: PreparedRun,
    era: { clientCapabilities: ClientCapabilities },
    scope: RequestScope,
  ): HandOffPlan | undefined {
    for (const extension of this.#extensions) {
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
  async #round(
    request: JsonRpcRequest,
    scope: RequestScope,
    era: RequestEra,
    run: PreparedRun,
    answers: InputAnswers | undefined,
    outer: AbortSignal | undefined,
    canHandOff: boolean,
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

  /** Finds the target of a handler method; throws when it does not exist. */
  #prepare(
    method: string,
    params: JsonObject,
    legacy: boolean,
  ): PreparedRun {
    if (method === "tools/call") {
      const name = params.name;
      if (typeof name !== "string") throw invalidParams("tools/call needs a tool name");
      const entry = this.#tools.get(name);
      if (!entry) throw invalidParams(`Unknown tool: ${name}`);
      const args = params.arguments ?? {};
      if (!isObject(args)) throw invalidParams("Tool arguments must be an object");
      return {
        identity: [name, args],
        execution: entry.definition.execution,
        execute: (context) => this.#callTool(entry, args, context),
      };
    }
    if (method === "prompts/get") {
      const name = params.name;
      if (typeof name !== "string") throw invalidParams("prompts/get needs a prompt name");
      const prompt = this.#prompts.get(name);
      if (!prompt) throw invalidParams(`Unknown prompt: ${name}`);
      const args = params.arguments ?? {};
      if (!isObject(args)) throw invalidParams("Prompt arguments must be an object");
      for (const argument of prompt.arguments ?? []) {
        if (argument.required && args[argument.name] === undefined) {
          throw invalidParams(`Missing required argument "${argument.name}" for prompt ${name}`);
        }
      }
      return {
        identity: [name, args],
        execute: async (context) =>
          (await prompt.get(args as { [name: string]: string }, context)) as unknown as JsonObject,
      };
    }
    const uri = params.uri;
    if (typeof uri !== "string") throw invalidParams("resources/read needs a uri");
    const fixed = this.#resources.get(uri);
    if (fixed) {
      return {
        identity: uri,
        execute: async (context) => readResult(uri, await fixed.read(uri, context)),
      };
    }
    for (const { definition, template } of this.#templates.values()) {
      const variables = template.match(uri);
      if (variables) {
        return {
          identity: uri,
          execute: async (context) =>
            readResult(uri, await definition.read(uri, variables, context)),
        };
      }
    }
    // 2026-07-28 moved "resource not found" from -32002 to -32602.
    const code = legacy ? ErrorCode.ResourceNotFoundLegacy : ErrorCode.InvalidParams;
    throw new McpError(code, `Resource not found: ${uri}`, { uri });
  }

  async #callTool(
    entry: ToolEntry,
    args: JsonObject,
    context: RequestContext,
  ): Promise<JsonObject> {
    const checked = await entry.input.validate(args);
    if (!checked.ok) {
      const reasons = formatIssues(checked.issues);
      return toolError(`Invalid arguments for tool ${entry.tool.name}: ${reasons}`);
    }
    let returned: ToolReturn;
    try {
      returned = await entry.definition.handler(checked.value as never, context);
    } catch (error) {
      if (error instanceof McpError) throw error;
      return toolError(error instanceof Error ? error.message : String(error));
    }
    const result: CallToolResult = typeof returned === "string"
      ? { content: [{ type: "text", text: returned }] }
      : returned;
    if (entry.output && !result.isError) {
      if (result.structuredContent === undefined) {
        throw new McpError(
          ErrorCode.InternalError,
          `Tool ${entry.tool.name} has an output schema but returned no structuredContent`,
        );
      }
      const out = await entry.output.validate(result.structuredContent);
      if (!out.ok) {
        const reasons = formatIssues(out.issues);
        throw new McpError(
          ErrorCode.InternalError,
          `Tool ${entry.tool.name} returned structuredContent that does not match its output schema: ${reasons}`,
        );
      }
      if (!result.content || result.content.length === 0) {
        result.content = [{ type: "text", text: JSON.stringify(result.structuredContent) }];
      }
    }
    if (!Array.isArray(result.content)) result.content = [] as ContentBlock[];
    return result as unknown as JsonObject;
  }

  /**
   * Serves the legacy session's standalone notifications: list changes, and
   * updates of subscribed resources. Returns the unsubscribe function.
   */
  attachSession(session: LegacySession): () => void {
    return this.onEvent((event) => {
      if (!session.initialized && !session.protocolVersion) return;
      const send = (method: string, params?: JsonObject) =>
        session.sendStandalone(
          params ? { jsonrpc: "2.0", method, params } : { jsonrpc: "2.0", method },
        );
      if (event.type !== "resource") send(listChange(event.type).method);
      else if (session.subscriptions.has(event.uri)) send(RESOURCE_UPDATED, { uri: event.uri });
    });
  }
}

function envelopeProblem(meta: JsonObject | undefined): McpError | undefined {
  const version = meta?.[MetaKey.protocolVersion];
  if (typeof version !== "string") {
    return invalidParams(
      `Missing _meta["${MetaKey.protocolVersion}"]; every request must carry its protocol version`,
    );
  }
  if (!isModernVersion(version)) {
    return new McpError(ErrorCode.UnsupportedProtocolVersion, "Unsupported protocol version", {
      supported: [...SUPPORTED_VERSIONS],
      requested: version,
    });
  }
  if (!isObject(meta![MetaKey.clientCapabilities])) {
    return invalidParams(
      `Missing _meta["${MetaKey.clientCapabilities}"]; every request must carry the client capabilities`,
    );
  }
  return undefined;
}

function toolError(text: string): JsonObject {
  return { content: [{ type: "text", text }], isError: true };
}

function readResult(
  uri: string,
  value: ResourceContents[] | ReadResourceResult | string,
): JsonObject {
  if (typeof value === "string") return { contents: [{ uri, text: value }] };
  if (Array.isArray(value)) return { contents: value };
  return value as unknown as JsonObject;
}

function resourceListing(definition: ResourceDefinition): Resource {
  return {
    uri: definition.uri,
    name: definition.name,
    ...definedFields(definition, [
      "title",
      "description",
      "mimeType",
      "size",
      "annotations",
      "icons",
      "_meta",
    ]),
  } as Resource;
}

function promptListing(definition: PromptDefinition): JsonObject {
  return {
    name: definition.name,
    ...definedFields(definition, ["title", "description", "arguments", "icons", "_meta"]),
  } as JsonObject;
}
