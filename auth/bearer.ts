/**
 * The resource-server side of MCP authorization: `bearerAuth` turns a token
 * verifier into the `authenticate` hook of `createHttpHandler`, enforcing the
 * `Authorization: Bearer` header, expiry, audience (RFC 8707) and scopes,
 * and answering refusals exactly as RFC 6750 §3 and the MCP spec ask. With
 * the `dpop` option it also takes DPoP-bound tokens (RFC 9449 §7).
 *
 * @module
 */
import type { AuthInfo } from "../protocol/server_endpoint.ts";
import {
  type BearerChallenge,
  bearerChallengeHeader,
  type BearerErrorCode,
  bearerErrorResponse,
  type DpopChallenge,
  dpopChallengeHeader,
} from "./challenge.ts";
import {
  dpopAlgorithms,
  type DpopErrorCode,
  type DpopOptions,
  dpopProofChecker,
  DpopProofError,
  dpopProofHeader,
} from "./dpop_proof.ts";
import {
  audienceIncludes,
  canonicalResourceUri,
  protectedResourceMetadataUrl,
} from "./resource.ts";

/** What a verifier learned about a valid token: the principal plus whom the token is for. */
export interface VerifiedToken extends AuthInfo {
  /** Audiences the token was issued for (the JWT `aud` claim, or introspection's `aud`). */
  audience?: string | string[];
  /** The RFC 8707 resource(s) the token is bound to, when the verifier reports it this way. */
  resource?: string | string[];
  /**
   * The thumbprint of the DPoP key the token is bound to (RFC 9449 `cnf.jkt`).
   * Such a token is accepted only with the DPoP scheme and a matching proof,
   * never as a plain bearer token.
   */
  jkt?: string;
}

/**
 * Checks a bearer token. Returns the principal when valid; returns `undefined`
 * or throws when not (throw {@link InvalidTokenError} to choose the
 * `error_description`). It must not forward the token anywhere but its own
 * authorization server.
 */
export type TokenVerifier = (
  token: string,
  request: Request,
) => VerifiedToken | undefined | Promise<VerifiedToken | undefined>;

/**
 * A token the verifier refuses; its message becomes the `error_description`
 * of the 401 (other errors give a generic one, so they leak nothing).
 *
 * @example
 * ```ts
 * import { InvalidTokenError } from "./bearer.ts";
 * const verify = (token: string) => {
 *   if (token.startsWith("revoked-")) throw new InvalidTokenError("The access token was revoked");
 *   return undefined;
 * };
 * ```
 */
export class InvalidTokenError extends Error {
  /** The `error_description` sent back. */
  constructor(message: string) {
    super(message);
    this.name = "InvalidTokenError";
  }
}

/** Options of {@link bearerAuth}. */
export interface BearerAuthOptions {
  /** This MCP server's canonical URI, e.g. `https://mcp.example.com/mcp`; tokens must be issued for it. */
  resource: string | URL;
  /** Checks a token and says whom it belongs to and for which audience. */
  verify: TokenVerifier;
  /** Scopes every request needs. Default none. */
  requiredScopes?: readonly string[];
  /**
   * Further scopes a given request needs (say, by path or `Mcp-Method`
   * header). Read a body only through `request.clone()`.
   */
  scopesFor?: (request: Request) => readonly string[] | Promise<readonly string[]>;
  /**
   * Whether the granted scopes satisfy one required scope; supply this for
   * scope hierarchies (`files` implying `files:read`). Default: exact match.
   */
  scopeSatisfies?: (granted: readonly string[], required: string) => boolean;
  /** The `resource_metadata` URL in challenges. Default: the path-suffixed well-known URL of `resource`. */
  resourceMetadataUrl?: string;
  /**
   * Set only when `verify` itself guarantees the token is bound to this
   * resource (e.g. an introspection endpoint dedicated to it) and so returns no
   * audience. Default false: a token without `audience` or `resource` is refused.
   */
  audienceCheckedByVerifier?: boolean;
  /** Leeway for `expiresAt`, in seconds. Default 0. */
  clockToleranceSeconds?: number;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** The `realm` of challenges. Default none. */
  realm?: string;
  /**
   * Also accept DPoP-bound tokens (RFC 9449): `Authorization: DPoP <token>`
   * with one `DPoP` proof header, checked by {@link dpopProofChecker} with
   * these options; challenges then name both schemes (only DPoP, and Bearer
   * tokens are refused, with `required: true`). Default off: only Bearer, and
   * tokens bound to a DPoP key are refused.
   */
  dpop?: DpopOptions;
}

/** RFC 6750 §2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The authentication schemes of `Authorization`. */
type Scheme = "bearer" | "dpop";

