/**
 * Dynamic client registration (RFC 7591) at `/register`: open registration
 * of clients for the authorization code grant (with refresh tokens if asked).
 * `client_credentials` is never granted this way, since an anonymous caller
 * would get tokens without any user.
 *
 * @module
 */
import { checkedGrantTypes, redirectUriProblem } from "./clients.ts";
import { jsonResponse, OAuthError, oauthErrorResponse, readJsonObject } from "./http.ts";
import type { AuthorizationServerContext } from "./options.ts";
import { randomToken, sha256Base64Url } from "./secrets.ts";
import { type ClientRecord, StoreFullError, type TokenEndpointAuthMethod } from "./store.ts";

function metadataError(message: string, cause?: unknown): OAuthError {
  return new OAuthError("invalid_client_metadata", message, cause === undefined ? {} : { cause });
}

function redirectUris(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || value.some((uri) => typeof uri !== "string")) {
    throw new OAuthError("invalid_redirect_uri", "redirect_uris is a non-empty array of strings");
  }
  for (const uri of value as string[]) {
    const problem = redirectUriProblem(uri);
    if (problem !== undefined) throw new OAuthError("invalid_redirect_uri", problem);
  }
  return [...value as string[]];
}

function optionalText(metadata: { [member: string]: unknown }, member: string): string | undefined {
  const value = metadata[member];
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw metadataError(`${member} is a string`);
  return value;
}

function authMethod(
  context: AuthorizationServerContext,
  value: unknown,
): TokenEndpointAuthMethod {
  const method = value ?? "client_secret_basic";
  if (!context.authMethods.includes(method as TokenEndpointAuthMethod)) {
    throw metadataError(
      `token_endpoint_auth_method must be one of ${context.authMethods.join(", ")}`,
    );
  }
  return method as TokenEndpointAuthMethod;
}

/** The client a registration request describes, with its secret when confidential. */
async function registeredClient(
  context: AuthorizationServerContext,
  metadata: { [member: string]: unknown },
): Promise<{ client: ClientRecord; secret?: string }> {
  const method = authMethod(context, metadata.token_endpoint_auth_method);
  const grants = metadata.grant_types;
  if (grants !== undefined && !Array.isArray(grants)) {
    throw metadataError("grant_types is an array");
  }
  let grantTypes;
  try {
    grantTypes = checkedGrantTypes(grants, ["authorization_code"], false);
  } catch (error) {
    throw metadataError((error as Error).message, error);
  }
  if (!grantTypes.includes("authorization_code")) {
    throw metadataError("Registered clients use the authorization_code grant");
  }
  const responseTypes = metadata.response_types ?? ["code"];
  if (!Array.isArray(responseTypes) || responseTypes.some((type) => type !== "code")) {
    throw metadataError('response_types may only be ["code"]');
  }
  const clientUri = optionalText(metadata, "client_uri");
  if (clientUri !== undefined && !/^https?:\/\//.test(clientUri)) {
    throw metadataError("client_uri is an http(s) URL");
  }
  const client: ClientRecord = {
    clientId: randomToken(16),
    redirectUris: redirectUris(metadata.redirect_uris),
    grantTypes,
    tokenEndpointAuthMethod: method,
    issuedAt: Math.floor(context.now() / 1000),
    origin: "registered",
  };
  const name = optionalText(metadata, "client_name");
  if (name !== undefined) client.clientName = name;
  if (clientUri !== undefined) client.clientUri = clientUri;
  if (method === "none") return { client };
  const secret = randomToken();
  client.secretHash = await sha256Base64Url(secret);
  return { client, secret };
}

/**
 * `POST /register`: registers a client and answers 201 with its
 * `client_id` (and `client_secret` unless it is public) and the metadata
 * as registered.
 *
 * @example
 * ```ts
 * import { resolveOptions } from "./options.ts";
 * import { handleRegister } from "./register.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * const response = await handleRegister(context, new Request("http://127.0.0.1:3000/register", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({
 *     redirect_uris: ["http://127.0.0.1:5173/callback"],
 *     token_endpoint_auth_method: "none",
 *   }),
 * }));
 * // response.status → 201
 * ```
 */
export async function handleRegister(
  context: AuthorizationServerContext,
  request: Request,
): Promise<Response> {
  try {
    const metadata = await readJsonObject(request, "invalid_client_metadata");
    const { client, secret } = await registeredClient(context, metadata);
    try {
      await context.store.saveClient(client);
    } catch (error) {
      if (error instanceof StoreFullError) {
        throw new OAuthError("temporarily_unavailable", error.message, {
          status: 503,
          cause: error,
        });
      }
      throw error;
    }
    const body: { [member: string]: unknown } = {
      client_id: client.clientId,
      client_id_issued_at: client.issuedAt,
      redirect_uris: client.redirectUris,
      grant_types: client.grantTypes,
      response_types: ["code"],
      token_endpoint_auth_method: client.tokenEndpointAuthMethod,
    };
    if (secret !== undefined) {
      body.client_secret = secret;
      body.client_secret_expires_at = 0;
    }
    if (client.clientName !== undefined) body.client_name = client.clientName;
    if (client.clientUri !== undefined) body.client_uri = client.clientUri;
    return jsonResponse(body, 201);
  } catch (error) {
    if (error instanceof OAuthError) return oauthErrorResponse(error);
    throw error;
  }
}
