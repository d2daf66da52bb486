/**
 * /token: codes single-use (a replay revokes what they issued), expiring in
 * 60 s (moved clock, no sleeps), bound to client, redirect URI and PKCE;
 * refresh-token rotation with reuse detection; client_credentials; client
 * authentication (basic, post, none) and RFC 6749 errors.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  authorizationCode,
  basic,
  claimsOf,
  CONFIDENTIAL_CLIENT,
  CONFIDENTIAL_REDIRECT,
  CONFIDENTIAL_SECRET,
  exchangeCode,
  formPost,
  ISSUER,
  pkce,
  PUBLIC_CLIENT,
  PUBLIC_REDIRECT,
  RESOURCE,
  SERVICE_CLIENT,
  SERVICE_SECRET,
  testClock,
  testServer,
  tokenRequest,
} from "./helpers.ts";

/** Introspects with the service client, which may introspect every token. */
async function active(as: ReturnType<typeof testServer>, token: string): Promise<boolean> {
  const response = await as.handler(
    formPost("/introspect", { token }, { authorization: basic(SERVICE_CLIENT, SERVICE_SECRET) }),
  );
  return (await response.json()).active;
}

describe("authorization_code", () => {
  test("a public client exchanges its code: Bearer token, refresh token, no-store", async () => {
    const as = testServer();
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    const { status, body, response } = await exchangeCode(as, code, verifier);
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(response.headers.get("cache-control"), "no-store");
    assert.match(response.headers.get("content-type") ?? "", /^application\/json/);
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 300);
    assert.equal(body.scope, "mcp");
    assert.equal(typeof body.access_token, "string");
    assert.equal(typeof body.refresh_token, "string");
  });

  test("a replayed code is refused and revokes the tokens it issued", async () => {
    const as = testServer();
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    const first = await exchangeCode(as, code, verifier);
    assert.equal(first.status, 200);
    const access = first.body.access_token as string;
    const refresh = first.body.refresh_token as string;
    assert.equal(await active(as, access), true);
    const replay = await exchangeCode(as, code, verifier);
    assert.equal(replay.status, 400);
    assert.equal(replay.body.error, "invalid_grant");
    assert.equal(await active(as, access), false, "the access token is revoked");
    assert.equal(await active(as, refresh), false, "the refresh token is revoked");
    const refreshed = await tokenRequest(as, {
      grant_type: "refresh_token",
      refresh_token: refresh,
      client_id: PUBLIC_CLIENT,
    });
    assert.equal(refreshed.body.error, "invalid_grant");
  });

  test("a code expires after 60 s", async () => {
    const clock = testClock();
    const as = testServer(clock);
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    clock.advance(60_000);
    const { status, body } = await exchangeCode(as, code, verifier);
    assert.equal(status, 400);
    assert.equal(body.error, "invalid_grant");
    assert.match(String(body.error_description), /expired/);
  });

  test("a code 59 s old still works", async () => {
    const clock = testClock();
    const as = testServer(clock);
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    clock.advance(59_000);
    assert.equal((await exchangeCode(as, code, verifier)).status, 200);
  });

  test("a code used by another client is refused", async () => {
    const as = testServer();
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, CONFIDENTIAL_CLIENT, CONFIDENTIAL_REDIRECT, challenge);
    const { status, body } = await tokenRequest(as, {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: CONFIDENTIAL_REDIRECT,
      client_id: PUBLIC_CLIENT,
    });
    assert.equal(status, 400);
    assert.equal(body.error, "invalid_grant");
    assert.match(String(body.error_description), /another client/);
  });

  test("a wrong PKCE verifier is refused", async () => {
    const as = testServer();
    const { challenge } = await pkce();
    const other = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    const { status, body } = await exchangeCode(as, code, other.verifier);
    assert.equal(status, 400);
    assert.equal(body.error, "invalid_grant");
    assert.match(String(body.error_description), /code_verifier/);
  });

  test("a missing verifier, and the challenge itself as verifier, are refused", async () => {
    const as = testServer();
    const { challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    const missing = await tokenRequest(as, {
      grant_type: "authorization_code",
      code,
      redirect_uri: PUBLIC_REDIRECT,
      client_id: PUBLIC_CLIENT,
    });
    assert.equal(missing.body.error, "invalid_request");
    const code2 = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    // What a "plain" client would send: the verifier equal to the challenge.
    assert.equal((await exchangeCode(as, code2, challenge)).body.error, "invalid_grant");
  });

  test("a redirect_uri differing from the authorization request's is refused", async () => {
    const as = testServer();
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    const { body } = await exchangeCode(as, code, verifier, PUBLIC_CLIENT, PUBLIC_REDIRECT + "x");
    assert.equal(body.error, "invalid_grant");
  });

  test("the token request may not switch the resource", async () => {
    const as = testServer();
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    const { body } = await tokenRequest(as, {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: PUBLIC_REDIRECT,
      client_id: PUBLIC_CLIENT,
      resource: "https://other.example.com/mcp",
    });
    assert.equal(body.error, "invalid_target");
  });
});

