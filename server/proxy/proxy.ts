/**
 * {@link createProxyServer}: serves a remote MCP server, reached through a
 * connected `McpClient` (any transport, either era), a URL or a stdio
 * command, as a local `McpServer`.
 *
 * @module
 */
import type { McpClient } from "../../client/client.ts";
import type {
  Implementation,
  ListKind,
  LoggingLevel,
  ServerCapabilities,
} from "../../protocol/mod.ts";
import { isObject } from "../../protocol/jsonrpc.ts";
import { TASKS_EXTENSION } from "../../protocol/tasks.ts";
import { APPS_EXTENSION } from "../apps/meta.ts";
import type { ServerOptions } from "../options.ts";
import type { McpServer } from "../server.ts";
import { LocalServer } from "./local_server.ts";
import { createMirror } from "./mirror.ts";
import { attachRemote, type Remote } from "./remote.ts";
import { createTaskPassthrough } from "./remote_task.ts";
import { openTarget, type ProxyConnectOptions, type ProxyTarget } from "./target.ts";
import { createResourceWatch } from "./watch.ts";

/** Options of {@link createProxyServer}. */
export interface ProxyOptions extends ProxyConnectOptions {
  /** The local server's identity. Default: the remote's, else `emcee-proxy`. */
  info?: Implementation;
  /**
   * Options of the local server. `instructions` default to the remote's;
   * `capabilities` are merged over those mirrored from the remote.
   */
  server?: ServerOptions;
  /** Per round trip of a forwarded call; `null` (default) leaves it to the local caller. */
  timeoutMs?: number | null;
  /** Most input rounds of one forwarded call. Default 10. */
  maxInputRounds?: number;
  /** The log level asked of a remote that logs. Default `"debug"` (local callers filter). */
  logLevel?: LoggingLevel;
  /** Receives warnings (items that could not be mirrored, failed refreshes). Default: `console.warn`. */
  onWarning?: (message: string) => void;
}

/** A running proxy. */
export interface ProxyServer {
  /** The local server: serve it on any transport. */
  readonly server: McpServer;
  /** The client of the current remote (the one given or made, or the last `replace`d in). */
  readonly client: McpClient;
  /** Re-lists everything on the remote and swaps what changed. */
  refresh(): Promise<void>;
  /**
   * Puts the remote `client` is connected to behind the local server: lists
   * everything on it, then swaps the registrations at once (unchanged items
   * keep theirs, so only a real change is announced). Calls arriving after
   * the swap go to `client`; calls already in flight finish on the previous
   * one. Resolves once swapped; on failure the previous remote stays.
   * The capabilities the local server advertises stay those it started with.
   */
  replace(client: McpClient): Promise<ReplacedRemote>;
  /**
   * Stops following the remote (list changes, resource subscriptions), gives
   * the client its own handlers back and ends the local server's streams. A
   * client given to `createProxyServer` stays open (its owner closes it); one
   * the proxy connected itself (URL or command target) is closed.
   */
  close(): Promise<void>;
}

/** The remote a {@link ProxyServer.replace} took out. */
export interface ReplacedRemote {
  /**
   * Its client, still open: its owner closes it. A client the proxy connected
   * itself is closed by the proxy once drained.
   */
  readonly client: McpClient;
  /** Resolves once its calls in flight are done; its client then has its own handlers back. */
  readonly drained: Promise<void>;
}

/**
 * What the local server advertises: what the remote serves. List changes are
 * always announced (the proxy re-lists on `refresh()` even when the remote
 * cannot tell it). Of the remote's extensions only MCP Apps
 * (`io.modelcontextprotocol/ui`) is declared: it needs nothing but the
 * mirrored resources and tools.
 */
export function mirroredCapabilities(remote: ServerCapabilities): ServerCapabilities {
  const capabilities: ServerCapabilities = {
    tools: remote.tools ? { listChanged: true } : undefined,
    resources: remote.resources
      ? remote.resources.subscribe ? { subscribe: true, listChanged: true } : { listChanged: true }
      : undefined,
    prompts: remote.prompts ? { listChanged: true } : undefined,
    logging: remote.logging ? {} : undefined,
    completions: remote.completions ? {} : undefined,
  };
  if (remote.experimental) capabilities.experimental = remote.experimental;
  // MCP Apps is metadata only (ui:// resources, tools' _meta), all of it mirrored, so its
  // declaration is too; other extensions serve methods the proxy does not forward.
  const apps = remote.extensions?.[APPS_EXTENSION];
  if (apps !== undefined) capabilities.extensions = { [APPS_EXTENSION]: apps };
  return capabilities;
}

