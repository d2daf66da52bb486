/**
 * Scope selection (MCP authorization, "Scope Selection Strategy" and
 * "Step-Up Authorization Flow"): the challenge's `scope` first, else the
 * resource metadata's `scopes_supported`, else no `scope` at all; the union
 * with what was asked before on re-authorization; and `offline_access` only
 * when the authorization server lists it.
 *
 * @module
 */

/** The scopes of a space-separated `scope` value, without duplicates. */
export function scopeList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return [...new Set(value.split(" ").filter((scope) => scope !== ""))];
}

/** The union of scope lists, in first-seen order. */
export function unionScopes(...lists: readonly (readonly string[] | undefined)[]): string[] {
  const union = new Set<string>();
  for (const list of lists) for (const scope of list ?? []) union.add(scope);
  return [...union];
}

/** Whether `granted` includes every scope of `required`. */
export function coversScopes(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((scope) => granted.includes(scope));
}

/**
 * The initial scopes: the challenge's, else `scopes_supported` of the
 * resource metadata, else none (the request then omits `scope`).
 *
 * @example
 * ```ts
 * import { selectScopes } from "./scopes.ts";
 * selectScopes(["files:read"], ["mcp:basic"]); // → ["files:read"]
 * selectScopes(undefined, ["mcp:basic", "mcp:read"]); // → ["mcp:basic", "mcp:read"]
 * selectScopes(undefined, undefined); // → []
 * ```
 */
export function selectScopes(
  challenged: readonly string[] | undefined,
  resourceSupported: readonly string[] | undefined,
): string[] {
  if (challenged !== undefined && challenged.length > 0) return [...challenged];
  return resourceSupported !== undefined ? [...new Set(resourceSupported)] : [];
}

/**
 * Adds `offline_access` (to obtain a refresh token) when the authorization
 * server lists it and other scopes are asked: alone it would narrow what a
 * server grants by default.
 */
export function withOfflineAccess(
  scopes: readonly string[],
  serverSupported: readonly string[] | undefined,
): string[] {
  if (scopes.length === 0 || scopes.includes("offline_access")) return [...scopes];
  return Array.isArray(serverSupported) && serverSupported.includes("offline_access")
    ? [...scopes, "offline_access"]
    : [...scopes];
}

/** The `scope` parameter of a list; undefined when empty. */
export function scopeParameter(scopes: readonly string[]): string | undefined {
  return scopes.length === 0 ? undefined : scopes.join(" ");
}
