import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { connectClient } from "../../client/client.ts";
import { autoApprove } from "../../auth/authorization_server/consent.ts";
import {
  type AuthorizationInteraction,
  redirectFollowingInteraction,
} from "../../auth/oauth_client/interaction.ts";
import { OAuthTokenProvider } from "../../auth/oauth_client/provider.ts";
import { McpServer } from "../../server/server.ts";
import { within } from "../async.ts";
import { type ProtectedEndpoint, serveProtected } from "./fixtures/protected_endpoint.ts";

describe("step-up authorization for a tool's scopes, with emcee's OAuth client", () => {
  let endpoint: ProtectedEndpoint;
  let mcpUrl: string;

  before(async () => {
    const server = new McpServer({ name: "step-up", version: "1.0.0" });
    server.tool({ name: "read_file", handler: (_args, context) => context.auth!.scopes.join(" ") });
    server.tool({
      name: "write_file",
      scopes: ["files:write"],
      handler: (_args, context) => context.auth!.scopes.join(" "),
    });
    endpoint = await serveProtected(server, {
      requiredScopes: ["mcp"],
      scopesSupported: ["mcp", "files:write"],
      consent: autoApprove({ subject: "ada" }),
    });
    mcpUrl = endpoint.url;
  });

  after(async () => {
    await endpoint.close();
  });

  for (const era of ["modern", "legacy"] as const) {
    test(`${era}: a token without the scope is re-authorized with it and the call succeeds`, async () => {
      const asked: string[] = [];
      const follow = redirectFollowingInteraction({
        redirectUri: "http://127.0.0.1:7300/callback",
      });
      const interaction: AuthorizationInteraction = {
        redirectUri: follow.redirectUri,
        authorize: (url, context) => {
          asked.push(url.searchParams.get("scope") ?? "");
          return follow.authorize(url, context);
        },
      };
      const auth = new OAuthTokenProvider({
        serverUrl: mcpUrl,
        interaction,
        clientMetadata: { client_name: `step-up ${era}` },
        offlineAccess: false,
      });
      const client = await within(
        connectClient(mcpUrl, { name: "step-up", version: "1.0.0" }, { auth, era }),
        10_000,
        "connect",
      );
      try {
        assert.equal(client.era, era);
        const read = await within(client.callTool("read_file"), 10_000, "read");
        assert.deepEqual(read.content, [{ type: "text", text: "mcp" }]);
        assert.equal(asked.length, 1);
        assert.doesNotMatch(asked[0], /files:write/, "the first authorization asked only for mcp");

        const written = await within(client.callTool("write_file"), 10_000, "write");
        assert.deepEqual(written.content, [{ type: "text", text: "mcp files:write" }]);
        assert.equal(asked.length, 2, "one step-up authorization");
        assert.deepEqual(asked[1].split(" ").sort(), ["files:write", "mcp"]);
        assert.match(auth.tokens?.grantedScope ?? "", /files:write/);
      } finally {
        await client.close();
      }
    });
  }
});
