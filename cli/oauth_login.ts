/**
 * The CLI's OAuth sign-in: when an HTTP server answers 401, the client commands and
 * `emcee proxy` run the authorization code flow with a loopback redirect receiver and keep
 * the tokens in a file, so the next run is signed in already.
 *
 * The token file is `$EMCEE_TOKEN_FILE`, else `$XDG_CONFIG_HOME/emcee/tokens.json`, else
 * `~/.config/emcee/tokens.json` (owner-only, shared by every server).
 *
 * @module
 */
import { fileTokenStore } from "../auth/oauth_client/file_store.ts";
import { type LoopbackInteraction, loopbackInteraction } from "../auth/oauth_client/loopback.ts";
import { OAuthTokenProvider } from "../auth/oauth_client/provider.ts";
import type {
  AuthChallenge,
  AuthorizationHeaders,
  TokenProvider,
  TokenRequestContext,
} from "../protocol/token_provider.ts";
import { currentDirectory, getEnv, homeDirectory, joinPath } from "../runtime/mod.ts";
import { HttpStatusError } from "../transports/http/client.ts";

export type {
  AuthChallenge,
  AuthorizationHeaders,
  TokenProvider,
  TokenRequestContext,
} from "../protocol/token_provider.ts";

/** Options of {@link cliAuth}. */
export interface CliAuthOptions {
  /** Prints one line to stderr: where the authorization URL is shown. */
  error(line: string): void;
  /**
   * Called with the authorization URL after it was printed, e.g. to open a browser (tests
   * "click" it by fetching it). Default: nothing more than the printed line.
   */
  openUrl?: (url: URL) => void | Promise<void>;
  /** Reads an environment variable; default the process environment. */
  env?: (name: string) => string | undefined;
  /** The `fetch` for discovery, registration and token requests. Default the global one. */
  fetch?: typeof fetch;
}

/** A CLI's credentials for one server; close it when the command ends. */
export interface CliAuth {
  /** Hand this to `connectClient({ auth })`. */
  readonly provider: TokenProvider;
  /** Stops the loopback receiver, if a sign-in started one. */
  close(): Promise<void>;
}

/**
 * Where the CLI keeps its tokens: `$EMCEE_TOKEN_FILE`, else
 * `$XDG_CONFIG_HOME/emcee/tokens.json`, else `~/.config/emcee/tokens.json`.
 *
 * @example
 * ```ts
 * import { tokenFilePath } from "./oauth_login.ts";
 * tokenFilePath((name) => name === "XDG_CONFIG_HOME" ? "/home/ada/.config" : undefined);
 * // "/home/ada/.config/emcee/tokens.json"
 * ```
 */
export function tokenFilePath(env: (name: string) => string | undefined = getEnv): string {
  const explicit = env("EMCEE_TOKEN_FILE");
  if (explicit !== undefined && explicit !== "") return explicit;
  const config = env("XDG_CONFIG_HOME");
  if (config !== undefined && config !== "") return joinPath(config, "emcee", "tokens.json");
  // Without a home (a bare container), the current directory is the only writable guess.
  const home = homeDirectory() ?? currentDirectory();
  return joinPath(home, ".config", "emcee", "tokens.json");
}

/**
 * The OAuth client of the CLI for the server at `serverUrl`. Nothing listens and nothing is
 * read until the server first answers 401: then the stored tokens are tried (refreshed if
 * need be), and only if none serve, a loopback receiver on 127.0.0.1 starts and the user is
 * asked to open the printed URL (`Open this URL to authorize: <url>`).
 *
 * @example
 * ```ts
 * import { cliAuth } from "./oauth_login.ts";
 * import { connectClient } from "../client/client.ts";
 * const url = "http://127.0.0.1:8788/mcp";
 * const auth = await cliAuth(url, { error: (line) => console.error(line) });
 * try {
 *   const client = await connectClient(url, { name: "cli", version: "1.0.0" }, {
 *     auth: auth.provider,
 *   });
 *   await client.close();
 * } finally {
 *   await auth.close();
 * }
 * ```
 */
export function cliAuth(serverUrl: string | URL, options: CliAuthOptions): Promise<CliAuth> {
  let interaction: Promise<LoopbackInteraction> | undefined;
  let inner: Promise<OAuthTokenProvider> | undefined;
  let closed = false;
  const open = async (url: URL) => {
    options.error(`Open this URL to authorize: ${url.href}`);
    await options.openUrl?.(url);
  };
  // The receiver must listen before the provider exists: registration names its port.
  const start = (): Promise<OAuthTokenProvider> =>
    inner ??= (async () => {
      if (closed) throw new Error("The command has ended; no authorization can start");
      interaction = loopbackInteraction({ port: 0, open });
      return new OAuthTokenProvider({
        serverUrl,
        interaction: await interaction,
        store: fileTokenStore(tokenFilePath(options.env)),
        clientMetadata: { client_name: "emcee CLI" },
        fetch: options.fetch,
      });
    })();
  const provider: TokenProvider = {
    headers(
      request: TokenRequestContext,
    ): AuthorizationHeaders | undefined | Promise<AuthorizationHeaders | undefined> {
      // Before the first 401 there is nothing to send (the provider would send nothing too).
      return inner?.then((started) => started.headers(request));
    },
    async onUnauthorized(challenge: AuthChallenge): Promise<boolean> {
      return await (await start()).onUnauthorized(challenge);
    },
    async onForbidden(challenge: AuthChallenge): Promise<boolean> {
      if (inner === undefined) return false;
      return await (await inner).onForbidden(challenge);
    },
  };
  return Promise.resolve({
    provider,
    async close() {
      closed = true;
      const receiver = await interaction?.catch(() => undefined);
      await receiver?.close();
    },
  });
}

/**
 * {@link cliAuth} for a command's HTTP target, unless signing in is off: `oauth` false
 * (`--no-oauth`), or credentials given by hand (`--bearer`, an `Authorization` header among
 * `headers`), which win.
 *
 * @example
 * ```ts
 * import { optionalCliAuth } from "./oauth_login.ts";
 * const login = await optionalCliAuth("http://127.0.0.1:8788/mcp", true, {
 *   authorization: "Bearer abc",
 * }, { error: (line) => console.error(line) });
 * // undefined: the bearer token is used as given
 * ```
 */
export async function optionalCliAuth(
  serverUrl: string | URL,
  oauth: boolean,
  headers: Readonly<Record<string, string>> | undefined,
  options: CliAuthOptions,
): Promise<CliAuth | undefined> {
  const given = Object.keys(headers ?? {}).some((name) => name.toLowerCase() === "authorization");
  return oauth && !given ? await cliAuth(serverUrl, options) : undefined;
}

/**
 * The message and hint for a connection refused with 401, or `undefined` for other errors.
 *
 * @example
 * ```ts
 * import { unauthorizedProblem } from "./oauth_login.ts";
 * unauthorizedProblem(new Error("boom"), true); // undefined
 * ```
 */
export function unauthorizedProblem(
  error: unknown,
  oauth: boolean,
): { message: string; hint: string } | undefined {
  if (!(error instanceof HttpStatusError) || error.status !== 401) return undefined;
  return {
    message: "the server requires authorization (HTTP 401)",
    hint: oauth
      ? "Signing in did not succeed; pass --bearer <token> if you have one."
      : "Drop --no-oauth to sign in, or pass --bearer <token>.",
  };
}
