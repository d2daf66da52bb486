/**
 * Protected resource metadata (RFC 9728): the document, its well-known URLs
 * and the handler serving them with CORS.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  protectedResourceMetadata,
  protectedResourceMetadataHandler,
} from "../../auth/metadata.ts";
import {
  audienceIncludes,
  canonicalResourceUri,
  protectedResourceMetadataUrl,
} from "../../auth/resource.ts";

const OPTIONS = {
  resource: "https://mcp.example.com/public/mcp",
  authorizationServers: ["https://auth.example.com"],
  scopesSupported: ["mcp"],
  resourceName: "Example MCP",
};

describe("protected resource metadata", () => {
  test("the metadata URL is path-suffixed (RFC 9728 §3.1)", () => {
    assert.equal(
      protectedResourceMetadataUrl("https://mcp.example.com/public/mcp"),
      "https://mcp.example.com/.well-known/oauth-protected-resource/public/mcp",
    );
    assert.equal(
      protectedResourceMetadataUrl("https://mcp.example.com/"),
      "https://mcp.example.com/.well-known/oauth-protected-resource",
    );
    assert.equal(
      protectedResourceMetadataUrl("http://127.0.0.1:8080/mcp?tenant=a"),
      "http://127.0.0.1:8080/.well-known/oauth-protected-resource/mcp?tenant=a",
    );
  });

  test("canonical resource URIs and audience comparison", () => {
    assert.equal(canonicalResourceUri("HTTPS://MCP.Example.COM:443/"), "https://mcp.example.com");
    assert.throws(() => canonicalResourceUri("mcp.example.com"));
    assert.throws(() => canonicalResourceUri("https://mcp.example.com#x"));
    assert.ok(
      audienceIncludes(["x", "https://MCP.example.com/mcp"], "https://mcp.example.com/mcp"),
    );
    assert.ok(!audienceIncludes("https://mcp.example.com/mcp2", "https://mcp.example.com/mcp"));
    assert.ok(!audienceIncludes("https://mcp.example.com", "https://mcp.example.com/mcp"));
    assert.ok(audienceIncludes("api://mcp", "api://mcp"));
  });

  test("the document carries the RFC 9728 members", () => {
    assert.deepEqual(protectedResourceMetadata({ ...OPTIONS, extra: { jwks_uri: "https://j" } }), {
      jwks_uri: "https://j",
      resource: "https://mcp.example.com/public/mcp",
      authorization_servers: ["https://auth.example.com"],
      bearer_methods_supported: ["header"],
      scopes_supported: ["mcp"],
      resource_name: "Example MCP",
    });
    assert.throws(() => protectedResourceMetadata({ ...OPTIONS, authorizationServers: [] }));
  });

  test("the handler answers the path-suffixed and the root URL, with CORS", async () => {
    const handler = protectedResourceMetadataHandler(OPTIONS);
    for (
      const path of [
        "/.well-known/oauth-protected-resource/public/mcp",
        "/.well-known/oauth-protected-resource",
        "/.well-known/oauth-protected-resource/",
      ]
    ) {
      const response = await handler(new Request(`https://mcp.example.com${path}`));
      assert.ok(response, path);
      assert.equal(response.status, 200, path);
      assert.equal(response.headers.get("access-control-allow-origin"), "*");
      assert.equal(response.headers.get("content-type"), "application/json");
      const document = await response.json();
      assert.equal(document.resource, OPTIONS.resource);
      assert.deepEqual(document.authorization_servers, OPTIONS.authorizationServers);
    }
  });

  test("the handler answers preflight, refuses other methods, ignores other paths", async () => {
    const handler = protectedResourceMetadataHandler(OPTIONS);
    const url = "https://mcp.example.com/.well-known/oauth-protected-resource/public/mcp";
    const preflight = await handler(
      new Request(url, {
        method: "OPTIONS",
        headers: {
          origin: "https://app.example",
          "access-control-request-method": "GET",
          "access-control-request-headers": "mcp-protocol-version",
        },
      }),
    );
    assert.equal(preflight?.status, 204);
    assert.equal(preflight?.headers.get("access-control-allow-origin"), "*");
    assert.match(preflight?.headers.get("access-control-allow-methods") ?? "", /GET/);
    const head = await handler(new Request(url, { method: "HEAD" }));
    assert.equal(head?.status, 200);
    const post = await handler(new Request(url, { method: "POST", body: "{}" }));
    assert.equal(post?.status, 405);
    assert.equal(post?.headers.get("allow"), "GET, HEAD, OPTIONS");
    assert.equal(await handler(new Request("https://mcp.example.com/public/mcp")), undefined);
    assert.equal(
      await handler(new Request("https://mcp.example.com/.well-known/oauth-protected-resource/x")),
      undefined,
    );
  });
});
