/**
 * RFC 7662 token introspection as a token verifier: the resource server asks
 * its authorization server whether a token is active, authenticating as a
 * client, and keeps positive answers briefly in a bounded cache.
 *
 * @module
 */
import { readTextAtMost } from "../protocol/bounded_read.ts";
import { InvalidTokenError, type VerifiedToken } from "./bearer.ts";
import { confirmationThumbprint, type JwtClaims, type JwtTokenVerifier } from "./jwt.ts";

/** Options of {@link introspectionVerifier}. */
export interface IntrospectionVerifierOptions {
  /** The introspection endpoint (`introspection_endpoint` of the authorization server's metadata). */
  endpoint: string | URL;
  /** This resource server's client id at the authorization server. */
  clientId: string;
  /** Its client secret. */
  clientSecret: string;
  /** How the secret is sent (RFC 6749 §2.3.1). Default `"client_secret_basic"`. */
  authMethod?: "client_secret_basic" | "client_secret_post";
  /** Accepted `iss` values of the answer, when the endpoint states one. Default any. */
  issuer?: string | readonly string[];
  /** How long an active answer is reused, seconds (never past the token's `exp`). Default 30; 0 disables. */
  cacheSeconds?: number;
  /** The most answers cached; the oldest goes first. Default 1000. */
  maxCacheEntries?: number;
  /** The fetch used. Default the global `fetch`. */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** The largest answer accepted, bytes. Default 65536. */
  maxBytes?: number;
  /** How long one introspection may take, ms. Default 5000. */
  timeoutMs?: number;
}

/** The introspection endpoint could not be asked or gave no usable answer. */
export class IntrospectionError extends Error {
  /** An error with `message`; `options.cause` is the underlying error, if any. */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "IntrospectionError";
  }
}

/** RFC 6749 Appendix B: client credentials are form-urlencoded before Basic encoding. */
function formEncode(text: string): string {
  return encodeURIComponent(text).replace(/%20/g, "+");
}

function basicCredentials(clientId: string, secret: string): string {
  const bytes = new TextEncoder().encode(`${formEncode(clientId)}:${formEncode(secret)}`);
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return `Basic ${btoa(binary)}`;
}

function stringList(value: unknown): string | string[] | undefined {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.filter((item): item is string => typeof item === "string");
  return undefined;
}

/** The principal an active introspection answer describes. */
function principalOf(token: string, answer: JwtClaims): VerifiedToken {
  const scope = typeof answer.scope === "string" ? answer.scope : "";
  const verified: VerifiedToken = {
    token,
    scopes: scope.split(" ").filter((item) => item !== ""),
    extra: { claims: answer },
  };
  if (typeof answer.client_id === "string") verified.clientId = answer.client_id;
  if (typeof answer.sub === "string") verified.subject = answer.sub;
  if (typeof answer.exp === "number" && Number.isFinite(answer.exp)) {
    verified.expiresAt = answer.exp;
  }
  const audience = stringList(answer.aud);
  if (audience !== undefined) verified.audience = audience;
  const jkt = confirmationThumbprint(answer);
  if (jkt !== undefined) verified.jkt = jkt;
  return verified;
}

interface CacheEntry {
  verified: VerifiedToken;
  until: number;
}

/**
 * A verifier that introspects each token at `options.endpoint` (RFC 7662),
 * authenticated with the client secret. `active: false` refuses the token
 * (401); an `exp` in the past or an `nbf` in the future too; an endpoint that
 * fails or answers garbage refuses it as well, with the reason kept as the
 * cause. Active answers are cached for `cacheSeconds` (bounded, never past
 * `exp`), so a revoked token can be used that long; set it to 0 where that
 * matters. The audience check stays with `bearerAuth` (the answer's `aud`).
 *
 * @example
 * ```ts
 * import { introspectionVerifier } from "./introspection.ts";
 * const verify = introspectionVerifier({
 *   endpoint: "https://auth.example.com/introspect",
 *   clientId: "mcp-resource-server",
 *   clientSecret: "s3cret",
 * });
 * // withAuth(server, { resource: "https://mcp.example.com/mcp", verify, … })
 * ```
 */
export function introspectionVerifier(options: IntrospectionVerifierOptions): JwtTokenVerifier {
  const endpoint = String(options.endpoint);
  const doFetch = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
  const now = options.now ?? Date.now;
  const cacheMs = (options.cacheSeconds ?? 30) * 1000;
  const maxEntries = options.maxCacheEntries ?? 1000;
  const maxBytes = options.maxBytes ?? 65536;
  const timeoutMs = options.timeoutMs ?? 5000;
  const issuers = options.issuer === undefined
    ? undefined
    : typeof options.issuer === "string"
    ? [options.issuer]
    : options.issuer;
  const cache = new Map<string, CacheEntry>();

  async function ask(token: string): Promise<JwtClaims> {
    const form = new URLSearchParams({ token, token_type_hint: "access_token" });
    const headers: Record<string, string> = {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
    };
    if (options.authMethod === "client_secret_post") {
      form.set("client_id", options.clientId);
      form.set("client_secret", options.clientSecret);
    } else {
      headers.authorization = basicCredentials(options.clientId, options.clientSecret);
    }
    let response: Response;
    try {
      response = await doFetch(endpoint, {
        method: "POST",
        headers,
        body: form.toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new IntrospectionError(`Introspection at ${endpoint} failed`, { cause: error });
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new IntrospectionError(`Introspection at ${endpoint} answered HTTP ${response.status}`);
    }
    const text = await readTextAtMost(response, maxBytes).catch((error: unknown) => {
      throw new IntrospectionError(`Reading the introspection answer failed`, { cause: error });
    });
    if (text === undefined) throw new IntrospectionError(`The introspection answer is too large`);
    let answer: unknown;
    try {
      answer = JSON.parse(text);
    } catch (error) {
      throw new IntrospectionError(`The introspection answer is not JSON`, { cause: error });
    }
    if (typeof answer !== "object" || answer === null || Array.isArray(answer)) {
      throw new IntrospectionError(`The introspection answer is not a JSON object`);
    }
    return answer as JwtClaims;
  }

  function remember(token: string, verified: VerifiedToken): void {
    if (cacheMs <= 0) return;
    const expiry = verified.expiresAt === undefined ? Infinity : verified.expiresAt * 1000;
    const until = Math.min(now() + cacheMs, expiry);
    if (until <= now()) return;
    cache.delete(token);
    while (cache.size >= maxEntries) {
      const oldest = cache.keys().next();
      if (oldest.done) break;
      cache.delete(oldest.value);
    }
    cache.set(token, { verified, until });
  }

  return async (token: string): Promise<VerifiedToken> => {
    const cached = cache.get(token);
    if (cached !== undefined) {
      if (now() < cached.until) return { ...cached.verified, scopes: [...cached.verified.scopes] };
      cache.delete(token);
    }
    const answer = await ask(token);
    if (answer.active !== true) throw new InvalidTokenError("The access token is not active");
    if (
      issuers !== undefined && answer.iss !== undefined && !issuers.includes(String(answer.iss))
    ) {
      throw new InvalidTokenError("The access token's issuer is not accepted");
    }
    const nowSeconds = now() / 1000;
    if (typeof answer.exp === "number" && nowSeconds >= answer.exp) {
      throw new InvalidTokenError("The access token expired");
    }
    if (typeof answer.nbf === "number" && answer.nbf > nowSeconds) {
      throw new InvalidTokenError("The access token is not valid yet");
    }
    const verified = principalOf(token, answer);
    remember(token, verified);
    return { ...verified, scopes: [...verified.scopes] };
  };
}
