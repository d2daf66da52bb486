/**
 * The resource-server side of MCP authorization: `bearerAuth` turns a token
 * verifier into the `authenticate` hook of `createHttpHandler`, enforcing the
 * `Authorization: Bearer` header, expiry, audience (RFC 8707) and scopes,
 * and answering refusals exactly as RFC 6750 §3 and the MCP spec ask.
 *
 * @module
 */
import type { AuthInfo } from "../protocol/server_endpoint.ts";
import { type BearerChallenge, bearerErrorResponse } from "./challenge.ts";
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
   * Such a token is accepted only with a matching DPoP proof.
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
}

/** RFC 6750 §2.1 `b64token`. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

type Extracted = { token: string } | { refusal: BearerChallenge };

/** The token of an `Authorization: Bearer` header, or why the request is refused. */
function extractToken(request: Request): Extracted {
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
  // Another scheme is a request without usable credentials: no error code (RFC 6750 §3.1).
  if (scheme.toLowerCase() !== "bearer") return { refusal: {} };
  const token = space < 0 ? "" : trimmed.slice(space).trim();
  if (!B64TOKEN.test(token)) {
    return {
      refusal: {
        error: "invalid_request",
        errorDescription: "The Authorization header must be 'Bearer' and exactly one token",
      },
    };
  }
  return { token };
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
 * The `authenticate` hook of `createHttpHandler` for OAuth bearer tokens.
 * Refuses with 401 (no or unusable credentials; `invalid_token` when the
 * token is invalid, expired or for another audience), 400 (`invalid_request`:
 * malformed header, token in the query string) or 403 (`insufficient_scope`,
 * naming every scope the request needs); each carries `resource_metadata`.
 * The verified principal becomes `context.auth` of the handlers.
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

  return async function authenticate(request: Request): Promise<AuthInfo | Response> {
    const extracted = extractToken(request);
    if ("refusal" in extracted) {
      const scopes = extracted.refusal.error === undefined ? await scopesNeeded(request) : [];
      return bearerErrorResponse({ ...base, ...extracted.refusal, scopes });
    }
    const outcome = await runVerifier(options.verify, extracted.token, request);
    const invalid = (errorDescription: string) =>
      bearerErrorResponse({ ...base, error: "invalid_token", errorDescription });
    if (typeof outcome === "string") return invalid(outcome);
    if (outcome.expiresAt !== undefined && now() / 1000 >= outcome.expiresAt + tolerance) {
      return invalid("The access token expired");
    }
    const wrongAudience = audienceProblem(outcome);
    if (wrongAudience) return invalid(wrongAudience);
    const needed = await scopesNeeded(request);
    const granted = outcome.scopes ?? [];
    if (needed.some((scope) => !satisfies(granted, scope))) {
      return bearerErrorResponse({
        ...base,
        error: "insufficient_scope",
        errorDescription: "The access token lacks a scope this request needs",
        scopes: needed,
      });
    }
    return { ...outcome, token: extracted.token, scopes: granted };
  };
}
