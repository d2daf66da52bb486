/**
 * A JWT access-token verifier (RFC 9068 / RFC 7519) on Web Crypto: RS256,
 * ES256 and HS256 signatures with keys from a JWKS the caller supplies. It
 * fetches nothing; refresh the key set yourself and build a new verifier.
 *
 * @module
 */
import { InvalidTokenError, type VerifiedToken } from "./bearer.ts";
import { audienceIncludes } from "./resource.ts";

/** The signature algorithms supported. `none` never is. */
export type JwtAlgorithm = "RS256" | "ES256" | "HS256";

/** A JSON Web Key Set (RFC 7517 §5). */
export interface JsonWebKeySet {
  /** The keys; those without a usable `kty` for an algorithm are ignored. */
  keys: readonly JwkWithId[];
}

/** A JSON Web Key with its optional key id. */
export type JwkWithId = JsonWebKey & { kid?: string };

/** Options of {@link jwtVerifier}. */
export interface JwtVerifierOptions {
  /** Verification keys. A `kid` in the token must name one of them. */
  jwks: JsonWebKeySet;
  /** Accepted `iss` values, compared exactly. */
  issuer: string | readonly string[];
  /**
   * Accepted `aud` values, usually this server's resource URI. `bearerAuth`
   * checks the audience against its `resource` as well.
   */
  audience?: string | readonly string[];
  /** Accepted algorithms. Default `["RS256", "ES256"]`; add `"HS256"` for shared secrets. */
  algorithms?: readonly JwtAlgorithm[];
  /** Leeway for `exp` and `nbf`, seconds. Default 30. */
  clockToleranceSeconds?: number;
  /** Refuse tokens without `exp`. Default true. */
  requireExpiry?: boolean;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** A verifier that always answers a principal or rejects with {@link InvalidTokenError}. */
export type JwtTokenVerifier = (token: string, request?: Request) => Promise<VerifiedToken>;

/** The claims of a verified token. */
export type JwtClaims = { [claim: string]: unknown };

const IMPORT_PARAMS: {
  [alg in JwtAlgorithm]: {
    kty: string;
    params: RsaHashedImportParams | EcKeyImportParams | HmacImportParams;
  };
} = {
  RS256: {
    kty: "RSA",
    params: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
  },
  ES256: { kty: "EC", params: { name: "ECDSA", namedCurve: "P-256" } },
  HS256: { kty: "oct", params: { name: "HMAC", hash: "SHA-256" } },
};

const VERIFY_PARAMS: { [alg in JwtAlgorithm]: Algorithm | EcdsaParams } = {
  RS256: { name: "RSASSA-PKCS1-v1_5" },
  ES256: { name: "ECDSA", hash: "SHA-256" },
  HS256: { name: "HMAC" },
};

/** The public members of a JWK by key type; private members and `key_ops` never reach importKey. */
const PUBLIC_MEMBERS: { [kty: string]: readonly (keyof JsonWebKey)[] } = {
  RSA: ["kty", "n", "e"],
  EC: ["kty", "crv", "x", "y"],
  oct: ["kty", "k"],
};

const decoder = new TextDecoder();
const encoder = new TextEncoder();

function base64UrlBytes(text: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new InvalidTokenError("The access token is malformed");
  const base64 = text.replace(/-/g, "+").replace(/_/g, "/");
  const binary = atob(base64 + "=".repeat((4 - (base64.length % 4)) % 4));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

function jsonObject(part: string): JwtClaims {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(base64UrlBytes(part)));
  } catch {
    throw new InvalidTokenError("The access token is malformed");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidTokenError("The access token is malformed");
  }
  return value as JwtClaims;
}

/** Whether a JWK may verify `alg`: matching key type (and curve), `alg` and `use` if stated. */
function keyFits(jwk: JwkWithId, alg: JwtAlgorithm): boolean {
  if (jwk.kty !== IMPORT_PARAMS[alg].kty) return false;
  if (alg === "ES256" && jwk.crv !== "P-256") return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (jwk.use !== undefined && jwk.use !== "sig") return false;
  if (jwk.key_ops !== undefined && !jwk.key_ops.includes("verify")) return false;
  return true;
}

function publicPart(jwk: JsonWebKey): JsonWebKey {
  const part: { [member: string]: unknown } = {};
  for (const member of PUBLIC_MEMBERS[jwk.kty ?? ""] ?? []) part[member] = jwk[member];
  return part as JsonWebKey;
}

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
  const algorithms: readonly JwtAlgorithm[] = options.algorithms ?? ["RS256", "ES256"];
  const issuers = typeof options.issuer === "string" ? [options.issuer] : options.issuer;
  const tolerance = options.clockToleranceSeconds ?? 30;
  const requireExpiry = options.requireExpiry ?? true;
  const now = options.now ?? Date.now;
  const imported = new Map<string, Promise<CryptoKey | undefined>>();

  function importKey(index: number, alg: JwtAlgorithm): Promise<CryptoKey | undefined> {
    const cacheKey = `${index}:${alg}`;
    let key = imported.get(cacheKey);
    if (key === undefined) {
      key = crypto.subtle
        .importKey("jwk", publicPart(options.jwks.keys[index]), IMPORT_PARAMS[alg].params, false, [
          "verify",
        ])
        .catch(() => undefined);
      imported.set(cacheKey, key);
    }
    return key;
  }

  async function signatureValid(
    alg: JwtAlgorithm,
    kid: unknown,
    signature: Uint8Array,
    signed: Uint8Array,
  ): Promise<boolean> {
    const candidates = options.jwks.keys
      .map((jwk, index) => ({ jwk, index }))
      .filter(({ jwk }) => (kid === undefined || jwk.kid === kid) && keyFits(jwk, alg));
    if (candidates.length === 0) {
      throw new InvalidTokenError(
        kid === undefined
          ? "No key can verify the access token"
          : "The access token's key is unknown",
      );
    }
    for (const { index } of candidates) {
      const key = await importKey(index, alg);
      if (key === undefined) continue;
      const valid = await crypto.subtle.verify(
        VERIFY_PARAMS[alg],
        key,
        signature as Uint8Array<ArrayBuffer>,
        signed as Uint8Array<ArrayBuffer>,
      );
      if (valid) return true;
    }
    return false;
  }

  return async (token: string): Promise<VerifiedToken> => {
    const parts = token.split(".");
    if (parts.length !== 3) throw new InvalidTokenError("The access token is not a JWT");
    const header = jsonObject(parts[0]);
    const alg = header.alg;
    if (typeof alg !== "string" || !(algorithms as readonly string[]).includes(alg)) {
      throw new InvalidTokenError("The access token's algorithm is not accepted");
    }
    if (header.crit !== undefined) {
      throw new InvalidTokenError("The access token has critical header parameters");
    }
    const signed = encoder.encode(`${parts[0]}.${parts[1]}`);
    const signature = base64UrlBytes(parts[2]);
    if (!(await signatureValid(alg as JwtAlgorithm, header.kid, signature, signed))) {
      throw new InvalidTokenError("The access token's signature is invalid");
    }
    const claims = jsonObject(parts[1]);
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
    return verified;
  };
}
