/**
 * What the authorization server remembers, behind an interface: clients,
 * authorization codes, grants (a refresh-token family and the access tokens
 * issued under it) and revoked access tokens. Codes, refresh tokens and client
 * secrets are kept only as SHA-256 digests. `memoryStore` is the default.
 *
 * @module
 */

/** How a client authenticates at the token endpoint (RFC 7591 §2). */
export type TokenEndpointAuthMethod = "client_secret_basic" | "client_secret_post" | "none";

/** The grants this authorization server implements. */
export type GrantType = "authorization_code" | "refresh_token" | "client_credentials";

/** A registered client. */
export interface ClientRecord {
  /** The client identifier. */
  clientId: string;
  /** SHA-256 (base64url) of the secret of a confidential client; absent for public clients. */
  secretHash?: string;
  /** The redirect URIs, compared exactly. */
  redirectUris: readonly string[];
  /** The grants it may use. */
  grantTypes: readonly GrantType[];
  /** How it registered to authenticate; confidential clients may use either secret method. */
  tokenEndpointAuthMethod: TokenEndpointAuthMethod;
  /** Human-readable name, shown on the consent page. */
  clientName?: string;
  /** The client's home page, shown on the consent page. */
  clientUri?: string;
  /** May introspect tokens issued to other clients (a resource server). */
  mayIntrospect?: boolean;
  /** When it registered, seconds since the epoch. */
  issuedAt: number;
  /** Where it came from: configuration, dynamic registration, or a metadata document. */
  origin: "configured" | "registered" | "metadata-document";
}

/** An authorization code, stored by digest until shortly after it expires. */
export interface AuthorizationCodeRecord {
  /** SHA-256 (base64url) of the code. */
  codeHash: string;
  /** The client it was issued to. */
  clientId: string;
  /** The redirect URI it was delivered to. */
  redirectUri: string;
  /** Whether the authorization request named `redirect_uri` (then the token request must too). */
  redirectUriGiven: boolean;
  /** The PKCE S256 challenge. */
  codeChallenge: string;
  /** The `dpop_jkt` (RFC 9449 §10) the code is bound to: the token request's proof key. */
  dpopJkt?: string;
  /** The resource (RFC 8707) the tokens are for. */
  resource: string;
  /** The granted scopes. */
  scopes: readonly string[];
  /** The resource owner. */
  subject: string;
  /** Expiry, ms since the epoch. */
  expiresAt: number;
  /** The grant its tokens belong to, so a replay can revoke them. */
  grantId: string;
}

/** An access token issued under a grant, remembered so revoking the grant revokes it. */
export interface IssuedAccessToken {
  /** The JWT `jti`. */
  jti: string;
  /** Its expiry, ms since the epoch. */
  expiresAt: number;
}

/** One authorization: its current refresh token and the access tokens issued under it. */
export interface GrantRecord {
  /** The grant id. */
  grantId: string;
  /** The client it belongs to. */
  clientId: string;
  /** The resource owner. */
  subject: string;
  /** The scopes granted; refreshed tokens may narrow them, never widen. */
  scopes: readonly string[];
  /** The resource the tokens are for. */
  resource: string;
  /** SHA-256 of the current refresh token; absent when none was issued. */
  refreshTokenHash?: string;
  /** When the grant (and its refresh tokens) ends, ms since the epoch. */
  expiresAt: number;
  /** Whether it was revoked. */
  revoked: boolean;
  /** Access tokens issued under it that may still be unexpired. */
  accessTokens: readonly IssuedAccessToken[];
}

/** What a refresh-token digest leads to. */
export interface RefreshTokenLookup {
  /** The grant the token was issued under. */
  grant: GrantRecord;
  /** Whether it is the grant's current refresh token (false: an already rotated one). */
  current: boolean;
}

/** What using a code found. */
export interface CodeUse {
  /** The code. */
  code: AuthorizationCodeRecord;
  /** True the first time; false on a replay. */
  firstUse: boolean;
}

/**
 * Storage of the authorization server. Each method must be atomic on its own
 * (`consumeCode` and `rotateRefreshToken` are compare-and-set), so several
 * processes can share one store.
 */
export interface AuthorizationServerStore {
  /** The client with this id. */
  getClient(clientId: string): Promise<ClientRecord | undefined>;
  /** Adds or replaces a client. */
  saveClient(client: ClientRecord): Promise<void>;
  /** Stores a new code. */
  saveCode(code: AuthorizationCodeRecord): Promise<void>;
  /**
   * The code with this digest, used or not, without using it: the token
   * endpoint checks what a wrong request must not spoil (the `dpop_jkt`
   * binding) before {@link AuthorizationServerStore.consumeCode}.
   */
  peekCode(codeHash: string): Promise<AuthorizationCodeRecord | undefined>;
  /** Marks the code used and says whether it had been used before. */
  consumeCode(codeHash: string): Promise<CodeUse | undefined>;
  /** Stores a new grant; one whose id was revoked before is stored revoked. */
  saveGrant(grant: GrantRecord): Promise<void>;
  /** The grant with this id. */
  getGrant(grantId: string): Promise<GrantRecord | undefined>;
  /** The grant a refresh token (current or rotated) was issued under. */
  findGrantByRefreshToken(refreshTokenHash: string): Promise<RefreshTokenLookup | undefined>;
  /**
   * Replaces the grant's current refresh token `from` by `to` and records the
   * new access token; false (and no change) when `from` is no longer current
   * or the grant was revoked.
   */
  rotateRefreshToken(
    grantId: string,
    from: string,
    to: string,
    accessToken: IssuedAccessToken,
  ): Promise<boolean>;
  /** Revokes a grant, its refresh tokens and its access tokens; remembered even before it exists. */
  revokeGrant(grantId: string): Promise<void>;
  /** Revokes one access token until it expires. */
  revokeAccessToken(token: IssuedAccessToken): Promise<void>;
  /** Whether an access token was revoked. */
  isAccessTokenRevoked(jti: string): Promise<boolean>;
}

