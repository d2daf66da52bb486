/**
 * Where the JWT of the JWT bearer grant (RFC 7523 §2.1) comes from: a
 * workload identity token handed to the process (workload identity
 * federation, SEP-1933), or an Identity Assertion JWT Authorization Grant
 * (ID-JAG) that the user's enterprise IdP issues for the MCP server's
 * authorization server by RFC 8693 token exchange (enterprise-managed
 * authorization, SEP-990).
 *
 * @module
 */
import { applyClientAuth, type ClientCredentials } from "./client_auth.ts";
import type { AuthorizationServerMetadata } from "./discovery.ts";
import { OAuthClientError, oauthErrorFrom } from "./errors.ts";
import { assertSecureUrl, postForm, readJsonObject } from "./http.ts";

/** What an assertion is for: the authorization server that will be asked, and the resource. */
export interface AssertionContext {
  /** The issuer of the authorization server the assertion is presented to (its audience). */
  issuer: string;
  /** That server's token endpoint. */
  tokenEndpoint: string;
  /** The MCP server's resource identifier (RFC 8707). */
  resource: string;
  /** The scopes about to be asked for, space-separated, if any. */
  scope: string | undefined;
  /** Aborts the work. */
  signal: AbortSignal | undefined;
}

/**
 * The assertion of a `jwt_bearer` grant: fixed, or obtained for each grant
 * (a workload token re-read from its file, a fresh ID-JAG).
 */
export type AssertionSource =
  | string
  | ((context: AssertionContext) => string | Promise<string>);

/** The assertion for one grant. */
export async function assertionFor(
  source: AssertionSource,
  context: AssertionContext,
): Promise<string> {
  const assertion = typeof source === "string" ? source : await source(context);
  if (typeof assertion !== "string" || assertion === "") {
    throw new OAuthClientError("client_unavailable", "The assertion source gave no JWT");
  }
  return assertion;
}

/** RFC 8693 token exchange and SEP-990 token types. */
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ID_JAG = "urn:ietf:params:oauth:token-type:id-jag";
const ID_TOKEN = "urn:ietf:params:oauth:token-type:id_token";

/** Options of {@link idJagAssertion}. */
export interface IdJagOptions {
  /** The IdP's token endpoint. */
  idpTokenEndpoint: string;
  /** The user's ID token from the IdP (from the user's single sign-on), fixed or fetched. */
  idToken: string | (() => string | Promise<string>);
  /** This client's identity at the IdP; default `none` authentication with `clientId`. */
  idpClient: ClientCredentials;
  /** The IdP's issuer, for `private_key_jwt` assertions; default the endpoint's origin. */
  idpIssuer?: string;
  /** The `fetch` to use. */
  fetch?: typeof fetch;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * An assertion source that exchanges the user's ID token at their IdP for an
 * ID-JAG addressed to the MCP server's authorization server (RFC 8693 with
 * `requested_token_type` id-jag, `audience` the issuer, `resource` the MCP
 * server), to be presented there with the JWT bearer grant.
 *
 * @example
 * ```ts
 * import { idJagAssertion, OAuthTokenProvider } from "./mod.ts";
 * const auth = new OAuthTokenProvider({
 *   serverUrl: "https://mcp.example.com/mcp",
 *   grant: "jwt_bearer",
 *   client: { clientId: "mcp-client", clientSecret: "s3cret" },
 *   assertion: idJagAssertion({
 *     idpTokenEndpoint: "https://idp.example.com/token",
 *     idToken: "eyJ…",
 *     idpClient: { clientId: "idp-client" },
 *   }),
 * });
 * ```
 */
export function idJagAssertion(options: IdJagOptions): AssertionSource {
  const endpoint = assertSecureUrl(options.idpTokenEndpoint, "IdP token endpoint").href;
  const fetchImpl = options.fetch ?? globalThis.fetch.bind(globalThis);
  const now = options.now ?? Date.now;
  const metadata: AuthorizationServerMetadata = {
    issuer: options.idpIssuer ?? new URL(endpoint).origin,
    token_endpoint: endpoint,
  };
  return async (context) => {
    const idToken = typeof options.idToken === "string" ? options.idToken : await options.idToken();
    const body = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE,
      requested_token_type: ID_JAG,
      audience: context.issuer,
      resource: context.resource,
      subject_token: idToken,
      subject_token_type: ID_TOKEN,
    });
    if (context.scope) body.set("scope", context.scope);
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    await applyClientAuth(options.idpClient, metadata, body, headers, now());
    const response = await postForm(
      fetchImpl,
      endpoint,
      body,
      headers,
      context.signal,
      `The token exchange at ${endpoint}`,
    );
    if (!response.ok) throw await oauthErrorFrom(response, "The ID-JAG token exchange");
    const answer = await readJsonObject(response, "token exchange response");
    if (answer.issued_token_type !== undefined && answer.issued_token_type !== ID_JAG) {
      throw new OAuthClientError(
        "invalid_response",
        `The IdP issued ${JSON.stringify(answer.issued_token_type)} instead of an ID-JAG`,
      );
    }
    if (typeof answer.access_token !== "string" || answer.access_token === "") {
      throw new OAuthClientError("invalid_response", "The token exchange response has no ID-JAG");
    }
    return answer.access_token;
  };
}
