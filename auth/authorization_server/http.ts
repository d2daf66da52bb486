/**
 * HTTP plumbing shared by the authorization server's endpoints: RFC 6749 §5.2
 * error bodies, `no-store` JSON, CORS for the endpoints browsers call, and
 * reading form and JSON bodies with a size bound and no repeated parameters.
 *
 * @module
 */
import { readTextAtMost } from "../../protocol/bounded_read.ts";

/** The error codes of RFC 6749, RFC 7591, RFC 8707 and RFC 7009 this server answers. */
export type OAuthErrorCode =
  | "invalid_request"
  | "invalid_client"
  | "invalid_grant"
  | "unauthorized_client"
  | "unsupported_grant_type"
  | "invalid_scope"
  | "invalid_target"
  | "access_denied"
  | "unsupported_response_type"
  | "server_error"
  | "temporarily_unavailable"
  | "invalid_redirect_uri"
  | "invalid_client_metadata"
  | "unsupported_token_type";

/** An OAuth error on its way to becoming a response or a redirect. */
export class OAuthError extends Error {
  /** The RFC 6749 `error` code. */
  readonly code: OAuthErrorCode;
  /** The HTTP status of the JSON error response. */
  readonly status: number;
  /** `WWW-Authenticate` to send (invalid_client with HTTP Basic). */
  readonly challenge?: string;

  /** `message` becomes `error_description`; `status` defaults to 400 (401 for invalid_client). */
  constructor(
    code: OAuthErrorCode,
    message: string,
    init: { status?: number; challenge?: string; cause?: unknown } = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "OAuthError";
    this.code = code;
    this.status = init.status ?? (code === "invalid_client" ? 401 : 400);
    if (init.challenge !== undefined) this.challenge = init.challenge;
  }
}

/** Headers every credential-bearing response carries (RFC 6749 §5.1). */
export const NO_STORE: { [name: string]: string } = {
  "cache-control": "no-store",
  pragma: "no-cache",
};

/** CORS for the endpoints a browser-based client calls without credentials. */
export const CORS: { [name: string]: string } = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, POST, OPTIONS",
  "access-control-allow-headers": "authorization, content-type, mcp-protocol-version",
  "access-control-max-age": "86400",
};

/**
 * A JSON response that is never cached, with CORS.
 *
 * @example
 * ```ts
 * import { jsonResponse } from "./http.ts";
 * jsonResponse({ active: false }).headers.get("cache-control"); // → "no-store"
 * ```
 */
export function jsonResponse(
  body: unknown,
  status: number = 200,
  headers: { [name: string]: string } = {},
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS, ...NO_STORE, "content-type": "application/json", ...headers },
  });
}

/**
 * The RFC 6749 §5.2 JSON error response of `error`.
 *
 * @example
 * ```ts
 * import { OAuthError, oauthErrorResponse } from "./http.ts";
 * const response = oauthErrorResponse(new OAuthError("invalid_grant", "The code expired"));
 * // response.status → 400; body { error: "invalid_grant", error_description: "The code expired" }
 * ```
 */
export function oauthErrorResponse(error: OAuthError): Response {
  const headers: { [name: string]: string } = {};
  if (error.challenge !== undefined) headers["www-authenticate"] = error.challenge;
  return jsonResponse(
    { error: error.code, error_description: error.message },
    error.status,
    headers,
  );
}

/** Bodies of token, revocation, introspection and registration requests are small. */
const MAX_BODY_BYTES = 64 * 1024;

async function readText(request: Request): Promise<string> {
  const text = await readTextAtMost(request, MAX_BODY_BYTES);
  if (text === undefined) {
    throw new OAuthError("invalid_request", "The request body is too large", { status: 413 });
  }
  return text;
}

function mediaType(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0].trim().toLowerCase();
}

/**
 * The parameters of an `application/x-www-form-urlencoded` POST body, each at
 * most once (RFC 6749 §3.2); throws an {@link OAuthError} otherwise.
 *
 * @example
 * ```ts
 * import { readForm } from "./http.ts";
 * const form = await readForm(new Request("https://as.example.com/token", {
 *   method: "POST",
 *   headers: { "content-type": "application/x-www-form-urlencoded" },
 *   body: "grant_type=client_credentials",
 * }));
 * form.get("grant_type"); // → "client_credentials"
 * ```
 */
export async function readForm(request: Request): Promise<URLSearchParams> {
  if (mediaType(request) !== "application/x-www-form-urlencoded") {
    throw new OAuthError(
      "invalid_request",
      "The body must be application/x-www-form-urlencoded",
    );
  }
  const form = new URLSearchParams(await readText(request));
  assertNoRepeats(form);
  return form;
}

/**
 * Throws when a parameter appears more than once (RFC 6749 §3.1, §3.2);
 * `allowed` names the ones that may repeat (such as `resource`).
 *
 * @example
 * ```ts
 * import { assertNoRepeats } from "./http.ts";
 * assertNoRepeats(new URLSearchParams("a=1&b=2")); // fine
 * ```
 */
export function assertNoRepeats(
  params: URLSearchParams,
  allowed: readonly string[] = [],
): void {
  const seen = new Set<string>();
  for (const name of params.keys()) {
    if (seen.has(name) && !allowed.includes(name)) {
      throw new OAuthError("invalid_request", `The parameter ${name} appears more than once`);
    }
    seen.add(name);
  }
}

/**
 * The JSON object of an `application/json` POST body; throws an
 * {@link OAuthError} with `errorCode` when it is not one.
 *
 * @example
 * ```ts
 * import { readJsonObject } from "./http.ts";
 * const body = await readJsonObject(
 *   new Request("https://as.example.com/register", {
 *     method: "POST",
 *     headers: { "content-type": "application/json" },
 *     body: '{"redirect_uris":["https://app.example.com/cb"]}',
 *   }),
 *   "invalid_client_metadata",
 * );
 * ```
 */
export async function readJsonObject(
  request: Request,
  errorCode: OAuthErrorCode,
): Promise<{ [member: string]: unknown }> {
  if (mediaType(request) !== "application/json") {
    throw new OAuthError(errorCode, "The body must be application/json");
  }
  let value: unknown;
  try {
    value = JSON.parse(await readText(request));
  } catch (error) {
    if (error instanceof OAuthError) throw error;
    throw new OAuthError(errorCode, "The body is not valid JSON", { cause: error });
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new OAuthError(errorCode, "The body must be a JSON object");
  }
  return value as { [member: string]: unknown };
}

/**
 * The response for a method an endpoint does not serve; `allow` lists those it does.
 *
 * @example
 * ```ts
 * import { methodNotAllowed } from "./http.ts";
 * methodNotAllowed("POST, OPTIONS").status; // → 405
 * ```
 */
export function methodNotAllowed(allow: string): Response {
  return new Response(null, { status: 405, headers: { ...CORS, allow } });
}

/**
 * The answer to a CORS preflight.
 *
 * @example
 * ```ts
 * import { preflight } from "./http.ts";
 * preflight().status; // → 204
 * ```
 */
export function preflight(): Response {
  return new Response(null, { status: 204, headers: CORS });
}
