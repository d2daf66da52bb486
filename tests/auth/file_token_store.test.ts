import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { chmod } from "node:fs/promises";
import { connectClient } from "../../client/client.ts";
import { autoApprove } from "../../auth/authorization_server/consent.ts";
import { fileTokenStore, TokenFileError } from "../../auth/oauth_client/file_store.ts";
import {
  type AuthorizationInteraction,
  redirectFollowingInteraction,
} from "../../auth/oauth_client/interaction.ts";
import { OAuthTokenProvider } from "../../auth/oauth_client/provider.ts";
import type { StoredTokens } from "../../auth/oauth_client/store.ts";
import { fileInfo, joinPath, readTextFile, writeTextFile } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import { withTempDir } from "../temp.ts";
import { within } from "../async.ts";
import { type ProtectedEndpoint, serveProtected } from "./fixtures/protected_endpoint.ts";

const A = { issuer: "https://auth-a.example.com", resource: "https://a.example.com/mcp" };
const B = { issuer: "https://auth-b.example.com", resource: "https://b.example.com/mcp" };

function tokens(accessToken: string): StoredTokens {
  return { accessToken, tokenType: "Bearer", obtainedAt: 1000, refreshToken: `r-${accessToken}` };
}

describe("fileTokenStore", () => {
  test("round-trips tokens and clients, and forgets them", async () => {
    await withTempDir("emcee-token-store", async (dir) => {
      const path = joinPath(dir, "nested", "tokens.json");
      const store = fileTokenStore(path);
      assert.equal(await store.getTokens(A), undefined, "a missing file is an empty store");
      await store.setTokens(A, tokens("a1"));
      await store.setClient(A.issuer, { clientId: "client-a", clientSecret: "s" });
      // A second store on the same file (a later run) reads what the first wrote.
      const again = fileTokenStore(path);
      assert.deepEqual(await again.getTokens(A), tokens("a1"));
      assert.deepEqual(await again.getClient(A.issuer), {
        clientId: "client-a",
        clientSecret: "s",
      });
      await again.deleteTokens(A);
      await again.deleteClient(A.issuer);
      assert.equal(await store.getTokens(A), undefined);
      assert.equal(await store.getClient(A.issuer), undefined);
    });
  });

  test("never writes a private key", async () => {
    await withTempDir("emcee-token-store", async (dir) => {
      const path = joinPath(dir, "tokens.json");
      const store = fileTokenStore(path);
      await store.setClient(A.issuer, {
        clientId: "c",
        tokenEndpointAuthMethod: "private_key_jwt",
        privateKey: "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----",
      });
      assert.doesNotMatch(await readTextFile(path), /PRIVATE KEY|secret/);
      assert.deepEqual(await store.getClient(A.issuer), {
        clientId: "c",
        tokenEndpointAuthMethod: "private_key_jwt",
      });
    });
  });

  test("creates the file owner-only, and narrows one found wider", async () => {
    await withTempDir("emcee-token-store", async (dir) => {
      const path = joinPath(dir, "tokens.json");
      await fileTokenStore(path).setTokens(A, tokens("a1"));
      assert.equal((await fileInfo(path))!.mode! & 0o777, 0o600);

      const wide = joinPath(dir, "wide.json");
      await writeTextFile(wide, JSON.stringify({ version: 1, tokens: {}, clients: {} }));
      await chmod(wide, 0o644);
      assert.equal(await fileTokenStore(wide).getTokens(A), undefined);
      assert.equal((await fileInfo(wide))!.mode! & 0o777, 0o600, "rewritten 0600 on first read");
    });
  });

  test("keeps several servers in one file, also when written concurrently", async () => {
    await withTempDir("emcee-token-store", async (dir) => {
      const path = joinPath(dir, "tokens.json");
      const store = fileTokenStore(path);
      const servers = Array.from({ length: 8 }, (_, i) => ({
        issuer: `https://auth-${i}.example.com`,
        resource: `https://mcp-${i}.example.com/mcp`,
      }));
      await Promise.all([
        store.setTokens(A, tokens("a1")),
        store.setTokens(B, tokens("b1")),
        store.setClient(A.issuer, { clientId: "client-a" }),
        store.setClient(B.issuer, { clientId: "client-b" }),
        // A second store of the same path takes turns with the first.
        ...servers.map((key, i) =>
          (i % 2 ? fileTokenStore(path) : store).setTokens(key, tokens(`t${i}`))
        ),
      ]);
      const document = JSON.parse(await readTextFile(path));
      assert.equal(Object.keys(document.tokens).length, 10, "no write lost another's entry");
      assert.deepEqual(Object.keys(document.clients).sort(), [A.issuer, B.issuer]);
      assert.equal(document.tokens[`${A.issuer} ${A.resource}`].accessToken, "a1");
      assert.equal((await store.getTokens(B))?.accessToken, "b1");
      assert.equal((await store.getClient(B.issuer))?.clientId, "client-b");
      // Same issuer, another resource: a separate entry.
      const sameIssuer = { issuer: A.issuer, resource: "https://other.example.com/mcp" };
      await store.setTokens(sameIssuer, tokens("a2"));
      assert.equal((await store.getTokens(A))?.accessToken, "a1");
      assert.equal((await store.getTokens(sameIssuer))?.accessToken, "a2");
    });
  });

  test("a corrupt file is reported, naming the path, and left untouched", async () => {
    await withTempDir("emcee-token-store", async (dir) => {
      const path = joinPath(dir, "tokens.json");
      await writeTextFile(path, "{ not json", { mode: 0o600 });
      const store = fileTokenStore(path);
      const isCorrupt = (error: unknown) => {
        assert.ok(error instanceof TokenFileError);
        assert.equal(error.path, path);
        assert.ok(error.message.includes(path), error.message);
        assert.match(error.message, /not valid JSON/);
        assert.ok(error.cause instanceof SyntaxError);
        return true;
      };
      await assert.rejects(store.getTokens(A), isCorrupt);
      await assert.rejects(store.setTokens(A, tokens("a1")), isCorrupt);
      assert.equal(await readTextFile(path), "{ not json", "nothing overwritten");

      await writeTextFile(
        path,
        JSON.stringify({ version: 1, tokens: { x: { a: 1 } }, clients: {} }),
      );
      await assert.rejects(store.getClient(A.issuer), (error: unknown) => {
        assert.ok(error instanceof TokenFileError);
        assert.match(error.message, /tokens entry "x" is malformed/);
        return true;
      });
    });
  });
});

