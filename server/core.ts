/**
 * What one `McpServer` holds, built once by its constructor: the registry of
 * what is registered, the settings its options resolve to, and its extensions.
 * Every request is served by plain functions that take this core.
 *
 * @module
 */
import { MetaKey } from "../protocol/meta.ts";
import type { CacheHints, Implementation, Meta } from "../protocol/mod.ts";
import type { ServerExtension } from "./extension.ts";
import type { ServerOptions } from "./options.ts";
import { createRegistry, registerResource, type Registry } from "./registry.ts";
import { createRequestStateCodec, type RequestStateCodec } from "./request_state.ts";
import { createSkillsExtension } from "./skills/extension.ts";
import { createTasksExtension } from "./tasks.ts";
import { createToolNamePolicy, type ToolNamePolicy } from "./tool_names.ts";
import type { Middleware, ToolMiddleware } from "./middleware.ts";
import type { MountedServer } from "./mount.ts";
import { tracingMiddleware } from "./tracing.ts";

/** A server's state and settings. */
export interface ServerCore extends Registry {
  /** The server's identity. */
  readonly info: Implementation;
  /** The options it was built with. */
  readonly options: ServerOptions;
  /** Extensions served in the 2026-07-28 era, the tasks extension included. */
  readonly extensions: readonly ServerExtension[];
  /** Signs and opens MRTR `requestState`. */
  readonly codec: RequestStateCodec;
  /** Items per page of list methods. */
  readonly pageSize: number;
  /** Cache hints put on cacheable modern results that set none. */
  readonly cache: CacheHints;
  /** The `_meta` naming the server on modern results, unless turned off. */
  readonly serverInfoMeta: Meta | undefined;
  /** Ends the open `subscriptions/listen` streams. */
  readonly closers: Set<() => void>;
  /** How tool names outside the spec's rule are treated. */
  readonly toolNames: ToolNamePolicy;
  /** Runs around every request, first outermost (the tracer's span first of all). */
  readonly middleware: Middleware[];
  /** Runs around every tool handler, first outermost. */
  readonly toolMiddleware: ToolMiddleware[];
  /** The servers mounted into this one, by prefix. */
  readonly mounted: Map<string, MountedServer>;
}

/** Resolves a server's options into its core. */
export function createServerCore(info: Implementation, options: ServerOptions): ServerCore {
  const extensions = [...options.extensions ?? []];
  if (options.tasks) {
    extensions.push(createTasksExtension(options.tasks === true ? {} : options.tasks));
  }
  const registry = createRegistry();
  if (options.skills) {
    const skills = createSkillsExtension({ cache: options.cache, ...options.skills });
    extensions.push(skills);
    for (const resource of skills.resources) registerResource(registry, resource);
  }
  return {
    ...registry,
    info,
    options,
    extensions,
    codec: createRequestStateCodec({
      secret: options.requestStateSecret,
      ttlMs: options.requestStateTtlMs,
    }),
    pageSize: options.pageSize ?? 100,
    cache: options.cache ?? { ttlMs: 0, cacheScope: "public" },
    serverInfoMeta: options.includeServerInfo === false
      ? undefined
      : { [MetaKey.serverInfo]: info },
    closers: new Set(),
    toolNames: createToolNamePolicy(options),
    middleware: options.tracer ? [tracingMiddleware(options.tracer)] : [],
    toolMiddleware: [],
    mounted: new Map(),
  };
}
