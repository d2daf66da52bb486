/**
 * The authorization endpoint (OAuth 2.1 §4.1): the authorization code flow
 * with PKCE S256 only. An unknown client or a redirect URI that does not
 * match a registered one exactly is answered with an error page and never
 * redirected to; other errors go back to the client with `state` and the
 * RFC 9207 `iss`. Between request and code sits the {@link ConsentStep}; its
 * form round trip is sealed and bound to a browser cookie (CSRF).
 *
 * @module
 */
import { findClient } from "./client_auth.ts";
import type { AuthorizationRequestDetails, ConsentForm, ConsentOutcome } from "./consent.ts";
import { escapeHtml } from "./consent.ts";
import { assertNoRepeats, OAuthError, readForm } from "./http.ts";
import type { AuthorizationServerContext } from "./options.ts";
import { chosenResource, grantedScopes } from "./scope.ts";
import { constantTimeEqual, randomToken, sha256Base64Url } from "./secrets.ts";
import type { ClientRecord } from "./store.ts";

/** A validated authorization request, sealed into the consent form. */
interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  redirectUriGiven: boolean;
  state?: string;
  codeChallenge: string;
  dpopJkt?: string;
  scopes: string[];
  resource: string;
  /** SHA-256 of the browser cookie the form is bound to. */
  browser: string;
  /** Expiry of the form, ms. */
  expiresAt: number;
}