/** Options of {@link memoryStore}. */
export interface MemoryStoreOptions {
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Dynamically registered clients kept at most; registration fails beyond. Default 10 000. */
  maxRegisteredClients?: number;
}

/** A store refusing a write because it is full. */
export class StoreFullError extends Error {
  /** `message` says what is full. */
  constructor(message: string) {
    super(message);
    this.name = "StoreFullError";
  }
}

/** Used codes are kept this long after expiry, so a late replay still revokes. */
const REPLAY_MEMORY_MS = 10 * 60_000;
/** Expired entries are swept once every this many writes. */
const SWEEP_EVERY = 256;

/**
 * An in-memory {@link AuthorizationServerStore} for one process: everything
 * is lost on restart. Expired codes, grants and revocations are swept as
 * writes happen.
 *
 * @example
 * ```ts
 * import { memoryStore } from "./store.ts";
 * const store = memoryStore();
 * await store.getClient("unknown"); // → undefined
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): AuthorizationServerStore {
  const now = options.now ?? Date.now;
  const maxRegistered = options.maxRegisteredClients ?? 10_000;
  const clients = new Map<string, ClientRecord>();
  const codes = new Map<string, { code: AuthorizationCodeRecord; used: boolean }>();
  const grants = new Map<string, GrantRecord>();
  const refreshIndex = new Map<string, string>();
  const revokedGrants = new Map<string, number>();
  const revokedTokens = new Map<string, number>();
  let registered = 0;
  let writes = 0;

  function sweep(): void {
    if (++writes % SWEEP_EVERY !== 0) return;
    const time = now();
    for (const [hash, entry] of codes) {
      if (entry.code.expiresAt + REPLAY_MEMORY_MS < time) codes.delete(hash);
    }
    for (const [hash, grantId] of refreshIndex) {
      const grant = grants.get(grantId);
      if (grant === undefined || grant.expiresAt < time) refreshIndex.delete(hash);
    }
    for (const [grantId, grant] of grants) if (grant.expiresAt < time) grants.delete(grantId);
    for (const [grantId, until] of revokedGrants) if (until < time) revokedGrants.delete(grantId);
    for (const [jti, until] of revokedTokens) if (until < time) revokedTokens.delete(jti);
  }

  function revokeTokensOf(grant: GrantRecord): void {
    for (const token of grant.accessTokens) revokedTokens.set(token.jti, token.expiresAt);
  }

  function live(tokens: readonly IssuedAccessToken[]): IssuedAccessToken[] {
    const time = now();
    return tokens.filter((token) => token.expiresAt > time);
  }

  return {
    getClient: (clientId) => Promise.resolve(clients.get(clientId)),
    saveClient(client) {
      const isNew = !clients.has(client.clientId);
      if (isNew && client.origin === "registered") {
        if (registered >= maxRegistered) {
          return Promise.reject(new StoreFullError("Too many registered clients"));
        }
        registered += 1;
      }
      clients.set(client.clientId, client);
      return Promise.resolve();
    },
    saveCode(code) {
      sweep();
      codes.set(code.codeHash, { code, used: false });
      return Promise.resolve();
    },
    peekCode: (codeHash) => Promise.resolve(codes.get(codeHash)?.code),
    consumeCode(codeHash) {
      const entry = codes.get(codeHash);
      if (entry === undefined) return Promise.resolve(undefined);
      const firstUse = !entry.used;
      entry.used = true;
      return Promise.resolve({ code: entry.code, firstUse });
    },
    saveGrant(grant) {
      sweep();
      const stored = { ...grant, accessTokens: [...grant.accessTokens] };
      if (revokedGrants.has(grant.grantId)) {
        stored.revoked = true;
        revokeTokensOf(stored);
      }
      grants.set(grant.grantId, stored);
      if (grant.refreshTokenHash !== undefined) {
        refreshIndex.set(grant.refreshTokenHash, grant.grantId);
      }
      return Promise.resolve();
    },
    getGrant: (grantId) => Promise.resolve(grants.get(grantId)),
    findGrantByRefreshToken(refreshTokenHash) {
      const grantId = refreshIndex.get(refreshTokenHash);
      const grant = grantId === undefined ? undefined : grants.get(grantId);
      if (grant === undefined) return Promise.resolve(undefined);
      return Promise.resolve({ grant, current: grant.refreshTokenHash === refreshTokenHash });
    },
    rotateRefreshToken(grantId, from, to, accessToken) {
      sweep();
      const grant = grants.get(grantId);
      if (grant === undefined || grant.revoked || grant.refreshTokenHash !== from) {
        return Promise.resolve(false);
      }
      grants.set(grantId, {
        ...grant,
        refreshTokenHash: to,
        accessTokens: [...live(grant.accessTokens), accessToken],
      });
      refreshIndex.set(to, grantId);
      return Promise.resolve(true);
    },
    revokeGrant(grantId) {
      sweep();
      const grant = grants.get(grantId);
      revokedGrants.set(grantId, grant?.expiresAt ?? now() + REPLAY_MEMORY_MS);
      if (grant !== undefined) {
        grants.set(grantId, { ...grant, revoked: true });
        revokeTokensOf(grant);
      }
      return Promise.resolve();
    },
    revokeAccessToken(token) {
      sweep();
      revokedTokens.set(token.jti, token.expiresAt);
      return Promise.resolve();
    },
    isAccessTokenRevoked: (jti) => Promise.resolve(revokedTokens.has(jti)),
  };
}
