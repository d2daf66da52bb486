/**
 * What a token presented to the revocation or introspection endpoint is:
 * one of this server's refresh tokens (looked up by digest) or one of its
 * access tokens (a JWT it signed, unexpired and not revoked).
 *
 * @module
 */
import type { JwtClaims } from "../jwt.ts";
import { verifyOwnAccessToken } from "./access_token.ts";
import type { AuthorizationServerContext } from "./options.ts";
import { sha256Base64Url } from "./secrets.ts";
import type { RefreshTokenLookup } from "./store.ts";

/** A token this server recognises. */
export type PresentedToken =
  | { kind: "refresh_token"; found: RefreshTokenLookup }
  | { kind: "access_token"; claims: JwtClaims };

/**
 * The token `token` is, or `undefined` when this server does not know it or
 * it is no longer valid. Access tokens are JWTs (they contain dots); refresh
 * tokens never do, so no hint is needed.
 *
 * @example
 * ```ts
 * import { resolveOptions } from "./options.ts";
 * import { recogniseToken } from "./presented_token.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * await recogniseToken(context, "unknown"); // → undefined
 * ```
 */
export async function recogniseToken(
  context: AuthorizationServerContext,
  token: string,
): Promise<PresentedToken | undefined> {
  if (token.includes(".")) {
    const claims = await verifyOwnAccessToken(context, token);
    return claims === undefined ? undefined : { kind: "access_token", claims };
  }
  const found = await context.store.findGrantByRefreshToken(await sha256Base64Url(token));
  return found === undefined ? undefined : { kind: "refresh_token", found };
}
