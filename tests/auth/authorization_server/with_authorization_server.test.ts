/**
 * withAuthorizationServer: an McpServer with its own authorization server on
 * one origin, over a real socket. Driven by hand through the whole discovery
 * chain (401 → protected resource metadata → AS metadata → register →
 * authorize → token → tool call), and by the OAuth of the official SDK 1.x
 * client and of the official client 2.x; and, with DPoP, by emcee's own OAuth client.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport as LegacyHttpTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/auth"
import {
  type OAuthClientProvider,
  UnauthorizedError,
} from "@modelcontextprotocol/sdk/client/auth.js";
import {
  Client as OfficialClient,
  StreamableHTTPClientTransport as OfficialHttpTransport,
  UnauthorizedError as OfficialUnauthorizedError,
} from "@modelcontextprotocol/client";
import { connectClient } from "../../../client/client.ts";
import { redirectFollowingInteraction } from "../../../auth/oauth_client/interaction.ts";
import { OAuthTokenProvider } from "../../../auth/oauth_client/provider.ts";
import { autoApprove } from "../../../auth/authorization_server/consent.ts";
import { withAuthorizationServer } from "../../../auth/authorization_server/with_authorization_server.ts";
import type { JsonObject } from "../../../protocol/jsonrpc.ts";
import { type HttpServerHandle, serveHttp } from "../../../runtime/mod.ts";
import { McpServer } from "../../../server/server.ts";
import type { HttpHandler } from "../../../transports/http/server.ts";
import { within } from "../../interop/fixtures/helpers.ts";
import { pkce } from "./helpers.ts";
import { type ProtectedEndpoint, serveProtected } from "../fixtures/protected_endpoint.ts";

const REDIRECT = "http://127.0.0.1:7300/callback";

/** An OAuth provider for the official SDKs (1.x and 2.x share the interface), kept in memory. */
function sdkProvider(clientName: string) {
  const state: { client?: unknown; tokens?: unknown; verifier?: string; authorization?: URL } = {};
  const provider: OAuthClientProvider = {
    get redirectUrl() {
      return REDIRECT;
    },
    get clientMetadata() {
      return {
        redirect_uris: [REDIRECT],
        client_name: clientName,
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
      };
    },
    clientInformation: () => state.client as never,
    saveClientInformation: (info) => void (state.client = info),
    tokens: () => state.tokens as never,
    saveTokens: (tokens) => void (state.tokens = tokens),
    redirectToAuthorization: (url) => void (state.authorization = url),
    saveCodeVerifier: (verifier) => void (state.verifier = verifier),
    codeVerifier: () => state.verifier!,
  };
  return {
    provider,
    /** What a browser does with auto-approve: one redirect to the client's callback, whose parameters are returned. */
    async approve(): Promise<URLSearchParams> {
      assert.ok(state.authorization, "the SDK asked to open the authorization URL");
      const redirect = await fetch(state.authorization, { redirect: "manual" });
      await redirect.body?.cancel();
      return new URL(redirect.headers.get("location")!).searchParams;
    },
  };
}

function assertApprovedUser(content: unknown): void {
  const who = JSON.parse((content as { type: string; text: string }[])[0].text);
  assert.equal(who.subject, "ada");
  assert.deepEqual(who.scopes, ["mcp"]);
}

function whoamiServer(): McpServer {
  const server = new McpServer({ name: "as-test", version: "1.0.0" });
  server.tool({
    name: "whoami",
    handler: (_args: JsonObject, context) =>
      JSON.stringify({
        subject: context.auth?.subject,
        clientId: context.auth?.clientId,
        scopes: context.auth?.scopes,
      }),
  });
  return server;
}

