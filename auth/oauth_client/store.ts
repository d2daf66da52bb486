/**
 * Where the OAuth client keeps what it obtained: tokens keyed by issuer and
 * resource, client credentials keyed by issuer (the MCP specification binds
 * them to the authorization server that issued them), behind an interface a
 * file or keychain store can implement. {@link MemoryTokenStore} keeps them
 * for the life of the process.
 *
 * @module
 */
import type { ClientCredentials } from "./client_auth.ts";

/** Which tokens: those of one authorization server for one resource. */
export interface TokenStoreKey {
  /** The authorization server's issuer identifier. */
  issuer: string;
  /** The resource (RFC 8707) the tokens are for. */
  resource: string;
}

/** Tokens as stored. Every member is JSON-safe. */
export interface StoredTokens {
  /** The access token. */
  accessToken: string;
  /** `Bearer`, or `DPoP` for a token bound to {@link StoredTokens.dpopThumbprint}. */
  tokenType: "Bearer" | "DPoP";
  /** When the token was obtained, ms since the epoch. */
  obtainedAt: number;
  /** When it expires, ms since the epoch; absent when the server gave no lifetime. */
  expiresAt?: number;
  /** The refresh token, if any. */
  refreshToken?: string;
  /** The scopes asked for when the grant was made; a refresh asks for them again. */
  requestedScope?: string;
  /** The scopes granted (the server's `scope`, else those asked). */
  grantedScope?: string;
  /** The thumbprint of the DPoP key the token (and refresh token) is bound to. */
  dpopThumbprint?: string;
}

/**
 * Storage for tokens and client credentials. Implementations must keep the
 * values confidential (OAuth 2.1 §7.1). A persistent store (a file in
 * `runtime/`, a keychain) needs: a JSON document with `tokens` keyed by
 * `issuer + " " + resource` and `clients` keyed by issuer; writes that
 * replace the file atomically (write then rename) with owner-only
 * permissions (0600); and to drop `privateKey` from credentials it persists,
 * since keys come from the application's configuration.
 */
export interface TokenStore {
  /** The tokens for `key`, if any. */
  getTokens(key: TokenStoreKey): Promise<StoredTokens | undefined>;
  /** Replaces the tokens for `key`. */
  setTokens(key: TokenStoreKey, tokens: StoredTokens): Promise<void>;
  /** Forgets the tokens for `key`. */
  deleteTokens(key: TokenStoreKey): Promise<void>;
  /** The client credentials registered at `issuer`, if any. */
  getClient(issuer: string): Promise<ClientCredentials | undefined>;
  /** Replaces the client credentials of `issuer`. */
  setClient(issuer: string, client: ClientCredentials): Promise<void>;
  /** Forgets the client credentials of `issuer`. */
  deleteClient(issuer: string): Promise<void>;
}

function tokenKey(key: TokenStoreKey): string {
  return `${key.issuer} ${key.resource}`;
}

/**
 * A {@link TokenStore} in memory: nothing survives the process.
 *
 * @example
 * ```ts
 * import { MemoryTokenStore } from "./store.ts";
 * const store = new MemoryTokenStore();
 * const key = { issuer: "https://auth.example.com", resource: "https://mcp.example.com/mcp" };
 * await store.setTokens(key, { accessToken: "abc", tokenType: "Bearer", obtainedAt: Date.now() });
 * (await store.getTokens(key))?.accessToken; // → "abc"
 * ```
 */
export class MemoryTokenStore implements TokenStore {
  #tokens = new Map<string, StoredTokens>();
  #clients = new Map<string, ClientCredentials>();

  /** The tokens for `key`, if any. */
  getTokens(key: TokenStoreKey): Promise<StoredTokens | undefined> {
    return Promise.resolve(this.#tokens.get(tokenKey(key)));
  }

  /** Replaces the tokens for `key`. */
  setTokens(key: TokenStoreKey, tokens: StoredTokens): Promise<void> {
    this.#tokens.set(tokenKey(key), { ...tokens });
    return Promise.resolve();
  }

  /** Forgets the tokens for `key`. */
  deleteTokens(key: TokenStoreKey): Promise<void> {
    this.#tokens.delete(tokenKey(key));
    return Promise.resolve();
  }

  /** The client credentials registered at `issuer`, if any. */
  getClient(issuer: string): Promise<ClientCredentials | undefined> {
    return Promise.resolve(this.#clients.get(issuer));
  }

  /** Replaces the client credentials of `issuer`. */
  setClient(issuer: string, client: ClientCredentials): Promise<void> {
    this.#clients.set(issuer, { ...client });
    return Promise.resolve();
  }

  /** Forgets the client credentials of `issuer`. */
  deleteClient(issuer: string): Promise<void> {
    this.#clients.delete(issuer);
    return Promise.resolve();
  }
}

/**
 * Whether an access token may still be sent: never once expired, and not
 * within `skewMs` of expiry (at most half its lifetime, so short-lived tokens
 * are still used).
 *
 * @example
 * ```ts
 * import { accessTokenUsable } from "./store.ts";
 * const tokens = { accessToken: "a", tokenType: "Bearer" as const, obtainedAt: 0, expiresAt: 3_600_000 };
 * accessTokenUsable(tokens, 3_590_000, 30_000); // → false: inside the skew
 * accessTokenUsable(tokens, 1_000, 30_000); // → true
 * ```
 */
export function accessTokenUsable(tokens: StoredTokens, now: number, skewMs: number): boolean {
  if (tokens.expiresAt === undefined) return true;
  const margin = Math.min(skewMs, Math.max(0, (tokens.expiresAt - tokens.obtainedAt) / 2));
  return now < tokens.expiresAt - margin;
}
