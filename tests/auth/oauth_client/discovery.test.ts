import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  authorizationServerMetadataUrls,
  discoverAuthorization,
} from "../../../auth/oauth_client/discovery.ts";
import { OAuthClientError } from "../../../auth/oauth_client/errors.ts";
import {
  resourceCovers,
  resourceMetadataCandidates,
} from "../../../auth/oauth_client/resource_metadata.ts";
import { serveHttp } from "../../../runtime/mod.ts";
import { OAuthTokenProvider } from "../../../auth/oauth_client/provider.ts";
import { redirectFollowingInteraction } from "../../../auth/oauth_client/interaction.ts";
import { authorizedFetch } from "../../../protocol/token_provider.ts";
import { REDIRECT_URI, setup, startAuthServer } from "./fixtures.ts";

describe("well-known URLs", () => {
  test("resource metadata: challenge URL, path-aware, root", () => {
    assert.deepEqual(
      resourceMetadataCandidates(
        new URL("https://ex.com/public/mcp"),
        "https://ex.com/custom.json",
      ),
      [
        "https://ex.com/custom.json",
        "https://ex.com/.well-known/oauth-protected-resource/public/mcp",
        "https://ex.com/.well-known/oauth-protected-resource",
      ],
    );
    assert.deepEqual(resourceMetadataCandidates(new URL("https://ex.com/")), [
      "https://ex.com/.well-known/oauth-protected-resource",
    ]);
  });

  test("authorization server: RFC 8414 then OIDC, in the specification's order", () => {
    assert.deepEqual(authorizationServerMetadataUrls("https://auth.ex.com/tenant1/"), [
      "https://auth.ex.com/.well-known/oauth-authorization-server/tenant1",
      "https://auth.ex.com/.well-known/openid-configuration/tenant1",
      "https://auth.ex.com/tenant1/.well-known/openid-configuration",
    ]);
    assert.deepEqual(authorizationServerMetadataUrls("https://auth.ex.com"), [
      "https://auth.ex.com/.well-known/oauth-authorization-server",
      "https://auth.ex.com/.well-known/openid-configuration",
    ]);
  });

  test("refuses an issuer over plain http off loopback, or with a query", () => {
    assert.throws(
      () => authorizationServerMetadataUrls("http://auth.ex.com"),
      (error: unknown) => error instanceof OAuthClientError && error.code === "insecure_endpoint",
    );
    assert.throws(
      () => authorizationServerMetadataUrls("https://auth.ex.com/?x=1"),
      OAuthClientError,
    );
    assert.doesNotThrow(() => authorizationServerMetadataUrls("http://127.0.0.1:8080"));
  });

  test("a resource covers itself and its sub-paths on the same origin only", () => {
    assert.equal(resourceCovers("https://ex.com/mcp", new URL("https://EX.com:443/mcp")), true);
    assert.equal(resourceCovers("https://ex.com", new URL("https://ex.com/mcp")), true);
    assert.equal(resourceCovers("https://ex.com/mc", new URL("https://ex.com/mcp")), false);
    assert.equal(resourceCovers("https://evil.com/mcp", new URL("https://ex.com/mcp")), false);
  });
});