function callWhoami(url: string, token?: string): Promise<Response> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": "tools/call",
    "mcp-name": "whoami",
  };
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  return fetch(url, {
    method: "POST",
    headers,
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "tools/call",
      params: {
        name: "whoami",
        arguments: {},
        _meta: {
          "io.modelcontextprotocol/protocolVersion": "2026-07-28",
          "io.modelcontextprotocol/clientCapabilities": {},
          "io.modelcontextprotocol/clientInfo": { name: "as-test", version: "1" },
        },
      },
    }),
  });
}

describe("withAuthorizationServer over a socket", () => {
  let http: HttpServerHandle;
  let origin: string;
  let mcpUrl: string;

  before(async () => {
    const route: { handler?: HttpHandler } = {};
    http = await serveHttp((request) => route.handler!(request), {
      port: 0,
      hostname: "127.0.0.1",
    });
    origin = http.url;
    mcpUrl = `${origin}/mcp`;
    route.handler = withAuthorizationServer(whoamiServer(), {
      resource: mcpUrl,
      requiredScopes: ["mcp"],
      consent: autoApprove({ subject: "ada" }),
    });
  });

  after(async () => {
    await http.close();
  });

  test("the whole discovery chain by hand, ending in a tool call as the approved user", async () => {
    const refused = await callWhoami(mcpUrl);
    assert.equal(refused.status, 401);
    await refused.body?.cancel();
    const challenge = refused.headers.get("www-authenticate") ?? "";
    const metadataUrl = /resource_metadata="([^"]+)"/.exec(challenge)?.[1];
    assert.equal(metadataUrl, `${origin}/.well-known/oauth-protected-resource/mcp`);

    const resourceMetadata = await (await fetch(metadataUrl!)).json();
    assert.equal(resourceMetadata.resource, mcpUrl);
    assert.deepEqual(resourceMetadata.authorization_servers, [origin]);

    const issuer = resourceMetadata.authorization_servers[0];
    const asMetadata = await (await fetch(`${issuer}/.well-known/oauth-authorization-server`))
      .json();
    assert.equal(asMetadata.issuer, issuer);
    assert.deepEqual(asMetadata.scopes_supported, ["mcp"]);

    const registration = await fetch(asMetadata.registration_endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: "none" }),
    });
    assert.equal(registration.status, 201);
    const { client_id: clientId } = await registration.json();

    const { verifier, challenge: codeChallenge } = await pkce();
    const authorize = new URL(asMetadata.authorization_endpoint);
    for (
      const [name, value] of Object.entries({
        response_type: "code",
        client_id: clientId,
        redirect_uri: REDIRECT,
        code_challenge: codeChallenge,
        code_challenge_method: "S256",
        state: "xyz",
        resource: mcpUrl,
      })
    ) authorize.searchParams.set(name, value);
    const redirect = await fetch(authorize, { redirect: "manual" });
    assert.equal(redirect.status, 302);
    await redirect.body?.cancel();
    const callback = new URL(redirect.headers.get("location")!);
    assert.equal(callback.searchParams.get("iss"), issuer);
    assert.equal(callback.searchParams.get("state"), "xyz");

    const tokenResponse = await fetch(asMetadata.token_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: callback.searchParams.get("code")!,
        code_verifier: verifier,
        redirect_uri: REDIRECT,
        client_id: clientId,
        resource: mcpUrl,
      }),
    });
    assert.equal(tokenResponse.status, 200);
    const tokens = await tokenResponse.json();
    assert.equal(tokens.scope, "mcp");

    const answered = await callWhoami(mcpUrl, tokens.access_token);
    assert.equal(answered.status, 200);
    const reply = await answered.json();
    assert.deepEqual(JSON.parse(reply.result.content[0].text), {
      subject: "ada",
      clientId,
      scopes: ["mcp"],
    });

    // Revoked, the token stops working at the MCP endpoint at once.
    await (await fetch(asMetadata.revocation_endpoint, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: tokens.access_token, client_id: clientId }),
    })).body?.cancel();
    const afterRevocation = await callWhoami(mcpUrl, tokens.access_token);
    assert.equal(afterRevocation.status, 401);
    assert.match(afterRevocation.headers.get("www-authenticate") ?? "", /revoked/);
    await afterRevocation.body?.cancel();
  });

  test("the official SDK 1.x client registers, authorizes, and calls the tool", async () => {
    const oauth = sdkProvider("sdk1 oauth test");
    const connect = (client: LegacyClient) =>
      client.connect(new LegacyHttpTransport(new URL(mcpUrl), { authProvider: oauth.provider }));
    const first = new LegacyHttpTransport(new URL(mcpUrl), { authProvider: oauth.provider });
    const firstClient = new LegacyClient({ name: "sdk1-oauth", version: "1.0.0" });
    await assert.rejects(within(firstClient.connect(first), 10_000, "connect"), UnauthorizedError);
    const code = (await oauth.approve()).get("code")!;
    await within(first.finishAuth(code), 10_000, "finishAuth");
    await firstClient.close();

    const client = new LegacyClient({ name: "sdk1-oauth", version: "1.0.0" });
    try {
      await within(connect(client), 10_000, "connect");
      const result = await within(
        client.callTool({ name: "whoami", arguments: {} }),
        10_000,
        "call",
      );
      assertApprovedUser(result.content);
    } finally {
      await client.close();
    }
  });

  test("the official client 2.x registers, authorizes, and calls the tool", async () => {
    const oauth = sdkProvider("client2 oauth test");
    const first = new OfficialHttpTransport(new URL(mcpUrl), { authProvider: oauth.provider });
    const firstClient = new OfficialClient({ name: "client2-oauth", version: "1.0.0" });
    await assert.rejects(
      within(firstClient.connect(first), 10_000, "connect"),
      OfficialUnauthorizedError,
    );
    // 2.x checks the RFC 9207 iss of the callback, so it gets all of the callback's parameters.
    await within(first.finishAuth(await oauth.approve()), 10_000, "finishAuth");
    await firstClient.close();

    const client = new OfficialClient({ name: "client2-oauth", version: "1.0.0" });
    const transport = new OfficialHttpTransport(new URL(mcpUrl), { authProvider: oauth.provider });
    try {
      await within(client.connect(transport), 10_000, "connect");
      const result = await within(
        client.callTool({ name: "whoami", arguments: {} }),
        10_000,
        "call",
      );
      assertApprovedUser(result.content);
    } finally {
      await client.close();
    }
  });
});