describe("fileTokenStore behind OAuthTokenProvider", () => {
  let endpoint: ProtectedEndpoint;
  let mcpUrl: string;

  before(async () => {
    const server = new McpServer({ name: "file-store-test", version: "1.0.0" });
    server.tool({ name: "whoami", handler: (_args, context) => context.auth?.subject ?? "" });
    endpoint = await serveProtected(server, {
      requiredScopes: ["mcp"],
      consent: autoApprove({ subject: "ada" }),
    });
    mcpUrl = endpoint.url;
  });

  after(async () => {
    await endpoint.close();
  });

  test("a second run signs in from the file, without authorizing again", async () => {
    await withTempDir("emcee-token-store", async (dir) => {
      const path = joinPath(dir, "tokens.json");
      let authorizations = 0;
      const follow = redirectFollowingInteraction({
        redirectUri: "http://127.0.0.1:7300/callback",
      });
      const interaction: AuthorizationInteraction = {
        redirectUri: follow.redirectUri,
        authorize: (url, context) => {
          authorizations++;
          return follow.authorize(url, context);
        },
      };
      for (const run of ["first", "second"]) {
        const auth = new OAuthTokenProvider({
          serverUrl: mcpUrl,
          interaction,
          clientMetadata: { client_name: "file store test" },
          store: fileTokenStore(path),
        });
        const client = await within(
          connectClient(mcpUrl, { name: "file-store", version: "1.0.0" }, { auth }),
          10_000,
          `${run} connect`,
        );
        try {
          const result = await within(client.callTool("whoami"), 10_000, `${run} call`);
          assert.deepEqual(result.content, [{ type: "text", text: "ada" }]);
        } finally {
          await client.close();
        }
      }
      assert.equal(authorizations, 1, "the second run used the stored tokens and client");
      const document = JSON.parse(await readTextFile(path));
      assert.equal(Object.keys(document.tokens).length, 1);
      assert.equal(Object.keys(document.clients).length, 1);
    });
  });
});
