/**
 * Token introspection (RFC 7662) at `/introspect`, for confidential clients
 * only. A client learns about its own tokens; one registered with
 * `may_introspect` (a resource server) about every token. Anything else,
 * and any invalid, expired or revoked token, is `{ "active": false }`.
 *
 * @module
 */
import { confirmationThumbprint } from "../jwt.ts";
import { authenticateClient } from "./client_auth.ts";
import { jsonResponse, OAuthError, oauthErrorResponse, readForm } from "./http.ts";
import type { AuthorizationServerContext } from "./options.ts";
import { type PresentedToken, recogniseToken } from "./presented_token.ts";
import type { ClientRecord } from "./store.ts";

const INACTIVE = { active: false };

function describeToken(
  context: AuthorizationServerContext,
  presented: PresentedToken,
  caller: ClientRecord,
): { [member: string]: unknown } {
  if (presented.kind === "access_token") {
    const claims = presented.claims;
    if (claims.client_id !== caller.clientId && !caller.mayIntrospect) return INACTIVE;
    // A DPoP-bound token says so (RFC 9449 §6.2), or a resource server would take it as bearer.
    const jkt = confirmationThumbprint(claims);
    return {
      active: true,
      token_type: jkt === undefined ? "Bearer" : "DPoP",
      ...(jkt === undefined ? {} : { cnf: { jkt } }),
      scope: claims.scope ?? "",
      client_id: claims.client_id,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti,
    };
  }
  const { grant, current } = presented.found;
  const usable = current && !grant.revoked && grant.expiresAt > context.now();
  if (!usable || (grant.clientId !== caller.clientId && !caller.mayIntrospect)) return INACTIVE;
  return {
    active: true,
    token_type: "refresh_token",
    scope: grant.scopes.join(" "),
    client_id: grant.clientId,
    sub: grant.subject,
    aud: grant.resource,
    iss: context.issuer,
    exp: Math.floor(grant.expiresAt / 1000),
  };
}

/**
 * `POST /introspect`.
 *
 * @example
 * ```ts
 * import { handleIntrospect } from "./introspect.ts";
 * import { resolveOptions } from "./options.ts";
 * const context = await resolveOptions({
 *   issuer: "http://127.0.0.1:3000",
 *   clients: [{ client_id: "rs", client_secret: "s3cret", redirect_uris: [], may_introspect: true }],
 * });
 * const response = await handleIntrospect(context, new Request("http://127.0.0.1:3000/introspect", {
 *   method: "POST",
 *   headers: {
 *     "content-type": "application/x-www-form-urlencoded",
 *     authorization: `Basic ${btoa("rs:s3cret")}`,
 *   },
 *   body: "token=unknown",
 * }));
 * // await response.json() → { active: false }
 * ```
 */
export async function handleIntrospect(
  context: AuthorizationServerContext,
  request: Request,
): Promise<Response> {
  try {
    const form = await readForm(request);
    const { client } = await authenticateClient(context, request, form);
    if (client.secretHash === undefined) {
      throw new OAuthError("invalid_client", "Only confidential clients may introspect", {
        challenge: `Basic realm="${context.issuer}"`,
      });
    }
    const token = form.get("token");
    if (token === null || token === "") {
      throw new OAuthError("invalid_request", "token is required");
    }
    const presented = await recogniseToken(context, token);
    return jsonResponse(
      presented === undefined ? INACTIVE : describeToken(context, presented, client),
    );
  } catch (error) {
    if (error instanceof OAuthError) return oauthErrorResponse(error);
    throw error;
  }
}
