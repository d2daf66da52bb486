/**
 * One remote the proxy forwards to: its client, the calls in flight on it,
 * the forwarder for them, the hooks installed on the client and the
 * subscription to its list changes. A proxy has one current remote; after
 * `replace` the previous one lives on until its calls in flight are done.
 *
 * @module
 */
import type { McpClient } from "../../client/client.ts";
import type { Subscription } from "../../client/options.ts";
import type { ListKind, SubscriptionFilter } from "../../protocol/mod.ts";
import { LIST_CHANGES } from "../../protocol/subscriptions.ts";
import { createForward, type Forward, type ForwardSettings } from "./forward.ts";
import { createInflightCalls, hookClient, type InflightCalls } from "./inflight.ts";

/** A remote attached to the proxy. */
export interface Remote {
  /** Its client. */
  readonly client: McpClient;
  /** The lists it serves. */
  readonly lists: readonly ListKind[];
  /** Forwarded calls under way on it. */
  readonly calls: InflightCalls;
  /** Sends a call to it. */
  readonly forward: Forward;
  /** Stops following its list changes and gives its client its own handlers back. */
  detach(): Promise<void>;
}

/** The lists a remote with `client`'s capabilities serves. */
export function servedLists(client: McpClient): ListKind[] {
  const capabilities = client.serverCapabilities;
  return LIST_CHANGES.map((row) => row.list).filter((list) => capabilities[list] !== undefined);
}

/**
 * Attaches to the remote `client` is connected to: hooks the client, sets
 * the remote's log level and follows its list changes (reported to
 * `changed`). On failure nothing stays attached.
 */
export async function attachRemote(
  client: McpClient,
  settings: ForwardSettings & {
    logLevel: Parameters<McpClient["setLogLevel"]>[0];
    changed: (kind: ListKind) => void;
    warn: (message: string) => void;
  },
): Promise<Remote> {
  const calls = createInflightCalls();
  const forward = createForward(client, calls, settings);
  const lists = servedLists(client);
  const unhook = hookClient(client, calls);
  let listChanges: Subscription | undefined;
  try {
    if (client.serverCapabilities.logging) await client.setLogLevel(settings.logLevel);
    listChanges = await followListChanges(client, lists, settings.changed, settings.warn);
  } catch (error) {
    unhook();
    throw error;
  }
  let detached: Promise<void> | undefined;
  return {
    client,
    lists,
    calls,
    forward,
    detach() {
      detached ??= (async () => {
        unhook();
        await listChanges?.().catch((error) =>
          settings.warn(`Could not stop following the remote's list changes: ${String(error)}`)
        );
      })();
      return detached;
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
