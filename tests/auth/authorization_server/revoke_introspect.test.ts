/** /revoke (RFC 7009) and /introspect (RFC 7662). */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  authorizationCode,
  basic,
  CONFIDENTIAL_CLIENT,
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
  testServer,
  tokenRequest,
} from "./helpers.ts";

async function tokens(as: ReturnType<typeof testServer>) {
  const { verifier, challenge } = await pkce();
  const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
  const { body } = await exchangeCode(as, code, verifier);
  return { access: body.access_token as string, refresh: body.refresh_token as string };
}

async function introspect(
  as: ReturnType<typeof testServer>,
  token: string,
  authorization: string = basic(SERVICE_CLIENT, SERVICE_SECRET),
) {
  const response = await as.handler(formPost("/introspect", { token }, { authorization }));
  return { status: response.status, body: await response.json(), response };
}

describe("introspection", () => {
  test("describes active access and refresh tokens to a resource server", async () => {
    const as = testServer();
    const { access, refresh } = await tokens(as);
    const accessInfo = await introspect(as, access);
    assert.equal(accessInfo.status, 200);
    assert.equal(accessInfo.response.headers.get("cache-control"), "no-store");
    assert.equal(accessInfo.body.active, true);
    assert.equal(accessInfo.body.sub, "ada");
    assert.equal(accessInfo.body.client_id, PUBLIC_CLIENT);
    assert.equal(accessInfo.body.aud, RESOURCE);
    assert.equal(accessInfo.body.iss, ISSUER);
    assert.equal(accessInfo.body.scope, "mcp");
    assert.equal(accessInfo.body.token_type, "Bearer");
    const refreshInfo = await introspect(as, refresh);
    assert.equal(refreshInfo.body.active, true);
    assert.equal(refreshInfo.body.token_type, "refresh_token");
    assert.deepEqual((await introspect(as, "garbage")).body, { active: false });
  });

  test("needs a confidential client; others see only their own tokens", async () => {
    const as = testServer();
    const { access } = await tokens(as);
    const publicCaller = await as.handler(
      formPost("/introspect", { token: access, client_id: PUBLIC_CLIENT }),
    );
    assert.equal(publicCaller.status, 401);
    assert.equal((await publicCaller.json()).error, "invalid_client");
    const unauthenticated = await as.handler(formPost("/introspect", { token: access }));
    assert.equal(unauthenticated.status, 401);
    const stranger = await introspect(as, access, basic(CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET));
    assert.deepEqual(stranger.body, { active: false });
  });
});

describe("revocation", () => {
  test("revoking a refresh token revokes its grant, access tokens included", async () => {
    const as = testServer();
    const { access, refresh } = await tokens(as);
    const response = await as.handler(
      formPost("/revoke", {
        token: refresh,
        token_type_hint: "refresh_token",
        client_id: PUBLIC_CLIENT,
      }),
    );
    assert.equal(response.status, 200);
    assert.equal((await introspect(as, refresh)).body.active, false);
    assert.equal((await introspect(as, access)).body.active, false);
    const refreshed = await tokenRequest(as, {
      grant_type: "refresh_token",
      refresh_token: refresh,
      client_id: PUBLIC_CLIENT,
    });
    assert.equal(refreshed.body.error, "invalid_grant");
  });

  test("revoking an access token leaves the refresh token usable", async () => {
    const as = testServer();
    const { access, refresh } = await tokens(as);
    await as.handler(formPost("/revoke", { token: access, client_id: PUBLIC_CLIENT }));
    assert.equal((await introspect(as, access)).body.active, false);
    assert.equal((await introspect(as, refresh)).body.active, true);
  });

  test("another client's token is not revoked; unknown tokens answer 200", async () => {
    const as = testServer();
    const { access, refresh } = await tokens(as);
    for (const token of [access, refresh, "unknown"]) {
      const response = await as.handler(
        formPost("/revoke", { token }, {
          authorization: basic(CONFIDENTIAL_CLIENT, CONFIDENTIAL_SECRET),
        }),
      );
      assert.equal(response.status, 200);
    }
    assert.equal((await introspect(as, access)).body.active, true);
    assert.equal((await introspect(as, refresh)).body.active, true);
  });

  test("client authentication is required", async () => {
    const as = testServer();
    const response = await as.handler(formPost("/revoke", { token: "x" }));
    assert.equal(response.status, 401);
    assert.equal((await response.json()).error, "invalid_client");
  });
});