/**
 * Serves the remote server `client` is connected to as a local `McpServer`:
 * its tools, resources, resource templates and prompts are listed (every
 * page) and registered locally under the same names, metadata and schemas
 * (the remote validates); calls, reads, prompts and completions go to the
 * remote and come back as it answered, errors included. List changes on the
 * remote are mirrored, resource updates relayed for what local clients
 * subscribe to, and a forwarded call's progress, logs, cancellation and
 * requests for input (elicitation, sampling, roots) travel between the
 * remote and the local caller.
 *
 * Tasks (the 2026-07-28 tasks extension): when the remote declares it, so
 * does the local server (unless `options.server.tasks` gives it tasks of its
 * own). A local caller that declares it gets the remote's answer to
 * `tools/call` as is, a task handle included, and its `tasks/get`,
 * `tasks/update` and `tasks/cancel` go to the remote (these calls skip the
 * local server's tool middleware). For every other caller, legacy sessions
 * included, a task the remote answers with is followed by the proxy to its
 * end, so a tool the remote runs only as a task (`taskSupport: "required"`)
 * still works. The remote sees the extension only when the proxy's client
 * declares it: a client the proxy connects does (`tasks: true`); connect a
 * client you give with `tasks: true` too. A tool's listed `execution` is
 * kept on the local definition.
 *
 * Log messages and legacy server-to-client requests do not say which call
 * they belong to: they reach the local caller when exactly one forwarded call
 * is in flight (otherwise the client's own handlers answer, when it has
 * them). A legacy remote learned the client's capabilities at `initialize`:
 * connect the client with handlers for what the proxy should relay (the
 * proxy replaces them while it runs).
 *
 * `target` may also be a URL or a stdio command (`{ command, args, env }`):
 * the proxy then connects a client of its own (`options.clientInfo`,
 * `options.client`, with relay handlers for elicitation, sampling and roots
 * unless `options.client.handlers` says otherwise) and closes it on
 * `close()`. The local server mounts like any other:
 * `app.mount("files", (await createProxyServer(url)).server)`; the parent's
 * clients then reach the remote's tools, resources and prompts, and a
 * subscription to a mounted resource subscribes on the remote, whose updates
 * reach them under the parent's URI. Remote tasks are followed by the proxy
 * for the parent's callers (the parent does not serve `tasks/*` for them).
 *
 * @example
 * ```ts
 * import { McpServer } from "../server.ts";
 * import { createProxyServer } from "./proxy.ts";
 * const app = new McpServer({ name: "app", version: "1" });
 * const docs = await createProxyServer("http://127.0.0.1:3000/mcp");
 * const files = await createProxyServer({ command: "mcp-server-files", args: ["--stdio"] });
 * app.mount("docs", docs.server);
 * app.mount("files", files.server);
 * // ... serve `app`; when done:
 * await Promise.all([docs.close(), files.close()]);
 * ```
 *
 * @example
 * ```ts
 * import { connectClient } from "../../client/client.ts";
 * import { serveStdio } from "../../transports/stdio/server.ts";
 * import { createProxyServer } from "./proxy.ts";
 * const relay = () => Promise.reject(new Error("replaced by the proxy"));
 * const client = await connectClient("http://127.0.0.1:3000/mcp", { name: "proxy", version: "1" }, {
 *   handlers: { elicit: relay, sample: relay, roots: relay },
 * });
 * const proxy = await createProxyServer(client);
 * await serveStdio(proxy.server);
 * ```
 */
export async function createProxyServer(
  target: ProxyTarget,
  options: ProxyOptions = {},
): Promise<ProxyServer> {
  const { client, owned } = await openTarget(target, options);
  try {
    return await proxyOf(client, owned, options);
  } catch (error) {
    if (owned) await client.close().catch(() => {});
    throw error;
  }
}

