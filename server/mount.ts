/**
 * Mounting: `parent.mount(prefix, other)` serves another `McpServer`'s tools,
 * prompts, resources and templates from the parent, under a prefix, live.
 *
 * Names follow FastMCP's rule: tool `forecast` of a server mounted at
 * `weather` is `weather_forecast`, and prompts likewise. A resource URI gets
 * the prefix as the first path segment after its scheme: `file:///x` becomes
 * `file://weather//x`, `data://users` becomes `data://weather/users`, and a
 * template `note://{id}` becomes `note://weather/{id}`. A resource whose URI
 * has no `://` cannot carry the prefix and is not mounted (a warning says so).
 *
 * The mounted handlers run with the parent's request context (so their
 * elicitation, sampling, roots, progress and logs reach the parent's client),
 * but with the mounted server's own lifespan state as `context.state`.
 *
 * Middleware, outermost first: the parent's tracer span and `use`
 * middleware (seeing the parent's names), the parent's `useTool`, then the
 * mounted server's tracer span and `use` middleware and its `useTool`
 * (seeing its own names and URIs), then the handler. The mounted server
 * validates a tool's arguments and output against its own schemas (the
 * parent lists the same ones). Its `use` middleware sees the requests that
 * reach it: `tools/call`, `prompts/get` and `resources/read` of its items,
 * and subscriptions to its resources (legacy `resources/subscribe` and
 * `resources/unsubscribe` after the parent served them, and a
 * `subscriptions/listen` naming them, around the parent's stream, with only
 * its URIs), so a server that follows its subscribers (a proxy, which
 * subscribes on its remote) hears of them; list requests are the parent's.
 * A legacy session that ends without unsubscribing keeps such a
 * subscription of the mounted server until it is closed.
 *
 * Changes in the mounted server (registrations, `resourceUpdated`) are
 * mirrored at once, so the parent's clients hear of them in both eras. The
 * mounted server's capability overrides and instructions are merged into the
 * parent's. Its extensions (tasks included) are not served by the parent,
 * and closing the parent does not close it. Mounts nest: a server mounted at
 * `b` into one mounted at `a` serves tool `x` as `a_b_x`.
 *
 * @module
 */
import { isObject } from "../protocol/jsonrpc.ts";
import type {
  GetPromptResult,
  JsonObject,
  RequestScope,
  ServerCapabilities,
} from "../protocol/mod.ts";
import type { StandardSchemaV1 } from "../schema/mod.ts";
import { contextWithState, type RequestContext } from "./context.ts";
import type { ServerCore } from "./core.ts";
import type {
  PromptDefinition,
  Registration,
  ResourceDefinition,
  ResourceRead,
  ToolDefinition,
} from "./definitions.ts";
import { lifespanState } from "./lifespan.ts";
import { type McpRequest, type Middleware, runMiddleware } from "./middleware.ts";
import {
  registerPrompt,
  registerResource,
  registerResourceTemplate,
  registerTool,
  type TemplateEntry,
  type ToolEntry,
} from "./registry.ts";
import { emit, subscribe } from "./subscriptions.ts";
import { prepareRun } from "./targets.ts";

/** A server mounted into another, as its parent's core records it. */
export interface MountedServer {
  /** The prefix its names and URIs carry. */
  readonly prefix: string;
  /** The mounted server's core. */
  readonly core: ServerCore;
}

/** A mirrored entry: the child's entry it came from and the parent's registration. */
interface Mirror {
  source: unknown;
  registration: Registration;
}

/** The parent's name of a mounted tool or prompt: `prefix_name`. */
export function mountedName(prefix: string, name: string): string {
  return `${prefix}_${name}`;
}

/**
 * The parent's URI (or URI template) of a mounted resource: the prefix becomes
 * the first path segment after `scheme://`. `undefined` when it has no `://`.
 *
 * @example
 * ```ts
 * import { mountedUri } from "./mount.ts";
 * mountedUri("weather", "data://cities"); // "data://weather/cities"
 * mountedUri("weather", "file:///tmp/x"); // "file://weather//tmp/x"
 * ```
 */
