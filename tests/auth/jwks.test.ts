/**
 * remoteJwks: the key set fetched by URL through an injected fetch and clock, its cache
 * (Cache-Control max-age within a floor and a ceiling), the refresh on an unknown kid and
 * its rate limit, and the size and time limits of a fetch.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { JwksFetchError, remoteJwks, type RemoteJwksOptions } from "../../auth/jwks.ts";
import { jwtVerifier } from "../../auth/jwt.ts";
import type { JwkWithId } from "../../auth/jws.ts";
import { generateKey, goodClaims, ISSUER, RESOURCE, signJwt } from "./helpers.ts";

const URL_ = "https://auth.example.com/jwks";

/** A fake JWKS endpoint: serves `keys` with `cacheControl`, counting fetches. */
function endpoint(keys: JwkWithId[], cacheControl?: string) {
  const state = { keys, cacheControl, fetches: 0 };
  const fetch = (input: string) => {
    state.fetches += 1;
    assert.equal(input, URL_);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (state.cacheControl !== undefined) headers["cache-control"] = state.cacheControl;
    return Promise.resolve(
      new Response(JSON.stringify({ keys: state.keys }), { headers }),
    );
  };
  return { state, fetch };
}

function clock(start = Date.now()) {
  const time = { now: start };
  return { time, now: () => time.now };
}

