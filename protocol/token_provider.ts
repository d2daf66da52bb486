/**
 * The contract between a client transport and whatever supplies its
 * credentials. A transport asks for the header values of each HTTP request
 * (or WebSocket handshake) and, when the server refuses one with 401 or 403,
 * hands over the challenge and gets back whether to send the request again.
 * It needs no knowledge of OAuth, DPoP or token storage: the OAuth client in
 * `auth/oauth_client/` implements this interface, and so can a static API key.
 *
 * What a transport does, per HTTP request:
 * 1. `headers({ url, method })` → set `Authorization` (and `DPoP` when given).
 * 2. On 401: `onUnauthorized(challenge)`; on 403: `onForbidden?.(challenge)`.
 *    `true` → send the same request again (fresh `headers()`), else fail with
 *    the HTTP error. `retries` counts the retries of this request so far; a
 *    transport stops at {@link MAX_AUTH_RETRIES} whatever the verdict.
 *
 * @example
 * ```ts
 * import type { TokenProvider } from "./token_provider.ts";
 * // A fixed API key: nothing to refresh, a refusal is final.
 * const apiKey: TokenProvider = {
 *   headers: () => ({ authorization: "Bearer sk-123" }),
 *   onUnauthorized: () => Promise.resolve(false),
 * };
 * ```
 *
 * @module
 */

/** The request a transport is about to send. */
export interface TokenRequestContext {
  /** The full request URL (a DPoP proof signs it without query and fragment). */
  url: string;
  /** The HTTP method, upper case (`GET` for a WebSocket handshake). */
  method: string;
  /** Aborts any token work (a refresh) done for this request. */
  signal?: AbortSignal;
}

/** Header values for one request. */
export interface AuthorizationHeaders {
  /** The `Authorization` value, e.g. `Bearer abc` or `DPoP abc`. */
  authorization: string;
  /** The `DPoP` proof (RFC 9449), fresh for this request, when the token is DPoP-bound. */
  dpop?: string;
}

/** A refusal, as the transport saw it. */
export interface AuthChallenge {
  /** The refused request's URL. */
  url: string;
  /** The refused request's method. */
  method: string;
  /** 401 or 403. */
  status: number;
  /** The `WWW-Authenticate` header (all values joined with `, `), or null. */
  wwwAuthenticate: string | null;
  /** The `DPoP-Nonce` header (RFC 9449 §9), or null. */
  dpopNonce: string | null;
  /** What `headers()` gave for the refused attempt; undefined when it sent none. */
  sent: AuthorizationHeaders | undefined;
  /** How many times this request was already retried after a refusal. */
  retries: number;
  /** Aborts the work the verdict needs (discovery, authorization). */
  signal?: AbortSignal;
}

/**
 * Supplies credentials to a client transport and decides whether a refused
 * request is worth sending again.
 */
export interface TokenProvider {
  /**
   * The header values for a request, or undefined to send it without
   * credentials (nothing obtained yet: the server's 401 starts the flow).
   * May answer synchronously so a cached token costs no extra tick.
   */
  headers(
    request: TokenRequestContext,
  ): AuthorizationHeaders | undefined | Promise<AuthorizationHeaders | undefined>;
  /**
   * After a 401: obtains or renews credentials (which may involve the user)
   * and answers whether to retry. Rejects when authorization failed, with
   * the reason as the error.
   */
  onUnauthorized(challenge: AuthChallenge): Promise<boolean>;
  /** After a 403: e.g. step-up authorization on `insufficient_scope`. Absent → no retry. */
  onForbidden?(challenge: AuthChallenge): Promise<boolean>;
}

/** The most retries of one request after refusals, whatever the provider answers. */
export const MAX_AUTH_RETRIES: number = 4;

function replayable(body: BodyInit | null | undefined): boolean {
  return body === undefined || body === null || typeof body === "string" ||
    body instanceof URLSearchParams || body instanceof Uint8Array || body instanceof ArrayBuffer;
}

function withAuthHeaders(
  headers: HeadersInit | undefined,
  auth: AuthorizationHeaders,
): HeadersInit {
  if (headers instanceof Headers || Array.isArray(headers)) {
    const merged = new Headers(headers);
    merged.set("authorization", auth.authorization);
    if (auth.dpop !== undefined) merged.set("dpop", auth.dpop);
    return merged;
  }
  const merged: Record<string, string> = { ...headers, authorization: auth.authorization };
  if (auth.dpop !== undefined) merged.dpop = auth.dpop;
  return merged;
}

/**
 * A `fetch` that applies `provider` the way the contract above describes:
 * header values on each request, and after a 401/403 a retry when the
 * provider says so (at most {@link MAX_AUTH_RETRIES}; never for a streamed
 * body). The refused response's body is discarded before a retry; the last
 * response is returned as is.
 *
 * @example
 * ```ts
 * import { authorizedFetch, type TokenProvider } from "./token_provider.ts";
 * declare const provider: TokenProvider;
 * const fetchWithAuth = authorizedFetch(provider);
 * const response = await fetchWithAuth("https://mcp.example.com/mcp", { method: "POST", body: "{}" });
 * ```
 */
export function authorizedFetch(
  provider: TokenProvider,
  fetchImpl: typeof fetch = globalThis.fetch.bind(globalThis),
): (input: string | URL, init?: RequestInit) => Promise<Response> {
  return async (input, init = {}) => {
    const url = String(input);
    const method = (init.method ?? "GET").toUpperCase();
    const signal = init.signal ?? undefined;
    for (let retries = 0;; retries++) {
      const sent = await provider.headers({ url, method, signal });
      const response = await fetchImpl(
        input,
        sent === undefined ? init : { ...init, headers: withAuthHeaders(init.headers, sent) },
      );
      const status = response.status;
      if (
        (status !== 401 && status !== 403) || retries >= MAX_AUTH_RETRIES ||
        !replayable(init.body)
      ) {
        return response;
      }
      const challenge: AuthChallenge = {
        url,
        method,
        status,
        wwwAuthenticate: response.headers.get("www-authenticate"),
        dpopNonce: response.headers.get("dpop-nonce"),
        sent,
        retries,
        signal,
      };
      let retry: boolean;
      try {
        retry = status === 401
          ? await provider.onUnauthorized(challenge)
          : await provider.onForbidden?.(challenge) ?? false;
      } catch (error) {
        await response.body?.cancel();
        throw error;
      }
      if (!retry) return response;
      await response.body?.cancel();
    }
  };
}
