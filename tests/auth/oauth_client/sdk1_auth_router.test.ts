/**
 * emcee's OAuth client against a server protected by the official SDK 1.x:
 * its auth router (metadata, dynamic registration, /authorize, /token) with
 * the SDK's in-memory provider, and its bearer middleware in front of /mcp.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connectClient } from "../../../client/client.ts";
import { redirectFollowingInteraction } from "../../../auth/oauth_client/interaction.ts";
import { OAuthTokenProvider } from "../../../auth/oauth_client/provider.ts";
import { type FixtureServer, startFixture, within } from "../../client/helpers.ts";

describe("emcee's OAuth client against the official SDK 1.x auth router", () => {
  let server: FixtureServer;
  before(async () => {
    server = await startFixture("tests/auth/fixtures/sdk1_auth_server.mjs");
  });
  after(async () => {
    await server?.stop();
  });

  test("discovers, registers, authorizes with PKCE and calls a tool with the token", async () => {
    const requests: string[] = [];
    const auth = new OAuthTokenProvider({
      serverUrl: server.url,
      // The demo provider approves at once: its /authorize redirects straight to the callback.
      interaction: redirectFollowingInteraction({ redirectUri: "http://127.0.0.1:9/callback" }),
      clientMetadata: { client_name: "emcee against sdk1" },
      fetch: (input, init) => {
        const request = new Request(input, init);
        requests.push(`${request.method} ${new URL(request.url).pathname}`);
        return fetch(request);
      },
    });
    const client = await within(
      connectClient(server.url, { name: "emcee-oauth", version: "1.0.0" }, { auth }),
      15_000,
      "connect",
    );
    try {
      const result = await within(client.callTool("whoami"), 10_000, "call");
      const who = JSON.parse((result.content[0] as { text: string }).text);
      assert.equal(typeof who.clientId, "string");
      assert.ok(requests.includes("POST /register"), `requests: ${requests.join(", ")}`);
      assert.ok(requests.includes("POST /token"), `requests: ${requests.join(", ")}`);
      assert.equal(auth.tokens?.tokenType, "Bearer");
    } finally {
      await client.close();
    }
  });
});
