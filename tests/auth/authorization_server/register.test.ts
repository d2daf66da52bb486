/** /register (RFC 7591), and the consent page escaping what a registered client claims. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { consentPage } from "../../../auth/authorization_server/consent.ts";
import { memoryStore } from "../../../auth/authorization_server/store.ts";
import {
  authorizationCode,
  authorizeParams,
  authorizeUrl,
  exchangeCode,
  ISSUER,
  pkce,
  testClock,
  testServer,
  tokenRequest,
} from "./helpers.ts";

const REDIRECT = "http://127.0.0.1:7100/callback";

function register(as: ReturnType<typeof testServer>, metadata: unknown): Promise<Response> {
  return as.handler(
    new Request(`${ISSUER}/register`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(metadata),
    }),
  );
}

describe("dynamic client registration", () => {
  test("a public client registers and completes the code flow with refresh", async () => {
    const as = testServer();
    const response = await register(as, {
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: "none",
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      client_name: "Test app",
    });
    assert.equal(response.status, 201);
    assert.equal(response.headers.get("cache-control"), "no-store");
    const client = await response.json();
    assert.equal(typeof client.client_id, "string");
    assert.equal(client.client_secret, undefined);
    assert.deepEqual(client.redirect_uris, [REDIRECT]);
    assert.deepEqual(client.grant_types, ["authorization_code", "refresh_token"]);
    assert.equal(client.token_endpoint_auth_method, "none");
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, client.client_id, REDIRECT, challenge);
    const tokens = await exchangeCode(as, code, verifier, client.client_id, REDIRECT);
    assert.equal(tokens.status, 200);
    assert.equal(typeof tokens.body.refresh_token, "string");
  });

  test("a confidential client gets a secret; without refresh_token it gets no refresh token", async () => {
    const as = testServer();
    const client = await (await register(as, { redirect_uris: [REDIRECT] })).json();
    assert.equal(client.token_endpoint_auth_method, "client_secret_basic");
    assert.equal(typeof client.client_secret, "string");
    assert.equal(client.client_secret_expires_at, 0);
    assert.deepEqual(client.grant_types, ["authorization_code"]);
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, client.client_id, REDIRECT, challenge);
    const tokens = await tokenRequest(as, {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: REDIRECT,
      client_id: client.client_id,
      client_secret: client.client_secret,
    });
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.equal(tokens.body.refresh_token, undefined);
  });

  test("bad metadata is refused with RFC 7591 errors", async () => {
    const as = testServer();
    const cases: [unknown, string][] = [
      [{}, "invalid_redirect_uri"],
      [{ redirect_uris: [] }, "invalid_redirect_uri"],
      [{ redirect_uris: ["http://app.example.com/cb"] }, "invalid_redirect_uri"],
      [{ redirect_uris: ["javascript:alert(1)"] }, "invalid_redirect_uri"],
      [{ redirect_uris: ["https://app.example.com/cb#frag"] }, "invalid_redirect_uri"],
      [
        { redirect_uris: [REDIRECT], grant_types: ["client_credentials"] },
        "invalid_client_metadata",
      ],
      [{ redirect_uris: [REDIRECT], grant_types: ["implicit"] }, "invalid_client_metadata"],
      [{ redirect_uris: [REDIRECT], response_types: ["token"] }, "invalid_client_metadata"],
      [
        { redirect_uris: [REDIRECT], token_endpoint_auth_method: "private_key_jwt" },
        "invalid_client_metadata",
      ],
      [[REDIRECT], "invalid_client_metadata"],
    ];
    for (const [metadata, error] of cases) {
      const response = await register(as, metadata);
      assert.equal(response.status, 400, JSON.stringify(metadata));
      assert.equal((await response.json()).error, error, JSON.stringify(metadata));
    }
  });

  test("private-use schemes and loopback http are accepted", async () => {
    const as = testServer();
    const response = await register(as, {
      redirect_uris: [
        "com.example.app:/callback",
        "http://[::1]:8080/cb",
        "https://app.example.com/cb",
      ],
      token_endpoint_auth_method: "none",
    });
    assert.equal(response.status, 201);
  });

  test("registration can be turned off, and a full store says 503", async () => {
    const off = testServer(testClock(), { dynamicRegistration: false });
    assert.equal((await register(off, { redirect_uris: [REDIRECT] })).status, 404);
    assert.equal((await off.metadata()).registration_endpoint, undefined);
    const full = testServer(testClock(), { store: memoryStore({ maxRegisteredClients: 1 }) });
    assert.equal((await register(full, { redirect_uris: [REDIRECT] })).status, 201);
    const refused = await register(full, { redirect_uris: [REDIRECT] });
    assert.equal(refused.status, 503);
    assert.equal((await refused.json()).error, "temporarily_unavailable");
  });

  test("the consent page escapes a client's self-declared name", async () => {
    const as = testServer(testClock(), { consent: consentPage() });
    const client = await (await register(as, {
      redirect_uris: [REDIRECT],
      token_endpoint_auth_method: "none",
      client_name: `<script>alert("x")</script>`,
    })).json();
    const { challenge } = await pkce();
    const page = await as.handler(
      new Request(authorizeUrl(authorizeParams(client.client_id, REDIRECT, challenge))),
    );
    const html = await page.text();
    assert.ok(!html.includes("<script>"));
    assert.match(html, /&lt;script&gt;alert\(&quot;x&quot;\)&lt;\/script&gt;/);
  });
});
