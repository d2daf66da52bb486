/**
 * Subscriptions to change notifications: the filter a `subscriptions/listen`
 * stream carries, and the one table that ties its keys to the notifications
 * they stand for, used by the server to send and by the client to route.
 *
 * @module
 */
import type { ServerCapabilities } from "./capabilities.ts";
import type { JsonRpcNotification } from "./jsonrpc.ts";

/** Which notifications a `subscriptions/listen` stream carries. */
export interface SubscriptionFilter {
  /** `notifications/tools/list_changed`. */
  toolsListChanged?: boolean;
  /** `notifications/prompts/list_changed`. */
  promptsListChanged?: boolean;
  /** `notifications/resources/list_changed`. */
  resourcesListChanged?: boolean;
  /** `notifications/resources/updated` for these URIs. */
  resourceSubscriptions?: string[];
}

/** A list whose changes a client can subscribe to. */
export type ListKind = "tools" | "prompts" | "resources";

/** A change a server announces to subscribers: a list changed, or a resource was updated. */
export type ServerEvent =
  | { type: ListKind }
  | { type: "resource"; uri: string };

/** One row of {@link LIST_CHANGES}. */
export interface ListChange {
  /** The list, as the server's capability key and change event name. */
  readonly list: ListKind;
  /** The filter key that asks for it. */
  readonly filterKey: "toolsListChanged" | "promptsListChanged" | "resourcesListChanged";
  /** The notification that reports it. */
  readonly method: string;
}

/** Each list-changed notification with its filter key and capability. */
export const LIST_CHANGES: readonly ListChange[] = [
  { list: "tools", filterKey: "toolsListChanged", method: "notifications/tools/list_changed" },
  {
    list: "prompts",
    filterKey: "promptsListChanged",
    method: "notifications/prompts/list_changed",
  },
  {
    list: "resources",
    filterKey: "resourcesListChanged",
    method: "notifications/resources/list_changed",
  },
];

/** The notification sent when a subscribed resource changes. */
export const RESOURCE_UPDATED = "notifications/resources/updated";

const BY_LIST = Object.fromEntries(LIST_CHANGES.map((row) => [row.list, row])) as {
  readonly [list in ListKind]: ListChange;
};

const BY_METHOD: ReadonlyMap<string, ListChange> = new Map(
  LIST_CHANGES.map((row) => [row.method, row]),
);

/**
 * The row for a list: its notification method and filter key.
 *
 * @example
 * ```ts
 * import { listChange } from "./subscriptions.ts";
 * listChange("tools").method; // "notifications/tools/list_changed"
 * ```
 */
export function listChange(list: ListKind): ListChange {
  return BY_LIST[list];
}

/**
 * Whether a notification is one that `filter` asked for.
 *
 * @example
 * ```ts
 * import { filterAccepts } from "./subscriptions.ts";
 * filterAccepts({ toolsListChanged: true }, {
 *   jsonrpc: "2.0",
 *   method: "notifications/tools/list_changed",
 * }); // true
 * ```
 */
export function filterAccepts(
  filter: SubscriptionFilter,
  notification: JsonRpcNotification,
): boolean {
  if (notification.method === RESOURCE_UPDATED) {
    return (filter.resourceSubscriptions ?? []).includes(String(notification.params?.uri));
  }
  const row = BY_METHOD.get(notification.method);
  return row !== undefined && filter[row.filterKey] === true;
}

/**
 * The list-changed part of `filter` that a server with `capabilities` can
 * honour (resource subscriptions are left to the caller).
 *
 * @example
 * ```ts
 * import { honouredListChanges } from "./subscriptions.ts";
 * honouredListChanges({ toolsListChanged: true, promptsListChanged: true }, {
 *   tools: { listChanged: true },
 * }); // { toolsListChanged: true }
 * ```
 */
export function honouredListChanges(
  filter: SubscriptionFilter,
  capabilities: ServerCapabilities,
): SubscriptionFilter {
  const honoured: SubscriptionFilter = {};
  for (const row of LIST_CHANGES) {
    if (filter[row.filterKey] && capabilities[row.list]?.listChanged) {
      honoured[row.filterKey] = true;
    }
  }
  return honoured;
}
