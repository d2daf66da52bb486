/**
 * Access tokens: RFC 9068 JWTs (`typ: at+jwt`) signed ES256, with `iss`,
 * `sub`, `aud` (the resource), `client_id`, `scope`, `iat`, `exp` and `jti`,
 * plus `cnf.jkt` when bound to a DPoP key (RFC 9449 §6.1); and their
 * verification by this server, which also honours revocation.
 *
 * @module
 */
import { InvalidTokenError, type TokenVerifier, type VerifiedToken } from "../bearer.ts";
import { type JwtClaims, type JwtTokenVerifier, jwtVerifier } from "../jwt.ts";
import { publicKeySet, signJwt } from "./keys.ts";
import type { AuthorizationServerContext } from "./options.ts";
import { randomToken } from "./secrets.ts";

/** Whom and what an access token is for. */
export interface AccessTokenGrant {
  /** The resource owner (`sub`). */
  subject: string;
  /** The client (`client_id`). */
  clientId: string;
  /** Granted scopes (`scope`). */
  scopes: readonly string[];
  /** The resource (`aud`). */
  resource: string;
  /** The thumbprint of the DPoP key the token is bound to (`cnf.jkt`); absent for a bearer token. */
  jkt?: string;
}

/** A signed access token. */
export interface IssuedToken {
  /** The JWT. */
  token: string;
  /** Its `jti`. */
  jti: string;
  /** Its expiry, ms since the epoch. */
  expiresAt: number;
  /** Seconds until it expires (`expires_in`). */
  expiresIn: number;
}

/**
 * Signs a new access token for `grant`.
 *
 * @example
 * ```ts
 * import { issueAccessToken } from "./access_token.ts";
 * import { resolveOptions } from "./options.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * const issued = await issueAccessToken(context, {
 *   subject: "ada",
 *   clientId: "cli",
 *   scopes: ["mcp"],
 *   resource: "http://127.0.0.1:3000/mcp",
 * });
 * // issued.expiresIn → 300
 * ```
 */
export async function issueAccessToken(
  context: AuthorizationServerContext,
  grant: AccessTokenGrant,
): Promise<IssuedToken> {
  const iat = Math.floor(context.now() / 1000);
  const expiresIn = Math.round(context.accessTokenTtlMs / 1000);
  const jti = randomToken(16);
  const claims: JwtClaims = {
    iss: context.issuer,
    sub: grant.subject,
    aud: grant.resource,
    client_id: grant.clientId,
    iat,
    exp: iat + expiresIn,
    jti,
  };
  if (grant.scopes.length > 0) claims.scope = grant.scopes.join(" ");
  if (grant.jkt !== undefined) claims.cnf = { jkt: grant.jkt };
  const token = await signJwt(context.key, claims, "at+jwt");
  return { token, jti, expiresAt: (iat + expiresIn) * 1000, expiresIn };
}

const verifiers = new WeakMap<AuthorizationServerContext, JwtTokenVerifier>();

function signatureVerifier(context: AuthorizationServerContext): JwtTokenVerifier {
  let verify = verifiers.get(context);
  if (verify === undefined) {
    verify = jwtVerifier({
      jwks: publicKeySet([context.key]),
      issuer: context.issuer,
      algorithms: ["ES256"],
      clockToleranceSeconds: 0,
      now: context.now,
    });
    verifiers.set(context, verify);
  }
  return verify;
}

/**
 * The claims of an access token this server issued that is still valid
 * (signature, issuer, expiry) and not revoked; `undefined` otherwise.
 *
 * @example
 * ```ts
 * import { issueAccessToken, verifyOwnAccessToken } from "./access_token.ts";
 * import { resolveOptions } from "./options.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * const { token } = await issueAccessToken(context, {
 *   subject: "ada", clientId: "cli", scopes: [], resource: "http://127.0.0.1:3000/mcp",
 * });
 * (await verifyOwnAccessToken(context, token))?.sub; // → "ada"
 * ```
 */
export async function verifyOwnAccessToken(
  context: AuthorizationServerContext,
  token: string,
): Promise<JwtClaims | undefined> {
  let verified: VerifiedToken;
  try {
    verified = await signatureVerifier(context)(token);
  } catch {
    return undefined;
  }
  const claims = verified.extra?.claims as JwtClaims;
  if (typeof claims.jti === "string" && await context.store.isAccessTokenRevoked(claims.jti)) {
    return undefined;
  }
  return claims;
}

/**
 * A `TokenVerifier` for a resource server in the same process: the token
 * must be this server's, for `audience` when given, and not revoked.
 *
 * @example
 * ```ts
 * import { ownTokenVerifier } from "./access_token.ts";
 * import { resolveOptions } from "./options.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * const verify = ownTokenVerifier(context, "http://127.0.0.1:3000/mcp");
 * // bearerAuth({ resource: "http://127.0.0.1:3000/mcp", verify })
 * ```
 */
export function ownTokenVerifier(
  context: AuthorizationServerContext,
  audience?: string,
): TokenVerifier {
  const verify = jwtVerifier({
    jwks: publicKeySet([context.key]),
    issuer: context.issuer,
    audience,
    algorithms: ["ES256"],
    clockToleranceSeconds: 0,
    now: context.now,
  });
  return async (token: string): Promise<VerifiedToken> => {
    const verified = await verify(token);
    const jti = (verified.extra?.claims as JwtClaims).jti;
    if (typeof jti === "string" && await context.store.isAccessTokenRevoked(jti)) {
      throw new InvalidTokenError("The access token was revoked");
    }
    return verified;
  };
}
