import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { OAuthClientError } from "../../../auth/oauth_client/errors.ts";
import { redirectFollowingInteraction } from "../../../auth/oauth_client/interaction.ts";
import { OAuthTokenProvider } from "../../../auth/oauth_client/provider.ts";
import { applicationTypeOf } from "../../../auth/oauth_client/registration.ts";
import { MemoryTokenStore } from "../../../auth/oauth_client/store.ts";
import { authorizedFetch } from "../../../protocol/token_provider.ts";
import {
  preRegister,
  REDIRECT_URI,
  setup,
  startAuthServer,
  startResourceServer,
} from "./fixtures.ts";

const code = (error: unknown): string | undefined =>
  error instanceof OAuthClientError ? error.code : undefined;
const CIMD_URL = "https://app.example.com/oauth/client.json";

describe("client registration order", () => {
  test("1. pre-registered credentials win over metadata documents and registration", async () => {
    const s = await setup({ cimd: true, authMethods: ["client_secret_basic"] }, {}, {
      client: { clientId: "pre", clientSecret: "pre-secret" },
      clientMetadataUrl: CIMD_URL,
    });
    preRegister(s.as, "pre", { secret: "pre-secret", method: "client_secret_basic" });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(s.as.authorizations[0].get("client_id"), "pre");
      assert.deepEqual(s.as.registrations, []);
    } finally {
      await s.close();
    }
  });

  test("2. a client ID metadata document when the server supports them", async () => {
    const s = await setup({ cimd: true }, {}, { clientMetadataUrl: CIMD_URL });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(s.as.authorizations[0].get("client_id"), CIMD_URL);
      assert.equal(s.as.tokenRequests[0].params.get("client_id"), CIMD_URL);
      assert.deepEqual(s.as.registrations, []);
    } finally {
      await s.close();
    }
  });

  test("3. dynamic registration when the server does not take metadata documents", async () => {
    const s = await setup({}, {}, { clientMetadataUrl: CIMD_URL });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(s.as.registrations.length, 1);
      const body = s.as.registrations[0];
      assert.deepEqual(body.redirect_uris, [REDIRECT_URI]);
      assert.equal(body.application_type, "native");
      assert.deepEqual(body.response_types, ["code"]);
      assert.equal(body.token_endpoint_auth_method, "none");
      assert.equal(body.client_name, "emcee MCP client");
      assert.match(s.as.authorizations[0].get("client_id")!, /^dcr-/);
    } finally {
      await s.close();
    }
  });

  test("4. the application is asked when nothing else works; else a clear error", async () => {
    const asked: string[] = [];
    const s = await setup({ registration: false }, {}, {
      requestClient: ({ issuer }) => {
        asked.push(issuer);
        return Promise.resolve({ clientId: "typed-in" });
      },
    });
    preRegister(s.as, "typed-in", { method: "none" });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      assert.deepEqual(asked, [s.as.issuer]);
      assert.equal(s.as.authorizations[0].get("client_id"), "typed-in");
    } finally {
      await s.close();
    }
    const none = await setup({ registration: false });
    try {
      await assert.rejects(
        none.call("tools/list"),
        (error) => code(error) === "client_unavailable",
      );
    } finally {
      await none.close();
    }
  });

  test("a metadata document URL must be https with a path", async () => {
    const s = await setup({ cimd: true }, {}, { clientMetadataUrl: "https://app.example.com/" });
    try {
      await assert.rejects(s.call("tools/list"), (error) => code(error) === "client_unavailable");
    } finally {
      await s.close();
    }
  });

  test("application_type follows the redirect URIs", () => {
    assert.equal(applicationTypeOf(["http://127.0.0.1:3000/cb", "http://localhost/cb"]), "native");
    assert.equal(applicationTypeOf(["com.example.app:/cb"]), "native");
    assert.equal(applicationTypeOf(["https://app.example.com/cb"]), "web");
  });
});

describe("registered credentials", () => {
  test("are stored per issuer and reused by the next provider", async () => {
    const store = new MemoryTokenStore();
    const s = await setup({}, {}, { store });
    try {
      await s.call("tools/list");
      assert.equal((await store.getClient(s.as.issuer))?.issuer, s.as.issuer);
      await store.deleteTokens({ issuer: s.as.issuer, resource: s.rs.mcpUrl });
      const again = new OAuthTokenProvider({
        serverUrl: s.rs.mcpUrl,
        store,
        interaction: redirectFollowingInteraction({ redirectUri: REDIRECT_URI }),
      });
      const response = await authorizedFetch(again)(s.rs.mcpUrl, { method: "POST", body: "{}" });
      assert.equal(response.status, 200);
      assert.equal(s.as.registrations.length, 1);
      // A different redirect URI needs a new registration.
      await store.deleteTokens({ issuer: s.as.issuer, resource: s.rs.mcpUrl });
      const moved = new OAuthTokenProvider({
        serverUrl: s.rs.mcpUrl,
        store,
        interaction: redirectFollowingInteraction({ redirectUri: "http://127.0.0.1:10/cb" }),
      });
      await authorizedFetch(moved)(s.rs.mcpUrl, { method: "POST", body: "{}" });
      assert.equal(s.as.registrations.length, 2);
    } finally {
      await s.close();
    }
  });

  test("pre-registered credentials bound to another issuer are refused", async () => {
    const s = await setup({}, {}, {
      client: { clientId: "pre", issuer: "https://other-as.example.com" },
    });
    try {
      await assert.rejects(s.call("tools/list"), (error) => code(error) === "client_mismatch");
      assert.deepEqual(s.as.authorizations, []);
    } finally {
      await s.close();
    }
  });

  test("when the resource moves to another authorization server, the client registers there", async () => {
    const as1 = await startAuthServer({ authMethods: ["client_secret_basic"] });
    const as2 = await startAuthServer({ authMethods: ["client_secret_basic"] });
    let migrated = false;
    const rs = await startResourceServer({
      challengeScope: "mcp:basic",
      authorizationServers: () => [migrated ? as2.issuer : as1.issuer],
      lookup: (token) => (migrated ? as2 : as1).tokens.get(token),
    });
    try {
      const provider = new OAuthTokenProvider({
        serverUrl: rs.mcpUrl,
        interaction: redirectFollowingInteraction({ redirectUri: REDIRECT_URI }),
        clientMetadata: {
          client_name: "migrating",
          token_endpoint_auth_method: "client_secret_basic",
        },
      });
      const call = () => authorizedFetch(provider)(rs.mcpUrl, { method: "POST", body: "{}" });
      assert.equal((await call()).status, 200);
      const as1Client = as1.authorizations[0].get("client_id")!;
      migrated = true;
      assert.equal((await call()).status, 200);
      assert.equal(as2.registrations.length, 1);
      assert.equal(provider.discovered?.issuer, as2.issuer);
      const seenAtAs2 = [
        ...as2.authorizations.map((params) => params.get("client_id")),
        ...as2.tokenRequests.map(({ headers }) =>
          atob(headers.get("authorization")!.slice(6)).split(":")[0]
        ),
      ];
      assert.ok(!seenAtAs2.includes(as1Client), "AS1's client id never reaches AS2");
    } finally {
      await rs.close();
      await as1.close();
      await as2.close();
    }
  });
});