/** Why a request is refused: the error belongs to the challenge of `scheme`. */
interface Refusal {
  scheme?: Scheme;
  error?: BearerErrorCode | DpopErrorCode;
  errorDescription?: string;
  scopes?: readonly string[];
  /** A `DPoP-Nonce` to hand out. */
  nonce?: string;
}

type Extracted = { scheme: Scheme; token: string } | { refusal: Refusal };

/** The token of an `Authorization: Bearer` (or `DPoP`) header, or why the request is refused. */
function extractToken(request: Request, schemes: readonly Scheme[]): Extracted {
  const header = request.headers.get("authorization");
  const inQuery = new URL(request.url).searchParams.has("access_token");
  if (inQuery) {
    return {
      refusal: {
        error: "invalid_request",
        errorDescription: "Access tokens are not accepted in the query string",
      },
    };
  }
  if (header === null) return { refusal: {} };
  const trimmed = header.trim();
  const space = trimmed.search(/\s/);
  const scheme = space < 0 ? trimmed : trimmed.slice(0, space);
  const used = schemes.find((known) => known === scheme.toLowerCase());
  // Another scheme is a request without usable credentials: no error code (RFC 6750 §3.1).
  if (used === undefined) return { refusal: {} };
  const token = space < 0 ? "" : trimmed.slice(space).trim();
  if (!B64TOKEN.test(token)) {
    const name = used === "dpop" ? "DPoP" : "Bearer";
    return {
      refusal: {
        scheme: used,
        error: "invalid_request",
        errorDescription: `The Authorization header must be '${name}' and exactly one token`,
      },
    };
  }
  return { scheme: used, token };
}

const STATUS_OF: { [code in BearerErrorCode | DpopErrorCode]: number } = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_dpop_proof: 401,
  use_dpop_nonce: 401,
};

/**
 * A refusal when DPoP is accepted (RFC 9449 §7.2): the Bearer (unless DPoP
 * is required) and the DPoP challenge, the error in the one of the scheme
 * the client used, and `DPoP-Nonce` when one is handed out.
 */
function dualSchemeResponse(
  refusal: Refusal,
  base: { resourceMetadata: string; realm?: string },
  algorithms: readonly string[],
  dpopOnly: boolean,
): Response {
  const status = refusal.error === undefined ? 401 : STATUS_OF[refusal.error];
  const detail = {
    error: refusal.error,
    errorDescription: refusal.errorDescription,
    scopes: refusal.scopes,
  };
  const bearer: BearerChallenge = refusal.scheme === "dpop"
    ? base
    : { ...base, ...detail, error: detail.error as BearerErrorCode | undefined };
  const dpop: DpopChallenge = refusal.scheme === "bearer"
    ? { ...base, algorithms }
    : { ...base, ...detail, algorithms };
  const headers = new Headers({ "content-type": "application/json", "cache-control": "no-store" });
  // Bearer first: clients that read only one challenge (most MCP clients) read it.
  if (!dpopOnly) headers.append("www-authenticate", bearerChallengeHeader(bearer));
  headers.append("www-authenticate", dpopChallengeHeader(dpop));
  if (refusal.nonce !== undefined) headers.set("dpop-nonce", refusal.nonce);
  const body: { [key: string]: string } = { error: refusal.error ?? "unauthorized" };
  if (refusal.errorDescription !== undefined) body.error_description = refusal.errorDescription;
  return new Response(JSON.stringify(body), { status, headers });
}

/** Runs the verifier; `InvalidTokenError` messages pass through, anything else is generic. */
async function runVerifier(
  verify: TokenVerifier,
  token: string,
  request: Request,
): Promise<VerifiedToken | string> {
  try {
    const verified = await verify(token, request);
    return verified ?? "The access token is invalid";
  } catch (error) {
    return error instanceof InvalidTokenError ? error.message : "The access token is invalid";
  }
}

function exactScope(granted: readonly string[], required: string): boolean {
  return granted.includes(required);
}

/**
 * What {@link bearerAuth} found a request it admitted to need (`requiredScopes`
 * and `scopesFor`'s), so a later check's challenge names them without
 * running `scopesFor` again on a request whose body is read by then.
 */
const admittedScopes = new WeakMap<Request, readonly string[]>();

/**
 * The scopes {@link bearerAuth} required of `request` when it admitted it
 * (`requiredScopes` and what `scopesFor` added), or `undefined` when no
 * `bearerAuth` admitted it.
 *
 * @example
 * ```ts
 * import { scopesAdmittedWith } from "./bearer.ts";
 * scopesAdmittedWith(new Request("http://127.0.0.1/mcp")); // undefined: not admitted by bearerAuth
 * ```
 */
export function scopesAdmittedWith(request: Request): readonly string[] | undefined {
  return admittedScopes.get(request);
}

