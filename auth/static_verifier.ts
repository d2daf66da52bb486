/**
 * A fixed table of tokens, for development and tests.
 *
 * @module
 */
import type { TokenVerifier, VerifiedToken } from "./bearer.ts";

/** What a static token stands for; `token` is filled in from the table key. */
export type StaticTokenEntry = Omit<VerifiedToken, "token"> & { token?: string };

/** Options of {@link staticTokenVerifier}. */
export interface StaticTokenVerifierOptions {
  /** Audience given to entries that name none, typically the server's resource URI. */
  audience?: string | string[];
}

const encoder = new TextEncoder();

/** Equality whose time depends only on the lengths, so a guess learns nothing from timing. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) difference |= a[i] ^ (b[i] ?? 0);
  return difference === 0;
}

/**
 * A verifier that accepts exactly the tokens of `tokens`. For development and
 * tests only: real deployments verify tokens their authorization server issued.
 *
 * @example
 * ```ts
 * import { staticTokenVerifier } from "./static_verifier.ts";
 * const verify = staticTokenVerifier(
 *   { "dev-token": { subject: "ada", scopes: ["mcp"] } },
 *   { audience: "http://127.0.0.1:3000/mcp" },
 * );
 * // verify("dev-token", request) → { token: "dev-token", subject: "ada", scopes: ["mcp"], audience: … }
 * ```
 */
export function staticTokenVerifier(
  tokens: { [token: string]: StaticTokenEntry },
  options: StaticTokenVerifierOptions = {},
): TokenVerifier {
  const table = Object.entries(tokens).map(([token, entry]) => ({
    bytes: encoder.encode(token),
    verified: {
      ...entry,
      token,
      scopes: entry.scopes ?? [],
      audience: entry.audience ?? options.audience,
    } as VerifiedToken,
  }));
  return (token: string): VerifiedToken | undefined => {
    const bytes = encoder.encode(token);
    let found: VerifiedToken | undefined;
    // Compare against every entry so the time does not tell which prefix matched.
    for (const entry of table) {
      if (sameBytes(bytes, entry.bytes)) found = entry.verified;
    }
    return found === undefined ? undefined : { ...found, scopes: [...found.scopes] };
  };
}
