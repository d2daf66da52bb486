/**
 * Resource subscriptions on the remote, shared by the proxy's local
 * subscribers: the first local subscriber of a URI subscribes on the remote,
 * the last one to leave unsubscribes, and every `notifications/resources/updated`
 * the remote sends for it is announced by the local server.
 *
 * @module
 */
import type { McpClient } from "../../client/client.ts";
import type { Subscription } from "../../client/options.ts";
import { RESOURCE_UPDATED } from "../../protocol/subscriptions.ts";

/** The remote resource subscriptions the local subscribers hold. */
export interface ResourceWatch {
  /** One more local subscriber of `uri`; resolves once the remote subscription is in place. */
  acquire(uri: string): Promise<void>;
  /** One local subscriber of `uri` fewer. */
  release(uri: string): void;
  /**
   * Moves every remote subscription to `client`: each URI is subscribed on it
   * and unsubscribed on the previous one.
   */
  rebind(client: McpClient): void;
  /** Ends every remote subscription. */
  close(): Promise<void>;
}

/** One watched URI: how many local subscribers, and the remote subscription. */
interface Watched {
  count: number;
  subscription: Promise<Subscription | undefined>;
}

/**
 * A watch over `client`; `updated` announces a remote update locally. A
 * remote that does not support resource subscriptions is never asked.
 */
export function createResourceWatch(
  initial: McpClient,
  updated: (uri: string) => void,
  warn: (message: string) => void,
): ResourceWatch {
  const watched = new Map<string, Watched>();
  let client = initial;
  const supported = () => client.serverCapabilities.resources?.subscribe === true;

  const end = (entry: Watched) =>
    entry.subscription.then((unsubscribe) => unsubscribe?.()).catch((error) =>
      warn(`Could not end a remote resource subscription: ${String(error)}`)
    );

  const subscribe = (uri: string): Promise<Subscription | undefined> =>
    supported()
      ? client.subscribe({ resourceSubscriptions: [uri] }, (notification) => {
        if (notification.method === RESOURCE_UPDATED && notification.params?.uri === uri) {
          updated(uri);
        }
      }).catch((error) => {
        warn(`Could not subscribe to ${uri} on the remote: ${String(error)}`);
        return undefined;
      })
      : Promise.resolve(undefined);

  return {
    acquire(uri) {
      const entry = watched.get(uri);
      if (entry) {
        entry.count += 1;
        return entry.subscription.then(() => {});
      }
      const subscription = subscribe(uri);
      watched.set(uri, { count: 1, subscription });
      return subscription.then(() => {});
    },
    release(uri) {
      const entry = watched.get(uri);
      if (!entry) return;
      entry.count -= 1;
      if (entry.count > 0) return;
      watched.delete(uri);
      end(entry);
    },
    rebind(next) {
      client = next;
      for (const [uri, entry] of watched) {
        const previous = { ...entry };
        entry.subscription = subscribe(uri);
        end(previous);
      }
    },
    async close() {
      const entries = [...watched.values()];
      watched.clear();
      await Promise.all(entries.map(end));
    },
  };
}
