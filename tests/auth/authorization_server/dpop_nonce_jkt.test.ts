/**
 * The authorization server's RFC 9449 §8 nonces at the token endpoint
 * (`dpop: { requireNonce: true }`) and §10 `dpop_jkt` binding a code to a
 * key; then end to end with emcee's own OAuth client, which retries with the
 * nonce and sends `dpop_jkt` itself.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connectClient } from "../../../client/client.ts";
import { autoApprove } from "../../../auth/authorization_server/consent.ts";
import { createDpopKey, type DpopKey, dpopProof } from "../../../auth/oauth_client/dpop.ts";
import { redirectFollowingInteraction } from "../../../auth/oauth_client/interaction.ts";
import { OAuthTokenProvider } from "../../../auth/oauth_client/provider.ts";
import type { JsonObject } from "../../../protocol/jsonrpc.ts";
import { McpServer } from "../../../server/server.ts";
import { within } from "../../interop/fixtures/helpers.ts";
import { serveProtected } from "../fixtures/protected_endpoint.ts";
import {
  authorizationCode,
  authorizeParams,
  authorizeRedirect,
  claimsOf,
  ISSUER,
  pkce,
  PUBLIC_CLIENT,
  PUBLIC_REDIRECT,
  testClock,
  testServer,
  tokenRequest,
} from "./helpers.ts";

const TOKEN_URL = `${ISSUER}/token`;

function codeForm(code: string, verifier: string): { [name: string]: string } {
  return {
    grant_type: "authorization_code",
    code,
    code_verifier: verifier,
    redirect_uri: PUBLIC_REDIRECT,
    client_id: PUBLIC_CLIENT,
  };
}

async function proofFor(key: DpopKey, now: number, nonce?: string): Promise<string> {
  return await dpopProof(key, { method: "POST", url: TOKEN_URL, nonce, now });
}

describe("authorization server DPoP nonces (RFC 9449 §8)", () => {
  test("a proof without the nonce gets use_dpop_nonce and the nonce; with it, a bound token", async () => {
    const clock = testClock();
    const as = testServer(clock, { dpop: { requireNonce: true } });
    const key = await createDpopKey();
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    const first = await tokenRequest(as, codeForm(code, verifier), {
      dpop: await proofFor(key, clock.now()),
    });
    assert.equal(first.status, 400);
    assert.equal(first.body.error, "use_dpop_nonce");
    const nonce = first.response.headers.get("dpop-nonce");
    assert.ok(nonce);
    assert.match(first.response.headers.get("access-control-expose-headers") ?? "", /DPoP-Nonce/i);
    const wrong = await tokenRequest(as, codeForm(code, verifier), {
      dpop: await proofFor(key, clock.now(), "not-the-nonce"),
    });
    assert.equal(wrong.body.error, "use_dpop_nonce", "the code survives a refused proof");
    const second = await tokenRequest(as, codeForm(code, verifier), {
      dpop: await proofFor(key, clock.now(), nonce),
    });
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.token_type, "DPoP");
    const cnf = claimsOf(second.body.access_token as string).cnf as { jkt: string };
    assert.equal(cnf.jkt, key.thumbprint);
    assert.equal(second.response.headers.get("dpop-nonce"), nonce, "the next nonce is handed out");
  });

  test("the nonce rotates; the previous one still passes, older ones do not", async () => {
    const clock = testClock();
    const as = testServer(clock, { dpop: { requireNonce: true, nonceRotateSeconds: 60 } });
    const key = await createDpopKey();
    const refresh = async (nonce?: string) => {
      const { verifier, challenge } = await pkce();
      const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
      return tokenRequest(as, codeForm(code, verifier), {
        dpop: await proofFor(key, clock.now(), nonce),
      });
    };
    const nonce = (await refresh()).response.headers.get("dpop-nonce")!;
    clock.advance(61_000);
    const previous = await refresh(nonce);
    assert.equal(previous.status, 200, "the previous nonce is still accepted");
    const next = previous.response.headers.get("dpop-nonce")!;
    assert.notEqual(next, nonce);
    clock.advance(61_000);
    const stale = await refresh(nonce);
    assert.equal(stale.body.error, "use_dpop_nonce");
    assert.equal((await refresh(stale.response.headers.get("dpop-nonce")!)).status, 200);
  });

  test("without requireNonce no nonce is demanded or handed out, and Bearer requests are unaffected", async () => {
    const clock = testClock();
    const plain = testServer(clock);
    const key = await createDpopKey();
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(plain, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge);
    const answer = await tokenRequest(plain, codeForm(code, verifier), {
      dpop: await proofFor(key, clock.now()),
    });
    assert.equal(answer.status, 200);
    assert.equal(answer.response.headers.get("dpop-nonce"), null);
    const strict = testServer(clock, { dpop: { requireNonce: true } });
    const pair = await pkce();
    const bearerCode = await authorizationCode(
      strict,
      PUBLIC_CLIENT,
      PUBLIC_REDIRECT,
      pair.challenge,
    );
    const bearer = await tokenRequest(strict, codeForm(bearerCode, pair.verifier));
    assert.equal(bearer.status, 200, "a request without a proof needs no nonce");
    assert.equal(bearer.body.token_type, "Bearer");
  });
});

describe("dpop_jkt binds the authorization code to a key (RFC 9449 §10)", () => {
  test("only a proof by that key redeems the code", async () => {
    const clock = testClock();
    const as = testServer(clock);
    const key = await createDpopKey();
    const other = await createDpopKey();
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge, {
      dpop_jkt: key.thumbprint,
    });
    const wrongKey = await tokenRequest(as, codeForm(code, verifier), {
      dpop: await proofFor(other, clock.now()),
    });
    assert.equal(wrongKey.status, 400);
    assert.equal(wrongKey.body.error, "invalid_grant");
    assert.match(String(wrongKey.body.error_description), /dpop_jkt/);
    const again = await tokenRequest(as, codeForm(code, verifier), {
      dpop: await proofFor(other, clock.now()),
    });
    assert.equal(again.body.error, "invalid_grant", "a wrong key never counts as a replay");

    const pair = await pkce();
    const code2 = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, pair.challenge, {
      dpop_jkt: key.thumbprint,
    });
    const noProof = await tokenRequest(as, codeForm(code2, pair.verifier));
    assert.equal(noProof.status, 400);
    assert.equal(noProof.body.error, "invalid_dpop_proof");
    const rightAfterNone = await tokenRequest(as, codeForm(code2, pair.verifier), {
      dpop: await proofFor(key, clock.now()),
    });
    assert.equal(rightAfterNone.status, 200, "a request without a proof does not spoil the code");

    const pair3 = await pkce();
    const code3 = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, pair3.challenge, {
      dpop_jkt: key.thumbprint,
    });
    const good = await tokenRequest(as, codeForm(code3, pair3.verifier), {
      dpop: await proofFor(key, clock.now()),
    });
    assert.equal(good.status, 200, JSON.stringify(good.body));
    assert.equal(good.body.token_type, "DPoP");
    assert.equal(
      (claimsOf(good.body.access_token as string).cnf as { jkt: string }).jkt,
      key.thumbprint,
    );
  });

  test("a proof by the wrong key does not use the code up: the right key still redeems it", async () => {
    const clock = testClock();
    const as = testServer(clock);
    const key = await createDpopKey();
    const thief = await createDpopKey();
    const { verifier, challenge } = await pkce();
    const code = await authorizationCode(as, PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge, {
      dpop_jkt: key.thumbprint,
    });
    const stolen = await tokenRequest(as, codeForm(code, verifier), {
      dpop: await proofFor(thief, clock.now()),
    });
    assert.equal(stolen.status, 400);
    assert.equal(stolen.body.error, "invalid_grant");
    const redeemed = await tokenRequest(as, codeForm(code, verifier), {
      dpop: await proofFor(key, clock.now()),
    });
    assert.equal(redeemed.status, 200, JSON.stringify(redeemed.body));
    assert.equal(
      (claimsOf(redeemed.body.access_token as string).cnf as { jkt: string }).jkt,
      key.thumbprint,
    );
    const replayByThief = await tokenRequest(as, codeForm(code, verifier), {
      dpop: await proofFor(thief, clock.now()),
    });
    assert.equal(replayByThief.body.error, "invalid_grant");
    const replay = await tokenRequest(as, codeForm(code, verifier), {
      dpop: await proofFor(key, clock.now()),
    });
    assert.match(String(replay.body.error_description), /already used/);
  });

  test("a malformed dpop_jkt is an invalid_request redirect", async () => {
    const as = testServer();
    const { challenge } = await pkce();
    const location = await authorizeRedirect(
      as,
      authorizeParams(PUBLIC_CLIENT, PUBLIC_REDIRECT, challenge, { dpop_jkt: "short" }),
    );
    assert.equal(location.searchParams.get("error"), "invalid_request");
    assert.equal(location.searchParams.get("code"), null);
  });
});

function whoamiServer(): McpServer {
  const server = new McpServer({ name: "dpop-nonce-test", version: "1.0.0" });
  server.tool({
    name: "whoami",
    handler: (_args: JsonObject, context) => JSON.stringify({ subject: context.auth?.subject }),
  });
  return server;
}

describe("emcee's OAuth client against emcee's authorization server with nonces", () => {
  test("it retries the token request with the nonce and binds the code with dpop_jkt", async () => {
    const endpoint = await serveProtected(whoamiServer(), {
      requiredScopes: ["mcp"],
      consent: autoApprove({ subject: "ada" }),
      dpop: {},
      tokenEndpointDpop: { requireNonce: true },
    });
    const tokenAnswers: { status: number; error?: string; nonce: string | null }[] = [];
    const recordingFetch: typeof fetch = async (input, init) => {
      const response = await fetch(input, init);
      const url = input instanceof Request ? input.url : String(input);
      if (new URL(url).pathname === "/token") {
        const body = await response.clone().json();
        tokenAnswers.push({
          status: response.status,
          error: body.error,
          nonce: response.headers.get("dpop-nonce"),
        });
      }
      return response;
    };
    const authorizationUrls: URL[] = [];
    const follow = redirectFollowingInteraction({ redirectUri: "http://127.0.0.1:7301/callback" });
    const key = await createDpopKey();
    const auth = new OAuthTokenProvider({
      serverUrl: endpoint.url,
      interaction: {
        redirectUri: follow.redirectUri,
        authorize: (url, context) => {
          authorizationUrls.push(url);
          return follow.authorize(url, context);
        },
      },
      clientMetadata: { client_name: "emcee nonce test" },
      dpopKey: key,
      fetch: recordingFetch,
    });
    const client = await within(
      connectClient(endpoint.url, { name: "emcee-nonce", version: "1.0.0" }, { auth }),
      10_000,
      "connect",
    );
    try {
      const result = await within(client.callTool("whoami"), 10_000, "call");
      const who = JSON.parse((result.content as { text: string }[])[0].text);
      assert.equal(who.subject, "ada");
      const cnf = claimsOf(auth.tokens!.accessToken).cnf as { jkt: string };
      assert.equal(cnf.jkt, key.thumbprint);
      assert.equal(auth.tokens?.tokenType, "DPoP");
      assert.equal(authorizationUrls.length, 1);
      assert.equal(authorizationUrls[0].searchParams.get("dpop_jkt"), key.thumbprint);
      assert.equal(tokenAnswers.length, 2, JSON.stringify(tokenAnswers));
      assert.equal(tokenAnswers[0].status, 400);
      assert.equal(tokenAnswers[0].error, "use_dpop_nonce");
      assert.ok(tokenAnswers[0].nonce);
      assert.equal(tokenAnswers[1].status, 200);
    } finally {
      await client.close();
      await endpoint.close();
    }
  });
});
