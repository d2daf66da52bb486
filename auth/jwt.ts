/**
 * A JWT access-token verifier (RFC 9068 / RFC 7519) on Web Crypto: RS256,
 * PS256, ES256, EdDSA (Ed25519) and HS256 signatures with keys from a JWKS the
 * caller supplies or a {@link KeySetSource} such as `remoteJwks(url)`.
 *
 * @module
 */
import { InvalidTokenError, type VerifiedToken } from "./bearer.ts";
import {
  isJwtAlgorithm,
  type JwkWithId,
  type JwtAlgorithm,
  keyFits,
  parseJws,
  verifySignature,
} from "./jws.ts";
import { audienceIncludes } from "./resource.ts";

export type { JwkWithId, JwtAlgorithm } from "./jws.ts";

/** A JSON Web Key Set (RFC 7517 §5). */
export interface JsonWebKeySet {
  /** The keys; those without a usable `kty` for an algorithm are ignored. */
  keys: readonly JwkWithId[];
}

/**
 * Where verification keys come from when they change over time, e.g.
 * `remoteJwks(url)`: asked for the keys on every token, with the token's
 * `kid` (if any) so it can refresh when it does not know that key.
 */
export interface KeySetSource {
  /** The current keys; a source may refresh first when none has `kid`. */
  keysFor(kid: string | undefined): Promise<readonly JwkWithId[]>;
}

/** Options of {@link jwtVerifier}. */
export interface JwtVerifierOptions {
  /** Verification keys, fixed or from a source such as `remoteJwks(url)`. A `kid` in the token must name one. */
  jwks: JsonWebKeySet | KeySetSource;
  /** Accepted `iss` values, compared exactly. */
  issuer: string | readonly string[];
  /**
   * Accepted `aud` values, usually this server's resource URI. `bearerAuth`
   * checks the audience against its `resource` as well.
   */
  audience?: string | readonly string[];
  /**
   * Accepted algorithms. Default `["RS256", "PS256", "ES256", "EdDSA"]`; add
   * `"HS256"` for shared secrets (an `oct` key; never an RSA or EC key).
   */
  algorithms?: readonly JwtAlgorithm[];
  /** Leeway for `exp` and `nbf`, seconds. Default 30. */
  clockToleranceSeconds?: number;
  /** Refuse tokens without `exp`. Default true. */
  requireExpiry?: boolean;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /**
   * How many tokens whose signature was verified are remembered, so a client
   * presenting the same token on every request costs one signature check.
   * The claims (`exp`, `nbf`, `iss`, `aud`) are still checked on every use,
   * and a remembered token counts only while the key that verified it is
   * still in the key set. Default 1024; 0 turns it off.
   */
  verifiedCacheSize?: number;
}

/** A verifier that always answers a principal or rejects with {@link InvalidTokenError}. */
export type JwtTokenVerifier = (token: string, request?: Request) => Promise<VerifiedToken>;

/** The claims of a verified token. */
export type JwtClaims = { [claim: string]: unknown };

function scopesOf(claims: JwtClaims): string[] {
  const raw = claims.scope ?? claims.scp;
  if (typeof raw === "string") return raw.split(" ").filter((scope) => scope !== "");
  if (Array.isArray(raw)) return raw.filter((scope): scope is string => typeof scope === "string");
  return [];
}

function audienceOf(claims: JwtClaims): string | string[] | undefined {
  const aud = claims.aud;
  if (typeof aud === "string") return aud;
  if (Array.isArray(aud)) return aud.filter((value): value is string => typeof value === "string");
  return undefined;
}

/** The DPoP key thumbprint a token is bound to (RFC 9449 §6.1 `cnf.jkt`). */
export function confirmationThumbprint(claims: JwtClaims): string | undefined {
  const cnf = claims.cnf;
  if (typeof cnf !== "object" || cnf === null) return undefined;
  const jkt = (cnf as { jkt?: unknown }).jkt;
  return typeof jkt === "string" ? jkt : undefined;
}

function fixedKeys(set: JsonWebKeySet): KeySetSource {
  const keys = Promise.resolve(set.keys);
  return { keysFor: () => keys };
}

function isNumber(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value);
}

/**
 * A verifier of JWT access tokens signed by a key of `options.jwks`. Refuses
 * `alg: none` and any algorithm not allowed, an unknown `kid`, a `crit`
 * header, a bad signature, a wrong `iss` or `aud`, an `exp` in the past and an
 * `nbf` in the future (both with clock tolerance). Scopes come from `scope`
 * (space-separated) or `scp`; the subject from `sub`; the client from
 * `client_id` or `azp`; all claims are in `extra.claims`.
 *
 * @example
 * ```ts
 * import { jwtVerifier } from "./jwt.ts";
 * declare const publicJwk: JsonWebKey; // e.g. from your authorization server's jwks_uri, fetched by you
 * const verify = jwtVerifier({
 *   jwks: { keys: [publicJwk] },
 *   issuer: "https://auth.example.com",
 *   audience: "https://mcp.example.com/mcp",
 * });
 * // bearerAuth({ resource: "https://mcp.example.com/mcp", verify })
 * ```
 */
