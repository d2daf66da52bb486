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
import { currentDirectory, getEnv, homeDirectory, joinPath, openUrl } from "../runtime/mod.ts";
import { isTerminal } from "../runtime/terminal.ts";
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
   * Called with the authorization URL after it was printed, in place of the system browser
   * (tests "click" it by fetching it), unless `browser` is false. Default: the system
   * browser, when {@link browserOpener} says so.
   */
  openUrl?: (url: URL) => void | Promise<void>;
  /** False (`--no-browser`): only print the URL, open nothing (not even `openUrl`). Default true. */
  browser?: boolean;
  /** Reads an environment variable; default the process environment. */
  env?: (name: string) => string | undefined;
  /** The `fetch` for discovery, registration and token requests. Default the global one. */
  fetch?: typeof fetch;
}

/** Options of {@link browserOpener}. */
export interface BrowserOpenerOptions {
  /** False (`--no-browser`): no browser. Default true. */
  browser?: boolean;
  /** Reads an environment variable (`EMCEE_NO_BROWSER`); default the process environment. */
  env?: (name: string) => string | undefined;
  /** Whether a person is at the terminal. Default: stderr is a TTY. */
  interactive?: boolean;
  /** Opens the URL, true when it did. Default the system browser (`openUrl` of runtime/). */
  open?: (url: URL) => Promise<boolean>;
  /** Prints one line to stderr, here when the browser could not be opened. */
  error(line: string): void;
}

/**
 * The opener of the system browser for sign-in, or `undefined` when none is wanted:
 * `browser` false (`--no-browser`), `EMCEE_NO_BROWSER` set to anything but empty, `0` or
 * `false`, or stderr not a terminal (a script or CI job: a browser would pop up for no one).
 * The opener never rejects; a browser that cannot be started is one line on stderr, since
 * the URL is printed anyway.
 *
 * @example
 * ```ts
 * import { browserOpener } from "./oauth_login.ts";
 * const open = browserOpener({ interactive: false, error: (line) => console.error(line) });
 * // undefined: no terminal, so only the printed URL
 * ```
 */
export function browserOpener(
  options: BrowserOpenerOptions,
): ((url: URL) => Promise<void>) | undefined {
  const off = (options.env ?? getEnv)("EMCEE_NO_BROWSER");
  const envOff = off !== undefined && !["", "0", "false"].includes(off.trim().toLowerCase());
  if (options.browser === false || envOff) return undefined;
  if (!(options.interactive ?? isTerminal("stderr"))) return undefined;
  const open = options.open ?? openUrl;
  return async (url) => {
    const opened = await open(url).catch(() => false);
    if (!opened) options.error("Could not open a browser; open the URL above yourself.");
  };
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
 * need be), and only if none serve, a loopback receiver on 127.0.0.1 starts, the URL is
 * printed (`Open this URL to authorize: <url>`) and opened in the system browser unless
 * {@link browserOpener} says not to (`--no-browser`, `EMCEE_NO_BROWSER`, no terminal).
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
  const browser = options.browser === false ? undefined : options.openUrl ?? browserOpener(options);
  const open = async (url: URL) => {
    options.error(`Open this URL to authorize: ${url.href}`);
    await browser?.(url);
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
