/**
 * RFC 6750 §3 error responses of a bearer-token resource server: the
 * `WWW-Authenticate: Bearer …` challenge (and the DPoP one of RFC 9449 §7.1)
 * and a small JSON body.
 *
 * @module
 */

/** The RFC 6750 §3.1 error codes. */
export type BearerErrorCode = "invalid_request" | "invalid_token" | "insufficient_scope";

/** What a challenge says; every field is optional. */
export interface BearerChallenge {
  /** The RFC 6750 error code; absent when the request carried no credentials. */
  error?: BearerErrorCode;
  /** A human-readable reason, for developers. */
  errorDescription?: string;
  /** Scopes needed for this request. */
  scopes?: readonly string[];
  /** URL of the protected resource metadata (RFC 9728 §5.1). */
  resourceMetadata?: string;
  /** The protection realm. */
  realm?: string;
}

const STATUS_OF: { [code in BearerErrorCode]: number } = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
};

/** Characters RFC 6750 §3 allows in `error_description` and `realm`-like values. */
function quotable(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, "?");
}

/** Scope tokens RFC 6750 §3 allows (`%x21 / %x23-5B / %x5D-7E`); others are dropped. */
function scopeTokens(scopes: readonly string[]): string[] {
  return scopes.filter((scope) => /^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope));
}

/**
 * The value of a `WWW-Authenticate` header for a Bearer challenge.
 *
 * @example
 * ```ts
 * import { bearerChallengeHeader } from "./challenge.ts";
 * bearerChallengeHeader({
 *   resourceMetadata: "https://mcp.example.com/.well-known/oauth-protected-resource/mcp",
 *   scopes: ["files:read"],
 * });
 * // → 'Bearer resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource/mcp", scope="files:read"'
 * ```
 */
export function bearerChallengeHeader(challenge: BearerChallenge): string {
  const parameters = challengeParameters(challenge);
  return parameters.length === 0 ? "Bearer" : `Bearer ${parameters.join(", ")}`;
}

/** The auth-params of a challenge, shared by the Bearer and DPoP schemes. */
function challengeParameters(
  challenge: Omit<BearerChallenge, "error"> & { error?: string },
): string[] {
  const parameters: string[] = [];
  if (challenge.realm !== undefined) parameters.push(`realm="${quotable(challenge.realm)}"`);
  if (challenge.error !== undefined) parameters.push(`error="${challenge.error}"`);
  if (challenge.errorDescription !== undefined) {
    parameters.push(`error_description="${quotable(challenge.errorDescription)}"`);
  }
  const scopes = scopeTokens(challenge.scopes ?? []);
  if (scopes.length > 0) parameters.push(`scope="${scopes.join(" ")}"`);
  if (challenge.resourceMetadata !== undefined) {
    parameters.push(`resource_metadata="${quotable(challenge.resourceMetadata)}"`);
  }
  return parameters;
}

/**
 * The response refusing a request: 401 without an error code (no
 * credentials) or with `invalid_token`, 400 for `invalid_request`, 403 for
 * `insufficient_scope`, each with its challenge and a small JSON body.
 *
 * @example
 * ```ts
 * import { bearerErrorResponse } from "./challenge.ts";
 * const response = bearerErrorResponse({ error: "insufficient_scope", scopes: ["files:write"] });
 * // response.status → 403
 * ```
 */
export function bearerErrorResponse(challenge: BearerChallenge): Response {
  const status = challenge.error === undefined ? 401 : STATUS_OF[challenge.error];
  const body: { [key: string]: string } = { error: challenge.error ?? "unauthorized" };
  if (challenge.errorDescription !== undefined) {
    body.error_description = challenge.errorDescription;
  }
  return new Response(JSON.stringify(body), {
    status,
    headers: {
      "www-authenticate": bearerChallengeHeader(challenge),
      "content-type": "application/json",
      "cache-control": "no-store",
    },
  });
}

/** What a DPoP challenge says (RFC 9449 §7.1). */
export interface DpopChallenge {
  /** `invalid_token`, `invalid_dpop_proof`, `use_dpop_nonce`, …; absent without credentials. */
  error?:
    | "invalid_request"
    | "invalid_token"
    | "insufficient_scope"
    | "invalid_dpop_proof"
    | "use_dpop_nonce";
  /** A human-readable reason, for developers. */
  errorDescription?: string;
  /** The proof algorithms accepted (`algs`). */
  algorithms: readonly string[];
  /** Scopes needed for this request. */
  scopes?: readonly string[];
  /** URL of the protected resource metadata (RFC 9728 §5.1). */
  resourceMetadata?: string;
  /** The protection realm. */
  realm?: string;
}

/**
 * The value of a `WWW-Authenticate` header for a DPoP challenge.
 *
 * @example
 * ```ts
 * import { dpopChallengeHeader } from "./challenge.ts";
 * dpopChallengeHeader({ error: "invalid_dpop_proof", algorithms: ["ES256", "RS256"] });
 * // → 'DPoP error="invalid_dpop_proof", algs="ES256 RS256"'
 * ```
 */
export function dpopChallengeHeader(challenge: DpopChallenge): string {
  const parameters = challengeParameters(challenge);
  const algs = challenge.algorithms.filter((alg) => /^[A-Za-z0-9._-]+$/.test(alg));
  if (algs.length > 0) parameters.push(`algs="${algs.join(" ")}"`);
  return parameters.length === 0 ? "DPoP" : `DPoP ${parameters.join(", ")}`;
}
