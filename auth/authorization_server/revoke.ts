/**
 * Token revocation (RFC 7009) at `/revoke`. Revoking a refresh token revokes
 * its whole grant, access tokens included (§2.1); revoking an access token
 * revokes it alone. The answer is 200 whether or not the token was valid, and
 * a token of another client is left alone without saying so (§2.2).
 *
 * @module
 */
import { authenticateClient } from "./client_auth.ts";
import { jsonResponse, OAuthError, oauthErrorResponse, readForm } from "./http.ts";
import type { AuthorizationServerContext } from "./options.ts";
import { recogniseToken } from "./presented_token.ts";

/**
 * `POST /revoke`, client authentication as at the token endpoint.
 *
 * @example
 * ```ts
 * import { resolveOptions } from "./options.ts";
 * import { handleRevoke } from "./revoke.ts";
 * const context = await resolveOptions({
 *   issuer: "http://127.0.0.1:3000",
 *   clients: [{ client_id: "cli", redirect_uris: ["http://127.0.0.1:4000/cb"] }],
 * });
 * const response = await handleRevoke(context, new Request("http://127.0.0.1:3000/revoke", {
 *   method: "POST",
 *   headers: { "content-type": "application/x-www-form-urlencoded" },
 *   body: "client_id=cli&token=unknown",
 * }));
 * // response.status → 200
 * ```
 */
export async function handleRevoke(
  context: AuthorizationServerContext,
  request: Request,
): Promise<Response> {
  try {
    const form = await readForm(request);
    const { client } = await authenticateClient(context, request, form);
    const token = form.get("token");
    if (token === null || token === "") {
      throw new OAuthError("invalid_request", "token is required");
    }
    const presented = await recogniseToken(context, token);
    if (presented?.kind === "refresh_token") {
      if (presented.found.grant.clientId === client.clientId) {
        await context.store.revokeGrant(presented.found.grant.grantId);
      }
    } else if (presented?.kind === "access_token") {
      const { claims } = presented;
      if (claims.client_id === client.clientId && typeof claims.jti === "string") {
        await context.store.revokeAccessToken({
          jti: claims.jti,
          expiresAt: Number(claims.exp) * 1000,
        });
      }
    }
    return jsonResponse({}, 200);
  } catch (error) {
    if (error instanceof OAuthError) return oauthErrorResponse(error);
    throw error;
  }
}
