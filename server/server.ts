/**
 * `McpServer`: the registry of tools, resources, templates and prompts, and the
 * dispatcher that serves them in both protocol eras. A request is one function
 * call into {@link McpServer.handleRequest}; transports only frame messages.
 *
 * @module
 */
import type { McpError } from "../protocol/errors.ts";
import { errorResponseFrom, isObject, resultResponse } from "../protocol/jsonrpc.ts";
import type {
  Implementation,
  JsonObject,
  JsonRpcNotification,
  JsonRpcRequest,
  JsonRpcResponse,
  LegacySession,
  PromptArgument,
  RequestScope,
  ServerCapabilities,
  ServerEndpoint,
} from "../protocol/mod.ts";
import { createServerCore, type ServerCore } from "./core.ts";
import type {
  PromptDefinition,
  Registration,
  ResourceDefinition,
  ResourceTemplateDefinition,
  ToolDefinition,
} from "./definitions.ts";
import { capabilities } from "./discovery.ts";
import {
  bindLifespan,
  createLifespanRunner,
  type Lifespan,
  type LifespanOptions,
  type LifespanRunner,
} from "./lifespan.ts";
import type { ServerOptions } from "./options.ts";
import {
  registerPrompt,
  registerResource,
  registerResourceTemplate,
  registerTool,
  resourceScopes,
} from "./registry.ts";
import {
  describeRequest,
  type Middleware,
  runMiddleware,
  type ToolMiddleware,
} from "./middleware.ts";
import { mountServer } from "./mount.ts";
import { dispatch, envelopeProblem } from "./routing.ts";
import { emit, forwardToSession, type ServerEvent, subscribe } from "./subscriptions.ts";

/**
 * An MCP server that speaks 2026-07-28 and the legacy line back to 2024-11-05.
 * `State` is what its `lifespan` option returns (`undefined` without one):
 * every handler reads it as `context.state`.
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
 *
 * @example With a lifespan: state made once, read by handlers, disposed on `close()`
 * ```ts
 * import { McpServer } from "./server.ts";
 * const server = new McpServer({ name: "db", version: "1.0.0" }, {
 *   lifespan: async () => {
 *     const rows = new Map([["1", "Ada"]]); // e.g. a connection pool
 *     return { rows, [Symbol.asyncDispose]: async () => rows.clear() };
 *   },
 * });
 * server.tool({
 *   name: "user",
 *   input: { type: "object", properties: { id: { type: "string" } } },
 *   handler: ({ id }, context) => context.state.rows.get(String(id)) ?? "unknown",
 * });
 * await server.start(); // optional: otherwise the first request runs the lifespan
 * await server.close(); // ends streams, then awaits the state's disposal
 * ```
 */
export class McpServer<State = undefined> implements ServerEndpoint {
  /** The server's identity. */
  readonly info: Implementation;
  /** The options it was built with. */
  readonly options: ServerOptions & LifespanOptions<State>;
  #core: ServerCore;
  #lifespan: LifespanRunner;

