/**
 * introspectionVerifier against a fake RFC 7662 endpoint (injected fetch and clock): client
 * authentication both ways, active:false refused with 401 through bearerAuth, the bounded
 * positive cache, and endpoint failures.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bearerAuth } from "../../auth/bearer.ts";
import {
  IntrospectionError,
  introspectionVerifier,
  type IntrospectionVerifierOptions,
} from "../../auth/introspection.ts";
import { requestWith, RESOURCE } from "./helpers.ts";

const ENDPOINT = "https://auth.example.com/introspect";

interface Seen {
  authorization: string | null;
  form: URLSearchParams;
}

/** A fake endpoint: `answers[token]` is the JSON answered (inactive when absent). */
function endpoint(answers: { [token: string]: object }) {
  const seen: Seen[] = [];
  const fetch = async (input: string, init: RequestInit) => {
    assert.equal(input, ENDPOINT);
    assert.equal(init.method, "POST");
    const headers = new Headers(init.headers);
    assert.equal(headers.get("content-type"), "application/x-www-form-urlencoded");
    const form = new URLSearchParams(String(init.body));
    seen.push({ authorization: headers.get("authorization"), form });
    const answer = answers[form.get("token") ?? ""] ?? { active: false };
    return await Promise.resolve(Response.json(answer));
  };
  return { seen, fetch };
}

function clock(start = Date.now()) {
  const time = { now: start };
  return { time, now: () => time.now };
}

function options(extra: Partial<IntrospectionVerifierOptions>): IntrospectionVerifierOptions {
  return { endpoint: ENDPOINT, clientId: "rs client", clientSecret: "s3cret:x", ...extra };
}

const exp = () => Math.floor(Date.now() / 1000) + 3600;

describe("introspectionVerifier", () => {
  test("an active token gives the principal; credentials go as HTTP Basic", async () => {
    const { seen, fetch } = endpoint({
      good: {
        active: true,
        sub: "ada",
        client_id: "c1",
        scope: "mcp files:read",
        aud: RESOURCE,
        exp: exp(),
      },
    });
    const verified = await introspectionVerifier(options({ fetch }))("good");
    assert.equal(verified.subject, "ada");
    assert.equal(verified.clientId, "c1");
    assert.deepEqual(verified.scopes, ["mcp", "files:read"]);
    assert.equal(verified.audience, RESOURCE);
    assert.equal(seen[0].form.get("token_type_hint"), "access_token");
    // RFC 6749 §2.3.1: form-encoded, then Base64: "rs+client:s3cret%3Ax".
    assert.equal(seen[0].authorization, `Basic ${btoa("rs+client:s3cret%3Ax")}`);
    assert.equal(seen[0].form.get("client_secret"), null);
  });

  test("client_secret_post sends the credentials in the form", async () => {
    const { seen, fetch } = endpoint({ good: { active: true, exp: exp() } });
    await introspectionVerifier(options({ fetch, authMethod: "client_secret_post" }))("good");
    assert.equal(seen[0].authorization, null);
    assert.equal(seen[0].form.get("client_id"), "rs client");
    assert.equal(seen[0].form.get("client_secret"), "s3cret:x");
  });

  test("active:false is a 401 invalid_token through bearerAuth", async () => {
    const { fetch } = endpoint({});
    const authenticate = bearerAuth({
      resource: RESOURCE,
      verify: introspectionVerifier(options({ fetch })),
    });
    const response = await authenticate(requestWith("Bearer revoked"));
    assert.ok(response instanceof Response);
    assert.equal(response.status, 401);
    assert.match(response.headers.get("www-authenticate") ?? "", /error="invalid_token"/);
    assert.match(response.headers.get("www-authenticate") ?? "", /not active/);
  });

  test("an active answer for another audience is refused by bearerAuth", async () => {
    const { fetch } = endpoint({
      foreign: { active: true, aud: "https://other.example.com/mcp", exp: exp() },
    });
    const authenticate = bearerAuth({
      resource: RESOURCE,
      verify: introspectionVerifier(options({ fetch })),
    });
    const response = await authenticate(requestWith("Bearer foreign"));
    assert.ok(response instanceof Response);
    assert.equal(response.status, 401);
  });

  test("active answers are cached briefly; inactive ones are not", async () => {
    const { time, now } = clock();
    const { seen, fetch } = endpoint({
      good: { active: true, exp: Math.floor(time.now / 1000) + 3600 },
    });
    const verify = introspectionVerifier(options({ fetch, now, cacheSeconds: 30 }));
    await verify("good");
    await verify("good");
    assert.equal(seen.length, 1);
    time.now += 31_000;
    await verify("good");
    assert.equal(seen.length, 2, "asked again after cacheSeconds");
    await assert.rejects(verify("bad"), /not active/);
    await assert.rejects(verify("bad"), /not active/);
    assert.equal(seen.length, 4);
  });

  test("the cache never outlives the token's exp", async () => {
    const { time, now } = clock();
    const { seen, fetch } = endpoint({
      short: { active: true, exp: Math.floor(time.now / 1000) + 5 },
    });
    const verify = introspectionVerifier(options({ fetch, now, cacheSeconds: 60 }));
    await verify("short");
    time.now += 6_000;
    await assert.rejects(verify("short"), /expired/);
    assert.equal(seen.length, 2);
  });

  test("the cache is bounded: the oldest entry goes first", async () => {
    const answers: { [token: string]: object } = {};
    for (const token of ["a", "b", "c"]) answers[token] = { active: true, exp: exp() };
    const { seen, fetch } = endpoint(answers);
    const verify = introspectionVerifier(options({ fetch, maxCacheEntries: 2 }));
    await verify("a");
    await verify("b");
    await verify("c");
    await verify("c");
    await verify("b");
    assert.equal(seen.length, 3);
    await verify("a");
    assert.equal(seen.length, 4, "a was evicted");
  });

  test("an endpoint error refuses the token and keeps the reason", async () => {
    const fetch = () => Promise.resolve(new Response("no", { status: 401 }));
    const error = await introspectionVerifier(options({ fetch }))("x").catch((e: unknown) => e);
    assert.ok(error instanceof IntrospectionError);
    assert.match(error.message, /HTTP 401/);
    const broken = () => Promise.reject(new TypeError("connection refused"));
    const failed = await introspectionVerifier(options({ fetch: broken }))("x").catch((
      e: unknown,
    ) => e);
    assert.ok(failed instanceof IntrospectionError);
    assert.ok(failed.cause instanceof TypeError);
  });

  test("an answer from another issuer is refused when issuers are named", async () => {
    const { fetch } = endpoint({
      t: { active: true, iss: "https://evil.example.com", exp: exp() },
    });
    const verify = introspectionVerifier(options({ fetch, issuer: "https://auth.example.com" }));
    await assert.rejects(verify("t"), /issuer is not accepted/);
  });

  test("cnf.jkt in the answer becomes the DPoP binding", async () => {
    const { fetch } = endpoint({ t: { active: true, exp: exp(), cnf: { jkt: "abc" } } });
    assert.equal((await introspectionVerifier(options({ fetch }))("t")).jkt, "abc");
  });
});
