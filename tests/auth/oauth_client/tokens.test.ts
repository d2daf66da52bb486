import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";
import { OAuthClientError, OAuthResponseError } from "../../../auth/oauth_client/errors.ts";
import { accessTokenUsable } from "../../../auth/oauth_client/store.ts";
import { requestToken } from "../../../auth/oauth_client/token_request.ts";
import { basicClientId, preRegister, setup } from "./fixtures.ts";

describe("token endpoint client authentication", () => {
  for (const method of ["client_secret_basic", "client_secret_post", "none"] as const) {
    test(`${method}, as registered`, async () => {
      const s = await setup({ authMethods: [method], registeredMethod: method });
      try {
        assert.equal((await s.call("tools/list")).status, 200);
        const { params, headers } = s.as.tokenRequests[0];
        const clientId = s.as.authorizations[0].get("client_id")!;
        assert.equal(
          basicClientId(headers),
          method === "client_secret_basic" ? clientId : undefined,
        );
        assert.equal(params.has("client_secret"), method === "client_secret_post");
        assert.equal(params.get("client_id"), method === "client_secret_basic" ? null : clientId);
        assert.equal(params.get("resource"), s.rs.mcpUrl);
      } finally {
        await s.close();
      }
    });
  }

  test("client_secret_basic form-encodes the halves (RFC 6749 §2.3.1)", async () => {
    const s = await setup({ authMethods: ["client_secret_basic"] }, {}, {
      client: { clientId: "a:b c", clientSecret: "p@ss:w rd" },
    });
    preRegister(s.as, "a:b c", { secret: "p@ss:w rd", method: "client_secret_basic" });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(
        atob(s.as.tokenRequests[0].headers.get("authorization")!.slice(6)),
        "a%3Ab+c:p%40ss%3Aw+rd",
      );
    } finally {
      await s.close();
    }
  });

  for (const alg of ["ES256", "RS256"] as const) {
    test(`private_key_jwt with ${alg}: iss = sub = client_id, aud = issuer`, async () => {
      const { publicKey, privateKey } = await jose.generateKeyPair(alg, { extractable: true });
      const s = await setup({ authMethods: ["private_key_jwt"], signingAlgs: [alg] }, {}, {
        client: {
          clientId: "jwt-client",
          privateKey: await jose.exportJWK(privateKey),
          keyId: "k1",
        },
      });
      preRegister(s.as, "jwt-client", {
        method: "private_key_jwt",
        publicKey: publicKey as CryptoKey,
      });
      try {
        assert.equal((await s.call("tools/list")).status, 200);
        const assertion = s.as.tokenRequests[0].params.get("client_assertion")!;
        const header = jose.decodeProtectedHeader(assertion);
        assert.equal(header.alg, alg);
        assert.equal(header.kid, "k1");
        const claims = jose.decodeJwt(assertion);
        assert.equal(claims.aud, s.as.issuer);
        assert.ok(claims.exp! - claims.iat! <= 300);
      } finally {
        await s.close();
      }
    });
  }
});

describe("client credentials grant", () => {
  test("with a secret (Basic), scope and resource", async () => {
    const s = await setup({
      authMethods: ["client_secret_basic"],
      grantTypes: ["client_credentials"],
    }, {
      challengeScope: "mcp:svc",
    }, {
      grant: "client_credentials",
      interaction: undefined,
      client: { clientId: "svc", clientSecret: "svc-secret" },
    });
    preRegister(s.as, "svc", { secret: "svc-secret", method: "client_secret_basic" });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      const { params, headers } = s.as.tokenRequests[0];
      assert.equal(params.get("grant_type"), "client_credentials");
      assert.equal(params.get("scope"), "mcp:svc");
      assert.equal(params.get("resource"), s.rs.mcpUrl);
      assert.equal(basicClientId(headers), "svc");
      assert.deepEqual(s.as.authorizations, []);
    } finally {
      await s.close();
    }
  });

  test("with a JWT assertion signed by a PKCS#8 PEM key", async () => {
    const { publicKey, privateKey } = await jose.generateKeyPair("ES256", { extractable: true });
    const s = await setup({ authMethods: ["private_key_jwt"], signingAlgs: ["ES256"] }, {}, {
      grant: "client_credentials",
      interaction: undefined,
      client: { clientId: "svc-jwt", privateKey: await jose.exportPKCS8(privateKey) },
    });
    preRegister(s.as, "svc-jwt", { method: "private_key_jwt", publicKey: publicKey as CryptoKey });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(
        s.as.tokenRequests[0].params.get("client_assertion_type"),
        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
      );
    } finally {
      await s.close();
    }
  });

  test("a bad key is a clear error", async () => {
    await assert.rejects(
      requestToken({
        metadata: {
          issuer: "https://as.example.com",
          token_endpoint: "https://as.example.com/token",
        },
        client: { clientId: "c", privateKey: "not a pem" },
        grant: { type: "client_credentials" },
        resource: "https://rs.example.com",
      }),
      (error) => error instanceof OAuthClientError && error.code === "invalid_key",
    );
  });
});