describe("remoteJwks", () => {
  test("fetches once and serves the cache to later tokens", async () => {
    const key = await generateKey("ES256");
    const { state, fetch } = endpoint([key.jwk]);
    const verify = jwtVerifier({ jwks: remoteJwks(URL_, { fetch }), issuer: ISSUER });
    for (let i = 0; i < 3; i++) {
      const verified = await verify(await signJwt(key, goodClaims()));
      assert.equal(verified.subject, "ada");
    }
    assert.equal(state.fetches, 1);
  });

  test("concurrent first requests share one fetch", async () => {
    const key = await generateKey("ES256");
    const { state, fetch } = endpoint([key.jwk]);
    const jwks = remoteJwks(URL_, { fetch });
    await Promise.all([jwks.keysFor(key.kid), jwks.keysFor(key.kid), jwks.keysFor(undefined)]);
    assert.equal(state.fetches, 1);
  });

  test("respects max-age, clamped to the floor and the ceiling", async () => {
    const key = await generateKey("ES256");
    const { state, fetch } = endpoint([key.jwk], "public, max-age=300");
    const { time, now } = clock();
    const options: RemoteJwksOptions = { fetch, now, minCacheSeconds: 60, maxCacheSeconds: 3600 };
    const jwks = remoteJwks(URL_, options);
    await jwks.keysFor(key.kid);
    time.now += 299_000;
    await jwks.keysFor(key.kid);
    assert.equal(state.fetches, 1, "still fresh before max-age");
    time.now += 2_000;
    await jwks.keysFor(key.kid);
    assert.equal(state.fetches, 2, "refetched after max-age");

    state.cacheControl = "max-age=1";
    time.now += 10_000_000;
    await jwks.keysFor(key.kid);
    assert.equal(state.fetches, 3);
    time.now += 59_000;
    await jwks.keysFor(key.kid);
    assert.equal(state.fetches, 3, "max-age below the floor is raised to it");

    state.cacheControl = "max-age=999999";
    time.now += 61_000;
    await jwks.keysFor(key.kid);
    assert.equal(state.fetches, 4);
    time.now += 3_601_000;
    await jwks.keysFor(key.kid);
    assert.equal(state.fetches, 5, "max-age above the ceiling is cut to it");
  });

  test("an unknown kid refreshes the set once per interval (key rotation)", async () => {
    const oldKey = await generateKey("ES256", "old");
    const newKey = await generateKey("ES256", "new");
    const { state, fetch } = endpoint([oldKey.jwk]);
    const { time, now } = clock();
    const verify = jwtVerifier({
      jwks: remoteJwks(URL_, { fetch, now, minRefreshIntervalSeconds: 30 }),
      issuer: ISSUER,
      now,
    });
    await verify(await signJwt(oldKey, goodClaims()));
    state.keys = [oldKey.jwk, newKey.jwk];
    time.now += 31_000;
    const verified = await verify(await signJwt(newKey, goodClaims()));
    assert.equal(verified.subject, "ada");
    assert.equal(state.fetches, 2);

    // Made-up key ids within the interval cause no fetch.
    const stranger = await generateKey("ES256", "made-up");
    await assert.rejects(verify(await signJwt(stranger, goodClaims())), /key is unknown/);
    await assert.rejects(verify(await signJwt(stranger, goodClaims())), /key is unknown/);
    assert.equal(state.fetches, 2);
    time.now += 31_000;
    await assert.rejects(verify(await signJwt(stranger, goodClaims())), /key is unknown/);
    assert.equal(state.fetches, 3, "one fetch once the interval has passed");
  });

  test("a failed refresh keeps serving the keys fetched before", async () => {
    const key = await generateKey("ES256");
    const { time, now } = clock();
    let fail = false;
    let fetches = 0;
    const fetch = () => {
      fetches += 1;
      return Promise.resolve(
        fail
          ? new Response("down", { status: 503 })
          : new Response(JSON.stringify({ keys: [key.jwk] }), {
            headers: { "cache-control": "max-age=60" },
          }),
      );
    };
    const jwks = remoteJwks(URL_, { fetch, now });
    await jwks.keysFor(key.kid);
    fail = true;
    time.now += 61_000;
    assert.deepEqual((await jwks.keysFor(key.kid)).map((k) => k.kid), [key.kid]);
    assert.equal(fetches, 2);
    assert.deepEqual(await jwks.refresh(), [key.jwk], "within the interval: no fetch, the cache");
    assert.equal(fetches, 2);
    time.now += 30_000;
    await assert.rejects(jwks.refresh(), JwksFetchError, "interval passed: the refresh fails");
  });

  test("a failed first fetch is an error and retries only after the interval", async () => {
    let fetches = 0;
    const { time, now } = clock();
    const fetch = () => {
      fetches += 1;
      return Promise.resolve(new Response("nope", { status: 500 }));
    };
    const jwks = remoteJwks(URL_, { fetch, now });
    await assert.rejects(jwks.keysFor(undefined), /HTTP 500/);
    await assert.rejects(jwks.keysFor(undefined), /not available yet/);
    assert.equal(fetches, 1);
    time.now += 30_000;
    await assert.rejects(jwks.keysFor(undefined), /HTTP 500/);
    assert.equal(fetches, 2);
  });

  test("a key set over maxBytes is refused", async () => {
    const key = await generateKey("RS256");
    const { fetch } = endpoint([key.jwk, key.jwk, key.jwk]);
    const jwks = remoteJwks(URL_, { fetch, maxBytes: 512 });
    await assert.rejects(jwks.keysFor(undefined), /larger than 512 bytes/);
  });

  test("a fetch over timeoutMs is abandoned", async () => {
    const fetch = (_input: string, init: RequestInit) =>
      new Promise<Response>((_resolve, reject) => {
        init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
      });
    const jwks = remoteJwks(URL_, { fetch, timeoutMs: 20 });
    const error = await jwks.keysFor(undefined).catch((caught: unknown) => caught);
    assert.ok(error instanceof JwksFetchError);
    assert.ok(error.cause !== undefined, "the abort reason is kept as the cause");
  });

  test("a document that is not a key set is refused", async () => {
    const fetch = () => Promise.resolve(new Response(JSON.stringify({ nokeys: [] })));
    await assert.rejects(remoteJwks(URL_, { fetch }).keysFor(undefined), /no keys array/);
  });

  test("audience mismatch through a remote set is still refused", async () => {
    const key = await generateKey("RS256");
    const { fetch } = endpoint([key.jwk]);
    const verify = jwtVerifier({
      jwks: remoteJwks(URL_, { fetch }),
      issuer: ISSUER,
      audience: RESOURCE,
    });
    await assert.rejects(
      verify(await signJwt(key, goodClaims({ aud: "https://other.example.com/mcp" }))),
      /not issued for this resource/,
    );
  });
});
