/**
 * The options of the authorization server and the context its endpoints
 * share once they are resolved: defaults filled in, the signing key ready,
 * configured clients in the store.
 *
 * @module
 */
import { dpopNonces, type DpopNonceSource } from "../dpop_proof.ts";
import { canonicalResourceUri } from "../resource.ts";
import {
  type ClientMetadataDocumentLoader,
  clientMetadataDocumentLoader,
  type ClientMetadataDocumentOptions,
} from "./client_metadata_document.ts";
import { type ConfiguredClient, configuredClientRecord } from "./clients.ts";
import { consentPage, type ConsentStep } from "./consent.ts";
import { generateSigningKey, importSigningKey, type SigningKey } from "./keys.ts";
import type { ScopePolicy } from "./scope.ts";
import { createSealer, type Sealer } from "./secrets.ts";
import {
  type AuthorizationServerStore,
  memoryStore,
  type TokenEndpointAuthMethod,
} from "./store.ts";

/** DPoP (RFC 9449) settings of the token endpoint. */
export interface AuthorizationServerDpopOptions {
  /**
   * Require server-provided nonces (RFC 9449 §8): a proof without the current
   * nonce is answered 400 `use_dpop_nonce` with a `DPoP-Nonce` header, and
   * every token response carries the nonce to use next. Default false.
   */
  requireNonce?: boolean;
  /** How often the nonce changes, seconds (the previous one stays valid). Default 300. */
  nonceRotateSeconds?: number;
}