export function mountedUri(prefix: string, uri: string): string | undefined {
  const at = uri.indexOf("://");
  if (at <= 0 || /[{}]/.test(uri.slice(0, at))) return undefined;
  return `${uri.slice(0, at + 3)}${prefix}/${uri.slice(at + 3)}`;
}

/** The mounted server's URI for the parent's one, or `undefined` when it does not carry the prefix. */
export function unmountedUri(prefix: string, uri: string): string | undefined {
  const at = uri.indexOf("://");
  if (at <= 0) return undefined;
  const rest = uri.slice(at + 3);
  if (!rest.startsWith(`${prefix}/`)) return undefined;
  return `${uri.slice(0, at + 3)}${rest.slice(prefix.length + 1)}`;
}

/** Capability overrides of the servers mounted into `core`, merged (nested mounts included). */
export function mountedCapabilities(core: ServerCore): ServerCapabilities {
  let merged: ServerCapabilities = {};
  for (const { core: child } of core.mounted.values()) {
    merged = { ...merged, ...mountedCapabilities(child), ...child.options.capabilities };
  }
  return merged;
}

/**
 * The instructions of `core` followed by those of the servers mounted into it,
 * each under a `## prefix` heading; `undefined` when there are none.
 */
export function composedInstructions(core: ServerCore): string | undefined {
  const parts = core.options.instructions ? [core.options.instructions] : [];
  for (const { prefix, core: child } of core.mounted.values()) {
    const text = composedInstructions(child);
    if (text) parts.push(`## ${prefix}\n${text}`);
  }
  return parts.length > 0 ? parts.join("\n\n") : undefined;
}

/**
 * Mounts `child` into `parent` under `prefix`; `ready` resolves when the
 * child's lifespan state is ready. Returns the registration that unmounts.
 */
