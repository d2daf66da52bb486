/**
 * Clients as configuration names them, and the rules every client shares:
 * which redirect URIs may be registered, and which grants go with which kind
 * of client.
 *
 * @module
 */
import { sha256Base64Url } from "./secrets.ts";
import type { ClientRecord, GrantType, TokenEndpointAuthMethod } from "./store.ts";

/** A client registered by configuration, with RFC 7591 member names (as in `CLIENTS_JSON`). */
export interface ConfiguredClient {
  /** The client identifier. */
  client_id: string;
  /** The secret of a confidential client; omit for a public client. */
  client_secret?: string;
  /** The exact redirect URIs. */
  redirect_uris: readonly string[];
  /**
   * The grants it may use. Default `["authorization_code", "refresh_token"]`;
   * `client_credentials` needs a secret.
   */
  grant_types?: readonly GrantType[];
  /** Shown on the consent page. */
  client_name?: string;
  /** Shown on the consent page. */
  client_uri?: string;
  /** May introspect every token, as a resource server does. Default false: only its own. */
  may_introspect?: boolean;
}

const GRANT_TYPES: readonly GrantType[] = [
  "authorization_code",
  "refresh_token",
  "client_credentials",
];
const LOOPBACK_HOSTS = new Set(["127.0.0.1", "[::1]", "localhost"]);
const FORBIDDEN_SCHEMES = new Set([
  "javascript:",
  "data:",
  "file:",
  "vbscript:",
  "blob:",
  "about:",
  "ws:",
  "wss:",
  "ftp:",
]);

/**
 * Why `uri` cannot be a redirect URI, or `undefined` when it can: an absolute
 * URI without fragment that is https, http on a loopback host (RFC 8252
 * §7.3), or a private-use scheme with a dot, such as `com.example.app:/cb`
 * (RFC 8252 §7.1).
 *
 * @example
 * ```ts
 * import { redirectUriProblem } from "./clients.ts";
 * redirectUriProblem("http://127.0.0.1:3000/callback"); // → undefined
 * redirectUriProblem("http://app.example.com/callback"); // → "…must use https…"
 * ```
 */
export function redirectUriProblem(uri: string): string | undefined {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return `${uri} is not an absolute URI`;
  }
  if (uri.includes("#")) return `${uri} has a fragment`;
  if (url.username !== "" || url.password !== "") return `${uri} carries credentials`;
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:") {
    return LOOPBACK_HOSTS.has(url.hostname)
      ? undefined
      : `${uri} must use https unless its host is loopback`;
  }
  if (FORBIDDEN_SCHEMES.has(url.protocol) || !url.protocol.includes(".")) {
    return `${uri} must use https, loopback http or a reverse-domain private-use scheme`;
  }
  return undefined;
}

/**
 * The grant types of a client as given, checked: known names only, and
 * `client_credentials` only for a confidential client. Throws a `TypeError`
 * naming the problem.
 *
 * @example
 * ```ts
 * import { checkedGrantTypes } from "./clients.ts";
 * checkedGrantTypes(undefined, ["authorization_code"], false); // → ["authorization_code"]
 * ```
 */
export function checkedGrantTypes(
  given: readonly unknown[] | undefined,
  fallback: readonly GrantType[],
  confidential: boolean,
): GrantType[] {
  const grants = given ?? fallback;
  for (const grant of grants) {
    if (!GRANT_TYPES.includes(grant as GrantType)) {
      throw new TypeError(`The grant type ${JSON.stringify(grant)} is not supported`);
    }
  }
  if (grants.includes("client_credentials") && !confidential) {
    throw new TypeError("Only a client with a secret may use client_credentials");
  }
  return [...new Set(grants as GrantType[])];
}

/**
 * The store record of a configured client. Throws a `TypeError` (with the
 * client id) for a missing id, an invalid redirect URI or grant type.
 *
 * @example
 * ```ts
 * import { configuredClientRecord } from "./clients.ts";
 * const record = await configuredClientRecord({
 *   client_id: "cli",
 *   redirect_uris: ["http://127.0.0.1:3000/callback"],
 * });
 * // record.tokenEndpointAuthMethod → "none"
 * ```
 */
export async function configuredClientRecord(
  client: ConfiguredClient,
  issuedAt: number = Math.floor(Date.now() / 1000),
): Promise<ClientRecord> {
  if (typeof client.client_id !== "string" || client.client_id === "") {
    throw new TypeError("A configured client needs a client_id");
  }
  const where = `client ${client.client_id}`;
  if (!Array.isArray(client.redirect_uris)) {
    throw new TypeError(`The ${where} needs redirect_uris (an array)`);
  }
  for (const uri of client.redirect_uris) {
    const problem = redirectUriProblem(String(uri));
    if (problem !== undefined) throw new TypeError(`The ${where}: ${problem}`);
  }
  const secret = client.client_secret;
  if (secret !== undefined && (typeof secret !== "string" || secret === "")) {
    throw new TypeError(`The ${where} has an empty client_secret`);
  }
  let grantTypes: GrantType[];
  try {
    grantTypes = checkedGrantTypes(
      client.grant_types,
      ["authorization_code", "refresh_token"],
      secret !== undefined,
    );
  } catch (error) {
    throw new TypeError(`The ${where}: ${(error as Error).message}`, { cause: error });
  }
  const method: TokenEndpointAuthMethod = secret === undefined ? "none" : "client_secret_basic";
  const record: ClientRecord = {
    clientId: client.client_id,
    redirectUris: [...client.redirect_uris],
    grantTypes,
    tokenEndpointAuthMethod: method,
    issuedAt,
    origin: "configured",
  };
  if (secret !== undefined) record.secretHash = await sha256Base64Url(secret);
  if (client.client_name !== undefined) record.clientName = client.client_name;
  if (client.client_uri !== undefined) record.clientUri = client.client_uri;
  if (client.may_introspect === true) record.mayIntrospect = true;
  return record;
}

/**
 * Whether a `client_id` is the URL of a client metadata document rather than
 * an identifier this server issued.
 *
 * @example
 * ```ts
 * import { isUrlClientId } from "./clients.ts";
 * isUrlClientId("https://app.example.com/oauth/client.json"); // → true
 * isUrlClientId("cli"); // → false
 * ```
 */
export function isUrlClientId(clientId: string): boolean {
  return clientId.startsWith("https://") || clientId.startsWith("http://");
}
