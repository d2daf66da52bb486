// Tests of protocol/token_provider.ts (kept here with its only implementer; belongs in tests/protocol/).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  type AuthChallenge,
  authorizedFetch,
  MAX_AUTH_RETRIES,
  type TokenProvider,
} from "../../../protocol/token_provider.ts";

function recordingFetch(statuses: number[]) {
  const seen: { headers: Headers; method: string }[] = [];
  const fetchImpl = ((_input: string | URL | Request, init?: RequestInit) => {
    seen.push({ headers: new Headers(init?.headers), method: init?.method ?? "GET" });
    const status = statuses[Math.min(seen.length - 1, statuses.length - 1)];
    return Promise.resolve(
      new Response("body", {
        status,
        headers: { "www-authenticate": 'Bearer error="invalid_token"', "dpop-nonce": "n" },
      }),
    );
  }) as typeof fetch;
  return { seen, fetchImpl };
}

test("sets the provider's headers and passes the challenge on a 401", async () => {
  const challenges: AuthChallenge[] = [];
  let token = 0;
  const provider: TokenProvider = {
    headers: () => token === 0 ? undefined : { authorization: `Bearer t${token}`, dpop: "proof" },
    onUnauthorized: (challenge) => {
      challenges.push(challenge);
      token++;
      return Promise.resolve(true);
    },
  };
  const { seen, fetchImpl } = recordingFetch([401, 200]);
  const response = await authorizedFetch(provider, fetchImpl)("https://rs.example/mcp", {
    method: "post",
    headers: new Headers({ "x-keep": "1" }),
    body: "{}",
  });
  assert.equal(response.status, 200);
  assert.equal(seen[0].headers.get("authorization"), null);
  assert.equal(seen[1].headers.get("authorization"), "Bearer t1");
  assert.equal(seen[1].headers.get("dpop"), "proof");
  assert.equal(seen[1].headers.get("x-keep"), "1");
  assert.deepEqual(
    challenges.map(({ status, method, retries, dpopNonce, sent }) => ({
      status,
      method,
      retries,
      dpopNonce,
      sent,
    })),
    [{ status: 401, method: "POST", retries: 0, dpopNonce: "n", sent: undefined }],
  );
  assert.equal(challenges[0].wwwAuthenticate, 'Bearer error="invalid_token"');
});

test("stops at MAX_AUTH_RETRIES, on a false verdict, and for a streamed body", async () => {
  const always: TokenProvider = {
    headers: () => ({ authorization: "Bearer x" }),
    onUnauthorized: () => Promise.resolve(true),
  };
  const capped = recordingFetch([401]);
  assert.equal((await authorizedFetch(always, capped.fetchImpl)("https://rs/", {})).status, 401);
  assert.equal(capped.seen.length, MAX_AUTH_RETRIES + 1);

  const stream = recordingFetch([401]);
  const body = new ReadableStream({ start: (controller) => controller.close() });
  await authorizedFetch(always, stream.fetchImpl)("https://rs/", { method: "POST", body });
  assert.equal(stream.seen.length, 1);

  const forbidden = recordingFetch([403]);
  const noStepUp: TokenProvider = { ...always, onForbidden: undefined };
  assert.equal((await authorizedFetch(noStepUp, forbidden.fetchImpl)("https://rs/")).status, 403);
  assert.equal(forbidden.seen.length, 1);
});

test("a rejected verdict propagates", async () => {
  const failing: TokenProvider = {
    headers: () => undefined,
    onUnauthorized: () => Promise.reject(new Error("user said no")),
  };
  const { fetchImpl } = recordingFetch([401]);
  await assert.rejects(authorizedFetch(failing, fetchImpl)("https://rs/"), /user said no/);
});
