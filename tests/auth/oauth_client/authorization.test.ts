import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  authorizationCode,
  callbackFromUrl,
  prepareAuthorization,
} from "../../../auth/oauth_client/authorization_request.ts";
import { OAuthClientError, OAuthResponseError } from "../../../auth/oauth_client/errors.ts";
import type { AuthorizationInteraction } from "../../../auth/oauth_client/interaction.ts";
import { setup } from "./fixtures.ts";

const code = (error: unknown): string | undefined =>
  error instanceof OAuthClientError ? error.code : undefined;

describe("the authorization request", () => {
  test("carries PKCE S256, state, resource, redirect_uri and scope", async () => {
    const s = await setup({}, { challengeScope: "files:read" });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      const params = s.as.authorizations[0];
      assert.equal(params.get("response_type"), "code");
      assert.equal(params.get("code_challenge_method"), "S256");
      assert.match(params.get("code_challenge")!, /^[A-Za-z0-9_-]{43}$/);
      assert.match(params.get("state")!, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(params.get("resource"), s.rs.mcpUrl);
      assert.equal(params.get("scope"), "files:read");
      const token = s.as.tokenRequests[0].params;
      assert.equal(token.get("grant_type"), "authorization_code");
      assert.equal(token.get("resource"), s.rs.mcpUrl);
      assert.match(token.get("code_verifier")!, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(token.get("redirect_uri"), params.get("redirect_uri"));
    } finally {
      await s.close();
    }
  });

  test("each authorization uses a fresh verifier and state", async () => {
    const metadata = {
      issuer: "https://as.example.com",
      authorization_endpoint: "https://as.example.com/authorize",
      code_challenge_methods_supported: ["S256"],
    };
    const options = {
      metadata,
      clientId: "c",
      redirectUri: "http://127.0.0.1/cb",
      resource: "https://rs",
    };
    const [a, b] = [await prepareAuthorization(options), await prepareAuthorization(options)];
    assert.notEqual(a.state, b.state);
    assert.notEqual(a.codeVerifier, b.codeVerifier);
    assert.equal(a.url.searchParams.has("scope"), false);
  });

  test("refuses a server without S256 before registering or redirecting", async () => {
    for (const pkceMethods of [null, ["plain"]]) {
      const s = await setup({ pkceMethods });
      try {
        await assert.rejects(s.call("tools/list"), (error) => code(error) === "pkce_unsupported");
        assert.deepEqual(s.as.registrations, []);
        assert.deepEqual(s.as.authorizations, []);
      } finally {
        await s.close();
      }
    }
  });

  test("without an interaction, authorization code grant fails clearly", async () => {
    const s = await setup({}, {}, { interaction: undefined });
    try {
      await assert.rejects(s.call("tools/list"), (error) => code(error) === "interaction_required");
    } finally {
      await s.close();
    }
  });
});

describe("RFC 9207 iss in the authorization response", () => {
  const cases = [
    { name: "supported and correct → proceed", issSupported: true, iss: "correct", ok: true },
    { name: "not advertised, absent → proceed", issSupported: null, iss: "omit", ok: true },
    { name: "not advertised, correct → proceed", issSupported: null, iss: "correct", ok: true },
    {
      name: "supported but missing → refuse",
      issSupported: true,
      iss: "omit",
      ok: false,
      error: "iss_missing",
    },
    {
      name: "supported, wrong → refuse",
      issSupported: true,
      iss: "wrong",
      ok: false,
      error: "iss_mismatch",
    },
    {
      name: "not advertised, wrong → refuse",
      issSupported: null,
      iss: "wrong",
      ok: false,
      error: "iss_mismatch",
    },
    {
      name: "trailing-slash variant → refuse (no normalisation)",
      issSupported: true,
      iss: "normalized",
      ok: false,
      error: "iss_mismatch",
    },
  ] as const;
  for (const c of cases) {
    test(c.name, async () => {
      const s = await setup({ issSupported: c.issSupported, issInRedirect: c.iss });
      try {
        if (c.ok) {
          assert.equal((await s.call("tools/list")).status, 200);
          assert.equal(s.as.tokenRequests.length, 1);
        } else {
          await assert.rejects(s.call("tools/list"), (error) => code(error) === c.error);
          assert.equal(s.as.authorizations.length, 1);
          assert.equal(s.as.tokenRequests.length, 0, "the code never reaches the token endpoint");
        }
      } finally {
        await s.close();
      }
    });
  }
});

describe("authorization response validation", () => {
  const pending = () =>
    prepareAuthorization({
      metadata: {
        issuer: "https://as.example.com",
        authorization_endpoint: "https://as.example.com/authorize",
        code_challenge_methods_supported: ["S256"],
        authorization_response_iss_parameter_supported: true,
      },
      clientId: "c",
      redirectUri: "http://127.0.0.1/cb",
      resource: "https://rs.example.com",
    });

  test("a state mismatch is discarded", async () => {
    const p = await pending();
    assert.throws(
      () => authorizationCode(p, { code: "x", state: "other", iss: p.issuer }),
      (error) => code(error) === "state_mismatch",
    );
  });

  test("an error response surfaces only after iss and state check out", async () => {
    const p = await pending();
    assert.throws(
      () => authorizationCode(p, { error: "access_denied", state: p.state, iss: p.issuer }),
      (error) => error instanceof OAuthResponseError && error.error === "access_denied",
    );
    assert.throws(
      () => authorizationCode(p, { error: "access_denied", state: p.state, iss: "https://evil" }),
      (error) => code(error) === "iss_mismatch",
    );
  });

  test("callbackFromUrl decodes iss without normalising it", () => {
    assert.deepEqual(
      callbackFromUrl(
        "http://127.0.0.1/cb?code=c&state=s&iss=HTTPS%3A%2F%2FAs.example.com%3A443%2F",
      ),
      { code: "c", state: "s", iss: "HTTPS://As.example.com:443/" },
    );
    assert.deepEqual(callbackFromUrl("http://127.0.0.1/cb#error=access_denied&state=s"), {
      state: "s",
      error: "access_denied",
    });
  });

  test("a denied authorization rejects the request with the server's error", async () => {
    const denying: AuthorizationInteraction = {
      redirectUri: "http://127.0.0.1:9/callback",
      authorize: (_url, context) =>
        Promise.resolve({ error: "access_denied", state: context.state, iss: context.issuer }),
    };
    const s = await setup({}, {}, { interaction: denying });
    try {
      await assert.rejects(
        s.call("tools/list"),
        (error) => error instanceof OAuthResponseError && error.error === "access_denied",
      );
    } finally {
      await s.close();
    }
  });
});

describe("scope selection", () => {
  test("the challenge's scope comes first", async () => {
    const s = await setup({}, { challengeScope: "mcp:basic", scopesSupported: ["mcp:other"] });
    try {
      await s.call("tools/list");
      assert.equal(s.as.authorizations[0].get("scope"), "mcp:basic");
    } finally {
      await s.close();
    }
  });

  test("else every scope of scopes_supported", async () => {
    const s = await setup({}, { scopesSupported: ["mcp:basic", "mcp:read", "mcp:write"] });
    try {
      await s.call("tools/list");
      assert.equal(s.as.authorizations[0].get("scope"), "mcp:basic mcp:read mcp:write");
    } finally {
      await s.close();
    }
  });

  test("else no scope parameter at all", async () => {
    const s = await setup();
    try {
      await s.call("tools/list");
      assert.equal(s.as.authorizations[0].has("scope"), false);
    } finally {
      await s.close();
    }
  });

  test("offline_access only when the authorization server lists it", async () => {
    const listed = await setup({ scopesSupported: ["mcp:basic", "offline_access"] }, {
      scopesSupported: ["mcp:basic"],
    });
    const unlisted = await setup({ scopesSupported: ["mcp:basic", "mcp:read"] }, {
      scopesSupported: ["mcp:basic", "mcp:read"],
    });
    const opted = await setup({ scopesSupported: ["mcp:basic", "offline_access"] }, {
      scopesSupported: ["mcp:basic"],
    }, { offlineAccess: false });
    try {
      await listed.call("tools/list");
      await unlisted.call("tools/list");
      await opted.call("tools/list");
      assert.equal(listed.as.authorizations[0].get("scope"), "mcp:basic offline_access");
      assert.equal(unlisted.as.authorizations[0].get("scope"), "mcp:basic mcp:read");
      assert.equal(opted.as.authorizations[0].get("scope"), "mcp:basic");
      assert.deepEqual(listed.as.registrations[0].grant_types, [
        "authorization_code",
        "refresh_token",
      ]);
    } finally {
      await Promise.all([listed.close(), unlisted.close(), opted.close()]);
    }
  });
});