describe("refresh", () => {
  test("an expired token is refreshed with the original scope, and rotation is followed", async () => {
    let now = Date.now();
    const s = await setup({ expiresIn: 600 }, { challengeScope: "mcp:basic" }, { now: () => now });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      const first = s.provider.tokens!;
      assert.equal(first.requestedScope, "mcp:basic");
      now += 600_000; // the client's clock says expired
      assert.equal(
        await s.provider.headers({ url: s.rs.mcpUrl, method: "POST" }) !== undefined,
        true,
      );
      const refresh = s.as.tokenRequests[1].params;
      assert.equal(refresh.get("grant_type"), "refresh_token");
      assert.equal(refresh.get("refresh_token"), first.refreshToken);
      assert.equal(refresh.get("scope"), "mcp:basic");
      assert.equal(refresh.get("resource"), s.rs.mcpUrl);
      const second = s.provider.tokens!;
      assert.notEqual(second.refreshToken, first.refreshToken);
      now += 600_000;
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(s.as.tokenRequests[2].params.get("refresh_token"), second.refreshToken);
      assert.equal(s.as.authorizations.length, 1, "no new authorization was needed");
    } finally {
      await s.close();
    }
  });

  test("a server-side invalidated token is refreshed after its 401", async () => {
    const s = await setup({}, { challengeScope: "mcp:basic" });
    try {
      await s.call("tools/list");
      s.as.tokens.get(s.provider.tokens!.accessToken)!.revoked = true;
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(s.as.tokenRequests[1].params.get("grant_type"), "refresh_token");
      assert.equal(s.as.authorizations.length, 1);
    } finally {
      await s.close();
    }
  });

  test("a refused refresh falls back cleanly to a new authorization", async () => {
    const s = await setup({}, { challengeScope: "mcp:basic" });
    try {
      await s.call("tools/list");
      s.as.tokens.get(s.provider.tokens!.accessToken)!.revoked = true;
      s.as.refreshTokens.clear();
      assert.equal((await s.call("tools/list")).status, 200);
      assert.deepEqual(
        s.as.tokenRequests.map(({ params }) => params.get("grant_type")),
        ["authorization_code", "refresh_token", "authorization_code"],
      );
      assert.equal(s.as.authorizations.length, 2);
      assert.equal(s.as.authorizations[1].get("scope"), "mcp:basic");
    } finally {
      await s.close();
    }
  });

  test("expired locally with a dead refresh token: sent without a token, then reauthorized", async () => {
    let now = Date.now();
    const s = await setup({ expiresIn: 600 }, {}, { now: () => now });
    try {
      await s.call("tools/list");
      s.as.refreshTokens.clear();
      now += 3_600_000;
      assert.equal(await s.provider.headers({ url: s.rs.mcpUrl, method: "POST" }), undefined);
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(s.as.authorizations.length, 2);
    } finally {
      await s.close();
    }
  });

  test("an OAuth error from the token endpoint keeps its code", async () => {
    const s = await setup();
    try {
      await s.call("tools/list");
      await assert.rejects(
        requestToken({
          metadata: { issuer: s.as.issuer, token_endpoint: `${s.as.issuer}/token` },
          client: { clientId: "nobody" },
          grant: { type: "refresh_token", refreshToken: "x" },
          resource: s.rs.mcpUrl,
        }),
        (error) =>
          error instanceof OAuthResponseError && error.error === "invalid_client" &&
          error.status === 401,
      );
    } finally {
      await s.close();
    }
  });
});

