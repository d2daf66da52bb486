/**
 * DPoP required at the resource (RFC 9449 §5.2, §7.1; RFC 9728):
 * `bearerAuth({ dpop: { required: true } })` refuses Bearer tokens and
 * challenges only DPoP, `withAuth` advertises `dpop_bound_access_tokens_required`,
 * and emcee's client in "auto" mode reads that metadata and binds its token
 * even when the challenge names only Bearer.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { connectClient } from "../../client/client.ts";
import { bearerAuth, insufficientScopeResponse } from "../../auth/bearer.ts";
import { autoApprove } from "../../auth/authorization_server/consent.ts";
import { withAuthorizationServer } from "../../auth/authorization_server/with_authorization_server.ts";
import { protectedResourceMetadata } from "../../auth/metadata.ts";
import { createDpopKey, dpopProof } from "../../auth/oauth_client/dpop.ts";
import { redirectFollowingInteraction } from "../../auth/oauth_client/interaction.ts";
import { OAuthTokenProvider } from "../../auth/oauth_client/provider.ts";
import { staticTokenVerifier } from "../../auth/static_verifier.ts";
import { withAuth } from "../../auth/with_auth.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import type { HttpHandler } from "../../transports/http/server.ts";
import { within } from "../interop/fixtures/helpers.ts";

const RESOURCE = "https://mcp.example.com/mcp";

function whoamiServer(): McpServer {
  const server = new McpServer({ name: "dpop-required", version: "1.0.0" });
  server.tool({
    name: "whoami",
    handler: (_args: JsonObject, context) => JSON.stringify({ subject: context.auth?.subject }),
  });
  return server;
}

describe("bearerAuth with dpop: { required: true }", () => {
  test("Bearer tokens are refused and only the DPoP scheme is challenged", async () => {
    const key = await createDpopKey();
    const verify = staticTokenVerifier({
      "plain-token": { scopes: ["mcp"] },
      "bound-token": { scopes: ["mcp"], jkt: key.thumbprint },
    }, { audience: RESOURCE });
    const authenticate = bearerAuth({ resource: RESOURCE, verify, dpop: { required: true } });

    const none = await authenticate(new Request(RESOURCE, { method: "POST" }));
    assert.ok(none instanceof Response);
    assert.equal(none.status, 401);
    const challenges = none.headers.get("www-authenticate") ?? "";
    assert.match(challenges, /^DPoP /);
    assert.doesNotMatch(challenges, /Bearer/);
    assert.match(challenges, /resource_metadata="/);

    const bearer = await authenticate(
      new Request(RESOURCE, { method: "POST", headers: { authorization: "Bearer plain-token" } }),
    );
    assert.ok(bearer instanceof Response);
    assert.equal(bearer.status, 401);
    const refusal = bearer.headers.get("www-authenticate") ?? "";
    assert.match(refusal, /^DPoP /);
    assert.match(refusal, /error="invalid_token"/);
    assert.doesNotMatch(refusal, /Bearer/);

    const proof = await dpopProof(key, {
      method: "POST",
      url: RESOURCE,
      accessToken: "bound-token",
    });
    const bound = await authenticate(
      new Request(RESOURCE, {
        method: "POST",
        headers: { authorization: "DPoP bound-token", dpop: proof },
      }),
    );
    assert.ok(!(bound instanceof Response), "a bound token with its proof is accepted");
    assert.deepEqual(bound.scopes, ["mcp"]);

    const forbidden = insufficientScopeResponse(
      { resource: RESOURCE, dpop: { required: true } },
      new Request(RESOURCE, { headers: { authorization: "DPoP bound-token" } }),
      ["files:write"],
    );
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.headers.get("www-authenticate") ?? "", /^DPoP .*insufficient_scope/);
    assert.doesNotMatch(forbidden.headers.get("www-authenticate") ?? "", /Bearer/);
  });

  test("without required, Bearer stays accepted and both schemes are challenged", async () => {
    const verify = staticTokenVerifier({ "plain-token": { scopes: [] } }, { audience: RESOURCE });
    const authenticate = bearerAuth({ resource: RESOURCE, verify, dpop: {} });
    const ok = await authenticate(
      new Request(RESOURCE, { headers: { authorization: "Bearer plain-token" } }),
    );
    assert.ok(!(ok instanceof Response));
    const none = await authenticate(new Request(RESOURCE));
    assert.ok(none instanceof Response);
    assert.match(none.headers.get("www-authenticate") ?? "", /Bearer .*DPoP /);
  });
});

describe("protected resource metadata of a DPoP resource", () => {
  test("protectedResourceMetadata names the DPoP members it is given", () => {
    const document = protectedResourceMetadata({
      resource: RESOURCE,
      authorizationServers: ["https://auth.example.com"],
      dpopBoundAccessTokensRequired: true,
      dpopSigningAlgValuesSupported: ["ES256"],
    });
    assert.equal(document.dpop_bound_access_tokens_required, true);
    assert.deepEqual(document.dpop_signing_alg_values_supported, ["ES256"]);
    const plain = protectedResourceMetadata({
      resource: RESOURCE,
      authorizationServers: ["https://auth.example.com"],
    });
    assert.equal("dpop_bound_access_tokens_required" in plain, false);
  });

  test("withAuth derives them from the dpop options", async () => {
    const verify = staticTokenVerifier({}, { audience: RESOURCE });
    const metadataOf = async (handler: HttpHandler) =>
      await (await handler(
        new Request("https://mcp.example.com/.well-known/oauth-protected-resource/mcp"),
      )).json();
    const base = { resource: RESOURCE, authorizationServers: ["https://auth.example.com"], verify };
    const required = await metadataOf(
      withAuth(whoamiServer(), { ...base, dpop: { required: true, algorithms: ["ES256"] } }),
    );
    assert.equal(required.dpop_bound_access_tokens_required, true);
    assert.deepEqual(required.dpop_signing_alg_values_supported, ["ES256"]);
    const optional = await metadataOf(withAuth(whoamiServer(), { ...base, dpop: {} }));
    assert.equal("dpop_bound_access_tokens_required" in optional, false);
    assert.ok(optional.dpop_signing_alg_values_supported.includes("ES256"));
    const bearerOnly = await metadataOf(withAuth(whoamiServer(), base));
    assert.equal("dpop_signing_alg_values_supported" in bearerOnly, false);
  });
});

describe("emcee's client against a resource requiring DPoP", () => {
  test('"auto" reads dpop_bound_access_tokens_required and binds its token', async () => {
    const route: { handler?: HttpHandler } = {};
    const http = await serveHttp((request) => route.handler!(request), {
      port: 0,
      hostname: "127.0.0.1",
    });
    const mcpUrl = `${http.url}/mcp`;
    const protectedHandler = withAuthorizationServer(whoamiServer(), {
      resource: mcpUrl,
      requiredScopes: ["mcp"],
      consent: autoApprove({ subject: "ada" }),
      dpop: { required: true },
    });
    let rewritten = 0;
    route.handler = async (request) => {
      const response = await protectedHandler(request);
      const challenge = response.headers.get("www-authenticate");
      if (response.status !== 401 || challenge === null || request.headers.has("authorization")) {
        return response;
      }
      // A challenge naming only Bearer: the metadata alone must make the client bind its token.
      rewritten++;
      const headers = new Headers(response.headers);
      const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
      assert.ok(metadataUrl);
      headers.set("www-authenticate", `Bearer resource_metadata="${metadataUrl}"`);
      return new Response(response.body, { status: 401, headers });
    };
    const auth = new OAuthTokenProvider({
      serverUrl: mcpUrl,
      interaction: redirectFollowingInteraction({ redirectUri: "http://127.0.0.1:7302/callback" }),
      clientMetadata: { client_name: "emcee dpop-required test" },
    });
    try {
      const metadata = await (await fetch(`${http.url}/.well-known/oauth-protected-resource/mcp`))
        .json();
      assert.equal(metadata.dpop_bound_access_tokens_required, true);
      const client = await within(
        connectClient(mcpUrl, { name: "emcee-dpop-required", version: "1.0.0" }, { auth }),
        10_000,
        "connect",
      );
      try {
        const result = await within(client.callTool("whoami"), 10_000, "call");
        const who = JSON.parse((result.content as { text: string }[])[0].text);
        assert.equal(who.subject, "ada");
        assert.ok(rewritten >= 1, "the client saw a Bearer-only challenge");
        assert.equal(auth.discovered?.resourceMetadata?.dpop_bound_access_tokens_required, true);
        assert.equal(auth.tokens?.tokenType, "DPoP");
      } finally {
        await client.close();
      }
      const asBearer = await fetch(mcpUrl, {
        method: "POST",
        headers: {
          authorization: `Bearer ${auth.tokens!.accessToken}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      assert.equal(asBearer.status, 401);
      await asBearer.body?.cancel();
    } finally {
      await http.close();
    }
  });
});