const COOKIE = "emcee_as_browser";
const FORM_TTL_MS = 10 * 60_000;
/** An S256 challenge is the base64url of 32 bytes. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

const PAGE_HEADERS: { [name: string]: string } = {
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
};

/** The page shown instead of redirecting, for errors the client must not learn through its redirect URI. */
function errorPage(status: number, message: string): Response {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<title>Authorization error</title></head><body><h1>Authorization error</h1>` +
    `<p>${escapeHtml(message)}</p></body></html>`;
  return new Response(html, {
    status,
    headers: {
      ...PAGE_HEADERS,
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
    },
  });
}

/** A redirect to the client with `params`, `state` and `iss`; 303 after a form post. */
function redirectToClient(
  context: AuthorizationServerContext,
  redirectUri: string,
  params: { [name: string]: string },
  state: string | undefined,
  afterPost: boolean,
): Response {
  const target = new URL(redirectUri);
  for (const [name, value] of Object.entries(params)) target.searchParams.append(name, value);
  if (state !== undefined) target.searchParams.append("state", state);
  target.searchParams.append("iss", context.issuer);
  return new Response(null, {
    status: afterPost ? 303 : 302,
    headers: { ...PAGE_HEADERS, location: target.href },
  });
}

/** The client and redirect URI of a request; a page when either cannot be trusted. */
async function clientAndRedirect(
  context: AuthorizationServerContext,
  params: URLSearchParams,
): Promise<{ client: ClientRecord; redirectUri: string; given: boolean } | Response> {
  const clientId = params.get("client_id");
  if (clientId === null || clientId === "") {
    return errorPage(400, "The request names no client_id.");
  }
  const found = await findClient(context, clientId);
  if ("problem" in found) return errorPage(400, found.problem);
  const client = found.client;
  const given = params.get("redirect_uri");
  if (given === null) {
    if (client.redirectUris.length === 1) {
      return { client, redirectUri: client.redirectUris[0], given: false };
    }
    return errorPage(400, "The request must name its redirect_uri.");
  }
  // Exact string comparison (OAuth 2.1 §2.3.1): no normalization, no prefix matching.
  if (!client.redirectUris.includes(given)) {
    return errorPage(400, "The redirect_uri is not registered for this client.");
  }
  return { client, redirectUri: given, given: true };
}

function checkedRequest(
  context: AuthorizationServerContext,
  params: URLSearchParams,
  client: ClientRecord,
): { codeChallenge: string; dpopJkt?: string; scopes: string[]; resource: string } {
  const responseType = params.get("response_type");
  if (responseType === null) throw new OAuthError("invalid_request", "response_type is required");
  if (responseType !== "code") {
    throw new OAuthError("unsupported_response_type", "Only response_type=code is supported");
  }
  if (!client.grantTypes.includes("authorization_code")) {
    throw new OAuthError(
      "unauthorized_client",
      "This client may not use the authorization code grant",
    );
  }
  const challenge = params.get("code_challenge");
  const method = params.get("code_challenge_method");
  if (challenge === null) {
    throw new OAuthError("invalid_request", "PKCE is required: send code_challenge");
  }
  if (method !== "S256") {
    throw new OAuthError(
      "invalid_request",
      "code_challenge_method must be S256 (plain and a missing method are refused)",
    );
  }
  if (!S256_CHALLENGE.test(challenge)) {
    throw new OAuthError("invalid_request", "code_challenge is not a base64url SHA-256 digest");
  }
  const dpopJkt = params.get("dpop_jkt") ?? undefined;
  if (dpopJkt !== undefined && !S256_CHALLENGE.test(dpopJkt)) {
    throw new OAuthError("invalid_request", "dpop_jkt is not a base64url SHA-256 JWK thumbprint");
  }
  return {
    codeChallenge: challenge,
    ...(dpopJkt === undefined ? {} : { dpopJkt }),
    scopes: grantedScopes(params.get("scope"), context.scopes),
    resource: chosenResource(params.getAll("resource"), context.resources),
  };
}

function detailsOf(
  pending: PendingAuthorization,
  client: ClientRecord,
): AuthorizationRequestDetails {
  const details: AuthorizationRequestDetails = {
    clientId: client.clientId,
    clientFromMetadataDocument: client.origin === "metadata-document",
    redirectUri: pending.redirectUri,
    scopes: pending.scopes,
    resource: pending.resource,
  };
  if (client.clientName !== undefined) details.clientName = client.clientName;
  if (client.clientUri !== undefined) details.clientUri = client.clientUri;
  return details;
}

function cookieValue(request: Request): string | undefined {
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === COOKIE) {
      const value = rest.join("=");
      return /^[A-Za-z0-9_-]{43}$/.test(value) ? value : undefined;
    }
  }
  return undefined;
}

function cookieHeader(context: AuthorizationServerContext, value: string): string {
  const url = new URL(context.endpoints.authorization);
  const secure = url.protocol === "https:" ? "; Secure" : "";
  // Lax: sent when the client navigates here, withheld from cross-site posts.
  return `${COOKIE}=${value}; Path=${url.pathname}; HttpOnly; SameSite=Lax; Max-Age=86400${secure}`;
}

/** A consent page with the headers a credential-bearing page needs, and the cookie if new. */
function pageResponse(page: Response, setCookie: string | undefined): Response {
  const headers = new Headers(page.headers);
  for (const [name, value] of Object.entries(PAGE_HEADERS)) headers.set(name, value);
  if (!headers.has("content-security-policy")) {
    headers.set("content-security-policy", "frame-ancestors 'none'");
  }
  if (setCookie !== undefined) headers.append("set-cookie", setCookie);
  return new Response(page.body, { status: page.status, statusText: page.statusText, headers });
}

/** Issues the code for an approved request, or reports the denial, as a redirect. */
async function conclude(
  context: AuthorizationServerContext,
  pending: PendingAuthorization,
  outcome: ConsentOutcome,
  setCookie: string | undefined,
  afterPost: boolean,
): Promise<Response> {
  if (outcome instanceof Response) return pageResponse(outcome, setCookie);
  const back = (params: { [name: string]: string }) =>
    redirectToClient(context, pending.redirectUri, params, pending.state, afterPost);
  if (!outcome.approved) {
    return back({ error: "access_denied", error_description: "The user denied the request" });
  }
  const scopes = outcome.scopes === undefined
    ? pending.scopes
    : pending.scopes.filter((scope) => outcome.scopes!.includes(scope));
  const code = randomToken();
  await context.store.saveCode({
    codeHash: await sha256Base64Url(code),
    clientId: pending.clientId,
    redirectUri: pending.redirectUri,
    redirectUriGiven: pending.redirectUriGiven,
    codeChallenge: pending.codeChallenge,
    ...(pending.dpopJkt === undefined ? {} : { dpopJkt: pending.dpopJkt }),
    resource: pending.resource,
    scopes,
    subject: outcome.subject,
    expiresAt: context.now() + context.codeTtlMs,
    grantId: randomToken(16),
  });
  return back({ code });
}

/**
 * `GET` (or form `POST`) `/authorize`: validates the request, then runs the
 * consent step's `begin`.
 *
 * @example
 * ```ts
 * import { handleAuthorize } from "./authorize.ts";
 * import { resolveOptions } from "./options.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * const response = await handleAuthorize(
 *   context,
 *   new Request("http://127.0.0.1:3000/authorize?client_id=nobody"),
 * );
 * // response.status → 400 (an error page: the client is unknown)
 * ```
 */
export async function handleAuthorize(
  context: AuthorizationServerContext,
  request: Request,
): Promise<Response> {
  let params: URLSearchParams;
  try {
    params = request.method === "POST"
      ? await readForm(request)
      : new URL(request.url).searchParams;
    assertNoRepeats(params, ["resource"]);
  } catch (error) {
    if (error instanceof OAuthError) return errorPage(400, error.message);
    throw error;
  }
  const target = await clientAndRedirect(context, params);
  if (target instanceof Response) return target;
  const state = params.get("state") ?? undefined;
  let checked: ReturnType<typeof checkedRequest>;
  try {
    checked = checkedRequest(context, params, target.client);
  } catch (error) {
    if (!(error instanceof OAuthError)) throw error;
    return redirectToClient(
      context,
      target.redirectUri,
      { error: error.code, error_description: error.message },
      state,
      false,
    );
  }
  const existing = cookieValue(request);
  const browserSecret = existing ?? randomToken();
  const pending: PendingAuthorization = {
    clientId: target.client.clientId,
    redirectUri: target.redirectUri,
    redirectUriGiven: target.given,
    codeChallenge: checked.codeChallenge,
    ...(checked.dpopJkt === undefined ? {} : { dpopJkt: checked.dpopJkt }),
    scopes: checked.scopes,
    resource: checked.resource,
    browser: await sha256Base64Url(browserSecret),
    expiresAt: context.now() + FORM_TTL_MS,
  };
  if (state !== undefined) pending.state = state;
  const form: ConsentForm = {
    action: context.endpoints.consent,
    fields: { transaction: await context.sealer.seal(pending) },
  };
  const details = detailsOf(pending, target.client);
  const outcome = await context.consent.begin(details, form, request);
  const setCookie = existing === undefined ? cookieHeader(context, browserSecret) : undefined;
  return conclude(context, pending, outcome, setCookie, request.method === "POST");
}

function isPending(value: unknown): value is PendingAuthorization {
  const pending = value as PendingAuthorization;
  return typeof value === "object" && value !== null &&
    typeof pending.clientId === "string" && typeof pending.redirectUri === "string" &&
    typeof pending.codeChallenge === "string" && Array.isArray(pending.scopes) &&
    typeof pending.resource === "string" && typeof pending.browser === "string" &&
    typeof pending.expiresAt === "number" &&
    (pending.dpopJkt === undefined || typeof pending.dpopJkt === "string");
}

/** Whether a form post comes from this server's own page (Fetch Metadata and Origin). */
function sameOrigin(context: AuthorizationServerContext, request: Request): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null && origin !== new URL(context.issuer).origin) return false;
  const site = request.headers.get("sec-fetch-site");
  return site === null || site === "same-origin";
}

/**
 * `POST /authorize/consent`: the consent form came back. Checks the sealed
 * request, its expiry, the browser cookie it is bound to and the origin of
 * the post, then runs the consent step's `complete`.
 *
 * @example
 * ```ts
 * import { handleConsent } from "./authorize.ts";
 * import { resolveOptions } from "./options.ts";
 * const context = await resolveOptions({ issuer: "http://127.0.0.1:3000" });
 * const response = await handleConsent(context, new Request("http://127.0.0.1:3000/authorize/consent", {
 *   method: "POST",
 *   headers: { "content-type": "application/x-www-form-urlencoded" },
 *   body: "transaction=forged",
 * }));
 * // response.status → 400
 * ```
 */
export async function handleConsent(
  context: AuthorizationServerContext,
  request: Request,
): Promise<Response> {
  if (!sameOrigin(context, request)) {
    return errorPage(403, "The consent form was posted from another site.");
  }
  let submitted: URLSearchParams;
  try {
    submitted = await readForm(request);
  } catch (error) {
    if (error instanceof OAuthError) return errorPage(400, error.message);
    throw error;
  }
  const pending = await context.sealer.open(submitted.get("transaction") ?? "");
  if (!isPending(pending) || pending.expiresAt <= context.now()) {
    return errorPage(400, "The consent form is invalid or expired; start the authorization again.");
  }
  const browserSecret = cookieValue(request);
  const browser = browserSecret === undefined ? "" : await sha256Base64Url(browserSecret);
  if (!constantTimeEqual(browser, pending.browser)) {
    return errorPage(403, "The consent form belongs to another browser session.");
  }
  const found = await findClient(context, pending.clientId);
  if ("problem" in found || !found.client.redirectUris.includes(pending.redirectUri)) {
    return errorPage(400, "The client or its redirect_uri is no longer registered.");
  }
  const form: ConsentForm = {
    action: context.endpoints.consent,
    fields: { transaction: submitted.get("transaction")! },
  };
  const outcome = await context.consent.complete(
    detailsOf(pending, found.client),
    form,
    submitted,
    request,
  );
  return conclude(context, pending, outcome, undefined, true);
}
