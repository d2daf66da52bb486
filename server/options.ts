/**
 * {@link ServerOptions}: how an `McpServer` is configured at construction.
 *
 * @module
 */
import type { CacheHints, ServerCapabilities } from "../protocol/mod.ts";
import type { ServerCompat } from "./compat.ts";
import type { ServerExtension } from "./extension.ts";
import type { SharedStore } from "./shared_store.ts";
import type { AppsOptions } from "./apps/extension.ts";
import type { SkillsOptions } from "./skills/extension.ts";
import type { TasksOptions } from "./tasks.ts";
import type { Tracer } from "./tracing.ts";

/**
 * Server construction options.
 *
 * @example
 * ```ts
 * import { McpServer } from "./server.ts";
 * import type { ServerOptions } from "./options.ts";
 * const options: ServerOptions = {
 *   instructions: "Use search before fetch.",
 *   pageSize: 50,
 *   cache: { ttlMs: 60_000, cacheScope: "public" },
 *   tasks: true,
 * };
 * const server = new McpServer({ name: "docs", version: "1.0.0" }, options);
 * ```
 */
export interface ServerOptions {
  /** Guidance for the model, sent in `initialize` and `server/discover`. */
  instructions?: string;
  /** Items per page of every list method. Default 100. */
  pageSize?: number;
  /** Cache hints on cacheable modern results. Default `{ ttlMs: 0, cacheScope: "public" }`. */
  cache?: CacheHints;
  /** Secret for signing MRTR `requestState`; random per process when absent. */
  requestStateSecret?: string | Uint8Array;
  /**
   * State shared with the other instances of this server (e.g. `await redisStore({ url })`):
   * its `requestStateSecret` and `taskStore` serve here unless given explicitly, and the HTTP
   * handler of this server takes its other pieces. Default: none, all in memory.
   */
  store?: SharedStore;
  /** How long MRTR state stays valid. Default 10 minutes. */
  requestStateTtlMs?: number;
  /**
   * How many handler runs suspended at input requests (2026-07-28) are kept
   * for their retry to resume, each for `requestStateTtlMs`; the oldest is
   * evicted first, and the retry of an evicted run replays the handler.
   * 0 replays always. Default 1000.
   */
  maxSuspendedRuns?: number;
  /** Put `io.modelcontextprotocol/serverInfo` in every modern result. Default true. */
  includeServerInfo?: boolean;
  /** Extra capabilities to advertise (merged over the derived ones). */
  capabilities?: ServerCapabilities;
  /**
   * Enables the tasks extension (`io.modelcontextprotocol/tasks`, 2026-07-28):
   * tools whose definition allows it answer with a task the client polls.
   */
  tasks?: boolean | TasksOptions;
  /**
   * Enables the skills extension (`io.modelcontextprotocol/skills`, SEP-2640):
   * serves these skills' files as `skill://` resources, with `skills/list`,
   * `skills/get` and, with `directoryRead`, `resources/directory/read`.
   */
  skills?: SkillsOptions;
  /**
   * Enables MCP Apps (`io.modelcontextprotocol/ui`, SEP-1865): serves these
   * UIs as `ui://` resources (`text/html;profile=mcp-app`) and declares the
   * extension; link tools to them with `appTool`.
   */
  apps?: AppsOptions;
  /** Protocol extensions to serve (2026-07-28 era). */
  extensions?: ServerExtension[];
  /**
   * Refuse, with a `RegistrationError` (problem `"name"`), tool names outside
   * the spec's rule (1–128 characters of A-Z a-z 0-9 _ - .) instead of
   * warning about them. Default false.
   */
  strictToolNames?: boolean;
  /** Receives the server's warnings (such as a tool name outside the spec's rule). Default: `console.warn`. */
  onWarning?: (message: string) => void;
  /**
   * Opens one span per request (OpenTelemetry semantic conventions for MCP).
   * An `@opentelemetry/api` `Tracer` fits as it is; see `Tracer`.
   */
  tracer?: Tracer;
  /**
   * Compatibility flags (aiomcp's server flags, in camelCase): each adds a
   * stricter check, all off by default; see {@link ServerCompat}.
   */
  compat?: ServerCompat;
}
