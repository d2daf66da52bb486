/**
 * bearerAuth and the metadata endpoint in front of a real McpServer through
 * createHttpHandler (withAuth), driven with modern 2026-07-28 requests, plus
 * the official SDK 1.x client over a socket with and without a token.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client";
// The 1.x "./*" export maps "x.js" types to "x.js.d.ts"; name the declaration file for Deno.
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport as LegacyHttpTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/auth"
import { extractWWWAuthenticateParams } from "@modelcontextprotocol/sdk/client/auth.js";
import { staticTokenVerifier } from "../../auth/static_verifier.ts";
import { type McpAuthOptions, withAuth } from "../../auth/with_auth.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { McpServer } from "../../server/server.ts";
import { type HttpServerHandle, serveHttp } from "../../runtime/mod.ts";
import type { HttpHandler } from "../../transports/http/server.ts";
import { within } from "../interop/fixtures/helpers.ts";
import { RESOURCE } from "./helpers.ts";

const METADATA = "http://127.0.0.1/.well-known/oauth-protected-resource/mcp";

/** A server whose one tool reports the principal it runs as. */
function whoamiServer(): McpServer {
  const server = new McpServer({ name: "auth-test", version: "1.0.0" });
  server.tool({
    name: "whoami",
    handler: (_args: JsonObject, context) =>
      JSON.stringify({ subject: context.auth?.subject, scopes: context.auth?.scopes }),
  });
  return server;
}

function authOptions(resource: string): McpAuthOptions {
  return {
    resource,
    authorizationServers: ["https://auth.example.com"],
    scopesSupported: ["mcp"],
    resourceName: "auth test",
    requiredScopes: ["mcp"],
    verify: staticTokenVerifier({
      good: { subject: "ada", scopes: ["mcp", "files:read"] },
      narrow: { subject: "bob", scopes: ["files:read"] },
      foreign: { subject: "eve", scopes: ["mcp"], audience: "https://other.example.com/mcp" },
    }, { audience: resource }),
  };
}

let nextId = 0;

/** A modern tools/call of `whoami`, with `authorization` when given. */
function callWhoami(authorization?: string): Request {
  nextId += 1;
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": "tools/call",
    "mcp-name": "whoami",
  };
  if (authorization !== undefined) headers.authorization = authorization;
  const body = {
    jsonrpc: "2.0",
    id: nextId,
    method: "tools/call",
    params: {
      name: "whoami",
      arguments: {},
      _meta: {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": { name: "auth-test", version: "1" },
      },
    },
  };
  return new Request(RESOURCE, { method: "POST", headers, body: JSON.stringify(body) });
}

describe("withAuth in front of a real McpServer", () => {
  const handler = withAuth(whoamiServer(), authOptions(RESOURCE));

  test("no token: 401 with resource_metadata and scope", async () => {
    const response = await handler(callWhoami());
    assert.equal(response.status, 401);
    assert.equal(
      response.headers.get("www-authenticate"),
      `Bearer scope="mcp", resource_metadata="${METADATA}"`,
    );
    await response.body?.cancel();
  });

  test("a token for another audience: 401 invalid_token", async () => {
    const response = await handler(callWhoami("Bearer foreign"));
    assert.equal(response.status, 401);
    assert.match(response.headers.get("www-authenticate") ?? "", /^Bearer error="invalid_token"/);
    await response.body?.cancel();
  });

  test("a token without the required scope: 403 insufficient_scope", async () => {
    const response = await handler(callWhoami("Bearer narrow"));
    assert.equal(response.status, 403);
    assert.match(
      response.headers.get("www-authenticate") ?? "",
      /error="insufficient_scope", .*scope="mcp", resource_metadata=/,
    );
    await response.body?.cancel();
  });

  test("a good token: the tool sees context.auth", async () => {
    const response = await handler(callWhoami("Bearer good"));
    assert.equal(response.status, 200);
    const reply = await response.json();
    assert.deepEqual(JSON.parse(reply.result.content[0].text), {
      subject: "ada",
      scopes: ["mcp", "files:read"],
    });
  });

  test("the metadata endpoint answers both URL forms without a token", async () => {
    for (const url of [METADATA, "http://127.0.0.1/.well-known/oauth-protected-resource"]) {
      const response = await handler(new Request(url));
      assert.equal(response.status, 200, url);
      const document = await response.json();
      assert.equal(document.resource, RESOURCE);
      assert.deepEqual(document.authorization_servers, ["https://auth.example.com"]);
      assert.deepEqual(document.scopes_supported, ["mcp"]);
      assert.deepEqual(document.bearer_methods_supported, ["header"]);
      assert.equal(document.resource_name, "auth test");
    }
  });
});

describe("official SDK 1.x client against a protected server", () => {
  let http: HttpServerHandle;
  let url: URL;

  before(async () => {
    // The resource URI needs the port, known only once listening.
    const route: { handler?: HttpHandler } = {};
    http = await serveHttp((request) => route.handler!(request), {
      port: 0,
      hostname: "127.0.0.1",
    });
    url = new URL(`${http.url}/mcp`);
    route.handler = withAuth(whoamiServer(), authOptions(url.href));
  });

  after(async () => {
    await http.close();
  });

  test("with a bearer header it connects and the tool sees the principal", async () => {
    const client = new LegacyClient({ name: "sdk1-auth", version: "1.0.0" });
    const transport = new LegacyHttpTransport(url, {
      requestInit: { headers: { authorization: "Bearer good" } },
    });
    try {
      await within(client.connect(transport), 10_000, "connect");
      const result = await within(
        client.callTool({ name: "whoami", arguments: {} }),
        10_000,
        "call",
      );
      const content = result.content as { type: string; text: string }[];
      assert.deepEqual(JSON.parse(content[0].text), {
        subject: "ada",
        scopes: ["mcp", "files:read"],
      });
    } finally {
      await client.close();
    }
  });

  test("without a token it is refused with 401, and the SDK parses the challenge", async () => {
    const client = new LegacyClient({ name: "sdk1-auth", version: "1.0.0" });
    const transport = new LegacyHttpTransport(url);
    try {
      await assert.rejects(
        within(client.connect(transport), 10_000, "connect"),
        (error: unknown) => (error as { code?: unknown }).code === 401,
      );
    } finally {
      await client.close();
    }
    const response = await fetch(url, { method: "POST", body: "{}" });
    assert.equal(response.status, 401);
    await response.body?.cancel();
    const parsed = extractWWWAuthenticateParams(response);
    assert.equal(
      parsed.resourceMetadataUrl?.href,
      `${http.url}/.well-known/oauth-protected-resource/mcp`,
    );
    assert.equal(parsed.scope, "mcp");
  });
});