/** Options of `authorizationServer`. */
export interface AuthorizationServerOptions {
  /**
   * The issuer identifier (RFC 8414 §2): the URL the server is mounted at,
   * e.g. `https://auth.example.com` or `http://127.0.0.1:3000`. https, or
   * http on a loopback host; no query or fragment. Endpoints live under it.
   */
  issuer: string | URL;
  /**
   * The resources (RFC 8707) tokens may be issued for; the first is used when
   * a request names none. Default: any resource, and requests must name one.
   */
  resources?: readonly (string | URL)[];
  /** The scopes granted (`scopes_supported`). Default: any well-formed scope. */
  scopesSupported?: readonly string[];
  /** Scopes granted when a request names none. Default none. */
  defaultScopes?: readonly string[];
  /** Login and consent. Default `consentPage()`: an approve/deny page for one local user. */
  consent?: ConsentStep;
  /** Clients registered up front. */
  clients?: readonly ConfiguredClient[];
  /** Storage. Default `memoryStore({ now })`. */
  store?: AuthorizationServerStore;
  /**
   * The private EC P-256 JWK tokens are signed with. Default: a key generated
   * at start, so tokens do not outlive the process.
   */
  signingKey?: JsonWebKey;
  /**
   * Client authentication methods offered. Default all three; leave out
   * `"none"` to refuse public clients (and metadata-document clients).
   */
  tokenEndpointAuthMethods?: readonly TokenEndpointAuthMethod[];
  /** Serve RFC 7591 dynamic registration at `/register`. Default true. */
  dynamicRegistration?: boolean;
  /** Accept `client_id`s that are metadata-document URLs, fetched with these limits; `false` refuses them. */
  clientMetadataDocuments?: ClientMetadataDocumentOptions | false;
  /** Access-token lifetime, seconds. Default 300. */
  accessTokenTtlSeconds?: number;
  /** Lifetime of a grant and its refresh tokens, seconds. Default 14 days. */
  refreshTokenTtlSeconds?: number;
  /** Authorization-code lifetime, seconds. Default 60. */
  codeTtlSeconds?: number;
  /** Key (≥ 32 bytes) sealing consent forms, so pending consents survive a restart. Default random. */
  consentSecret?: Uint8Array;
  /** DPoP at the token endpoint, e.g. `{ requireNonce: true }`. Proofs are always accepted. */
  dpop?: AuthorizationServerDpopOptions;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** The endpoint URLs, all under the issuer. */
export interface AuthorizationServerEndpoints {
  /** `/authorize`. */
  authorization: string;
  /** `/authorize/consent`, where the consent form posts. */
  consent: string;
  /** `/token`. */
  token: string;
  /** `/register`. */
  registration: string;
  /** `/revoke`. */
  revocation: string;
  /** `/introspect`. */
  introspection: string;
  /** `/jwks`. */
  jwks: string;
}

/** What the endpoints share. */
export interface AuthorizationServerContext {
  /** The issuer identifier. */
  issuer: string;
  /** The endpoint URLs. */
  endpoints: AuthorizationServerEndpoints;
  /** Storage. */
  store: AuthorizationServerStore;
  /** The signing key. */
  key: SigningKey;
  /** Seals consent forms. */
  sealer: Sealer;
  /** The clock, ms. */
  now: () => number;
  /** Access-token lifetime, ms. */
  accessTokenTtlMs: number;
  /** Grant lifetime, ms. */
  refreshTokenTtlMs: number;
  /** Code lifetime, ms. */
  codeTtlMs: number;
  /** Accepted resources in canonical form; `undefined` accepts any. */
  resources: readonly string[] | undefined;
  /** Scopes offered. */
  scopes: ScopePolicy;
  /** Login and consent. */
  consent: ConsentStep;
  /** Client authentication methods offered. */
  authMethods: readonly TokenEndpointAuthMethod[];
  /** Whether `/register` is served. */
  dynamicRegistration: boolean;
  /** Loads metadata-document clients, when they are accepted. */
  loadMetadataDocument: ClientMetadataDocumentLoader | undefined;
  /** The nonces token-endpoint proofs must carry, when required. */
  dpopNonces: DpopNonceSource | undefined;
}

const ALL_METHODS: readonly TokenEndpointAuthMethod[] = [
  "client_secret_basic",
  "client_secret_post",
  "none",
];
const LOOPBACK = new Set(["127.0.0.1", "[::1]", "localhost"]);

/**
 * The canonical issuer identifier; throws a `TypeError` for anything RFC 8414
 * §2 forbids (or plain http off loopback).
 *
 * @example
 * ```ts
 * import { canonicalIssuer } from "./options.ts";
 * canonicalIssuer("http://127.0.0.1:3000/"); // → "http://127.0.0.1:3000"
 * ```
 */
export function canonicalIssuer(issuer: string | URL): string {
  const text = String(issuer);
  let url: URL;
  try {
    url = new URL(text);
  } catch (error) {
    throw new TypeError(`The issuer is not a URL: ${text}`, { cause: error });
  }
  if (url.search !== "" || url.hash !== "" || text.includes("#") || text.includes("?")) {
    throw new TypeError(`The issuer has no query or fragment: ${text}`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
    throw new TypeError(`The issuer uses https (or http on a loopback host): ${text}`);
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

function seconds(value: number | undefined, fallback: number, name: string): number {
  const result = value ?? fallback;
  if (!Number.isFinite(result) || result <= 0) throw new TypeError(`${name} is a positive number`);
  return result * 1000;
}

/**
 * Resolves the options: validates them, generates or imports the signing key
 * and saves the configured clients into the store.
 *
 * @example
 * ```ts
 * import { resolveOptions } from "./options.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * context.endpoints.token; // → "http://127.0.0.1:3000/token"
 * ```
 */
export async function resolveOptions(
  options: AuthorizationServerOptions,
): Promise<AuthorizationServerContext> {
  const issuer = canonicalIssuer(options.issuer);
  const now = options.now ?? Date.now;
  const authMethods = options.tokenEndpointAuthMethods ?? ALL_METHODS;
  for (const method of authMethods) {
    if (!ALL_METHODS.includes(method)) throw new TypeError(`Unknown auth method: ${method}`);
  }
  if (authMethods.length === 0) throw new TypeError("Offer at least one client auth method");
  const store = options.store ?? memoryStore({ now });
  const cimd = options.clientMetadataDocuments;
  const [key, sealer] = await Promise.all([
    options.signingKey === undefined ? generateSigningKey() : importSigningKey(options.signingKey),
    createSealer(options.consentSecret),
  ]);
  const issuedAt = Math.floor(now() / 1000);
  for (const client of options.clients ?? []) {
    const record = await configuredClientRecord(client, issuedAt);
    const usable = record.secretHash === undefined
      ? authMethods.includes("none")
      : authMethods.some((method) => method !== "none");
    if (!usable) {
      throw new TypeError(`The client ${record.clientId} cannot use any auth method offered`);
    }
    await store.saveClient(record);
  }
  const endpoint = (path: string) => `${issuer}${path}`;
  return {
    issuer,
    endpoints: {
      authorization: endpoint("/authorize"),
      consent: endpoint("/authorize/consent"),
      token: endpoint("/token"),
      registration: endpoint("/register"),
      revocation: endpoint("/revoke"),
      introspection: endpoint("/introspect"),
      jwks: endpoint("/jwks"),
    },
    store,
    key,
    sealer,
    now,
    accessTokenTtlMs: seconds(options.accessTokenTtlSeconds, 300, "accessTokenTtlSeconds"),
    refreshTokenTtlMs: seconds(
      options.refreshTokenTtlSeconds,
      14 * 86400,
      "refreshTokenTtlSeconds",
    ),
    codeTtlMs: seconds(options.codeTtlSeconds, 60, "codeTtlSeconds"),
    resources: options.resources?.map((resource) => canonicalResourceUri(resource)),
    scopes: { supported: options.scopesSupported, defaults: options.defaultScopes ?? [] },
    consent: options.consent ?? consentPage(),
    authMethods,
    dynamicRegistration: options.dynamicRegistration ?? true,
    loadMetadataDocument: cimd === false || !authMethods.includes("none")
      ? undefined
      : clientMetadataDocumentLoader({ now, ...cimd }),
    dpopNonces: options.dpop?.requireNonce === true
      ? dpopNonces({
        rotateSeconds: seconds(options.dpop.nonceRotateSeconds, 300, "nonceRotateSeconds") / 1000,
        now,
      })
      : undefined,
  };
}
