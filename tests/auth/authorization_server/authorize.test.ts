/**
 * /authorize: the exact redirect-URI match (refused with a page, never a
 * redirect), PKCE S256 only, state and iss echoed, resource and scope
 * checks, and the consent page's form round trip with its CSRF binding.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { consentPage } from "../../../auth/authorization_server/consent.ts";
import {
  authorizeParams,
  authorizeRedirect,
  authorizeUrl,
  CONFIDENTIAL_CLIENT,
  CONFIDENTIAL_REDIRECT,
  ISSUER,
  pkce,
  PUBLIC_CLIENT,
  PUBLIC_REDIRECT,
  RESOURCE,
  testClock,
  testServer,
} from "./helpers.ts";

async function expectErrorPage(response: Response, pattern: RegExp): Promise<void> {
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("location"), null, "an error page, never a redirect");
  assert.match(response.headers.get("content-type") ?? "", /^text\/html/);
  assert.match(await response.text(), pattern);
}

describe("/authorize refuses without redirecting", () => {
  const as = testServer();

  test("a redirect URI differing by one character", async () => {
    const { challenge } = await pkce();
    for (
      const redirect of [
        "http://127.0.0.1:7001/callbacK",
        "http://127.0.0.1:7001/callback/",
        "http://127.0.0.1:7002/callback",
        "http://127.0.0.1:7001/callback?x",
        "http://localhost:7001/callback",
      ]
    ) {
      const response = await as.handler(
        new Request(authorizeUrl(authorizeParams(PUBLIC_CLIENT, redirect, challenge))),
      );
      await expectErrorPage(response, /redirect_uri is not registered/);
    }
  });

  test("an unknown client, and a missing client_id", async () => {
    const { challenge } = await pkce();
    await expectErrorPage(
      await as.handler(
        new Request(authorizeUrl(authorizeParams("nobody", PUBLIC_REDIRECT, challenge))),
      ),
      /not registered/,
    );
    await expectErrorPage(
      await as.handler(
        new Request(authorizeUrl(authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge, {
          client_id: null,
        }))),
      ),
      /no client_id/,
    );
  });

  test("a repeated parameter", async () => {
    const { challenge } = await pkce();
    const url = authorizeUrl(authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge)) +
      "&redirect_uri=" + encodeURIComponent("https://evil.example.com/");
    await expectErrorPage(await as.handler(new Request(url)), /more than once/);
  });
});

describe("/authorize redirects errors back with state and iss", () => {
  const as = testServer();

  async function errorOf(overrides: { [name: string]: string | null }) {
    const { challenge } = await pkce();
    const location = await authorizeRedirect(
      as,
      authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge, overrides),
    );
    assert.equal(location.origin + location.pathname, PUBLIC_REDIRECT);
    assert.equal(location.searchParams.get("state"), "state-123");
    assert.equal(location.searchParams.get("iss"), ISSUER);
    assert.equal(location.searchParams.get("code"), null);
    return {
      error: location.searchParams.get("error"),
      description: location.searchParams.get("error_description") ?? "",
    };
  }

  test("plain PKCE is refused", async () => {
    const { error, description } = await errorOf({
      code_challenge: "a".repeat(43),
      code_challenge_method: "plain",
    });
    assert.equal(error, "invalid_request");
    assert.match(description, /S256/);
  });

  test("a missing challenge method (which means plain) is refused", async () => {
    assert.equal((await errorOf({ code_challenge_method: null })).error, "invalid_request");
  });

  test("a missing code challenge is refused", async () => {
    const { error, description } = await errorOf({ code_challenge: null });
    assert.equal(error, "invalid_request");
    assert.match(description, /PKCE/);
  });

  test("a malformed challenge is refused", async () => {
    assert.equal((await errorOf({ code_challenge: "short" })).error, "invalid_request");
  });

  test("another response_type", async () => {
    assert.equal((await errorOf({ response_type: "token" })).error, "unsupported_response_type");
  });

  test("an unsupported scope", async () => {
    assert.equal((await errorOf({ scope: "mcp admin" })).error, "invalid_scope");
  });

  test("a resource this server does not serve, and two resources", async () => {
    assert.equal(
      (await errorOf({ resource: "https://other.example.com/mcp" })).error,
      "invalid_target",
    );
    const { challenge } = await pkce();
    const url = authorizeUrl(authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge)) +
      "&resource=" + encodeURIComponent("https://other.example.com/mcp");
    const location = new URL((await as.handler(new Request(url))).headers.get("location")!);
    assert.equal(location.searchParams.get("error"), "invalid_target");
  });
});

describe("/authorize issues a code", () => {
  test("state and iss (RFC 9207) come back with the code, each once", async () => {
    const as = testServer();
    const { challenge } = await pkce();
    const location = await authorizeRedirect(
      as,
      authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge),
    );
    assert.equal(location.origin + location.pathname, PUBLIC_REDIRECT);
    assert.equal(location.searchParams.getAll("state").join(), "state-123");
    assert.equal(location.searchParams.getAll("iss").join(), ISSUER);
    assert.equal(location.searchParams.getAll("code").length, 1);
    assert.equal(location.searchParams.get("error"), null);
  });

  test("redirect_uri may be left out when exactly one is registered", async () => {
    const as = testServer();
    const { challenge } = await pkce();
    const location = await authorizeRedirect(
      as,
      authorizeParams(CONFIDENTIAL_CLIENT, CONFIDENTIAL_REDIRECT, challenge, {
        redirect_uri: null,
      }),
    );
    assert.equal(location.origin + location.pathname, CONFIDENTIAL_REDIRECT);
    assert.ok(location.searchParams.get("code"));
  });

  test("the metadata advertises S256 only, iss support, and the endpoints", async () => {
    const as = testServer();
    for (
      const path of [
        "/.well-known/oauth-authorization-server",
        "/.well-known/openid-configuration",
      ]
    ) {
      const response = await as.handler(new Request(`${ISSUER}${path}`));
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /application\/json/);
      const document = await response.json();
      assert.equal(document.issuer, ISSUER);
      assert.equal(document.authorization_endpoint, `${ISSUER}/authorize`);
      assert.equal(document.token_endpoint, `${ISSUER}/token`);
      assert.equal(document.registration_endpoint, `${ISSUER}/register`);
      assert.equal(document.jwks_uri, `${ISSUER}/jwks`);
      assert.deepEqual(document.code_challenge_methods_supported, ["S256"]);
      assert.deepEqual(document.response_types_supported, ["code"]);
      assert.equal(document.authorization_response_iss_parameter_supported, true);
      assert.equal(document.client_id_metadata_document_supported, true);
      assert.deepEqual(document.token_endpoint_auth_methods_supported, [
        "client_secret_basic",
        "client_secret_post",
        "none",
      ]);
      assert.ok(!document.introspection_endpoint_auth_methods_supported.includes("none"));
    }
  });

  test("an issuer with a path serves metadata at the RFC 8414 path", async () => {
    const { authorizationServer } = await import("../../../auth/authorization_server/handler.ts");
    const as = authorizationServer({ issuer: "https://example.com/tenant/" });
    assert.equal(as.issuer, "https://example.com/tenant");
    const response = await as.handler(
      new Request("https://example.com/.well-known/oauth-authorization-server/tenant"),
    );
    assert.equal((await response.json()).token_endpoint, "https://example.com/tenant/token");
    assert.equal((await as.handler(new Request("https://example.com/token"))).status, 404);
  });
});

describe("the consent page", () => {
  const clock = testClock();
  const as = testServer(clock, { consent: consentPage({ subject: "ada" }) });

  async function page(): Promise<{ transaction: string; cookie: string; html: string }> {
    const { challenge } = await pkce();
    const response = await as.handler(
      new Request(authorizeUrl(authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge, {
        scope: "mcp files:read",
      }))),
    );
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("x-frame-options"), "DENY");
    assert.match(response.headers.get("content-security-policy") ?? "", /frame-ancestors 'none'/);
    assert.equal(response.headers.get("cache-control"), "no-store");
    const setCookie = response.headers.get("set-cookie") ?? "";
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Lax/);
    const html = await response.text();
    const transaction = /name="transaction" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(transaction);
    return { transaction, cookie: setCookie.split(";")[0], html };
  }

  function post(
    transaction: string,
    decision: string,
    headers: { [name: string]: string },
  ): Promise<Response> {
    return as.handler(
      new Request(`${ISSUER}/authorize/consent`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
        body: new URLSearchParams({ transaction, decision }).toString(),
      }),
    );
  }

  test("shows the client, the resource and the scopes, escaped", async () => {
    const { html } = await page();
    assert.match(html, new RegExp(PUBLIC_CLIENT));
    assert.match(html, new RegExp(RESOURCE.replace(/\//g, "\\/")));
    assert.match(html, /files:read/);
    assert.match(html, /value="approve"/);
    assert.match(html, /value="deny"/);
  });

  test("approve: a 303 to the client with a code", async () => {
    const { transaction, cookie } = await page();
    const response = await post(transaction, "approve", { cookie, origin: ISSUER });
    assert.equal(response.status, 303);
    const location = new URL(response.headers.get("location")!);
    assert.ok(location.searchParams.get("code"));
    assert.equal(location.searchParams.get("state"), "state-123");
    assert.equal(location.searchParams.get("iss"), ISSUER);
  });

  test("deny: access_denied back to the client", async () => {
    const { transaction, cookie } = await page();
    const response = await post(transaction, "deny", { cookie, origin: ISSUER });
    assert.equal(response.status, 303);
    const location = new URL(response.headers.get("location")!);
    assert.equal(location.searchParams.get("error"), "access_denied");
    assert.equal(location.searchParams.get("code"), null);
  });

  test("CSRF: no cookie, another browser's cookie, or another origin is refused", async () => {
    const { transaction } = await page();
    const other = await page();
    assert.equal((await post(transaction, "approve", { origin: ISSUER })).status, 403);
    assert.equal(
      (await post(transaction, "approve", { cookie: other.cookie, origin: ISSUER })).status,
      403,
    );
    const { cookie } = await page();
    const crossSite = await post(transaction, "approve", {
      cookie,
      origin: "https://evil.example.com",
    });
    assert.equal(crossSite.status, 403);
    assert.equal(crossSite.headers.get("location"), null);
    assert.equal(
      (await post(transaction, "approve", { cookie, "sec-fetch-site": "cross-site" })).status,
      403,
    );
  });

  test("a forged or expired transaction is refused", async () => {
    const { transaction, cookie } = await page();
    const forged = transaction.slice(0, -2) + (transaction.endsWith("AA") ? "BB" : "AA");
    assert.equal((await post(forged, "approve", { cookie, origin: ISSUER })).status, 400);
    clock.advance(11 * 60_000);
    assert.equal((await post(transaction, "approve", { cookie, origin: ISSUER })).status, 400);
  });
});