describe("withAuthorizationServer with DPoP, and emcee's own OAuth client", () => {
  let endpoint: ProtectedEndpoint;
  let mcpUrl: string;

  before(async () => {
    endpoint = await serveProtected(whoamiServer(), {
      requiredScopes: ["mcp"],
      consent: autoApprove({ subject: "ada" }),
      dpop: {},
    });
    mcpUrl = endpoint.url;
  });

  after(async () => {
    await endpoint.close();
  });

  test("the client registers, authorizes, binds its token to its DPoP key and calls the tool", async () => {
    const auth = new OAuthTokenProvider({
      serverUrl: mcpUrl,
      interaction: redirectFollowingInteraction({ redirectUri: REDIRECT }),
      clientMetadata: { client_name: "emcee dpop test" },
    });
    const client = await within(
      connectClient(mcpUrl, { name: "emcee-dpop", version: "1.0.0" }, { auth }),
      10_000,
      "connect",
    );
    try {
      const result = await within(client.callTool("whoami"), 10_000, "call");
      assertApprovedUser(result.content);
      // "auto": the resource's DPoP challenge made the client bind the token.
      assert.equal(auth.tokens?.tokenType, "DPoP");
      const plain = await callWhoami(mcpUrl, auth.tokens!.accessToken);
      assert.equal(plain.status, 401, "the bound token alone, as Bearer, is refused");
      await plain.body?.cancel();
    } finally {
      await client.close();
    }
  });
});
