/**
 * Finding a client by id (in the store, or as a metadata-document URL) and
 * authenticating it at the token, revocation and introspection endpoints:
 * `client_secret_basic` (RFC 6749 §2.3.1), `client_secret_post` and `none`
 * for public clients. Exactly one method per request.
 *
 * @module
 */
import { ClientMetadataDocumentError } from "./client_metadata_document.ts";
import { isUrlClientId } from "./clients.ts";
import { OAuthError } from "./http.ts";
import type { AuthorizationServerContext } from "./options.ts";
import { constantTimeEqual, sha256Base64Url } from "./secrets.ts";
import type { ClientRecord, TokenEndpointAuthMethod } from "./store.ts";

/** A client found, or why there is none. */
export type ClientLookup = { client: ClientRecord } | { problem: string };

/**
 * The client `clientId` names: a registered one, or the one its metadata
 * document describes when `clientId` is a URL and documents are accepted.
 *
 * @example
 * ```ts
 * import { findClient } from "./client_auth.ts";
 * import { resolveOptions } from "./options.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * await findClient(context, "nobody"); // → { problem: "The client nobody is not registered" }
 * ```
 */
export async function findClient(
  context: AuthorizationServerContext,
  clientId: string,
): Promise<ClientLookup> {
  const stored = await context.store.getClient(clientId);
  if (stored !== undefined) return { client: stored };
  if (!isUrlClientId(clientId) || context.loadMetadataDocument === undefined) {
    return { problem: `The client ${clientId} is not registered` };
  }
  try {
    return { client: await context.loadMetadataDocument(clientId) };
  } catch (error) {
    if (error instanceof ClientMetadataDocumentError) {
      return { problem: `The client metadata document was refused: ${error.message}` };
    }
    throw error;
  }
}

/** A client that proved who it is, and how. */
export interface AuthenticatedClient {
  /** The client. */
  client: ClientRecord;
  /** The method it used. */
  method: TokenEndpointAuthMethod;
}

interface Credentials {
  method: TokenEndpointAuthMethod;
  clientId: string;
  secret?: string;
}

/** `application/x-www-form-urlencoded` decoding, as RFC 6749 §2.3.1 asks of Basic credentials. */
function formDecode(text: string): string {
  return decodeURIComponent(text.replace(/\+/g, " "));
}

function credentialsOf(
  request: Request,
  form: URLSearchParams,
  fail: (m: string) => never,
): Credentials {
  const header = request.headers.get("authorization");
  const formId = form.get("client_id");
  const formSecret = form.get("client_secret");
  if (header !== null) {
    const match = /^basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(header);
    if (match === null) fail("The Authorization header is not HTTP Basic client credentials");
    let decoded: string;
    let clientId: string;
    let secret: string;
    try {
      decoded = atob(match[1]);
      const colon = decoded.indexOf(":");
      if (colon < 0) fail("The Basic credentials lack a colon");
      clientId = formDecode(decoded.slice(0, colon));
      secret = formDecode(decoded.slice(colon + 1));
    } catch (error) {
      if (error instanceof OAuthError) throw error;
      return fail("The Basic credentials are malformed");
    }
    if (formSecret !== null) {
      throw new OAuthError("invalid_request", "Use one client authentication method, not two");
    }
    if (formId !== null && formId !== clientId) {
      throw new OAuthError("invalid_request", "The client_id differs from the Basic credentials");
    }
    return { method: "client_secret_basic", clientId, secret };
  }
  if (formId === null || formId === "") fail("The request does not identify its client");
  if (formSecret !== null) {
    return { method: "client_secret_post", clientId: formId, secret: formSecret };
  }
  return { method: "none", clientId: formId };
}

/**
 * Authenticates the client of a token-endpoint-style request. Throws
 * `invalid_client` (401, with a Basic challenge) for unknown clients, wrong
 * secrets, a public client sending a secret or a confidential one sending
 * none, and methods not offered; `invalid_request` for two methods at once.
 *
 * @example
 * ```ts
 * import { authenticateClient } from "./client_auth.ts";
 * import { resolveOptions } from "./options.ts";
 * const context = await resolveOptions({
 *   issuer: "http://127.0.0.1:3000",
 *   clients: [{ client_id: "cli", redirect_uris: ["http://127.0.0.1:4000/cb"] }],
 * });
 * const request = new Request("http://127.0.0.1:3000/token", { method: "POST" });
 * const { client } = await authenticateClient(context, request, new URLSearchParams("client_id=cli"));
 * // client.clientId → "cli"
 * ```
 */
export async function authenticateClient(
  context: AuthorizationServerContext,
  request: Request,
  form: URLSearchParams,
): Promise<AuthenticatedClient> {
  const challenge = `Basic realm="${context.issuer}"`;
  const fail = (message: string): never => {
    throw new OAuthError("invalid_client", message, { challenge });
  };
  const credentials = credentialsOf(request, form, fail);
  if (!context.authMethods.includes(credentials.method)) {
    fail(`The client authentication method ${credentials.method} is not offered`);
  }
  const found = await findClient(context, credentials.clientId);
  if ("problem" in found) return fail(found.problem);
  const client = found.client;
  if (client.secretHash === undefined) {
    if (credentials.secret !== undefined) fail("A public client sends no secret");
    return { client, method: "none" };
  }
  if (credentials.secret === undefined) fail("This client must authenticate with its secret");
  const presented = await sha256Base64Url(credentials.secret!);
  if (!constantTimeEqual(presented, client.secretHash)) fail("The client secret is wrong");
  return { client, method: credentials.method };
}