describe("refresh_token", () => {
  async function firstTokens(as: ReturnType<typeof testServer>) {
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge, {
      scope: "mcp files:read",
    });
    return (await exchangeCode(as, code, verifier)).body;
  }

  function refresh(as: ReturnType<typeof testServer>, token: string, extra = {}) {
    return tokenRequest(as, {
      grant_type: "refresh_token",
      refresh_token: token,
      client_id: PUBLIC_CLIENT,
      ...extra,
    });
  }

  test("rotation: each use gives a new refresh token", async () => {
    const as = testServer();
    const first = await firstTokens(as);
    const second = await refresh(as, first.refresh_token as string);
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.notEqual(second.body.refresh_token, first.refresh_token);
    assert.equal(second.body.scope, "mcp files:read");
    assert.equal(second.response.headers.get("cache-control"), "no-store");
    const third = await refresh(as, second.body.refresh_token as string);
    assert.equal(third.status, 200);
  });

  test("a refresh token reused after rotation revokes the whole family", async () => {
    const as = testServer();
    const first = await firstTokens(as);
    const second = await refresh(as, first.refresh_token as string);
    assert.equal(second.status, 200);
    const reuse = await refresh(as, first.refresh_token as string);
    assert.equal(reuse.status, 400);
    assert.equal(reuse.body.error, "invalid_grant");
    assert.match(String(reuse.body.error_description), /already used/);
    // The legitimate holder's newer tokens are dead too.
    const afterwards = await refresh(as, second.body.refresh_token as string);
    assert.equal(afterwards.body.error, "invalid_grant");
    assert.equal(await active(as, second.body.access_token as string), false);
    assert.equal(await active(as, first.access_token as string), false);
  });

  test("scopes may narrow but not widen; another client may not refresh", async () => {
    const as = testServer();
    const first = await firstTokens(as);
    const narrowed = await refresh(as, first.refresh_token as string, { scope: "mcp" });
    assert.equal(narrowed.body.scope, "mcp");
    const token = narrowed.body.refresh_token as string;
    const widened = await refresh(as, token, { scope: "mcp admin" });
    assert.equal(widened.body.error, "invalid_scope");
    const stolen = await tokenRequest(as, {
      grant_type: "refresh_token",
      refresh_token: token,
    }, { authorization: basic(CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET) });
    assert.equal(stolen.body.error, "invalid_grant");
    // The refusals above did not spend the token.
    assert.equal((await refresh(as, token)).status, 200);
  });

  test("the refresh token expires with its grant", async () => {
    const clock = testClock();
    const as = testServer(clock, { refreshTokenTtlSeconds: 3600 });
    const first = await firstTokens(as);
    clock.advance(3600_000);
    assert.equal((await refresh(as, first.refresh_token as string)).body.error, "invalid_grant");
  });
});