export function mountServer(
  parent: ServerCore,
  prefix: string,
  child: ServerCore,
  ready: () => Promise<void>,
): Registration {
  if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) {
    throw new TypeError(`Mount prefix must be 1 or more of A-Z a-z 0-9 _ . - (got "${prefix}")`);
  }
  if (child === parent) throw new TypeError("A server cannot be mounted into itself");
  if (parent.mounted.has(prefix)) throw new TypeError(`Prefix "${prefix}" is already mounted`);
  const warn = parent.options.onWarning ?? ((message: string) => console.warn(message));
  const contextFor = async (context: RequestContext): Promise<RequestContext> => {
    await ready();
    return contextWithState(context, lifespanState(child));
  };

  const tools = new Map<string, Mirror>();
  const prompts = new Map<string, Mirror>();
  const resources = new Map<string, Mirror>();
  const templates = new Map<string, Mirror>();

  /**
   * Serves one handler call in the child as the child would (its request
   * middleware, its tool middleware, its validation), inside the parent's.
   */
  const runInChild = async (
    method: string,
    params: JsonObject,
    context: RequestContext,
  ): Promise<JsonObject> => {
    const inner = await contextFor(context);
    const serve = () => prepareRun(child, method, params, context.era === "legacy").execute(inner);
    if (child.middleware.length === 0) return await serve();
    const request = childRequest(method, params, inner, { signal: inner.signal, auth: inner.auth });
    const { resultType: _envelope, ...result } = await runMiddleware(
      child.middleware,
      request,
      serve,
    );
    return result;
  };

  const mirrorTool = (entry: ToolEntry): Registration => {
    const definition = entry.definition as ToolDefinition<never>;
    const name = definition.name;
    const listed = entry.tool;
    const mirrored: ToolDefinition<never> = {
      ...definition,
      name: mountedName(prefix, name),
      // The child validates (its own schemas, inside its middleware); the parent lists the same.
      input: listedSchema(listed.inputSchema) as never,
      handler:
        ((args: JsonObject, context: RequestContext) =>
          runInChild("tools/call", { name, arguments: args }, context)) as never,
    };
    mirrored.output = listed.outputSchema ? listedSchema(listed.outputSchema) : undefined;
    return registerTool(parent, mirrored, parent.toolNames);
  };
  const mirrorPrompt = (definition: PromptDefinition): Registration =>
    registerPrompt(parent, {
      ...definition,
      name: mountedName(prefix, definition.name),
      get: async (args, context) =>
        await runInChild(
          "prompts/get",
          { name: definition.name, arguments: args },
          context,
        ) as unknown as GetPromptResult,
    });
  const readInChild = async (uri: string, context: RequestContext): Promise<ResourceRead> =>
    prefixRead(
      prefix,
      await runInChild("resources/read", { uri }, context) as unknown as ResourceRead,
    );
  const mirrorResource = (definition: ResourceDefinition): Registration | undefined => {
    const uri = mountedUri(prefix, definition.uri);
    if (uri === undefined) return undefined;
    return registerResource(parent, {
      ...definition,
      uri,
      read: (_uri, context) => readInChild(definition.uri, context),
    });
  };
  const mirrorTemplate = ({ definition }: TemplateEntry): Registration | undefined => {
    const uriTemplate = mountedUri(prefix, definition.uriTemplate);
    if (uriTemplate === undefined) return undefined;
    return registerResourceTemplate(parent, {
      ...definition,
      uriTemplate,
      read: (uri, _variables, context) => readInChild(unmountedUri(prefix, uri) ?? uri, context),
    });
  };

  /** Brings one mirror map in line with the child's map: gone or replaced entries out, new ones in. */
  const syncOne = <T>(
    mirrors: Map<string, Mirror>,
    source: ReadonlyMap<string, T>,
    mirror: (entry: T) => Registration | undefined,
    strict: boolean,
  ) => {
    for (const [key, { source: was, registration }] of mirrors) {
      if (source.get(key) === was) continue;
      registration.remove();
      mirrors.delete(key);
    }
    for (const [key, entry] of source) {
      if (mirrors.has(key)) continue;
      let registration: Registration | undefined;
      try {
        registration = mirror(entry);
      } catch (error) {
        if (strict) throw error;
        warn(`Mount "${prefix}": ${(error as Error).message}`);
        continue;
      }
      if (registration) mirrors.set(key, { source: entry, registration });
      else {warn(
          `Mount "${prefix}": ${key} has no "://", so it cannot carry the prefix; not mounted`,
        );}
    }
  };
  const sync = (strict: boolean) => {
    syncOne(tools, child.tools, mirrorTool, strict);
    syncOne(prompts, child.prompts, mirrorPrompt, strict);
    syncOne(resources, child.resources, mirrorResource, strict);
    syncOne(templates, child.templates, mirrorTemplate, strict);
  };
  const removeAll = () => {
    for (const mirrors of [tools, prompts, resources, templates]) {
      for (const { registration } of mirrors.values()) registration.remove();
      mirrors.clear();
    }
  };

  try {
    sync(true);
  } catch (error) {
    removeAll();
    throw error;
  }
  const stop = subscribe(child.listeners, (event) => {
    if (event.type !== "resource") return sync(false);
    const uri = mountedUri(prefix, event.uri);
    if (uri !== undefined) emit(parent.listeners, { type: "resource", uri });
  });
  /** The child's URI of a parent URI that names one of the child's resources. */
  const childUri = (uri: unknown): string | undefined => {
    if (typeof uri !== "string") return undefined;
    const inner = unmountedUri(prefix, uri);
    if (inner === undefined) return undefined;
    if (child.resources.has(inner)) return inner;
    for (const { template } of child.templates.values()) if (template.match(inner)) return inner;
    return undefined;
  };
  const stopRelay = addMiddleware(parent.middleware, subscriptionRelay(child, childUri));
  const mounted: MountedServer = { prefix, core: child };
  parent.mounted.set(prefix, mounted);
  return {
    remove: () => {
      if (parent.mounted.get(prefix) !== mounted) return;
      stop();
      stopRelay();
      removeAll();
      parent.mounted.delete(prefix);
    },
  };
}