describe("discovery against servers", () => {
  test("uses resource_metadata from the challenge and never probes the root", async () => {
    const s = await setup({}, { prm: "custom" });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      const found = s.provider.discovered!;
      assert.equal(found.issuer, s.as.issuer);
      assert.equal(found.resource, s.rs.mcpUrl);
      assert.equal(found.legacy, false);
      assert.deepEqual(s.as.log.slice(0, 1), ["GET /.well-known/oauth-authorization-server"]);
      assert.deepEqual(s.rs.probes, ["/custom/metadata.json"]);
    } finally {
      await s.close();
    }
  });

  test("without resource_metadata: path-aware, then root metadata; root resource accepted", async () => {
    const seen: string[] = [];
    const s = await setup({}, { prm: "root", prmInChallenge: false });
    try {
      const fetchSpy: typeof fetch = (input, init) => {
        seen.push(new URL(String(input instanceof Request ? input.url : input)).pathname);
        return fetch(input, init);
      };
      const found = await discoverAuthorization(new URL(s.rs.mcpUrl), { fetch: fetchSpy });
      assert.deepEqual(seen.slice(0, 2), [
        "/.well-known/oauth-protected-resource/mcp",
        "/.well-known/oauth-protected-resource",
      ]);
      assert.equal(found.resource, s.rs.url);
    } finally {
      await s.close();
    }
  });

  test("path-aware issuers: OIDC insertion and OIDC appending are found in order", async () => {
    for (const metadataAt of ["oidc-insert", "oidc-append"] as const) {
      const s = await setup({ prefix: "/tenant1", metadataAt }, { prmInChallenge: false });
      try {
        assert.equal((await s.call("tools/list")).status, 200);
        const probes = s.as.log.filter((line) => line.includes(".well-known"));
        const expected = [
          "GET /.well-known/oauth-authorization-server/tenant1",
          "GET /.well-known/openid-configuration/tenant1",
          "GET /tenant1/.well-known/openid-configuration",
        ];
        assert.deepEqual(probes, expected.slice(0, metadataAt === "oidc-insert" ? 2 : 3));
        assert.ok(!s.as.log.includes("GET /.well-known/oauth-authorization-server"));
      } finally {
        await s.close();
      }
    }
  });

  test("metadata whose issuer differs is never used", async () => {
    const s = await setup({ metadataIssuer: "https://attacker.example.com" });
    try {
      await assert.rejects(
        s.call("tools/list"),
        (error: unknown) => error instanceof OAuthClientError && error.code === "issuer_mismatch",
      );
      assert.deepEqual(s.as.log, [
        "GET /.well-known/oauth-authorization-server",
        "GET /.well-known/openid-configuration",
      ]);
    } finally {
      await s.close();
    }
  });

  test("resource metadata for another resource is refused before any authorization", async () => {
    const s = await setup({}, { prmResource: "https://evil.example.com/mcp" });
    try {
      await assert.rejects(
        s.call("tools/list"),
        (error: unknown) => error instanceof OAuthClientError && error.code === "resource_mismatch",
      );
      assert.deepEqual(s.as.log, []);
    } finally {
      await s.close();
    }
  });

  test("2025-03-26: no resource metadata, authorization server metadata at the server's origin", async () => {
    // One server plays both roles, as 2025-03-26 servers did.
    const as = await startAuthServer({ prefix: "/oauth-endpoints" });
    let origin = "";
    const server = await serveHttp(async (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/.well-known/oauth-authorization-server") {
        const upstream = await fetch(
          `${as.url}/.well-known/oauth-authorization-server/oauth-endpoints`,
        );
        return Response.json({ ...(await upstream.json()), issuer: origin });
      }
      return new Response("not found", { status: 404 });
    });
    origin = server.url;
    try {
      const found = await discoverAuthorization(new URL(`${server.url}/mcp`));
      assert.equal(found.legacy, true);
      assert.equal(found.issuer, server.url);
      assert.equal(found.resource, `${server.url}/mcp`);
      assert.equal(found.metadata.token_endpoint, `${as.url}/oauth-endpoints/token`);
    } finally {
      await server.close();
      await as.close();
    }
  });

  test("2025-03-26: an issuer on the server's origin is accepted, another origin never", async () => {
    let claimed = "";
    const server = await serveHttp((request) =>
      new URL(request.url).pathname === "/.well-known/oauth-authorization-server"
        ? Response.json({ issuer: claimed, token_endpoint: `${claimed}/token` })
        : new Response("not found", { status: 404 })
    );
    try {
      claimed = `${server.url}/oauth`;
      const found = await discoverAuthorization(new URL(`${server.url}/mcp`));
      assert.equal(found.issuer, `${server.url}/oauth`);
      claimed = "https://attacker.example.com";
      await assert.rejects(
        discoverAuthorization(new URL(`${server.url}/mcp`)),
        (error: unknown) => error instanceof OAuthClientError && error.code === "issuer_mismatch",
      );
    } finally {
      await server.close();
    }
  });

  test("2025-03-26: no metadata at all → /authorize, /token, /register at the origin", async () => {
    const server = await serveHttp(() => new Response("not found", { status: 404 }));
    try {
      const found = await discoverAuthorization(new URL(`${server.url}/mcp`));
      assert.equal(found.legacy, true);
      assert.deepEqual(
        [
          found.metadata.authorization_endpoint,
          found.metadata.token_endpoint,
          found.metadata.registration_endpoint,
        ],
        [`${server.url}/authorize`, `${server.url}/token`, `${server.url}/register`],
      );
      assert.deepEqual(found.metadata.code_challenge_methods_supported, ["S256"]);
    } finally {
      await server.close();
    }
  });

  test("2025-03-26 end to end: default endpoints, registration, PKCE, Bearer token", async () => {
    const as = await startAuthServer({ issInRedirect: "omit" });
    const server = await serveHttp(async (request) => {
      const url = new URL(request.url);
      if (url.pathname === "/mcp") {
        const token = request.headers.get("authorization")?.replace(/^Bearer /, "") ?? "";
        return as.tokens.has(token)
          ? Response.json({ ok: true })
          : new Response(null, { status: 401, headers: { "www-authenticate": "Bearer" } });
      }
      if (["/authorize", "/token", "/register"].includes(url.pathname)) {
        return fetch(`${as.url}${url.pathname}${url.search}`, {
          method: request.method,
          headers: request.headers,
          body: request.method === "POST" ? await request.text() : undefined,
          redirect: "manual",
        });
      }
      return new Response("not found", { status: 404 });
    });
    try {
      const provider = new OAuthTokenProvider({
        serverUrl: `${server.url}/mcp`,
        interaction: redirectFollowingInteraction({ redirectUri: REDIRECT_URI }),
      });
      const response = await authorizedFetch(provider)(`${server.url}/mcp`, {
        method: "POST",
        body: "{}",
      });
      assert.equal(response.status, 200);
      assert.deepEqual(as.log, ["POST /register", "GET /authorize", "POST /token"]);
      const authorization = as.authorizations[0];
      assert.equal(authorization.get("code_challenge_method"), "S256");
      assert.equal(authorization.get("resource"), `${server.url}/mcp`);
      assert.equal(provider.discovered?.issuer, server.url);
    } finally {
      await server.close();
      await as.close();
    }
  });
});
