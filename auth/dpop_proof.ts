/**
 * DPoP proofs (RFC 9449 §4.3): the `DPoP` header of a request must be one
 * fresh JWT signed by a public key it carries, for this method and URL,
 * never seen before; with an access token, bound to it (`ath`) and signed by
 * the key the token is bound to (`cnf.jkt`). Optional server nonces (§9).
 *
 * @module
 */
import {
  ASYMMETRIC_ALGORITHMS,
  isJwtAlgorithm,
  jwkThumbprint,
  type JwtAlgorithm,
  parseJws,
  sha256Base64Url,
  verifySignature,
} from "./jws.ts";
import { type DpopReplayCache, dpopReplayCache } from "./dpop_replay.ts";

/** The DPoP error codes of RFC 9449 §7.1 and §9. */
export type DpopErrorCode = "invalid_dpop_proof" | "use_dpop_nonce";

/**
 * A refused proof: its code, its `error_description` as message, and with
 * `use_dpop_nonce` the nonce the client must use.
 *
 * @example
 * ```ts
 * import { DpopProofError } from "./dpop_proof.ts";
 * const error = new DpopProofError("The DPoP proof must carry the server's nonce", "use_dpop_nonce", "n-1");
 * // error.code → "use_dpop_nonce"; send error.nonce as the DPoP-Nonce header
 * ```
 */
export class DpopProofError extends Error {
  /** The error code of the challenge. */
  readonly code: DpopErrorCode;
  /** The nonce the client must put in its next proof (`DPoP-Nonce`), for `use_dpop_nonce`. */
  readonly nonce?: string;
  /**
   * A refusal with its description and code.
   *
   * @param message the `error_description`.
   * @param code the error code; default `invalid_dpop_proof`.
   * @param nonce the nonce to hand out, with `use_dpop_nonce`.
   * @param options the `cause`, when a lower-level failure led here.
   */
  constructor(
    message: string,
    code: DpopErrorCode = "invalid_dpop_proof",
    nonce?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = "DpopProofError";
    this.code = code;
    if (nonce !== undefined) this.nonce = nonce;
  }
}

/** Server-chosen nonces that proofs must carry (RFC 9449 §9). */
export interface DpopNonceSource {
  /** The nonce to hand out now. */
  current(): string;
  /** Whether a proof's nonce is (still) acceptable. */
  accepts(nonce: string): boolean;
}

/** Options of the DPoP checks ({@link dpopProofChecker}, `bearerAuth({ dpop })`). */
export interface DpopOptions {
  /** Accepted proof algorithms, also announced in challenges. Default ES256, RS256, PS256, EdDSA; never HS256. */
  algorithms?: readonly JwtAlgorithm[];
  /** How old a proof's `iat` may be, seconds. Default 60. */
  maxAgeSeconds?: number;
  /** How far in the future `iat` may be (clock skew), seconds. Default 5. */
  clockToleranceSeconds?: number;
  /**
   * Where seen `jti`s are remembered. Default an in-memory
   * {@link dpopReplayCache} of 10000 entries, one per checker.
   */
  replayCache?: DpopReplayCache;
  /** Require server nonces from this source (e.g. {@link dpopNonces}). Default none. */
  nonces?: DpopNonceSource;
  /**
   * Accept only DPoP-bound tokens (`bearerAuth`): Bearer tokens are refused,
   * challenges name only DPoP, and `withAuth` advertises
   * `dpop_bound_access_tokens_required` (RFC 9449 §5.2). Default false.
   */
  required?: boolean;
  /**
   * The URL the client addressed, when it differs from `request.url` (behind
   * a proxy that rewrites it). Default `request.url`. Used by `bearerAuth`.
   */
  requestUrl?: (request: Request) => string;
  /** The clock, ms since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** What a proof is checked against. */
export interface DpopProofRequest {
  /** The `DPoP` header value (see {@link dpopProofHeader}). */
  proof: string;
  /** The request's method. */
  method: string;
  /** The request's URL (query and fragment are ignored). */
  url: string;
  /** The access token presented with it; its hash must be the proof's `ath`. Absent at a token endpoint. */
  accessToken?: string;
  /** The thumbprint the token is bound to (`cnf.jkt`); the proof's key must have it. */
  jkt?: string;
}

/** A proof that passed: the key that signed it. */
export interface VerifiedDpopProof {
  /** The RFC 7638 SHA-256 thumbprint of the proof's key: the `cnf.jkt` to bind a token to. */
  jkt: string;
  /** The proof's public key. */
  jwk: JsonWebKey;
}

/** Checks one proof; resolves when it is good, rejects with {@link DpopProofError}. */
export type DpopProofChecker = (request: DpopProofRequest) => Promise<VerifiedDpopProof>;

/** Proofs longer than this are refused unread; a generous RSA-8192 proof is about 2.5 KiB. */
const MAX_PROOF_LENGTH = 8192;

/** JWK members that only a private (or symmetric) key has. */
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * `url` without query and fragment, normalised as RFC 9449 §4.3 asks (RFC
 * 3986 §6.2.2 and §6.2.3): scheme and host lower case, no default port, dot
 * segments resolved, percent-encodings in upper case and unreserved
 * characters decoded. `undefined` for anything but an http(s) URL.
 */
export function normalizedHtu(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") return undefined;
  const path = parsed.pathname.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : `%${hex.toUpperCase()}`;
  });
  return `${parsed.protocol}//${parsed.host}${path}`;
}

