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
 * but with the mounted server's own lifespan state as `context.state`. The
 * parent's middleware and tracer apply to them; the mounted server's do not.
 * Changes in the mounted server (registrations, `resourceUpdated`) are
 * mirrored at once, so the parent's clients hear of them in both eras. The
 * mounted server's capability overrides and instructions are merged into the
 * parent's. Its extensions (tasks included) are not served by the parent,
 * and closing the parent does not close it. Mounts nest: a server mounted at
 * `b` into one mounted at `a` serves tool `x` as `a_b_x`.
 *
 * @module
 */
import type { ServerCapabilities } from "../protocol/mod.ts";
import type { RequestContext } from "./context.ts";
import type { ServerCore } from "./core.ts";
import type {
  PromptDefinition,
  Registration,
  ResourceDefinition,
  ResourceRead,
  ToolDefinition,
} from "./definitions.ts";
import { lifespanState } from "./lifespan.ts";
import {
  registerPrompt,
  registerResource,
  registerResourceTemplate,
  registerTool,
  type TemplateEntry,
  type ToolEntry,
} from "./registry.ts";
import { emit, subscribe } from "./subscriptions.ts";

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
    return { ...context, state: lifespanState(child) };
  };

  const tools = new Map<string, Mirror>();
  const prompts = new Map<string, Mirror>();
  const resources = new Map<string, Mirror>();
  const templates = new Map<string, Mirror>();

  const mirrorTool = (entry: ToolEntry): Registration => {
    const definition = entry.definition as ToolDefinition<never>;
    const handler = definition.handler as (args: unknown, context: RequestContext) => unknown;
    return registerTool(
      parent,
      {
        ...definition,
        name: mountedName(prefix, definition.name),
        handler:
          (async (args: unknown, context: RequestContext) =>
            handler(args, await contextFor(context))) as never,
      },
      parent.toolNames,
    );
  };
  const mirrorPrompt = (definition: PromptDefinition): Registration =>
    registerPrompt(parent, {
      ...definition,
      name: mountedName(prefix, definition.name),
      get: async (args, context) => definition.get(args, await contextFor(context)),
    });
  const mirrorResource = (definition: ResourceDefinition): Registration | undefined => {
    const uri = mountedUri(prefix, definition.uri);
    if (uri === undefined) return undefined;
    return registerResource(parent, {
      ...definition,
      uri,
      read: async (_uri, context) =>
        prefixRead(prefix, await definition.read(definition.uri, await contextFor(context))),
    });
  };
  const mirrorTemplate = ({ definition }: TemplateEntry): Registration | undefined => {
    const uriTemplate = mountedUri(prefix, definition.uriTemplate);
    if (uriTemplate === undefined) return undefined;
    return registerResourceTemplate(parent, {
      ...definition,
      uriTemplate,
      read: async (uri, variables, context) =>
        prefixRead(
          prefix,
          await definition.read(
            unmountedUri(prefix, uri) ?? uri,
            variables,
            await contextFor(context),
          ),
        ),
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
  const mounted: MountedServer = { prefix, core: child };
  parent.mounted.set(prefix, mounted);
  return {
    remove: () => {
      if (parent.mounted.get(prefix) !== mounted) return;
      stop();
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