describe("client_credentials and client authentication", () => {
  test("client_credentials with Basic: a token for the default resource, no refresh token", async () => {
    const as = testServer();
    const { status, body } = await tokenRequest(as, {
      grant_type: "client_credentials",
      scope: "mcp",
    }, { authorization: basic(SERVICE_CLIENT, SERVICE_SECRET) });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.refresh_token, undefined);
    assert.equal(body.scope, "mcp");
    const claims = claimsOf(body.access_token as string);
    assert.equal(claims.aud, RESOURCE);
    assert.equal(claims.sub, SERVICE_CLIENT);
    assert.equal(claims.client_id, SERVICE_CLIENT);
  });

  test("client_credentials is refused to public clients and clients not registered for it", async () => {
    const as = testServer();
    const publicClient = await tokenRequest(as, {
      grant_type: "client_credentials",
      client_id: PUBLIC_CLIENT,
    });
    assert.equal(publicClient.body.error, "unauthorized_client");
    const confidential = await tokenRequest(as, {
      grant_type: "client_credentials",
      client_id: CONFIDENTIAL_CLIENT,
      client_secret: CONFIDENTIAL_SECRET,
    });
    assert.equal(confidential.body.error, "unauthorized_client");
  });

  test("client_secret_post and client_secret_basic both work for a confidential client", async () => {
    const as = testServer();
    for (const viaBasic of [false, true]) {
      const { verifier, challenge } = await pkce();
      const code = await authorizationCode(
        as,
        CONFIDENTIAL_CLIENT,
        CONFIDENTIAL_REDIRECT,
        challenge,
      );
      const form: { [name: string]: string } = {
        grant_type: "authorization_code",
        code,
        code_verifier: verifier,
        redirect_uri: CONFIDENTIAL_REDIRECT,
      };
      const headers: { [name: string]: string } = {};
      if (viaBasic) headers.authorization = basic(CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET);
      else {Object.assign(form, {
          client_id: CONFIDENTIAL_CLIENT,
          client_secret: CONFIDENTIAL_SECRET,
        });}
      const { status, body } = await tokenRequest(as, form, headers);
      assert.equal(status, 200, JSON.stringify(body));
    }
  });

  test("invalid_client: 401 with a Basic challenge", async () => {
    const as = testServer();
    const cases: [{ [name: string]: string }, { [name: string]: string }][] = [
      [{}, { authorization: basic(CONFIDENTIAL_CLIENT, "wrong") }],
      [{ client_id: CONFIDENTIAL_CLIENT, client_secret: "wrong" }, {}],
      [{ client_id: CONFIDENTIAL_CLIENT }, {}], // a confidential client without its secret
      [{ client_id: PUBLIC_CLIENT, client_secret: "anything" }, {}], // a public client with one
      [{ client_id: "nobody" }, {}],
      [{}, {}],
    ];
    for (const [form, headers] of cases) {
      const { status, body, response } = await tokenRequest(
        as,
        { grant_type: "client_credentials", ...form },
        headers,
      );
      assert.equal(status, 401, JSON.stringify({ form, body }));
      assert.equal(body.error, "invalid_client");
      assert.equal(response.headers.get("www-authenticate"), `Basic realm="${ISSUER}"`);
      assert.equal(response.headers.get("cache-control"), "no-store");
    }
  });

  test("two authentication methods at once are an invalid_request", async () => {
    const as = testServer();
    const { status, body } = await tokenRequest(as, {
      grant_type: "client_credentials",
      client_secret: SERVICE_SECRET,
    }, { authorization: basic(SERVICE_CLIENT, SERVICE_SECRET) });
    assert.equal(status, 400);
    assert.equal(body.error, "invalid_request");
  });

  test("an unknown grant type, a JSON body and a GET are refused", async () => {
    const as = testServer();
    const unknown = await tokenRequest(as, { grant_type: "password", client_id: PUBLIC_CLIENT });
    assert.equal(unknown.body.error, "unsupported_grant_type");
    const json = await as.handler(
      new Request(`${ISSUER}/token`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      }),
    );
    assert.equal((await json.json()).error, "invalid_request");
    assert.equal((await as.handler(new Request(`${ISSUER}/token`))).status, 405);
  });

  test("public clients are refused when 'none' is not offered", async () => {
    const as = testServer(testClock(), {
      tokenEndpointAuthMethods: ["client_secret_basic", "client_secret_post"],
      clients: [{
        client_id: CONFIDENTIAL_CLIENT,
        client_secret: CONFIDENTIAL_SECRET,
        redirect_uris: [CONFIDENTIAL_REDIRECT],
      }],
    });
    const metadata = await as.metadata();
    assert.deepEqual(metadata.token_endpoint_auth_methods_supported, [
      "client_secret_basic",
      "client_secret_post",
    ]);
    assert.equal(metadata.client_id_metadata_document_supported, false);
    const { body } = await tokenRequest(as, {
      grant_type: "refresh_token",
      refresh_token: "x",
      client_id: CONFIDENTIAL_CLIENT,
    });
    assert.equal(body.error, "invalid_client");
  });
});
