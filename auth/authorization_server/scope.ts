/**
 * Scopes (RFC 6749 §3.3) and resource indicators (RFC 8707) of a request:
 * what the client asks for, checked against what this server offers.
 *
 * @module
 */
import { canonicalResourceUri } from "../resource.ts";
import { OAuthError } from "./http.ts";

/** RFC 6749 §3.3 `scope-token`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * `offline_access` asks for a refresh token, which this server issues to
 * every client registered for the refresh_token grant; it is accepted and
 * never put in a token.
 */
const OFFLINE_ACCESS = "offline_access";

/** What a server offers. */
export interface ScopePolicy {
  /** The scopes it grants; `undefined` grants any well-formed scope. */
  supported?: readonly string[];
  /** The scopes granted when a request names none. */
  defaults: readonly string[];
}

/**
 * The scopes to grant for the `scope` parameter `requested`: the defaults when
 * absent, otherwise each named scope, which must be supported and, when
 * `within` is given (a refresh), already granted. Throws `invalid_scope`.
 *
 * @example
 * ```ts
 * import { grantedScopes } from "./scope.ts";
 * grantedScopes("mcp files:read", { supported: ["mcp", "files:read"], defaults: ["mcp"] });
 * // → ["mcp", "files:read"]
 * grantedScopes(null, { supported: ["mcp"], defaults: ["mcp"] }); // → ["mcp"]
 * ```
 */
export function grantedScopes(
  requested: string | null,
  policy: ScopePolicy,
  within?: readonly string[],
): string[] {
  if (requested === null) return [...(within ?? policy.defaults)];
  const named = [...new Set(requested.split(" ").filter((scope) => scope !== ""))];
  const scopes: string[] = [];
  for (const scope of named) {
    if (!SCOPE_TOKEN.test(scope)) {
      throw new OAuthError("invalid_scope", `The scope ${JSON.stringify(scope)} is malformed`);
    }
    if (scope === OFFLINE_ACCESS) continue;
    if (within !== undefined && !within.includes(scope)) {
      throw new OAuthError("invalid_scope", `The scope ${scope} was not granted`);
    }
    if (policy.supported !== undefined && !policy.supported.includes(scope)) {
      throw new OAuthError("invalid_scope", `The scope ${scope} is not supported`);
    }
    scopes.push(scope);
  }
  return scopes;
}

/**
 * The resource the tokens will be for, in canonical form: the one `resource`
 * parameter of `values`, or the default (the first of `accepted`) when there
 * is none. With `accepted`, only those are allowed; `bound` (a code or a
 * grant) must be matched exactly. Throws `invalid_target`.
 *
 * @example
 * ```ts
 * import { chosenResource } from "./scope.ts";
 * chosenResource(["https://mcp.example.com/mcp"], ["https://mcp.example.com/mcp"]);
 * // → "https://mcp.example.com/mcp"
 * chosenResource([], ["https://mcp.example.com/mcp"]); // → "https://mcp.example.com/mcp"
 * ```
 */
export function chosenResource(
  values: readonly string[],
  accepted: readonly string[] | undefined,
  bound?: string,
): string {
  if (values.length > 1) {
    throw new OAuthError("invalid_target", "Name one resource per request");
  }
  if (values.length === 0) {
    const fallback = bound ?? accepted?.[0];
    if (fallback === undefined) {
      throw new OAuthError("invalid_target", "The resource parameter is required");
    }
    return fallback;
  }
  let resource: string;
  try {
    resource = canonicalResourceUri(values[0]);
  } catch (error) {
    throw new OAuthError("invalid_target", "The resource is not an absolute http(s) URI", {
      cause: error,
    });
  }
  if (bound !== undefined && resource !== bound) {
    throw new OAuthError("invalid_target", "The resource differs from the one authorized");
  }
  if (accepted !== undefined && !accepted.includes(resource)) {
    throw new OAuthError(
      "invalid_target",
      "This authorization server does not issue tokens for that resource",
    );
  }
  return resource;
}
