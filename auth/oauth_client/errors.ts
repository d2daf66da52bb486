/**
 * The errors of the OAuth client: {@link OAuthClientError} when the client
 * refuses to go on (a security check failed, nothing to register with), and
 * {@link OAuthResponseError} when an authorization server answered with an
 * OAuth error (RFC 6749 §5.2, RFC 7591 §3.2.2, RFC 9449 §8).
 *
 * @module
 */

/** Why the OAuth client stopped. */
export type OAuthClientErrorCode =
  | "discovery_failed"
  | "invalid_metadata"
  | "issuer_mismatch"
  | "resource_mismatch"
  | "pkce_unsupported"
  | "insecure_endpoint"
  | "state_mismatch"
  | "iss_mismatch"
  | "iss_missing"
  | "authorization_denied"
  | "interaction_required"
  | "client_unavailable"
  | "client_mismatch"
  | "invalid_response"
  | "invalid_key";

/** The client refused to continue an authorization; `code` says why. */
export class OAuthClientError extends Error {
  /** The reason, stable for programs. */
  readonly code: OAuthClientErrorCode;

  /** Creates the error. */
  constructor(code: OAuthClientErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "OAuthClientError";
    this.code = code;
  }
}

/** An OAuth error answered by an authorization server endpoint. */
export class OAuthResponseError extends Error {
  /** The OAuth `error` code, e.g. `invalid_grant`. */
  readonly error: string;
  /** The `error_description`, when given. */
  readonly errorDescription: string | undefined;
  /** The HTTP status (0 for an authorization response delivered by redirect). */
  readonly status: number;
  /** The response headers (e.g. `DPoP-Nonce`), when the error came over HTTP. */
  readonly headers: Headers | undefined;

  /** Creates the error. */
  constructor(
    error: string,
    errorDescription: string | undefined,
    status: number,
    headers?: Headers,
  ) {
    super(
      `The authorization server answered ${error}${
        errorDescription ? `: ${errorDescription}` : ""
      }${status > 0 ? ` (HTTP ${status})` : ""}`,
    );
    this.name = "OAuthResponseError";
    this.error = error;
    this.errorDescription = errorDescription;
    this.status = status;
    this.headers = headers;
  }
}

/**
 * The OAuth error of a non-2xx JSON answer, or a generic `server_error`
 * carrying the start of the body.
 */
export async function oauthErrorFrom(
  response: Response,
  what: string,
): Promise<OAuthResponseError> {
  const text = await response.text().catch(() => "");
  try {
    const body = JSON.parse(text);
    if (typeof body?.error === "string") {
      return new OAuthResponseError(
        body.error,
        typeof body.error_description === "string" ? body.error_description : undefined,
        response.status,
        response.headers,
      );
    }
  } catch {
    // Not JSON: fall through.
  }
  const snippet = text.trim().slice(0, 200);
  return new OAuthResponseError(
    "server_error",
    `${what} failed${snippet ? `: ${snippet}` : ""}`,
    response.status,
    response.headers,
  );
}