/**
 * The one `DPoP` header of a request. Throws {@link DpopProofError} when
 * there is none or more than one (joined header values contain a comma, which
 * a compact JWS never does).
 *
 * @example
 * ```ts
 * import { dpopProofHeader } from "./dpop_proof.ts";
 * declare const request: Request;
 * const proof = dpopProofHeader(request); // then check it with dpopProofChecker
 * ```
 */
export function dpopProofHeader(request: Request): string {
  const value = request.headers.get("dpop");
  if (value === null || value.trim() === "") {
    throw new DpopProofError("The request carries no DPoP proof");
  }
  if (value.includes(",")) throw new DpopProofError("The request carries more than one DPoP proof");
  return value.trim();
}

/**
 * Rotating random nonces for {@link DpopOptions.nonces}: a new one every
 * `rotateSeconds`, the previous one still accepted so proofs in flight pass.
 *
 * @example
 * ```ts
 * import { dpopNonces } from "./dpop_proof.ts";
 * const nonces = dpopNonces({ rotateSeconds: 300 });
 * // bearerAuth({ resource, verify, dpop: { nonces } })
 * ```
 */
export function dpopNonces(
  options: { rotateSeconds?: number; now?: () => number } = {},
): DpopNonceSource {
  const periodMs = (options.rotateSeconds ?? 300) * 1000;
  const now = options.now ?? Date.now;
  const fresh = () => {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
  };
  let current = fresh();
  let previous: string | undefined;
  let rotatedAt = now();
  const rotate = () => {
    const at = now();
    const elapsed = at - rotatedAt;
    if (elapsed < periodMs) return;
    // After two periods without traffic the previous nonce is too old as well.
    previous = elapsed < 2 * periodMs ? current : undefined;
    current = fresh();
    rotatedAt = at;
  };
  return {
    current(): string {
      rotate();
      return current;
    },
    accepts(nonce: string): boolean {
      rotate();
      return nonce === current || (previous !== undefined && nonce === previous);
    },
  };
}

/** A JSON object, or `undefined`. */
function objectOf(value: unknown): { [member: string]: unknown } | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? value as { [member: string]: unknown }
    : undefined;
}

/** The proof's public key and its thumbprint, or why there is none usable. */
async function publicKeyOf(header: { [member: string]: unknown }): Promise<VerifiedDpopProof> {
  const jwk = objectOf(header.jwk);
  if (jwk === undefined) throw new DpopProofError("The DPoP proof has no jwk header");
  if (PRIVATE_MEMBERS.some((member) => member in jwk)) {
    throw new DpopProofError("The DPoP proof's jwk is not a public key");
  }
  const jkt = await jwkThumbprint(jwk as JsonWebKey);
  if (jkt === undefined) {
    throw new DpopProofError("The DPoP proof's jwk is not a usable public key");
  }
  return { jkt, jwk: jwk as JsonWebKey };
}