  /**
   * Creates a server with its identity and options. `options.lifespan` types
   * `State`; see {@link Lifespan}.
   */
  constructor(info: Implementation, options: ServerOptions & LifespanOptions<State> = {}) {
    this.info = info;
    this.options = options;
    this.#core = createServerCore(info, options);
    this.#lifespan = createLifespanRunner(this, options.lifespan as Lifespan<unknown> | undefined);
    bindLifespan(this.#core, this.#lifespan);
  }

  /**
   * Runs the lifespan now (once; later calls return the same promise) instead
   * of before the first request. Rejects with a `LifespanError` when the
   * lifespan throws, or the server is closed. Without a lifespan it resolves.
   */
  start(): Promise<void> {
    return this.#lifespan.start();
  }

  // ---- registration -------------------------------------------------------

  /**
   * Registers a tool. Its schemas are checked now: a broken one, a taken name
   * or a missing handler throws a `RegistrationError`. The handler returns what
   * it computes (see `ToolReturn`): a string, a JSON value, or a full
   * `CallToolResult`.
   *
   * @example
   * ```ts
   * import { McpServer } from "./server.ts";
   * import { s } from "../schema/mod.ts";
   * const server = new McpServer({ name: "math", version: "1.0.0" });
   * server.tool({
   *   name: "add",
   *   input: s.object({ a: s.number(), b: s.number() }),
   *   output: s.number(), // advertised as { result: number }, the value travels as { result: 3 }
   *   handler: ({ a, b }) => a + b,
   * });
   * ```
   */
  tool<Input = JsonObject, Output = unknown>(
    definition: ToolDefinition<Input, Output, State>,
  ): Registration {
    return registerTool(
      this.#core,
      definition as unknown as ToolDefinition<never>,
      this.#core.toolNames,
    );
  }

  /** Registers a fixed resource; a taken URI throws a `RegistrationError`. */
  resource(definition: ResourceDefinition<State>): Registration {
    return registerResource(this.#core, definition as unknown as ResourceDefinition);
  }

  /**
   * Registers a resource template; a malformed or taken template throws a
   * `RegistrationError`. The template's variables type the reader's.
   *
   * @example
   * ```ts
   * import { McpServer } from "./server.ts";
   * const server = new McpServer({ name: "greetings", version: "1.0.0" });
   * server.resourceTemplate({
   *   uriTemplate: "greeting://{name}{?lang}",
   *   name: "greeting",
   *   read: (_uri, { name, lang }) => (lang === "fr" ? `Bonjour ${name}` : `Hello ${name}`),
   * });
   * ```
   */
  resourceTemplate<Template extends string>(
    definition: ResourceTemplateDefinition<Template, State>,
  ): Registration {
    return registerResourceTemplate(
      this.#core,
      definition as unknown as ResourceTemplateDefinition,
    );
  }

  /**
   * Registers a prompt; a taken name throws a `RegistrationError`. Its
   * declared `arguments` type the renderer's; the renderer may return text.
   */
  prompt<const Arguments extends readonly PromptArgument[] = PromptArgument[]>(
    definition: PromptDefinition<Arguments, State>,
  ): Registration {
    return registerPrompt(this.#core, definition as unknown as PromptDefinition);
  }

  // ---- composition ----------------------------------------------------------

  /**
   * Adds a middleware around every request (see {@link Middleware}). The first
   * registered is the outermost; a `tracer` option's span is outside them all.
   * Returns the function that removes it.
   */
  use(middleware: Middleware): () => void {
    return addTo(this.#core.middleware, middleware);
  }

  /** Adds a middleware around every tool handler (see {@link ToolMiddleware}); first registered outermost. */
  useTool(middleware: ToolMiddleware): () => void {
    return addTo(this.#core.toolMiddleware, middleware);
  }

  /**
   * Serves `other`'s tools, prompts, resources and templates from this server
   * under `prefix`, live (see mount.ts for the naming rule). Its handlers run
   * with this server's request context, inside this server's middleware and
   * then `other`'s (see mount.ts for the order). `remove()` unmounts.
   *
   * @example
   * ```ts
   * import { McpServer } from "./server.ts";
   * const weather = new McpServer({ name: "weather", version: "1.0.0" });
   * weather.tool({ name: "forecast", handler: () => "sunny" });
   * const app = new McpServer({ name: "app", version: "1.0.0" });
   * app.mount("weather", weather); // tool "weather_forecast"
   * ```
   */
  // deno-lint-ignore no-explicit-any
  mount(prefix: string, other: McpServer<any>): Registration {
    return mountServer(this.#core, prefix, other.#core, () => other.start());
  }

  // ---- events ---------------------------------------------------------------

  /** Tells subscribed clients that a resource changed. */
  resourceUpdated(uri: string): void {
    emit(this.#core.listeners, { type: "resource", uri });
  }

  /** Subscribes to server events; returns the unsubscribe function. */
  onEvent(listener: (event: ServerEvent) => void): () => void {
    return subscribe(this.#core.listeners, listener);
  }

  /**
   * Tells this server's listeners (`subscriptions/listen` streams, legacy sessions, `onEvent`)
   * about `event` as if it happened here: e.g. one another instance announced on the store's
   * message bus (`transports/http/event_relay.ts`).
   */
  emitEvent(event: ServerEvent): void {
    emit(this.#core.listeners, event);
  }

  /**
   * Ends open `subscriptions/listen` streams gracefully (at once), then
   * disposes the lifespan state (`[Symbol.asyncDispose]` or `[Symbol.dispose]`)
   * and resolves when that is done. Requests after it fail with a
   * `LifespanError`. Idempotent.
   */
  close(): Promise<void> {
    for (const close of [...this.#core.closers]) close();
    this.#core.suspended.clear();
    return this.#lifespan.close();
  }

  /** The capabilities this server advertises, derived from what is registered. */
  capabilities(): ServerCapabilities {
    return capabilities(this.#core);
  }

  // ---- dispatch -------------------------------------------------------------

  /**
   * Serves one request and returns its response. Never throws: every failure
   * becomes a JSON-RPC error response.
   */
  async handleRequest(request: JsonRpcRequest, scope: RequestScope = {}): Promise<JsonRpcResponse> {
    try {
      const pending = this.#lifespan.pending();
      if (pending) await pending;
      const core = this.#core;
      // One length check keeps a server without middleware a plain call into the router.
      const result = core.middleware.length === 0
        ? await dispatch(core, request, scope)
        : await runMiddleware(
          core.middleware,
          describeRequest(request, scope),
          () => dispatch(core, request, scope),
        );
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
    return this.#core.tools.get(name)?.tool.inputSchema;
  }

  /** The scopes a registered tool declares (`ToolDefinition.scopes`), for the HTTP scope check. */
  toolScopes(name: string): readonly string[] | undefined {
    return this.#core.tools.get(name)?.definition.scopes;
  }

  /** The scopes a registered prompt declares (`PromptDefinition.scopes`), for the HTTP scope check. */
  promptScopes(name: string): readonly string[] | undefined {
    return this.#core.prompts.get(name)?.scopes;
  }

  /** The scopes reading `uri` needs (its resource's or matching template's), for the HTTP scope check. */
  resourceScopes(uri: string): readonly string[] | undefined {
    return resourceScopes(this.#core, uri);
  }

  /**
   * Serves the legacy session's standalone notifications: list changes, and
   * updates of subscribed resources. Returns the unsubscribe function.
   */
  attachSession(session: LegacySession): () => void {
    return forwardToSession(this.#core.listeners, session);
  }
}

/** Appends to a chain; the returned function takes out that one entry. */
function addTo<T>(chain: T[], entry: T): () => void {
  chain.push(entry);
  return () => {
    const at = chain.indexOf(entry);
    if (at >= 0) chain.splice(at, 1);
  };
}