async function proxyOf(
  client: McpClient,
  owned: boolean,
  options: ProxyOptions,
): Promise<ProxyServer> {
  const warn = options.onWarning ?? ((message: string) => console.warn(`[emcee proxy] ${message}`));
  const remote = client.serverCapabilities;
  const info = options.info ?? client.serverInfo ?? { name: "emcee-proxy", version: "0.0.0" };
  const serverOptions: ServerOptions = {
    instructions: client.instructions,
    ...options.server,
    capabilities: { ...mirroredCapabilities(remote), ...options.server?.capabilities },
  };
  const remoteTasks = remote.extensions?.[TASKS_EXTENSION];
  if (isObject(remoteTasks) && !options.server?.tasks) {
    // Local callers that can hold a task get the remote's; tasks/* go to the remote.
    const passthrough = createTaskPassthrough({
      request: (method, params, signal) =>
        current.client.request(method, params, { signal, timeoutMs: options.timeoutMs }),
      settings: remoteTasks,
      proxies: (name) => mirror.hasTool(name),
    });
    serverOptions.extensions = [...options.server?.extensions ?? [], passthrough];
  }
  let closed = false;
  const watch = createResourceWatch(client, (uri) => server.resourceUpdated(uri), warn);
  const server: LocalServer = new LocalServer(info, serverOptions, {
    watch,
    rootsChanged: () => {
      current.client.notifyRootsChanged().catch((error) =>
        warn(`Could not tell the remote its roots changed: ${String(error)}`)
      );
    },
  });
  const attach = (remote: McpClient) =>
    attachRemote(remote, {
      timeoutMs: options.timeoutMs === undefined ? null : options.timeoutMs,
      maxInputRounds: options.maxInputRounds ?? 10,
      closed: () => closed,
      logLevel: options.logLevel ?? "debug",
      changed: (kind) => {
        schedule([kind]).catch((error) => warn(`Could not refresh the ${kind}: ${String(error)}`));
      },
      warn,
    });
  // Stand-ins pick the current remote when called, so a swap redirects every later call.
  const mirror = createMirror(
    server,
    (method, params, context) => current.forward(method, params, context),
    {
      completing: remote.completions !== undefined
        ? { complete: (...args) => current.client.complete(...args) }
        : undefined,
      warn,
    },
  );
  // Previous remotes whose calls are still in flight.
  const retired = new Set<Remote>();

  // Syncs and replacements run one at a time, so a listing of one remote never lands after another's.
  let queue: Promise<void> = Promise.resolve();
  const exclusive = <T>(task: () => Promise<T>): Promise<T> => {
    const run = queue.then(task);
    queue = run.then(() => {}, () => {});
    return run;
  };
  const pending = new Set<ListKind>();
  let running: Promise<void> | undefined;
  const drain = async () => {
    try {
      while (pending.size > 0 && !closed) {
        const batch = [...pending];
        pending.clear();
        const swaps = await Promise.all(batch.map((kind) => mirror.list(current.client, kind)));
        for (const swap of swaps) swap();
      }
    } finally {
      running = undefined;
    }
  };
  // Changes arriving while a sync runs are listed once more after it, not concurrently.
  const schedule = (kinds: readonly ListKind[]): Promise<void> => {
    for (const kind of kinds) pending.add(kind);
    return running ??= exclusive(drain);
  };

  let current: Remote;
  try {
    // Following before the first listing: a change in between is listed again, not missed.
    current = await attach(client);
  } catch (error) {
    closed = true;
    throw error;
  }
  try {
    await schedule(current.lists);
  } catch (error) {
    closed = true;
    mirror.clear();
    await current.detach();
    throw error;
  }

  const replace = async (next: McpClient): Promise<ReplacedRemote> => {
    if (closed) throw new Error("The proxy is closed");
    const incoming = await attach(next);
    let previous: Remote;
    try {
      previous = await exclusive(async () => {
        const kinds = [...new Set([...current.lists, ...incoming.lists])];
        const swaps = await Promise.all(
          kinds.map((kind) =>
            incoming.lists.includes(kind) ? mirror.list(next, kind) : mirror.empty(kind)
          ),
        );
        if (closed) throw new Error("The proxy closed during the replacement");
        const replaced = current;
        current = incoming;
        for (const swap of swaps) swap();
        return replaced;
      });
    } catch (error) {
      await incoming.detach();
      throw error;
    }
    watch.rebind(next);
    retired.add(previous);
    const drained = previous.calls.idle().then(async () => {
      retired.delete(previous);
      await previous.detach();
      if (previous.client === client && owned) await client.close();
    });
    return { client: previous.client, drained };
  };

  return {
    server,
    get client() {
      return current.client;
    },
    refresh: () => schedule(current.lists),
    replace,
    async close() {
      if (closed) return;
      closed = true;
      server.close();
      const remotes = [current, ...retired];
      retired.clear();
      await Promise.all([...remotes.map((remote) => remote.detach()), watch.close()]);
      // Only the first remote can be the proxy's own: later ones came from replace().
      if (owned && remotes.some((remote) => remote.client === client)) await client.close();
    },
  };
}
