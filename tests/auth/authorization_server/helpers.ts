/** Shared fixtures of the authorization-server tests: a server with a movable clock, PKCE, flows. */
import assert from "node:assert/strict";
import { autoApprove } from "../../../auth/authorization_server/consent.ts";
import {
  type AuthorizationServer,
  authorizationServer,
} from "../../../auth/authorization_server/handler.ts";
import type { AuthorizationServerOptions } from "../../../auth/authorization_server/options.ts";
import { randomToken, sha256Base64Url } from "../../../auth/authorization_server/secrets.ts";

export const ISSUER = "http://127.0.0.1:9000";
export const RESOURCE = "http://127.0.0.1:9000/mcp";
export const PUBLIC_CLIENT = "public-app";
export const PUBLIC_REDIRECT = "http://127.0.0.1:7001/callback";
export const CONFIDENTIAL_CLIENT = "confidential-app";
export const CONFIDENTIAL_SECRET = "s3cret-with-enough-entropy";
export const CONFIDENTIAL_REDIRECT = "https://app.example.com/oauth/callback";
export const SERVICE_CLIENT = "service";
export const SERVICE_SECRET = "service-secret";

/** A clock the test moves by hand. */
export interface TestClock {
  now: () => number;
  advance(ms: number): void;
}

export function testClock(start: number = Date.UTC(2026, 0, 1)): TestClock {
  let time = start;
  return { now: () => time, advance: (ms) => void (time += ms) };
}

/** A server with a public, a confidential and a client-credentials client, auto-approving as "ada". */
export function testServer(
  clock: TestClock = testClock(),
  extra: Partial<AuthorizationServerOptions> = {},
): AuthorizationServer {
  return authorizationServer({
    issuer: ISSUER,
    resources: [RESOURCE],
    scopesSupported: ["mcp", "files:read"],
    defaultScopes: ["mcp"],
    consent: autoApprove({ subject: "ada" }),
    now: clock.now,
    clients: [
      { client_id: PUBLIC_CLIENT, redirect_uris: [PUBLIC_REDIRECT] },
      {
        client_id: CONFIDENTIAL_CLIENT,
        client_secret: CONFIDENTIAL_SECRET,
        redirect_uris: [CONFIDENTIAL_REDIRECT],
      },
      {
        client_id: SERVICE_CLIENT,
        client_secret: SERVICE_SECRET,
        redirect_uris: [],
        grant_types: ["client_credentials"],
        may_introspect: true,
      },
    ],
    ...extra,
  });
}

/** A PKCE pair. */
export interface Pkce {
  verifier: string;
  challenge: string;
}

export async function pkce(): Promise<Pkce> {
  const verifier = randomToken();
  return { verifier, challenge: await sha256Base64Url(verifier) };
}

/** The query of an authorization request; `overrides` replace (or, when null, drop) parameters. */
export function authorizeUrl(
  params: { [name: string]: string | null },
): string {
  const url = new URL(`${ISSUER}/authorize`);
  for (const [name, value] of Object.entries(params)) {
    if (value !== null) url.searchParams.set(name, value);
  }
  return url.href;
}

/** Standard authorization parameters for `clientId`. */
export function authorizeParams(
  clientId: string,
  redirectUri: string,
  challenge: string,
  overrides: { [name: string]: string | null } = {},
): { [name: string]: string | null } {
  return {
    response_type: "code",
    client_id: clientId,
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: "state-123",
    resource: RESOURCE,
    ...overrides,
  };
}

/** The redirect of an authorization request, as a URL. */
export async function authorizeRedirect(
  as: AuthorizationServer,
  params: { [name: string]: string | null },
): Promise<URL> {
  const response = await as.handler(new Request(authorizeUrl(params)));
  assert.equal(response.status, 302, await response.clone().text());
  return new URL(response.headers.get("location")!);
}

/** Runs the authorization request and returns the code. */
export async function authorizationCode(
  as: AuthorizationServer,
  clientId: string,
  redirectUri: string,
  challenge: string,
  overrides: { [name: string]: string | null } = {},
): Promise<string> {
  const location = await authorizeRedirect(
    as,
    authorizeParams(clientId, redirectUri, challenge, overrides),
  );
  const code = location.searchParams.get("code");
  assert.ok(code, `no code in ${location.href}`);
  return code;
}

/** Basic credentials for the Authorization header. */
export function basic(clientId: string, secret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`)}`;
}

/** A form POST to an endpoint of the test issuer. */
export function formPost(
  path: string,
  form: { [name: string]: string },
  headers: { [name: string]: string } = {},
): Request {
  return new Request(`${ISSUER}${path}`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams(form).toString(),
  });
}

/** Posts to /token and returns the status and JSON body. */
export async function tokenRequest(
  as: AuthorizationServer,
  form: { [name: string]: string },
  headers: { [name: string]: string } = {},
): Promise<{ status: number; body: { [member: string]: unknown }; response: Response }> {
  const response = await as.handler(formPost("/token", form, headers));
  return { status: response.status, body: await response.clone().json(), response };
}

/** Exchanges a public client's code. */
export function exchangeCode(
  as: AuthorizationServer,
  code: string,
  verifier: string,
  clientId: string = PUBLIC_CLIENT,
  redirectUri: string = PUBLIC_REDIRECT,
): Promise<{ status: number; body: { [member: string]: unknown }; response: Response }> {
  return tokenRequest(as, {
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    redirect_uri: redirectUri,
    client_id: clientId,
  });
}

/** The claims of a JWT, unverified. */
export function claimsOf(jwt: string): { [claim: string]: unknown } {
  const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
  return JSON.parse(atob(part + "=".repeat((4 - (part.length % 4)) % 4)));
}
