/**
 * DPoP at the resource server (RFC 9449 §4.3, §7, §9, §11): bearerAuth with
 * the `dpop` option accepts a bound token with a good proof and pins every
 * refusal to its challenge; a bound token never passes as a bearer token.
 * Keys are ES256 pairs generated here; tokens are JWTs from jwtVerifier.
 */
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { bearerAuth, type BearerAuthOptions } from "../../auth/bearer.ts";
import {
  dpopNonces,
  type DpopOptions,
  dpopProofChecker,
  DpopProofError,
} from "../../auth/dpop_proof.ts";
import { dpopReplayCache } from "../../auth/dpop_replay.ts";
import { jwtVerifier } from "../../auth/jwt.ts";
import { staticTokenVerifier } from "../../auth/static_verifier.ts";
import { withAuth } from "../../auth/with_auth.ts";
import { createDpopKey, dpopProof } from "../../auth/oauth_client/dpop.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { McpServer } from "../../server/server.ts";
import {
  encodeJson,
  generateKey,
  goodClaims,
  ISSUER,
  RESOURCE,
  signJwt,
  type TestKey,
} from "./helpers.ts";
import * as fixtures from "./authorization_server/helpers.ts";
import type { AuthorizationServer } from "../../auth/authorization_server/handler.ts";

const METADATA = "http://127.0.0.1/.well-known/oauth-protected-resource/mcp";
const encoder = new TextEncoder();

