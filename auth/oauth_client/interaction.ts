/**
 * The interactive step of the authorization code grant behind an interface:
 * the client hands over the authorization URL and gets the redirect's
 * parameters back. A browser app navigates, a CLI opens a browser and waits on
 * a loopback server (`loopback.ts`), a test follows the redirect itself
 * ({@link redirectFollowingInteraction}).
 *
 * @module
 */
import { type AuthorizationCallback, callbackFromUrl } from "./authorization_request.ts";
import { OAuthClientError } from "./errors.ts";

/** What the authorization URL is sent with. */
export interface AuthorizationContext {
  /** The `state` of this request, to route the callback when several are pending. */
  state: string;
  /** The issuer the user is sent to. */
  issuer: string;
  /** Aborted when the client gives up. */
  signal?: AbortSignal;
}

/** Sends the user to the authorization server and brings back its answer. */
export interface AuthorizationInteraction {
  /** The redirect URI registered for, and sent with, each request. */
  readonly redirectUri: string;
  /** Sends the user to `url`; resolves with the parameters of the redirect back. */
  authorize(url: URL, context: AuthorizationContext): Promise<AuthorizationCallback>;
}

/**
 * An interaction that requests the authorization URL itself and reads the
 * redirect's `Location`: for authorization servers that approve without a
 * user (test servers, conformance suites, pre-consented machine accounts).
 *
 * @example
 * ```ts
 * import { redirectFollowingInteraction } from "./interaction.ts";
 * const interaction = redirectFollowingInteraction({ redirectUri: "http://127.0.0.1:3333/callback" });
 * ```
 */
export function redirectFollowingInteraction(options: {
  redirectUri: string;
  fetch?: typeof fetch;
}): AuthorizationInteraction {
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  return {
    redirectUri: options.redirectUri,
    async authorize(url, context) {
      const response = await fetchImpl(url, { redirect: "manual", signal: context.signal });
      await response.body?.cancel();
      const location = response.headers.get("location");
      if (location === null) {
        throw new OAuthClientError(
          "interaction_required",
          `The authorization endpoint answered HTTP ${response.status} without a redirect`,
        );
      }
      return callbackFromUrl(new URL(location, url));
    },
  };
}
