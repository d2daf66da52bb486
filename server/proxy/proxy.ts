/**
 * {@link createProxyServer}: serves a remote MCP server, reached through a
 * connected `McpClient` (any transport, either era), as a local `McpServer`.
 *
 * @module
 */
import type { McpClient } from "../../client/client.ts";
import { LIST_CHANGES } from "../../protocol/subscriptions.ts";
import type {
  Implementation,
  ListKind,
  LoggingLevel,
  ServerCapabilities,
  SubscriptionFilter,
} from "../../protocol/mod.ts";
import type { Subscription } from "../../client/options.ts";
import type { ServerOptions } from "../options.ts";
import type { McpServer } from "../server.ts";
import { createForward } from "./forward.ts";
import { createInflightCalls, hookClient } from "./inflight.ts";
import { LocalServer } from "./local_server.ts";
import { createMirror } from "./mirror.ts";
import { createResourceWatch } from "./watch.ts";

/** Options of {@link createProxyServer}. */
export interface ProxyOptions {
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
  /** Re-lists everything on the remote and swaps what changed. */
  refresh(): Promise<void>;
  /**
   * Stops following the remote (list changes, resource subscriptions), gives
   * the client its own handlers back and ends the local server's streams. The
   * client stays open: its owner closes it.
   */
  close(): Promise<void>;
}

/** The lists the remote serves. */
function servedLists(capabilities: ServerCapabilities): ListKind[] {
  return LIST_CHANGES.map((row) => row.list).filter((list) => capabilities[list] !== undefined);
}

/**
 * What the local server advertises: what the remote serves. List changes are
 * always announced (the proxy re-lists on `refresh()` even when the remote
 * cannot tell it).
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
 * Log messages and legacy server-to-client requests do not say which call
 * they belong to: they reach the local caller when exactly one forwarded call
 * is in flight (otherwise the client's own handlers answer, when it has
 * them). A legacy remote learned the client's capabilities at `initialize`:
 * connect the client with handlers for what the proxy should relay (the
 * proxy replaces them while it runs).
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
  client: McpClient,
  options: ProxyOptions = {},
): Promise<ProxyServer> {
  const warn = options.onWarning ?? ((message: string) => console.warn(`[emcee proxy] ${message}`));
  const remote = client.serverCapabilities;
  const info = options.info ?? client.serverInfo ?? { name: "emcee-proxy", version: "0.0.0" };
  const serverOptions: ServerOptions = {
    instructions: client.instructions,
    ...options.server,
    capabilities: { ...mirroredCapabilities(remote), ...options.server?.capabilities },
  };
  let closed = false;
  const watch = createResourceWatch(client, (uri) => server.resourceUpdated(uri), warn);
  const server: LocalServer = new LocalServer(info, serverOptions, {
    watch,
    rootsChanged: () => {
      client.notifyRootsChanged().catch((error) =>
        warn(`Could not tell the remote its roots changed: ${String(error)}`)
      );
    },
  });
  const calls = createInflightCalls();
  const forward = createForward(client, calls, {
    timeoutMs: options.timeoutMs === undefined ? null : options.timeoutMs,
    maxInputRounds: options.maxInputRounds ?? 10,
    closed: () => closed,
  });
  const mirror = createMirror(client, server, forward, {
    completions: remote.completions !== undefined,
    warn,
  });
  const lists = servedLists(remote);

  const pending = new Set<ListKind>();
  let running: Promise<void> | undefined;
  const drain = async () => {
    try {
      while (pending.size > 0 && !closed) {
        const batch = [...pending];
        pending.clear();
        await Promise.all(batch.map((kind) => mirror.sync(kind)));
      }
    } finally {
      running = undefined;
    }
  };
  // Changes arriving while a sync runs are listed once more after it, not concurrently.
  const schedule = (kinds: readonly ListKind[]): Promise<void> => {
    for (const kind of kinds) pending.add(kind);
    return running ??= drain();
  };

  const unhook = hookClient(client, calls);
  let listChanges: Subscription | undefined;
  try {
    if (remote.logging) await client.setLogLevel(options.logLevel ?? "debug");
    // Following before the first listing: a change in between is listed again, not missed.
    listChanges = await followListChanges(client, lists, (kind) => {
      schedule([kind]).catch((error) => warn(`Could not refresh the ${kind}: ${String(error)}`));
    }, warn);
    await schedule(lists);
  } catch (error) {
    closed = true;
    unhook();
    mirror.clear();
    await listChanges?.().catch(() => {});
    throw error;
  }

  return {
    server,
    refresh: () => schedule(lists),
    async close() {
      if (closed) return;
      closed = true;
      unhook();
      server.close();
      await Promise.all([listChanges?.(), watch.close()]);
    },
  };
}

/** Subscribes to the remote's list changes; `undefined` when it cannot announce any. */
async function followListChanges(
  client: McpClient,
  lists: readonly ListKind[],
  changed: (kind: ListKind) => void,
  warn: (message: string) => void,
): Promise<Subscription | undefined> {
  const filter: SubscriptionFilter = {};
  for (const row of LIST_CHANGES) {
    const capability = client.serverCapabilities[row.list] as { listChanged?: boolean } | undefined;
    if (lists.includes(row.list) && capability?.listChanged) filter[row.filterKey] = true;
  }
  if (Object.keys(filter).length === 0) return undefined;
  try {
    return await client.subscribe(filter, (notification) => {
      const row = LIST_CHANGES.find((change) => change.method === notification.method);
      if (row) changed(row.list);
    });
  } catch (error) {
    warn(`The remote's list changes cannot be followed (call refresh()): ${String(error)}`);
    return undefined;
  }
}