/**
 * The checks of RFC 9449 §4.3: a JWT of at most 8 KiB with `typ`
 * `dpop+jwt`, an accepted asymmetric `alg`, a public `jwk` whose signature
 * verifies, `htm` and `htu` naming this request (without query and fragment),
 * an `iat` no older than `maxAgeSeconds`, the server nonce when required, and
 * a `jti` not seen before (remembered for the `iat` window). With an access
 * token, also `ath` its SHA-256 and the key's RFC 7638 thumbprint its
 * `cnf.jkt`. Resolves with the key's thumbprint.
 *
 * @example
 * ```ts
 * import { dpopProofChecker } from "./dpop_proof.ts";
 * const check = dpopProofChecker({ maxAgeSeconds: 60 });
 * declare const proof: string, token: string, jkt: string;
 * await check({ proof, method: "POST", url: "https://mcp.example.com/mcp", accessToken: token, jkt });
 * ```
 */
export function dpopProofChecker(options: DpopOptions = {}): DpopProofChecker {
  const algorithms = dpopAlgorithms(options);
  const maxAgeMs = (options.maxAgeSeconds ?? 60) * 1000;
  const toleranceMs = (options.clockToleranceSeconds ?? 5) * 1000;
  const replayCache = options.replayCache ?? dpopReplayCache();
  const now = options.now ?? Date.now;

  return async (request: DpopProofRequest): Promise<VerifiedDpopProof> => {
    const jws = request.proof.length <= MAX_PROOF_LENGTH ? parseJws(request.proof) : undefined;
    if (jws === undefined) throw new DpopProofError("The DPoP proof is not a JWT");
    const { header, payload } = jws;
    if (header.typ !== "dpop+jwt") throw new DpopProofError("The DPoP proof's typ is not dpop+jwt");
    const alg = header.alg;
    if (!isJwtAlgorithm(alg) || !algorithms.includes(alg)) {
      throw new DpopProofError("The DPoP proof's algorithm is not accepted");
    }
    const key = await publicKeyOf(header);
    if (!(await verifySignature(alg, key.jwk, jws.signature, jws.signed))) {
      throw new DpopProofError("The DPoP proof's signature is invalid");
    }
    if (request.jkt !== undefined && key.jkt !== request.jkt) {
      throw new DpopProofError(
        "The DPoP proof is not signed by the key the access token is bound to",
      );
    }
    if (payload.htm !== request.method) {
      throw new DpopProofError("The DPoP proof is for another method");
    }
    const htu = typeof payload.htu === "string" ? normalizedHtu(payload.htu) : undefined;
    if (htu === undefined || htu !== normalizedHtu(request.url)) {
      throw new DpopProofError("The DPoP proof is for another URL");
    }
    const at = now();
    const iat = payload.iat;
    if (typeof iat !== "number" || !Number.isFinite(iat)) {
      throw new DpopProofError("The DPoP proof has no iat");
    }
    if (iat * 1000 > at + toleranceMs) {
      throw new DpopProofError("The DPoP proof is from the future");
    }
    if (iat * 1000 < at - maxAgeMs) throw new DpopProofError("The DPoP proof is too old");
    if (request.accessToken !== undefined) {
      if (payload.ath !== await sha256Base64Url(request.accessToken)) {
        throw new DpopProofError("The DPoP proof's ath is not the hash of this access token");
      }
    }
    if (options.nonces !== undefined) {
      const nonce = payload.nonce;
      if (typeof nonce !== "string" || !options.nonces.accepts(nonce)) {
        throw new DpopProofError(
          "The DPoP proof must carry the server's current nonce",
          "use_dpop_nonce",
          options.nonces.current(),
        );
      }
    }
    const jti = payload.jti;
    if (typeof jti !== "string" || jti === "" || jti.length > 256) {
      throw new DpopProofError("The DPoP proof has no usable jti");
    }
    // Remembered until no proof with this iat could pass the age check any more.
    const fresh = await replayCache.remember(`${key.jkt} ${jti}`, at + maxAgeMs + toleranceMs, at);
    if (!fresh) throw new DpopProofError("The DPoP proof was used before");
    return key;
  };
}

/** The proof algorithms `options` accept: the asymmetric ones among those configured. */
export function dpopAlgorithms(options: DpopOptions = {}): JwtAlgorithm[] {
  return (options.algorithms ?? ASYMMETRIC_ALGORITHMS).filter((alg) =>
    ASYMMETRIC_ALGORITHMS.includes(alg)
  );
}