/** A mounted read's result with the URIs of its contents carrying the prefix. */
function prefixRead(prefix: string, value: ResourceRead): ResourceRead {
  if (typeof value === "string") return value;
  const prefixed = <C extends { uri: string }>(content: C): C => ({
    ...content,
    uri: mountedUri(prefix, content.uri) ?? content.uri,
  });
  if (Array.isArray(value)) return value.map(prefixed) as ResourceRead;
  const result = value as { contents?: { uri: string }[] };
  if (!Array.isArray(result.contents)) return value;
  return { ...value, contents: result.contents.map(prefixed) } as ResourceRead;
}

/** A schema that lists `jsonSchema` and accepts every value: the mounted server validates. */
function listedSchema(jsonSchema: JsonObject): StandardSchemaV1<JsonObject> {
  const exported = () => jsonSchema;
  return {
    "~standard": {
      version: 1,
      vendor: "emcee-mount",
      validate: (value) => ({ value: value as JsonObject }),
      jsonSchema: { input: exported, output: exported },
    },
  };
}

/** A request to the child as its middleware sees it: the parent's, with the child's params. */
function childRequest(
  method: string,
  params: JsonObject,
  context: Pick<RequestContext, "requestId" | "era" | "protocolVersion" | "sessionId" | "auth">,
  scope: RequestScope,
): McpRequest {
  return {
    method,
    params,
    id: context.requestId,
    era: context.era,
    protocolVersion: context.protocolVersion,
    sessionId: context.sessionId,
    auth: context.auth,
    scope,
    request: { jsonrpc: "2.0", id: context.requestId, method, params },
  };
}

/** Appends `middleware` to `chain`; returns the function that takes it out. */
function addMiddleware(chain: Middleware[], middleware: Middleware): () => void {
  chain.push(middleware);
  return () => {
    const at = chain.indexOf(middleware);
    if (at >= 0) chain.splice(at, 1);
  };
}

/**
 * A parent middleware passing subscriptions to the child's resources on to
 * the child's middleware (with the child's URIs), so that a child that
 * follows its subscribers (a proxy subscribing on its remote) hears of them:
 * legacy `resources/subscribe` and `resources/unsubscribe` once the parent
 * served them, a `subscriptions/listen` around the parent's stream.
 */
function subscriptionRelay(
  child: ServerCore,
  childUri: (uri: unknown) => string | undefined,
): Middleware {
  return async (request, next) => {
    if (child.middleware.length === 0) return await next();
    const relay = (params: JsonObject, serve: () => Promise<JsonObject>) =>
      runMiddleware(
        child.middleware,
        {
          ...request,
          params,
          request: { ...request.request, params },
        },
        serve,
      );
    if (request.method === "subscriptions/listen") {
      const filter = request.params.notifications;
      const listed = isObject(filter) && Array.isArray(filter.resourceSubscriptions)
        ? filter.resourceSubscriptions
        : [];
      const uris = [...new Set(listed.map(childUri).filter((uri) => uri !== undefined))];
      if (uris.length === 0) return await next();
      return await relay(
        { ...request.params, notifications: { resourceSubscriptions: uris } },
        next,
      );
    }
    if (request.method !== "resources/subscribe" && request.method !== "resources/unsubscribe") {
      return await next();
    }
    const uri = childUri(request.params.uri);
    const result = await next();
    if (uri !== undefined) await relay({ ...request.params, uri }, () => Promise.resolve({}));
    return result;
  };
}
