/**
 * `connectClient(url, info, { auth })`: the client's HTTP transports take a
 * TokenProvider, send what it gives, and after a 401 let it obtain a token and
 * retry — in both eras, against emcee's own protected server.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { staticTokenVerifier } from "../../auth/static_verifier.ts";
import { withAuth } from "../../auth/with_auth.ts";
import { connectClient } from "../../client/mod.ts";
import type { AuthChallenge, TokenProvider } from "../../protocol/mod.ts";
import { type HttpHandler, serveHttp } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";

/** A provider that has no token until the server's first 401, then holds `token`. */
function lateProvider(token: string) {
  const challenges: AuthChallenge[] = [];
  let current: string | undefined;
  const provider: TokenProvider = {
    headers: () => current === undefined ? undefined : { authorization: `Bearer ${token}` },
    onUnauthorized: (challenge) => {
      challenges.push(challenge);
      if (current !== undefined) return Promise.resolve(false); // refused with it: give up
      current = token;
      return Promise.resolve(true);
    },
  };
  return { provider, challenges };
}

async function protectedServer() {
  const server = new McpServer({ name: "protected", version: "1.0.0" });
  server.tool({
    name: "whoami",
    handler: (_args: Record<string, never>, context) => context.auth?.subject ?? "nobody",
  });
  const route: { handler?: HttpHandler } = {};
  const http = await serveHttp((request) => route.handler!(request), { port: 0 });
  const resource = `${http.url}/mcp`;
  route.handler = withAuth(server, {
    resource,
    authorizationServers: ["https://auth.example.com"],
    requiredScopes: ["mcp"],
    verify: staticTokenVerifier({ good: { subject: "ada", scopes: ["mcp"] } }, {
      audience: resource,
    }),
  });
  return { http, resource };
}

describe("a client with a TokenProvider", () => {
  for (const era of ["modern", "legacy"] as const) {
    test(`${era}: the 401 hands the challenge to the provider, the retry carries the token`, async () => {
      const { http, resource } = await protectedServer();
      const { provider, challenges } = lateProvider("good");
      const client = await connectClient(resource, { name: "c", version: "1" }, {
        auth: provider,
        eraCache: false,
        ...(era === "legacy" ? { era: "legacy" as const } : {}),
      }).catch(async (error) => {
        await http.close();
        throw error;
      });
      try {
        assert.equal(await client.invoke("whoami", {}), "ada");
        assert.equal(challenges.length, 1, "one 401, before the token existed");
        assert.equal(challenges[0].status, 401);
        assert.match(challenges[0].wwwAuthenticate ?? "", /resource_metadata=/);
        assert.equal(challenges[0].sent, undefined);
      } finally {
        await client.close();
        await http.close();
      }
    });
  }

  test("a provider whose token is refused ends in the server's 401, not a loop", async () => {
    const { http, resource } = await protectedServer();
    const { provider, challenges } = lateProvider("wrong");
    try {
      await assert.rejects(
        connectClient(resource, { name: "c", version: "1" }, { auth: provider, eraCache: false }),
        (error: Error & { status?: number }) => error.status === 401 || /401/.test(error.message),
      );
      assert.equal(challenges.length, 2, "the first 401 obtained the token, the second gave up");
      assert.deepEqual(challenges[1].sent, { authorization: "Bearer wrong" });
    } finally {
      await http.close();
    }
  });
});
