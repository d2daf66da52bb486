/**
 * The DPoP side of {@link OAuthTokenProvider}: whether to bind tokens (the
 * `dpop` option against what the authorization server and the resource
 * say), the key (created on first use), the nonces servers hand out, and the
 * `Authorization` and `DPoP` headers of a request with a bound token.
 *
 * @module
 */
import type {
  AuthChallenge,
  AuthorizationHeaders,
  TokenRequestContext,
} from "../../protocol/token_provider.ts";
import type { DiscoveredAuthorization } from "./discovery.ts";
import {
  createDpopKey,
  type DpopKey,
  DpopNonces,
  dpopProof,
  dpopProofNonce,
  supportsDpopEs256,
} from "./dpop.ts";
import type { StoredTokens } from "./store.ts";
import type { TokenRequestDpop } from "./token_request.ts";
import type { ResourceChallenge } from "./www_authenticate.ts";

/** The `Authorization` value of stored tokens: `Bearer …` or `DPoP …`. */
export function authorizationValue(tokens: StoredTokens): string {
  return `${tokens.tokenType} ${tokens.accessToken}`;
}

/** Options of {@link ProviderDpop}. */
export interface ProviderDpopOptions {
  /** The provider's `dpop` option. Default `"auto"`. */
  mode?: boolean | "auto";
  /** A key to use instead of a fresh one. */
  key?: DpopKey;
  /** The clock, ms since the epoch. */
  now: () => number;
}

/** One provider's DPoP state. */
export class ProviderDpop {
  #mode: boolean | "auto";
  #given: DpopKey | undefined;
  #key: Promise<DpopKey> | undefined;
  #now: () => number;
  #nonces = new DpopNonces();
  #wanted = false;

  /** Nothing is generated until a key is first needed. */
  constructor(options: ProviderDpopOptions) {
    this.#mode = options.mode ?? "auto";
    this.#given = options.key;
    this.#now = options.now;
  }

  /** The key pair: the one given, or one generated once. */
  keyPair(): Promise<DpopKey> {
    return this.#key ??= this.#given ? Promise.resolve(this.#given) : createDpopKey();
  }

  /**
   * Decides, on each authorization, whether new tokens are bound: never with
   * `false` or a server without ES256; with `true` always; with `"auto"` once
   * the resource asked (a `DPoP` challenge or `dpop_bound_access_tokens_required`).
   */
  decide(found: DiscoveredAuthorization, parsed: ResourceChallenge | undefined): void {
    const mode = this.#mode;
    if (mode === false || !supportsDpopEs256(found.metadata.dpop_signing_alg_values_supported)) {
      this.#wanted = false;
      return;
    }
    this.#wanted = mode === true || this.#wanted || parsed?.schemes.includes("dpop") === true ||
      found.resourceMetadata?.dpop_bound_access_tokens_required === true;
  }

  /** The DPoP settings of a token request; `force` for refreshing tokens already bound. */
  async forTokenRequest(force = false): Promise<TokenRequestDpop | undefined> {
    if (!force && !this.#wanted) return undefined;
    return { key: await this.keyPair(), nonces: this.#nonces };
  }

  /** Whether stored tokens can be used with this key (unbound ones always can). */
  async boundToOurKey(tokens: StoredTokens): Promise<boolean> {
    if (tokens.dpopThumbprint === undefined) return true;
    if (this.#key === undefined && this.#given === undefined) return false;
    return (await this.keyPair()).thumbprint === tokens.dpopThumbprint;
  }

  /** Records a resource's `use_dpop_nonce`; false when retrying would not help. */
  acceptNonce(challenge: AuthChallenge): boolean {
    const nonce = challenge.dpopNonce;
    if (!nonce || challenge.sent?.dpop === undefined) return false;
    if (dpopProofNonce(challenge.sent.dpop) === nonce) return false;
    this.#nonces.set(challenge.url, nonce);
    return true;
  }

  /** The headers of a request with bound tokens: a fresh proof each time. */
  async headers(tokens: StoredTokens, request: TokenRequestContext): Promise<AuthorizationHeaders> {
    const proof = await dpopProof(await this.keyPair(), {
      method: request.method,
      url: request.url,
      accessToken: tokens.accessToken,
      nonce: this.#nonces.get(request.url),
      now: this.#now(),
    });
    return { authorization: authorizationValue(tokens), dpop: proof };
  }
}