describe("expiry", () => {
  test("an expired token is never usable; the skew applies, capped at half the lifetime", () => {
    const tokens = {
      accessToken: "a",
      tokenType: "Bearer" as const,
      obtainedAt: 0,
      expiresAt: 3_600_000,
    };
    assert.equal(accessTokenUsable(tokens, 3_600_000, 30_000), false);
    assert.equal(accessTokenUsable(tokens, 3_580_000, 30_000), false);
    assert.equal(accessTokenUsable(tokens, 3_560_000, 30_000), true);
    const short = { ...tokens, expiresAt: 10_000 };
    assert.equal(accessTokenUsable(short, 4_000, 30_000), true);
    assert.equal(accessTokenUsable(short, 5_000, 30_000), false);
    assert.equal(accessTokenUsable({ ...tokens, expiresAt: undefined }, 1e15, 30_000), true);
  });

  test("without a refresh token an expired token yields no header", async () => {
    let now = Date.now();
    const s = await setup({ refreshTokens: false, expiresIn: 60 }, {}, { now: () => now });
    try {
      await s.call("tools/list");
      assert.ok(await s.provider.headers({ url: s.rs.mcpUrl, method: "POST" }));
      now += 60_000;
      assert.equal(await s.provider.headers({ url: s.rs.mcpUrl, method: "POST" }), undefined);
    } finally {
      await s.close();
    }
  });
});

describe("step-up authorization", () => {
  test("403 insufficient_scope: re-authorize with the union of scopes, then retry", async () => {
    const s = await setup({}, {
      challengeScope: "mcp:basic",
      scopesSupported: ["mcp:profile"],
      requiredScopes: (method) => method === "tools/call" ? ["mcp:write"] : ["mcp:basic"],
    });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal((await s.call("tools/call")).status, 200);
      assert.deepEqual(s.as.authorizations.map((params) => params.get("scope")), [
        "mcp:basic",
        "mcp:basic mcp:write",
      ]);
      assert.equal((await s.call("tools/list")).status, 200, "the old scope was kept");
    } finally {
      await s.close();
    }
  });

  test("a scope already asked for is not asked again: the 403 stands", async () => {
    const s = await setup({ grant: () => [] }, {
      challengeScope: "mcp:admin",
      requiredScopes: () => ["mcp:admin"],
    });
    try {
      assert.equal((await s.call("tools/list")).status, 403);
      assert.equal((await s.call("tools/call")).status, 403);
      assert.equal(s.as.authorizations.length, 1);
    } finally {
      await s.close();
    }
  });

  test("ever-new demands stop at the step-up retry limit", async () => {
    let demand = 0;
    const s = await setup({}, { requiredScopes: () => [`scope-${++demand}`] });
    try {
      assert.equal((await s.call("tools/list")).status, 403);
      assert.equal(s.as.authorizations.length, 3, "one authorization and two step-ups");
      demand = 0;
      const strict = await setup({}, { requiredScopes: () => [`scope-${++demand}`] }, {
        stepUpRetryLimit: 1,
      });
      try {
        assert.equal((await strict.call("tools/list")).status, 403);
        assert.equal(strict.as.authorizations.length, 1, "no step-up after the 401 retry");
      } finally {
        await strict.close();
      }
    } finally {
      await s.close();
    }
  });

  test("concurrent refusals share one authorization", async () => {
    const s = await setup();
    try {
      const responses = await Promise.all([s.call("a"), s.call("b"), s.call("c")]);
      assert.deepEqual(responses.map((response) => response.status), [200, 200, 200]);
      assert.equal(s.as.authorizations.length, 1);
    } finally {
      await s.close();
    }
  });
});
