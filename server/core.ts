/**
 * What one `McpServer` holds, built once by its constructor: the registry of
 * what is registered, the settings its options resolve to, and its extensions.
 * Every request is served by plain functions that take this core.
 *
 * @module
 */
import { MetaKey } from "../protocol/meta.ts";
import { compatToolMiddleware, type ServerCompat } from "./compat.ts";
import type { CacheHints, Implementation, Meta } from "../protocol/mod.ts";
import type { ServerExtension } from "./extension.ts";
import type { ServerOptions } from "./options.ts";
import { createRegistry, registerResource, type Registry } from "./registry.ts";
import type { LiveRun } from "./live_run.ts";
import {
  createRequestStateCodec,
  DEFAULT_REQUEST_STATE_TTL_MS,
  type RequestStateCodec,
} from "./request_state.ts";
import { createSuspendedRuns, type SuspendedRuns } from "./suspended_runs.ts";
import { createAppsExtension } from "./apps/extension.ts";
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
  /** How long MRTR state (and a run suspended for it) lives. */
  readonly requestStateTtlMs: number;
  /** Handler runs suspended at input requests, awaiting their retry. */
  readonly suspended: SuspendedRuns<LiveRun>;
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
  /** The compatibility flags (`options.compat`, `{}` when absent). */
  readonly compat: ServerCompat;
}

/** Resolves a server's options into its core. */
export function createServerCore(info: Implementation, options: ServerOptions): ServerCore {
  const extensions = [...options.extensions ?? []];
  if (options.tasks) {
    const tasks = options.tasks === true ? {} : options.tasks;
    const store = tasks.store ?? options.store?.taskStore;
    extensions.push(createTasksExtension(store ? { ...tasks, store } : tasks));
  }
  const registry = createRegistry();
  const compat = options.compat ?? {};
  const compatTools = compatToolMiddleware(compat);
  if (options.skills) {
    const skills = createSkillsExtension({ cache: options.cache, ...options.skills });
    extensions.push(skills);
    for (const resource of skills.resources) registerResource(registry, resource);
  }
  if (options.apps) {
    const apps = createAppsExtension(options.apps);
    extensions.push(apps);
    for (const resource of apps.resources) registerResource(registry, resource);
  }
  return {
    ...registry,
    info,
    options,
    extensions,
    codec: createRequestStateCodec({
      secret: options.requestStateSecret ?? options.store?.requestStateSecret,
      ttlMs: options.requestStateTtlMs,
    }),
    requestStateTtlMs: options.requestStateTtlMs ?? DEFAULT_REQUEST_STATE_TTL_MS,
    suspended: createSuspendedRuns(options.maxSuspendedRuns),
    pageSize: options.pageSize ?? 100,
    cache: options.cache ?? { ttlMs: 0, cacheScope: "public" },
    serverInfoMeta: options.includeServerInfo === false
      ? undefined
      : { [MetaKey.serverInfo]: info },
    closers: new Set(),
    toolNames: createToolNamePolicy(options),
    middleware: options.tracer ? [tracingMiddleware(options.tracer)] : [],
    // The flags' middleware is outermost: it judges the result other middleware produced.
    toolMiddleware: compatTools ? [compatTools] : [],
    mounted: new Map(),
    compat,
  };
}
