import { test } from "node:test";
import assert from "node:assert/strict";
import { loopbackInteraction } from "../../../auth/oauth_client/loopback.ts";
import { OAuthTokenProvider } from "../../../auth/oauth_client/provider.ts";
import { authorizedFetch } from "../../../protocol/token_provider.ts";
import { startAuthServer, startResourceServer } from "./fixtures.ts";

test("the loopback receiver completes an authorization the 'browser' follows", async () => {
  const as = await startAuthServer();
  const rs = await startResourceServer({
    authorizationServers: () => [as.issuer],
    lookup: (token) => as.tokens.get(token),
  });
  const pages: string[] = [];
  // The "browser": follows the authorization server's redirect to the receiver.
  const interaction = await loopbackInteraction({
    open: async (url) => {
      const redirect = await fetch(url, { redirect: "manual" });
      await redirect.body?.cancel();
      const landing = await fetch(redirect.headers.get("location")!);
      pages.push(await landing.text());
    },
  });
  try {
    assert.match(interaction.redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/callback$/);
    const provider = new OAuthTokenProvider({ serverUrl: rs.mcpUrl, interaction });
    const response = await authorizedFetch(provider)(rs.mcpUrl, { method: "POST", body: "{}" });
    assert.equal(response.status, 200);
    assert.deepEqual(as.registrations[0].redirect_uris, [interaction.redirectUri]);
    assert.match(pages[0], /Authorization received/);
    const stray = await fetch(`${interaction.redirectUri}?code=x&state=unknown`);
    assert.equal(stray.status, 400);
    await stray.body?.cancel();
  } finally {
    await interaction.close();
    await rs.close();
    await as.close();
  }
});

test("closing the receiver rejects a pending authorization; aborting does too", async () => {
  const interaction = await loopbackInteraction({ open: () => {} });
  const controller = new AbortController();
  const aborted = interaction.authorize(new URL("https://as.example.com/authorize"), {
    state: "s1",
    issuer: "https://as.example.com",
    signal: controller.signal,
  });
  const pending = interaction.authorize(new URL("https://as.example.com/authorize"), {
    state: "s2",
    issuer: "https://as.example.com",
  });
  controller.abort();
  await assert.rejects(aborted, /aborted/);
  const closed = assert.rejects(pending, /closed/);
  await interaction.close();
  await closed;
});