function base64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function sha256(text: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

/** A client's ES256 DPoP key and its RFC 7638 thumbprint, computed here independently. */
interface ProofKey {
  privateKey: CryptoKey;
  jwk: JsonWebKey;
  jkt: string;
}

async function proofKey(): Promise<ProofKey> {
  const pair = await crypto.subtle.generateKey(
    { name: "ECDSA", namedCurve: "P-256" },
    true,
    ["sign", "verify"],
  ) as CryptoKeyPair;
  const { x, y } = await crypto.subtle.exportKey("jwk", pair.publicKey);
  const jkt = await sha256(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`);
  return { privateKey: pair.privateKey, jwk: { kty: "EC", crv: "P-256", x, y }, jkt };
}

let proofCount = 0;

/** A proof for POST {@link RESOURCE} with `token`; `claims` and `header` override. */
async function proof(
  key: ProofKey,
  token: string,
  claims: { [claim: string]: unknown } = {},
  header: { [name: string]: unknown } = {},
): Promise<string> {
  proofCount += 1;
  const head = encodeJson({ typ: "dpop+jwt", alg: "ES256", jwk: key.jwk, ...header });
  const body = encodeJson({
    jti: `proof-${proofCount}`,
    htm: "POST",
    htu: RESOURCE,
    iat: Math.floor(Date.now() / 1000),
    ath: await sha256(token),
    ...claims,
  });
  const signature = await crypto.subtle.sign(
    { name: "ECDSA", hash: "SHA-256" },
    key.privateKey,
    encoder.encode(`${head}.${body}`),
  );
  return `${head}.${body}.${base64Url(new Uint8Array(signature))}`;
}

/** A request with `Authorization: <scheme> <token>` and one `DPoP` header per proof. */
function dpopRequest(
  authorization: string,
  proofs: string | readonly string[] = [],
  init: { method?: string; url?: string } = {},
): Request {
  const headers = new Headers({ authorization });
  for (const value of typeof proofs === "string" ? [proofs] : proofs) headers.append("dpop", value);
  const method = init.method ?? "POST";
  return new Request(init.url ?? RESOURCE, {
    method,
    headers,
    body: method === "GET" ? undefined : "{}",
  });
}

/** The refusal's status, challenges and body, after checking it is one. */
async function refused(
  outcome: AuthInfo | Response,
  status: number,
): Promise<{ challenge: string; description: string; error: string }> {
  assert.ok(outcome instanceof Response, "expected a refusal");
  assert.equal(outcome.status, status);
  assert.equal(outcome.headers.get("cache-control"), "no-store");
  const body = await outcome.json();
  return {
    challenge: outcome.headers.get("www-authenticate") ?? "",
    description: body.error_description ?? "",
    error: body.error,
  };
}

/** Asserts a DPoP-scheme refusal with `invalid_dpop_proof` whose description matches `reason`. */
async function badProof(outcome: AuthInfo | Response, reason: RegExp): Promise<void> {
  const { challenge, description, error } = await refused(outcome, 401);
  assert.equal(error, "invalid_dpop_proof");
  assert.match(challenge, /DPoP error="invalid_dpop_proof", error_description="[^"]+"/);
  assert.match(description, reason);
}

describe("bearerAuth with DPoP", () => {
  let issuer: TestKey;
  let client: ProofKey;
  let stranger: ProofKey;
  let bound: string;
  let plain: string;

  function auth(dpop: DpopOptions = {}, extra: Partial<BearerAuthOptions> = {}) {
    return bearerAuth({
      resource: RESOURCE,
      verify: jwtVerifier({ jwks: { keys: [issuer.jwk] }, issuer: ISSUER }),
      requiredScopes: ["mcp"],
      dpop,
      ...extra,
    });
  }

  before(async () => {
    [issuer, client, stranger] = await Promise.all([
      generateKey("ES256"),
      proofKey(),
      proofKey(),
    ]);
    bound = await signJwt(issuer, goodClaims({ cnf: { jkt: client.jkt } }));
    plain = await signJwt(issuer, goodClaims());
  });

  test("a bound token with a valid proof is accepted; the principal is Bearer's", async () => {
    const outcome = await auth()(dpopRequest(`DPoP ${bound}`, await proof(client, bound)));
    assert.ok(!(outcome instanceof Response), "expected a principal");
    const asBearer = await auth()(dpopRequest(`Bearer ${plain}`));
    assert.ok(!(asBearer instanceof Response));
    assert.equal(outcome.subject, "ada");
    assert.equal(outcome.clientId, "client-1");
    assert.deepEqual(outcome.scopes, ["mcp", "files:read"]);
    assert.equal(outcome.token, bound);
    assert.equal(outcome.subject, asBearer.subject);
    assert.deepEqual(outcome.scopes, asBearer.scopes);
  });

  test("the scheme is case-insensitive", async () => {
    const outcome = await auth()(dpopRequest(`dpop ${bound}`, await proof(client, bound)));
    assert.ok(!(outcome instanceof Response));
  });

  test("a proof made by the SDK's own client is accepted", async () => {
    const key = await createDpopKey();
    const token = await signJwt(issuer, goodClaims({ cnf: { jkt: key.thumbprint } }));
    const value = await dpopProof(key, {
      method: "POST",
      url: `${RESOURCE}?x=1`,
      accessToken: token,
    });
    const outcome = await auth()(dpopRequest(`DPoP ${token}`, value, { url: `${RESOURCE}?x=1` }));
    assert.ok(!(outcome instanceof Response));
  });

  test("a replayed proof is refused", async () => {
    const authenticate = auth();
    const once = await proof(client, bound);
    assert.ok(!(await authenticate(dpopRequest(`DPoP ${bound}`, once)) instanceof Response));
    await badProof(await authenticate(dpopRequest(`DPoP ${bound}`, once)), /used before/);
  });

  test("a proof for another URL is refused", async () => {
    const value = await proof(client, bound, { htu: "http://127.0.0.1/other" });
    await badProof(await auth()(dpopRequest(`DPoP ${bound}`, value)), /another URL/);
  });

  test("htu ignores query and fragment, scheme and host case and the default port", async () => {
    const value = await proof(client, bound, { htu: "HTTP://127.0.0.1:80/mcp#frag" });
    const request = dpopRequest(`DPoP ${bound}`, value, { url: `${RESOURCE}?page=2` });
    assert.ok(!(await auth()(request) instanceof Response));
  });

  test("a proof for another method is refused", async () => {
    const value = await proof(client, bound, { htm: "GET" });
    await badProof(await auth()(dpopRequest(`DPoP ${bound}`, value)), /another method/);
  });

  test("a proof whose ath is not the token's hash is refused", async () => {
    const value = await proof(client, bound, { ath: await sha256("another token") });
    await badProof(await auth()(dpopRequest(`DPoP ${bound}`, value)), /ath/);
    const withoutAth = await proof(client, bound, { ath: undefined });
    await badProof(await auth()(dpopRequest(`DPoP ${bound}`, withoutAth)), /ath/);
  });

  test("a proof signed by another key than the token's jkt is refused", async () => {
    const value = await proof(stranger, bound);
    await badProof(await auth()(dpopRequest(`DPoP ${bound}`, value)), /key the access token/);
  });

  test("a proof whose signature does not verify with its jwk is refused", async () => {
    const value = await proof(stranger, bound, {}, { jwk: client.jwk });
    await badProof(await auth()(dpopRequest(`DPoP ${bound}`, value)), /signature/);
  });

  test("a stale or future iat is refused", async () => {
    const now = Math.floor(Date.now() / 1000);
    const stale = await proof(client, bound, { iat: now - 120 });
    await badProof(await auth()(dpopRequest(`DPoP ${bound}`, stale)), /too old/);
    const future = await proof(client, bound, { iat: now + 60 });
    await badProof(await auth()(dpopRequest(`DPoP ${bound}`, future)), /future/);
    // The window is configurable.
    const lenient = auth({ maxAgeSeconds: 300 });
    assert.ok(!(await lenient(dpopRequest(`DPoP ${bound}`, stale)) instanceof Response));
  });

  test("a wrong typ, a symmetric or unknown alg, or a private jwk is refused", async () => {
    const cases: [{ [name: string]: unknown }, RegExp][] = [
      [{ typ: "JWT" }, /typ/],
      [{ alg: "HS256" }, /algorithm/],
      [{ alg: "none" }, /algorithm/],
      [{ jwk: { ...client.jwk, d: "AAAA" } }, /not a public key/],
      [{ jwk: undefined }, /no jwk/],
    ];
    for (const [header, reason] of cases) {
      const value = await proof(client, bound, {}, header);
      await badProof(await auth()(dpopRequest(`DPoP ${bound}`, value)), reason);
    }
  });

  test("two DPoP headers, none, or one that is not a JWT: invalid_dpop_proof", async () => {
    const [first, second] = [await proof(client, bound), await proof(client, bound)];
    await badProof(
      await auth()(dpopRequest(`DPoP ${bound}`, [first, second])),
      /more than one/,
    );
    await badProof(await auth()(dpopRequest(`DPoP ${bound}`)), /no DPoP proof/);
    await badProof(await auth()(dpopRequest(`DPoP ${bound}`, "not-a-jwt")), /not a JWT/);
  });

  test("a bound token presented as a Bearer token is refused", async () => {
    const withDpop = await refused(await auth()(dpopRequest(`Bearer ${bound}`)), 401);
    assert.equal(withDpop.error, "invalid_token");
    assert.match(withDpop.challenge, /^Bearer error="invalid_token", error_description="[^"]+"/);
    assert.match(
      withDpop.challenge,
      /, DPoP resource_metadata="[^"]+", algs="ES256 RS256 PS256 EdDSA"$/,
    );
    assert.match(withDpop.description, /DPoP scheme/);
    // Not even with a valid proof alongside.
    const proved = dpopRequest(`Bearer ${bound}`, await proof(client, bound));
    assert.equal((await refused(await auth()(proved), 401)).error, "invalid_token");
  });

  test("an unbound token presented with the DPoP scheme is refused", async () => {
    const outcome = await auth()(dpopRequest(`DPoP ${plain}`, await proof(client, plain)));
    const { challenge, description, error } = await refused(outcome, 401);
    assert.equal(error, "invalid_token");
    assert.match(challenge, /DPoP error="invalid_token"/);
    assert.match(description, /Bearer scheme/);
  });

  test("no credentials: 401 with the Bearer and the DPoP challenge", async () => {
    const request = new Request(RESOURCE, { method: "POST", body: "{}" });
    const { challenge } = await refused(await auth({ algorithms: ["ES256"] })(request), 401);
    assert.equal(
      challenge,
      `Bearer scope="mcp", resource_metadata="${METADATA}", ` +
        `DPoP scope="mcp", resource_metadata="${METADATA}", algs="ES256"`,
    );
  });

  test("nonce flow: first 401 use_dpop_nonce with DPoP-Nonce, the retry with it passes", async () => {
    const authenticate = auth({ nonces: dpopNonces() });
    const first = await authenticate(dpopRequest(`DPoP ${bound}`, await proof(client, bound)));
    assert.ok(first instanceof Response);
    const nonce = first.headers.get("dpop-nonce");
    assert.ok(nonce, "DPoP-Nonce header");
    const { challenge, error } = await refused(first, 401);
    assert.equal(error, "use_dpop_nonce");
    assert.match(challenge, /DPoP error="use_dpop_nonce"/);
    const retry = await authenticate(
      dpopRequest(`DPoP ${bound}`, await proof(client, bound, { nonce })),
    );
    assert.ok(!(retry instanceof Response), "the retry with the nonce passes");
    const wrong = await authenticate(
      dpopRequest(`DPoP ${bound}`, await proof(client, bound, { nonce: "guessed" })),
    );
    assert.equal((await refused(wrong, 401)).error, "use_dpop_nonce");
  });

  test("nonces rotate: the previous one still passes, an older one does not", () => {
    let clock = 0;
    const nonces = dpopNonces({ rotateSeconds: 10, now: () => clock });
    const first = nonces.current();
    clock = 10_000;
    const second = nonces.current();
    assert.notEqual(first, second);
    assert.ok(nonces.accepts(first) && nonces.accepts(second));
    clock = 20_000;
    assert.ok(!nonces.accepts(first));
    assert.ok(nonces.accepts(second));
  });

  test("the replay cache stays bounded, and forgets proofs once their iat has passed", async () => {
    let clock = Date.now();
    const replayCache = dpopReplayCache({ maxEntries: 3 });
    const authenticate = auth({ replayCache, now: () => clock });
    const first = await proof(client, bound, { iat: Math.floor(clock / 1000) });
    assert.ok(!(await authenticate(dpopRequest(`DPoP ${bound}`, first)) instanceof Response));
    for (let i = 0; i < 10; i++) {
      const value = await proof(client, bound, { iat: Math.floor(clock / 1000) });
      assert.ok(!(await authenticate(dpopRequest(`DPoP ${bound}`, value)) instanceof Response));
      assert.ok(replayCache.size <= 3, `size ${replayCache.size}`);
    }
    clock += 70_000;
    assert.equal(replayCache.remember("k", clock + 1, clock), true);
    assert.equal(replayCache.size, 1, "expired entries are dropped");
  });

  test("the checker resolves with the proof key's thumbprint (for a token endpoint)", async () => {
    const check = dpopProofChecker();
    const value = await proof(client, bound, {
      htu: "https://auth.example.com/token",
      ath: undefined,
    });
    const verified = await check({
      proof: value,
      method: "POST",
      url: "https://auth.example.com/token",
    });
    assert.equal(verified.jkt, client.jkt);
    await assert.rejects(
      check({ proof: value, method: "POST", url: "https://auth.example.com/token" }),
      (error: unknown) => error instanceof DpopProofError && error.code === "invalid_dpop_proof",
    );
  });

  test("concurrent requests with one proof: exactly one passes", async () => {
    const authenticate = auth();
    const value = await proof(client, bound);
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, () => authenticate(dpopRequest(`DPoP ${bound}`, value))),
    );
    const passed = outcomes.filter((outcome) => !(outcome instanceof Response));
    assert.equal(passed.length, 1);
    for (const outcome of outcomes) if (outcome instanceof Response) await outcome.body?.cancel();
  });

  test("requestUrl names the URL the client addressed, behind a rewriting proxy", async () => {
    const authenticate = auth({ requestUrl: () => "https://mcp.example.com/mcp" });
    const value = await proof(client, bound, { htu: "https://mcp.example.com/mcp" });
    assert.ok(!(await authenticate(dpopRequest(`DPoP ${bound}`, value)) instanceof Response));
    const internal = await proof(client, bound);
    await badProof(await authenticate(dpopRequest(`DPoP ${bound}`, internal)), /another URL/);
  });

  test("a good proof with too narrow a token: 403 insufficient_scope in the DPoP challenge", async () => {
    const narrow = await signJwt(
      issuer,
      goodClaims({ cnf: { jkt: client.jkt }, scope: "files:read" }),
    );
    const outcome = await auth()(dpopRequest(`DPoP ${narrow}`, await proof(client, narrow)));
    const { challenge, error } = await refused(outcome, 403);
    assert.equal(error, "insufficient_scope");
    assert.match(challenge, /DPoP error="insufficient_scope", .*scope="mcp"/);
  });
});

describe("bearerAuth without the dpop option", () => {
  let issuer: TestKey;
  let client: ProofKey;
  let bound: string;

  before(async () => {
    [issuer, client] = await Promise.all([generateKey("ES256"), proofKey()]);
    bound = await signJwt(issuer, goodClaims({ cnf: { jkt: client.jkt } }));
  });

  const auth = () =>
    bearerAuth({
      resource: RESOURCE,
      verify: jwtVerifier({ jwks: { keys: [issuer.jwk] }, issuer: ISSUER }),
    });

  test("a bound token is never accepted as a bearer token", async () => {
    const { challenge, error } = await refused(await auth()(dpopRequest(`Bearer ${bound}`)), 401);
    assert.equal(error, "invalid_token");
    assert.match(
      challenge,
      /^Bearer error="invalid_token", error_description="[^"]+", resource_metadata=/,
    );
    assert.doesNotMatch(challenge, /, DPoP/);
  });

  test("the DPoP scheme counts as no credentials, as before", async () => {
    const outcome = await auth()(dpopRequest(`DPoP ${bound}`, await proof(client, bound)));
    const { challenge, error } = await refused(outcome, 401);
    assert.equal(error, "unauthorized");
    assert.equal(challenge, `Bearer resource_metadata="${METADATA}"`);
  });
});

describe("withAuth with DPoP in front of a real McpServer", () => {
  test("the tool sees the principal of a DPoP-bound token", async () => {
    const client = await proofKey();
    const server = new McpServer({ name: "dpop-test", version: "1.0.0" });
    server.tool({
      name: "whoami",
      handler: (_args: JsonObject, context) =>
        JSON.stringify({ subject: context.auth?.subject, scopes: context.auth?.scopes }),
    });
    const handler = withAuth(server, {
      resource: RESOURCE,
      authorizationServers: [ISSUER],
      requiredScopes: ["mcp"],
      verify: staticTokenVerifier(
        { "bound-token": { subject: "ada", scopes: ["mcp"], jkt: client.jkt } },
        { audience: RESOURCE },
      ),
      dpop: {},
    });
    const body = {
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: {
        name: "whoami",
        arguments: {},
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": {},
          "io.modelcontextprotocol/clientInfo": { name: "dpop-test", version: "1" },
        },
      },
    };
    const response = await handler(
      new Request(RESOURCE, {
        method: "POST",
        headers: {
          authorization: "DPoP bound-token",
          dpop: await proof(client, "bound-token"),
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "mcp-protocol-version": "2026-07-28",
          "mcp-method": "tools/call",
          "mcp-name": "whoami",
        },
        body: JSON.stringify(body),
      }),
    );
    assert.equal(response.status, 200);
    const reply = await response.json();
    assert.deepEqual(JSON.parse(reply.result.content[0].text), { subject: "ada", scopes: ["mcp"] });
  });
});

describe("the authorization server issues DPoP-bound tokens", () => {
  const TOKEN_URL = `${fixtures.ISSUER}/token`;

  /** A proof for the token endpoint at the server's clock. */
  function tokenProof(
    key: ProofKey,
    clock: fixtures.TestClock,
    claims: { [claim: string]: unknown } = {},
  ) {
    const iat = Math.floor(clock.now() / 1000);
    return proof(key, "", { htu: TOKEN_URL, iat, ath: undefined, ...claims });
  }

  async function codeExchange(
    server: AuthorizationServer,
    headers: { [name: string]: string },
  ) {
    const { verifier, challenge } = await fixtures.pkce();
    const code = await fixtures.authorizationCode(
      server,
      fixtures.PUBLIC_CLIENT,
      fixtures.PUBLIC_REDIRECT,
      challenge,
    );
    return fixtures.tokenRequest(server, {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      redirect_uri: fixtures.PUBLIC_REDIRECT,
      client_id: fixtures.PUBLIC_CLIENT,
    }, headers);
  }

  test("a code exchange with a proof: token_type DPoP, cnf.jkt, and the token works with DPoP only", async () => {
    const clock = fixtures.testClock(Date.now());
    const server = fixtures.testServer(clock);
    const key = await proofKey();
    const { status, body } = await codeExchange(server, { dpop: await tokenProof(key, clock) });
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.token_type, "DPoP");
    const token = body.access_token as string;
    assert.deepEqual(fixtures.claimsOf(token).cnf, { jkt: key.jkt });
    const authenticate = bearerAuth({
      resource: fixtures.RESOURCE,
      verify: server.tokenVerifier(fixtures.RESOURCE),
      dpop: { now: clock.now },
      now: clock.now,
    });
    const url = { url: fixtures.RESOURCE };
    const good = await authenticate(
      dpopRequest(`DPoP ${token}`, await proof(key, token, { htu: fixtures.RESOURCE }), url),
    );
    assert.ok(!(good instanceof Response), "accepted with its proof");
    assert.equal(good.subject, "ada");
    const asBearer = await authenticate(dpopRequest(`Bearer ${token}`, [], url));
    assert.equal((await refused(asBearer, 401)).error, "invalid_token");
  });

  test("without a proof the token stays a Bearer token", async () => {
    const server = fixtures.testServer();
    const { body } = await codeExchange(server, {});
    assert.equal(body.token_type, "Bearer");
    assert.equal(fixtures.claimsOf(body.access_token as string).cnf, undefined);
  });

  test("a bad proof at the token endpoint: 400 invalid_dpop_proof", async () => {
    const clock = fixtures.testClock(Date.now());
    const server = fixtures.testServer(clock);
    const key = await proofKey();
    const wrongUrl = await tokenProof(key, clock, { htu: `${fixtures.ISSUER}/other` });
    const { status, body } = await codeExchange(server, { dpop: wrongUrl });
    assert.equal(status, 400);
    assert.equal(body.error, "invalid_dpop_proof");
    assert.match(body.error_description as string, /another URL/);
  });

  test("a public client's refresh token is bound: no proof or another key is refused", async () => {
    const clock = fixtures.testClock(Date.now());
    const server = fixtures.testServer(clock);
    const [key, other] = await Promise.all([proofKey(), proofKey()]);
    const first = await codeExchange(server, { dpop: await tokenProof(key, clock) });
    const refresh = (form: string, headers: { [name: string]: string }) =>
      fixtures.tokenRequest(server, {
        grant_type: "refresh_token",
        refresh_token: form,
        client_id: fixtures.PUBLIC_CLIENT,
      }, headers);
    const token = first.body.refresh_token as string;
    const bare = await refresh(token, {});
    assert.equal(bare.status, 400);
    assert.equal(bare.body.error, "invalid_dpop_proof");
    const stolen = await refresh(token, { dpop: await tokenProof(other, clock) });
    assert.equal(stolen.body.error, "invalid_dpop_proof");
    // Neither attempt rotated or revoked anything: the holder of the key still refreshes.
    const rightful = await refresh(token, { dpop: await tokenProof(key, clock) });
    assert.equal(rightful.status, 200, JSON.stringify(rightful.body));
    assert.equal(rightful.body.token_type, "DPoP");
    assert.deepEqual(fixtures.claimsOf(rightful.body.access_token as string).cnf, { jkt: key.jkt });
    const next = await refresh(rightful.body.refresh_token as string, {});
    assert.equal(next.body.error, "invalid_dpop_proof", "the rotated token is bound too");
  });

  test("client_credentials with a proof gets a bound token, and introspection reports cnf.jkt", async () => {
    const clock = fixtures.testClock(Date.now());
    const server = fixtures.testServer(clock);
    const key = await proofKey();
    const { status, body } = await fixtures.tokenRequest(
      server,
      { grant_type: "client_credentials", resource: fixtures.RESOURCE },
      {
        authorization: fixtures.basic(fixtures.SERVICE_CLIENT, fixtures.SERVICE_SECRET),
        dpop: await tokenProof(key, clock),
      },
    );
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.token_type, "DPoP");
    assert.deepEqual(fixtures.claimsOf(body.access_token as string).cnf, { jkt: key.jkt });
    // Introspection says the token is bound, so a resource server never takes it as bearer.
    const introspected = await server.handler(fixtures.formPost(
      "/introspect",
      { token: body.access_token as string },
      { authorization: fixtures.basic(fixtures.SERVICE_CLIENT, fixtures.SERVICE_SECRET) },
    ));
    const info = await introspected.json();
    assert.equal(info.active, true);
    assert.equal(info.token_type, "DPoP");
    assert.deepEqual(info.cnf, { jkt: key.jkt });
  });
});
