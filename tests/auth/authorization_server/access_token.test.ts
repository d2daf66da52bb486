/**
 * Access tokens: ES256 JWTs with the RFC 9068 claims, verified by emcee's
 * own resource-server verifier (jwtVerifier + bearerAuth) and by jose; a
 * token for another audience is refused by the resource side; revoked
 * tokens are refused by the in-process verifier.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";
import { bearerAuth, InvalidTokenError } from "../../../auth/bearer.ts";
import { jwtVerifier } from "../../../auth/jwt.ts";
import { importSigningKey } from "../../../auth/authorization_server/keys.ts";
import {
  authorizationCode,
  basic,
  claimsOf,
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

const OTHER_RESOURCE = "http://127.0.0.1:9000/other";

async function userToken(as: ReturnType<typeof testServer>): Promise<string> {
  const { verifier, challenge } = await pkce();
  const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge, {
    scope: "mcp files:read",
  });
  return (await exchangeCode(as, code, verifier)).body.access_token as string;
}

function mcpRequest(token: string): Request {
  return new Request(RESOURCE, { method: "POST", headers: { authorization: `Bearer ${token}` } });
}

describe("access tokens", () => {
  test("carry iss, sub, aud, client_id, scope, iat, exp, jti and an ES256 at+jwt header", async () => {
    const clock = testClock();
    const as = testServer(clock);
    const token = await userToken(as);
    const header = JSON.parse(atob(token.split(".")[0].replace(/-/g, "+").replace(/_/g, "/")));
    assert.equal(header.alg, "ES256");
    assert.equal(header.typ, "at+jwt");
    const [key] = (await as.jwks()).keys;
    assert.equal(header.kid, key.kid);
    assert.equal(key.kty, "EC");
    assert.equal("d" in key, false, "the JWKS holds no private member");
    const claims = claimsOf(token);
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.sub, "ada");
    assert.equal(claims.aud, RESOURCE);
    assert.equal(claims.client_id, PUBLIC_CLIENT);
    assert.equal(claims.scope, "mcp files:read");
    assert.equal(claims.iat, Math.floor(clock.now() / 1000));
    assert.equal(claims.exp, Math.floor(clock.now() / 1000) + 300);
    assert.equal(typeof claims.jti, "string");
  });

  test("emcee's resource-server verifier accepts them (jwtVerifier + bearerAuth)", async () => {
    const clock = testClock();
    const as = testServer(clock);
    const token = await userToken(as);
    const verify = jwtVerifier({
      jwks: await as.jwks(),
      issuer: ISSUER,
      audience: RESOURCE,
      now: clock.now,
    });
    const verified = await verify(token);
    assert.equal(verified.subject, "ada");
    assert.equal(verified.clientId, PUBLIC_CLIENT);
    assert.deepEqual(verified.scopes, ["mcp", "files:read"]);
    const authenticate = bearerAuth({
      resource: RESOURCE,
      verify,
      requiredScopes: ["mcp"],
      now: clock.now,
    });
    const principal = await authenticate(mcpRequest(token));
    assert.ok(!(principal instanceof Response));
    assert.equal(principal.subject, "ada");
  });

  test("jose verifies them against the JWKS endpoint's keys", async () => {
    const clock = testClock();
    const as = testServer(clock);
    const token = await userToken(as);
    const jwks = await (await as.handler(new Request(`${ISSUER}/jwks`))).json();
    const keySet = jose.createLocalJWKSet(jwks);
    const { payload, protectedHeader } = await jose.jwtVerify(token, keySet, {
      issuer: ISSUER,
      audience: RESOURCE,
      algorithms: ["ES256"],
      typ: "at+jwt",
      currentDate: new Date(clock.now()),
    });
    assert.equal(protectedHeader.alg, "ES256");
    assert.equal(payload.sub, "ada");
    await assert.rejects(
      jose.jwtVerify(token, keySet, {
        audience: OTHER_RESOURCE,
        currentDate: new Date(clock.now()),
      }),
    );
  });

  test("a token for another audience is refused by the resource verifier", async () => {
    const clock = testClock();
    const as = testServer(clock, { resources: [RESOURCE, OTHER_RESOURCE] });
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge, {
      resource: OTHER_RESOURCE,
    });
    const token = (await exchangeCode(as, code, verifier)).body.access_token as string;
    assert.equal(claimsOf(token).aud, OTHER_RESOURCE);
    const jwks = await as.jwks();
    // jwtVerifier with the audience, and bearerAuth with a verifier that does not check it.
    await assert.rejects(
      jwtVerifier({ jwks, issuer: ISSUER, audience: RESOURCE, now: clock.now })(token),
      (error: unknown) =>
        error instanceof InvalidTokenError && /not issued for/.test(error.message),
    );
    const lenient = jwtVerifier({ jwks, issuer: ISSUER, now: clock.now });
    const refusal = await bearerAuth({ resource: RESOURCE, verify: lenient, now: clock.now })(
      mcpRequest(token),
    );
    assert.ok(refusal instanceof Response);
    assert.equal(refusal.status, 401);
    assert.match(refusal.headers.get("www-authenticate") ?? "", /invalid_token/);
    // And the in-process verifier bound to RESOURCE.
    await assert.rejects(as.tokenVerifier(RESOURCE)(token, mcpRequest(token)) as Promise<unknown>);
  });

  test("they expire: refused after exp by the verifiers", async () => {
    const clock = testClock();
    const as = testServer(clock);
    const token = await userToken(as);
    clock.advance(300_000);
    await assert.rejects(
      Promise.resolve(as.tokenVerifier(RESOURCE)(token, mcpRequest(token))),
      /expired/,
    );
  });

  test("a revoked token is refused by the in-process verifier and inactive on introspection", async () => {
    const as = testServer();
    const token = await userToken(as);
    const verify = as.tokenVerifier(RESOURCE);
    assert.equal((await verify(token, mcpRequest(token)))?.subject, "ada");
    const revoked = await as.handler(formPost("/revoke", { token, client_id: PUBLIC_CLIENT }));
    assert.equal(revoked.status, 200);
    await assert.rejects(Promise.resolve(verify(token, mcpRequest(token))), /revoked/);
    const introspection = await as.handler(
      formPost("/introspect", { token }, { authorization: basic(SERVICE_CLIENT, SERVICE_SECRET) }),
    );
    assert.deepEqual(await introspection.json(), { active: false });
  });

  test("a configured signing key is used, so tokens survive a restart", async () => {
    const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, [
      "sign",
      "verify",
    ]);
    const privateJwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
    const clock = testClock();
    const first = testServer(clock, { signingKey: privateJwk });
    const service = await tokenRequest(first, { grant_type: "client_credentials" }, {
      authorization: basic(SERVICE_CLIENT, SERVICE_SECRET),
    });
    const token = service.body.access_token as string;
    const second = testServer(clock, { signingKey: privateJwk });
    assert.equal(
      (await second.tokenVerifier(RESOURCE)(token, mcpRequest(token)))?.subject,
      SERVICE_CLIENT,
    );
    assert.equal((await importSigningKey(privateJwk)).kid, (await second.jwks()).keys[0].kid);
    await assert.rejects(importSigningKey({ kty: "EC", crv: "P-256" }), /private EC P-256/);
  });
});