export function jwtVerifier(options: JwtVerifierOptions): JwtTokenVerifier {
  const algorithms: readonly JwtAlgorithm[] = options.algorithms ??
    ["RS256", "PS256", "ES256", "EdDSA"];
  const issuers = typeof options.issuer === "string" ? [options.issuer] : options.issuer;
  const tolerance = options.clockToleranceSeconds ?? 30;
  const requireExpiry = options.requireExpiry ?? true;
  const now = options.now ?? Date.now;
  const source: KeySetSource = "keysFor" in options.jwks ? options.jwks : fixedKeys(options.jwks);

  const cacheSize = options.verifiedCacheSize ?? 1024;
  // token → the key that verified its signature; Map order makes the oldest the first evicted.
  const verifiedBy = new Map<string, JwkWithId>();

  async function stillVerified(token: string, kid: unknown): Promise<boolean> {
    const jwk = verifiedBy.get(token);
    if (jwk === undefined) return false;
    const keys = await source.keysFor(typeof kid === "string" ? kid : undefined);
    if (keys.includes(jwk)) return true;
    verifiedBy.delete(token);
    return false;
  }

  function remember(token: string, jwk: JwkWithId): void {
    if (cacheSize <= 0) return;
    if (verifiedBy.size >= cacheSize) verifiedBy.delete(verifiedBy.keys().next().value!);
    verifiedBy.set(token, jwk);
  }

  async function signatureValid(
    token: string,
    alg: JwtAlgorithm,
    kid: unknown,
    signature: Uint8Array,
    signed: Uint8Array,
  ): Promise<boolean> {
    if (kid !== undefined && typeof kid !== "string") {
      throw new InvalidTokenError("The access token's kid is malformed");
    }
    const keys = await source.keysFor(kid);
    const candidates = keys.filter((jwk) =>
      (kid === undefined || jwk.kid === kid) && keyFits(jwk, alg)
    );
    if (candidates.length === 0) {
      throw new InvalidTokenError(
        kid === undefined
          ? "No key can verify the access token"
          : "The access token's key is unknown",
      );
    }
    for (const jwk of candidates) {
      if (await verifySignature(alg, jwk, signature, signed)) {
        remember(token, jwk);
        return true;
      }
    }
    return false;
  }

  return async (token: string): Promise<VerifiedToken> => {
    if (token.split(".").length !== 3) throw new InvalidTokenError("The access token is not a JWT");
    const jws = parseJws(token);
    if (jws === undefined) throw new InvalidTokenError("The access token is malformed");
    const alg = jws.header.alg;
    if (!isJwtAlgorithm(alg) || !algorithms.includes(alg)) {
      throw new InvalidTokenError("The access token's algorithm is not accepted");
    }
    if (jws.header.crit !== undefined) {
      throw new InvalidTokenError("The access token has critical header parameters");
    }
    const known = verifiedBy.size > 0 && (await stillVerified(token, jws.header.kid));
    if (!known && !(await signatureValid(token, alg, jws.header.kid, jws.signature, jws.signed))) {
      throw new InvalidTokenError("The access token's signature is invalid");
    }
    const claims: JwtClaims = jws.payload;
    const nowSeconds = now() / 1000;
    if (typeof claims.iss !== "string" || !issuers.includes(claims.iss)) {
      throw new InvalidTokenError("The access token's issuer is not accepted");
    }
    const audience = audienceOf(claims);
    if (options.audience !== undefined) {
      const wanted = typeof options.audience === "string" ? [options.audience] : options.audience;
      if (!wanted.some((value) => audienceIncludes(audience, value))) {
        throw new InvalidTokenError("The access token was not issued for this resource");
      }
    }
    if (claims.exp !== undefined && !isNumber(claims.exp)) {
      throw new InvalidTokenError("The access token's exp is malformed");
    }
    if (claims.exp === undefined && requireExpiry) {
      throw new InvalidTokenError("The access token has no expiry");
    }
    if (isNumber(claims.exp) && nowSeconds >= claims.exp + tolerance) {
      throw new InvalidTokenError("The access token expired");
    }
    if (
      claims.nbf !== undefined && (!isNumber(claims.nbf) || claims.nbf > nowSeconds + tolerance)
    ) {
      throw new InvalidTokenError("The access token is not valid yet");
    }
    const clientId = typeof claims.client_id === "string"
      ? claims.client_id
      : typeof claims.azp === "string"
      ? claims.azp
      : undefined;
    const verified: VerifiedToken = { token, scopes: scopesOf(claims), extra: { claims } };
    if (clientId !== undefined) verified.clientId = clientId;
    if (typeof claims.sub === "string") verified.subject = claims.sub;
    // Tolerance was applied above; bearerAuth re-checks expiresAt without it.
    if (isNumber(claims.exp)) verified.expiresAt = claims.exp + tolerance;
    if (audience !== undefined) verified.audience = audience;
    const jkt = confirmationThumbprint(claims);
    if (jkt !== undefined) verified.jkt = jkt;
    return verified;
  };
}