/**
 * The `authenticate` hook of `createHttpHandler` for OAuth bearer tokens.
 * Refuses with 401 (no or unusable credentials; `invalid_token` when the
 * token is invalid, expired or for another audience), 400 (`invalid_request`:
 * malformed header, token in the query string) or 403 (`insufficient_scope`,
 * naming every scope the request needs); each carries `resource_metadata`.
 * The verified principal becomes `context.auth` of the handlers. A token
 * bound to a DPoP key (`jkt`) is never accepted with the Bearer scheme.
 *
 * With `dpop`, `Authorization: DPoP <token>` plus one `DPoP` proof header is
 * accepted too, for tokens bound to the proof's key: a bad proof is 401
 * `invalid_dpop_proof`, a missing server nonce 401 `use_dpop_nonce` with a
 * `DPoP-Nonce` header, and every refusal carries both the Bearer and the
 * DPoP challenge, the error in the one of the scheme used (RFC 9449 §7).
 *
 * @example
 * ```ts
 * import { McpServer } from "../server/server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * import { bearerAuth } from "./bearer.ts";
 * import { staticTokenVerifier } from "./static_verifier.ts";
 *
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const handler = createHttpHandler(server, {
 *   authenticate: bearerAuth({
 *     resource: "http://127.0.0.1:3000/mcp",
 *     verify: staticTokenVerifier(
 *       { "dev-token": { subject: "ada", scopes: ["mcp"] } },
 *       { audience: "http://127.0.0.1:3000/mcp" },
 *     ),
 *     requiredScopes: ["mcp"],
 *   }),
 * });
 * ```
 *
 * @example DPoP-bound tokens as well, with server nonces
 * ```ts
 * import { bearerAuth } from "./bearer.ts";
 * import { dpopNonces } from "./dpop_proof.ts";
 * import { jwtVerifier } from "./jwt.ts";
 * declare const publicJwk: JsonWebKey;
 *
 * const authenticate = bearerAuth({
 *   resource: "https://mcp.example.com/mcp",
 *   verify: jwtVerifier({ jwks: { keys: [publicJwk] }, issuer: "https://auth.example.com" }),
 *   dpop: { algorithms: ["ES256"], nonces: dpopNonces() },
 * });
 * ```
 */
