/**
 * The proxy's local `McpServer`: an ordinary server that also tells the proxy
 * what its clients subscribe to (legacy `resources/subscribe`, the
 * `resourceSubscriptions` of a 2026-07-28 `subscriptions/listen`) and when a
 * legacy client's roots changed, which the server API has no hook for.
 *
 * @module
 */
import { isObject } from "../../protocol/jsonrpc.ts";
import type {
  Implementation,
  JsonObject,
  JsonRpcNotification,
  LegacySession,
  RequestScope,
} from "../../protocol/mod.ts";
import type { McpRequest } from "../middleware.ts";
import type { ServerOptions } from "../options.ts";
import { McpServer } from "../server.ts";
import type { ResourceWatch } from "./watch.ts";

/** What the local server reports to the proxy. */
export interface LocalServerHooks {
  /** Local resource subscriptions. */
  watch: ResourceWatch;
  /** A legacy client's roots changed. */
  rootsChanged(): void;
}

function listenedUris(params: JsonObject): string[] {
  const filter = params.notifications;
  const uris = isObject(filter) && Array.isArray(filter.resourceSubscriptions)
    ? filter.resourceSubscriptions.filter((uri): uri is string => typeof uri === "string")
    : [];
  return [...new Set(uris)];
}

/** An `McpServer` that reports subscriptions and roots changes; see the module documentation. */
export class LocalServer extends McpServer {
  #hooks: LocalServerHooks;
  // Each legacy session's subscribed URIs, released when the session ends.
  #sessions = new Map<LegacySession, Set<string>>();

  /** Creates the server with the hooks it reports to. */
  constructor(info: Implementation, options: ServerOptions, hooks: LocalServerHooks) {
    super(info, options);
    this.#hooks = hooks;
    // A middleware, not an override: a parent this server is mounted into runs it too.
    this.use((request, next) => this.#follow(request, next));
  }

  /** Follows what a request subscribes to. */
  async #follow(request: McpRequest, next: () => Promise<JsonObject>): Promise<JsonObject> {
    if (request.method === "subscriptions/listen") return await this.#listen(request, next);
    const result = await next();
    const session = request.scope.session;
    const uri = request.params.uri;
    if (!session || typeof uri !== "string") return result;
    // A result means the legacy route served it: 2026-07-28 has no resources/subscribe.
    // Once the client has its answer, updates from the remote flow.
    if (request.method === "resources/subscribe") await this.#subscribe(session, uri);
    if (request.method === "resources/unsubscribe") this.#unsubscribe(session, uri);
    return result;
  }

  /** Handles a client notification, passing roots changes on. */
  override handleNotification(notification: JsonRpcNotification, scope: RequestScope = {}): void {
    super.handleNotification(notification, scope);
    if (notification.method === "notifications/roots/list_changed") this.#hooks.rootsChanged();
  }

  /** Serves a legacy session; its subscriptions end with it. */
  override attachSession(session: LegacySession): () => void {
    const detach = super.attachSession(session);
    return () => {
      detach();
      for (const uri of this.#sessions.get(session) ?? []) this.#hooks.watch.release(uri);
      this.#sessions.delete(session);
    };
  }

  async #listen(request: McpRequest, next: () => Promise<JsonObject>): Promise<JsonObject> {
    const uris = listenedUris(request.params);
    const acquired = Promise.all(uris.map((uri) => this.#hooks.watch.acquire(uri)));
    try {
      // The acknowledgement goes out from the listen itself: by then updates must flow.
      await acquired;
      return await next();
    } finally {
      for (const uri of uris) this.#hooks.watch.release(uri);
    }
  }

  #subscribe(session: LegacySession, uri: string): Promise<void> {
    let uris = this.#sessions.get(session);
    if (!uris) this.#sessions.set(session, uris = new Set());
    if (uris.has(uri)) return Promise.resolve();
    uris.add(uri);
    return this.#hooks.watch.acquire(uri);
  }

  #unsubscribe(session: LegacySession, uri: string): void {
    if (this.#sessions.get(session)?.delete(uri)) this.#hooks.watch.release(uri);
  }
}
