/**
 * The WebSocket client transport with a TokenProvider: the token goes in the Authorization
 * header where the runtime's WebSocket takes headers (Deno, Bun, Node) and as `mcp.auth.<token>`
 * where it does not; a 401 at the handshake asks `onUnauthorized` and retries once.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connectClient } from "../../../client/mod.ts";
import type { AuthChallenge, AuthInfo, TokenProvider } from "../../../protocol/mod.ts";
import { runtimeName } from "../../../runtime/mod.ts";
import { createWebSocketClientTransport } from "../../../transports/websocket/client.ts";
import { McpClient } from "../../../client/mod.ts";
import { startLocal } from "./helpers.ts";

const info = { name: "ws-auth-test", version: "1.0.0" };

/** An endpoint that admits only `Bearer sesame`, recording how each upgrade carried its token. */
async function guarded() {
  const seen: { header: string | null; subprotocols: string | null }[] = [];
  const local = await startLocal({
    authenticate: (request): AuthInfo | Response => {
      seen.push({
        header: request.headers.get("authorization"),
        subprotocols: request.headers.get("sec-websocket-protocol"),
      });
      return request.headers.get("authorization") === "Bearer sesame"
        ? { token: "sesame", clientId: "c", scopes: [] }
        : new Response("no", {
          status: 401,
          headers: { "www-authenticate": 'Bearer realm="test", error="invalid_token"' },
        });
    },
  });
  return { local, seen };
}

/** A provider that starts with `first` and, after a 401, holds `sesame` if `renew` says so. */
function provider(first: string | undefined, renew: boolean) {
  let token = first;
  const challenges: AuthChallenge[] = [];
  const auth: TokenProvider = {
    headers: () => token === undefined ? undefined : { authorization: `Bearer ${token}` },
    onUnauthorized(challenge) {
      challenges.push(challenge);
      if (renew) token = "sesame";
      return Promise.resolve(renew);
    },
  };
  return { auth, challenges };
}

describe(`WebSocket client with a TokenProvider on ${runtimeName()}`, () => {
  test("a valid token goes in the Authorization header; tools/call works", async () => {
    const { local, seen } = await guarded();
    const { auth, challenges } = provider("sesame", false);
    const client = await connectClient(local.url, info, { auth, eraCache: false });
    try {
      assert.deepEqual(await client.callToolContent("echo", { text: "hi" }), [{
        type: "text",
        text: "hi",
      }]);
      assert.equal(challenges.length, 0);
      assert.equal(seen[0].header, "Bearer sesame", "sent as a header on this runtime");
      assert.ok(!seen[0].subprotocols?.includes("mcp.auth."), "not also as a subprotocol");
    } finally {
      await client.close();
      await local.http.close();
    }
  });

  test("a 401 at the handshake calls onUnauthorized with the challenge and retries once", async () => {
    const { local, seen } = await guarded();
    const { auth, challenges } = provider("stale", true);
    const client = await connectClient(local.url, info, { auth, eraCache: false });
    try {
      assert.deepEqual(await client.callToolStructured("add", { a: 2, b: 3 }), { sum: 5 });
      assert.equal(challenges.length, 1);
      assert.equal(challenges[0].status, 401);
      assert.equal(challenges[0].method, "GET");
      assert.equal(challenges[0].url, local.url.replace("ws:", "http:"));
      assert.match(challenges[0].wwwAuthenticate ?? "", /invalid_token/);
      assert.deepEqual(challenges[0].sent, { authorization: "Bearer stale", dpop: undefined });
      assert.equal(seen.at(-1)?.header, "Bearer sesame");
    } finally {
      await client.close();
      await local.http.close();
    }
  });

  test("no token at first: the 401 starts the flow; a provider that gives up fails the connect", async () => {
    const { local } = await guarded();
    const late = provider(undefined, true);
    const client = await connectClient(local.url, info, { auth: late.auth, eraCache: false });
    await client.close();
    assert.equal(late.challenges.length, 1);
    assert.equal(late.challenges[0].sent, undefined);

    const refusing = provider("wrong", false);
    await assert.rejects(
      connectClient(local.url, info, { auth: refusing.auth, eraCache: false }),
      /refused the handshake with 401/,
    );
    assert.equal(refusing.challenges.length, 1, "asked once");
    // Still refused after the retry: one retry only, then the refusal is the error.
    let asked = 0;
    const stubborn: TokenProvider = {
      headers: () => ({ authorization: "Bearer wrong" }),
      onUnauthorized: () => Promise.resolve(++asked > 0),
    };
    await assert.rejects(
      connectClient(local.url, info, { auth: stubborn, eraCache: false }),
      /refused the handshake with 401/,
    );
    assert.equal(asked, 1);
    // A server that is not there is no refusal: the provider is not asked.
    const port = new URL(local.url).port;
    await local.http.close();
    let askedGone = 0;
    await assert.rejects(
      connectClient(`ws://127.0.0.1:${port}/mcp`, info, {
        auth: { headers: () => undefined, onUnauthorized: () => Promise.resolve(++askedGone > 0) },
        eraCache: false,
      }),
    );
    assert.equal(askedGone, 0);
  });

  test("a WebSocket given by the caller takes no headers: the token goes as mcp.auth.", async () => {
    const { local, seen } = await guarded();
    const { auth } = provider("sesame", false);
    const client = new McpClient(info, { eraCache: false });
    try {
      await client.connect(
        createWebSocketClientTransport(local.url, { auth, WebSocket: globalThis.WebSocket }),
      );
      assert.deepEqual(await client.callToolContent("echo", { text: "sub" }), [{
        type: "text",
        text: "sub",
      }]);
      assert.equal(
        seen[0].header,
        "Bearer sesame",
        "the server reads mcp.auth. as the bearer token",
      );
      assert.match(seen[0].subprotocols ?? "", /mcp\.auth\.sesame/);
    } finally {
      await client.close();
      await local.http.close();
    }
  });
});
