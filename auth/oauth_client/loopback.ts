/**
 * The command-line interaction (RFC 8252 §7.3): a redirect receiver on
 * `http://127.0.0.1:<port>/callback`, served with `serveHttp`, that resolves
 * the pending authorization whose `state` comes back. Opening the browser is
 * the application's `open` callback; by default the URL is printed to stderr.
 *
 * @module
 */
import { serveHttp } from "../../runtime/mod.ts";
import { type AuthorizationCallback, callbackFromUrl } from "./authorization_request.ts";
import type { AuthorizationInteraction } from "./interaction.ts";

/** Options of {@link loopbackInteraction}. */
export interface LoopbackInteractionOptions {
  /** The port; `0` (default) picks a free one. Registered clients keep working across ports only if the server follows RFC 8252 §7.3. */
  port?: number;
  /** The callback path. Default `/callback`. */
  path?: string;
  /** Shows the authorization URL to the user, e.g. by opening a browser. Default: print to stderr. */
  open?: (url: URL) => void | Promise<void>;
}

/** A listening loopback receiver; close it when the client is done. */
export interface LoopbackInteraction extends AuthorizationInteraction {
  /** Stops listening; pending authorizations are rejected. */
  close(): Promise<void>;
}

const PAGE = "<!doctype html><meta charset=utf-8><title>Authorization</title>" +
  "<p>Authorization received. You can close this window.</p>";

/**
 * Starts the receiver and answers an interaction whose `redirectUri` is its URL.
 *
 * @example
 * ```ts
 * import { loopbackInteraction } from "./loopback.ts";
 * const interaction = await loopbackInteraction({ open: (url) => console.log("Visit", url.href) });
 * // interaction.redirectUri → "http://127.0.0.1:<port>/callback"
 * await interaction.close();
 * ```
 */
export async function loopbackInteraction(
  options: LoopbackInteractionOptions = {},
): Promise<LoopbackInteraction> {
  const path = options.path ?? "/callback";
  const waiting = new Map<string, (callback: AuthorizationCallback) => void>();
  const failures = new Set<(error: Error) => void>();
  const server = await serveHttp((request) => {
    const url = new URL(request.url);
    if (url.pathname !== path || request.method !== "GET") {
      return new Response("Not Found", { status: 404 });
    }
    const callback = callbackFromUrl(url);
    const deliver = callback.state === undefined ? undefined : waiting.get(callback.state);
    if (deliver === undefined) {
      return new Response("No authorization is waiting for this response.", { status: 400 });
    }
    deliver(callback);
    return new Response(PAGE, { headers: { "content-type": "text/html; charset=utf-8" } });
  }, { port: options.port ?? 0, hostname: "127.0.0.1" });
  const open = options.open ?? ((url: URL) => {
    console.error(`Open this URL to authorize: ${url.href}`);
  });
  return {
    redirectUri: `${server.url}${path}`,
    authorize(url, context) {
      return new Promise<AuthorizationCallback>((resolve, reject) => {
        const settle = () => {
          waiting.delete(context.state);
          failures.delete(fail);
          context.signal?.removeEventListener("abort", abort);
        };
        const fail = (error: Error) => {
          settle();
          reject(error);
        };
        const abort = () =>
          fail(new Error("Authorization aborted", { cause: context.signal?.reason }));
        if (context.signal?.aborted) return abort();
        context.signal?.addEventListener("abort", abort, { once: true });
        failures.add(fail);
        waiting.set(context.state, (callback) => {
          settle();
          resolve(callback);
        });
        Promise.resolve(open(url)).catch(fail);
      });
    },
    async close() {
      for (const fail of [...failures]) fail(new Error("The loopback receiver was closed"));
      await server.close();
    },
  };
}