export function bearerAuth(
  options: BearerAuthOptions,
): (request: Request) => Promise<AuthInfo | Response> {
  const resource = canonicalResourceUri(options.resource);
  const resourceMetadata = options.resourceMetadataUrl ?? protectedResourceMetadataUrl(resource);
  const satisfies = options.scopeSatisfies ?? exactScope;
  const tolerance = options.clockToleranceSeconds ?? 0;
  const now = options.now ?? Date.now;
  const base = { resourceMetadata, realm: options.realm };

  async function scopesNeeded(request: Request): Promise<string[]> {
    const extra = options.scopesFor ? await options.scopesFor(request) : [];
    return [...new Set([...(options.requiredScopes ?? []), ...extra])];
  }

  function audienceProblem(verified: VerifiedToken): string | undefined {
    if (verified.audience === undefined && verified.resource === undefined) {
      return options.audienceCheckedByVerifier ? undefined : "The access token names no audience";
    }
    const named = audienceIncludes(verified.audience, resource) ||
      audienceIncludes(verified.resource, resource);
    return named ? undefined : "The access token was not issued for this resource";
  }

  const dpop = options.dpop;
  const checkProof = dpop === undefined ? undefined : dpopProofChecker(dpop);
  const schemes: readonly Scheme[] = dpop === undefined ? ["bearer"] : ["bearer", "dpop"];
  const algorithms = dpopAlgorithms(dpop);
  const dpopOnly = dpop?.required === true;

  function refuse(refusal: Refusal): Response {
    if (dpop !== undefined) {
      // With DPoP required, an error about a Bearer request belongs in the only challenge sent.
      const scheme = dpopOnly && refusal.scheme === "bearer" ? "dpop" : refusal.scheme;
      return dualSchemeResponse({ ...refusal, scheme }, base, algorithms, dpopOnly);
    }
    // Without DPoP only Bearer codes arise; the response stays exactly RFC 6750's.
    const { errorDescription, scopes } = refusal;
    const error = refusal.error as BearerErrorCode | undefined;
    return bearerErrorResponse({ ...base, error, errorDescription, scopes });
  }

  /** The refusal a proof failure leads to; anything but a DpopProofError is a bug and rethrown. */
  function proofRefusal(error: unknown): Refusal {
    if (!(error instanceof DpopProofError)) throw error;
    const { code, message, nonce } = error;
    return { scheme: "dpop", error: code, errorDescription: message, nonce };
  }

  /** Why a DPoP-scheme request fails before its token is verified: no single proof header. */
  function proofHeader(request: Request): string | Refusal {
    try {
      return dpopProofHeader(request);
    } catch (error) {
      return proofRefusal(error);
    }
  }

  /** Why the proof does not hold for this request and token, or nothing when it does. */
  async function proofProblem(
    request: Request,
    proof: string,
    accessToken: string,
    jkt: string,
  ): Promise<Refusal | undefined> {
    const url = dpop?.requestUrl?.(request) ?? request.url;
    try {
      await checkProof?.({ proof, method: request.method, url, accessToken, jkt });
      return undefined;
    } catch (error) {
      return proofRefusal(error);
    }
  }

  return async function authenticate(request: Request): Promise<AuthInfo | Response> {
    const extracted = extractToken(request, schemes);
    if ("refusal" in extracted) {
      const scopes = extracted.refusal.error === undefined ? await scopesNeeded(request) : [];
      return refuse({ ...extracted.refusal, scopes });
    }
    const { scheme, token } = extracted;
    if (scheme === "bearer" && dpopOnly) {
      return refuse({
        scheme: "dpop",
        error: "invalid_token",
        errorDescription: "This resource accepts only DPoP-bound tokens: use the DPoP scheme",
      });
    }
    // A missing or doubled proof is refused before the verifier (maybe a network call) is asked.
    const proof = scheme === "dpop" ? proofHeader(request) : "";
    if (typeof proof !== "string") return refuse(proof);
    const outcome = await runVerifier(options.verify, token, request);
    const invalid = (errorDescription: string) =>
      refuse({ scheme, error: "invalid_token", errorDescription });
    if (typeof outcome === "string") return invalid(outcome);
    if (outcome.expiresAt !== undefined && now() / 1000 >= outcome.expiresAt + tolerance) {
      return invalid("The access token expired");
    }
    const wrongAudience = audienceProblem(outcome);
    if (wrongAudience) return invalid(wrongAudience);
    if (scheme === "bearer" && outcome.jkt !== undefined) {
      // RFC 9449 §7.2: without its proof, a bound token is no better than a stolen one.
      return invalid(
        dpop === undefined
          ? "The access token is bound to a DPoP key, and this resource does not accept DPoP"
          : "The access token is bound to a DPoP key: use the DPoP scheme and a proof",
      );
    }
    if (scheme === "dpop") {
      if (outcome.jkt === undefined) {
        return invalid("The access token is not bound to a DPoP key: use the Bearer scheme");
      }
      const badProof = await proofProblem(request, proof, token, outcome.jkt);
      if (badProof) return refuse(badProof);
    }
    const needed = await scopesNeeded(request);
    const granted = outcome.scopes ?? [];
    if (needed.some((scope) => !satisfies(granted, scope))) {
      return refuse({
        scheme,
        error: "insufficient_scope",
        errorDescription: "The access token lacks a scope this request needs",
        scopes: needed,
      });
    }
    admittedScopes.set(request, needed);
    return { ...outcome, token, scopes: granted };
  };
}

/**
 * The 403 `insufficient_scope` refusal {@link bearerAuth} answers, for checks
 * made once the request is authenticated (a tool's scopes, seen only in the
 * body): the challenge names `scopes` and `resource_metadata` (the MCP
 * specification's scope challenge), and with `dpop` both schemes are
 * challenged, the error in the one the request used.
 *
 * @example
 * ```ts
 * import { insufficientScopeResponse } from "./bearer.ts";
 * declare const request: Request;
 * const refusal = insufficientScopeResponse(
 *   { resource: "https://mcp.example.com/mcp" },
 *   request,
 *   ["mcp", "files:write"],
 * );
 * // refusal.status → 403; WWW-Authenticate: Bearer error="insufficient_scope", …, scope="mcp files:write", resource_metadata="…"
 * ```
 */
export function insufficientScopeResponse(
  options: Pick<BearerAuthOptions, "resource" | "resourceMetadataUrl" | "realm" | "dpop">,
  request: Request,
  scopes: readonly string[],
  errorDescription = "The access token lacks a scope this request needs",
): Response {
  const resource = canonicalResourceUri(options.resource);
  const resourceMetadata = options.resourceMetadataUrl ?? protectedResourceMetadataUrl(resource);
  const base = { resourceMetadata, realm: options.realm };
  const error = "insufficient_scope";
  if (options.dpop === undefined) {
    return bearerErrorResponse({ ...base, error, errorDescription, scopes });
  }
  const used = /^\s*dpop\s/i.test(request.headers.get("authorization") ?? "") ? "dpop" : "bearer";
  return dualSchemeResponse(
    { scheme: used, error, errorDescription, scopes },
    base,
    dpopAlgorithms(options.dpop),
    options.dpop.required === true,
  );
}
