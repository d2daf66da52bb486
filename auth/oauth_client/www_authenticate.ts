/**
 * Reading `WWW-Authenticate` (RFC 9110 §11.6.1): every challenge with its
 * auth-params or token68, and the summary the OAuth client acts on — the
 * Bearer (RFC 6750 §3) and DPoP (RFC 9449 §7.1) parameters `error`, `scope`
 * and `resource_metadata` (RFC 9728 §5.1).
 *
 * @module
 */

/** One challenge of a `WWW-Authenticate` header. */
export interface AuthenticationChallenge {
  /** The auth scheme as sent; compare it case-insensitively. */
  scheme: string;
  /** The token68 form, when the challenge used it instead of parameters. */
  token68?: string;
  /** The auth-params, names lower-cased, values unquoted. */
  params: { [name: string]: string };
}

/** What the Bearer/DPoP challenges of a refusal ask for. */
export interface ResourceChallenge {
  /** The schemes offered, lower-cased (e.g. `["dpop", "bearer"]`). */
  schemes: string[];
  /** The RFC 6750 / RFC 9449 error code, e.g. `invalid_token`, `insufficient_scope`, `use_dpop_nonce`. */
  error?: string;
  /** The human-readable reason. */
  errorDescription?: string;
  /** The scopes the challenge names (`scope`), in order, without duplicates. */
  scopes?: string[];
  /** The protected resource metadata URL (`resource_metadata`). */
  resourceMetadata?: string;
  /** The DPoP algorithms the server accepts (`algs` of a DPoP challenge). */
  dpopAlgorithms?: string[];
}

const TCHAR = /[!#$%&'*+\-.^_`|~0-9A-Za-z]/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*/;

/**
 * Every challenge of a `WWW-Authenticate` value (several headers arrive joined
 * with commas). Malformed parts are skipped rather than failing the whole header.
 *
 * @example
 * ```ts
 * import { parseWwwAuthenticate } from "./www_authenticate.ts";
 * parseWwwAuthenticate('Bearer error="invalid_token", scope="a b", DPoP algs="ES256"');
 * // → [{ scheme: "Bearer", params: { error: "invalid_token", scope: "a b" } },
 * //    { scheme: "DPoP", params: { algs: "ES256" } }]
 * ```
 */
export function parseWwwAuthenticate(header: string): AuthenticationChallenge[] {
  const challenges: AuthenticationChallenge[] = [];
  let current: AuthenticationChallenge | undefined;
  let i = 0;
  const n = header.length;
  const skip = (chars: RegExp) => {
    while (i < n && chars.test(header[i])) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n && TCHAR.test(header[i])) i++;
    return header.slice(start, i);
  };
  const readQuoted = (): string => {
    let value = "";
    i++; // opening quote
    while (i < n && header[i] !== '"') {
      if (header[i] === "\\" && i + 1 < n) i++;
      value += header[i++];
    }
    i++; // closing quote
    return value;
  };
  /** Whether position `i` holds `token BWS "="` followed by a value (an auth-param). */
  const atParam = (): boolean => {
    let j = i;
    while (j < n && TCHAR.test(header[j])) j++;
    if (j === i) return false;
    while (j < n && (header[j] === " " || header[j] === "\t")) j++;
    if (header[j] !== "=") return false;
    j++;
    while (j < n && (header[j] === " " || header[j] === "\t")) j++;
    return j < n && header[j] !== "," && header[j] !== "=";
  };

  while (i < n) {
    skip(/[\s,]/);
    if (i >= n) break;
    if (current && atParam()) {
      const name = readToken().toLowerCase();
      skip(/[ \t]/);
      i++; // "="
      skip(/[ \t]/);
      const value = header[i] === '"' ? readQuoted() : readToken();
      if (!(name in current.params)) current.params[name] = value;
      continue;
    }
    const scheme = readToken();
    if (scheme === "") {
      i++; // not a token character: skip it
      continue;
    }
    current = { scheme, params: {} };
    challenges.push(current);
    skip(/[ \t]/);
    const token68 = TOKEN68.exec(header.slice(i));
    if (token68 && !atParam()) {
      const after = header.slice(i + token68[0].length).trimStart();
      if (after === "" || after.startsWith(",")) {
        current.token68 = token68[0];
        i += token68[0].length;
      }
    }
  }
  return challenges;
}

function words(value: string): string[] {
  return [...new Set(value.split(" ").filter((word) => word !== ""))];
}

/**
 * The Bearer and DPoP parts of a `WWW-Authenticate` value, merged (the first
 * value of each parameter wins); undefined when it has neither scheme.
 *
 * @example
 * ```ts
 * import { resourceChallenge } from "./www_authenticate.ts";
 * resourceChallenge(
 *   'Bearer error="insufficient_scope", scope="files:read files:write", ' +
 *     'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource"',
 * );
 * // → { schemes: ["bearer"], error: "insufficient_scope", scopes: ["files:read", "files:write"],
 * //     resourceMetadata: "https://mcp.example.com/.well-known/oauth-protected-resource" }
 * ```
 */
export function resourceChallenge(
  header: string | null | undefined,
): ResourceChallenge | undefined {
  if (!header) return undefined;
  const result: ResourceChallenge = { schemes: [] };
  for (const challenge of parseWwwAuthenticate(header)) {
    const scheme = challenge.scheme.toLowerCase();
    if (scheme !== "bearer" && scheme !== "dpop") continue;
    if (!result.schemes.includes(scheme)) result.schemes.push(scheme);
    const { error, error_description, scope, resource_metadata, algs } = challenge.params;
    // A nonce demand says what to do next, so it outranks another scheme's error.
    if (error !== undefined && (result.error === undefined || error === "use_dpop_nonce")) {
      result.error = error;
    }
    if (error_description !== undefined) result.errorDescription ??= error_description;
    if (scope !== undefined && result.scopes === undefined) result.scopes = words(scope);
    if (resource_metadata !== undefined) result.resourceMetadata ??= resource_metadata;
    if (scheme === "dpop" && algs !== undefined) result.dpopAlgorithms ??= words(algs);
  }
  return result.schemes.length === 0 ? undefined : result;
}
