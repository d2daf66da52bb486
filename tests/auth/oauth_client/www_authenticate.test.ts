import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  parseWwwAuthenticate,
  resourceChallenge,
} from "../../../auth/oauth_client/www_authenticate.ts";

describe("parseWwwAuthenticate", () => {
  test("reads a Bearer challenge with quoted and token values", () => {
    assert.deepEqual(
      parseWwwAuthenticate(
        'Bearer realm="mcp", error=invalid_token, error_description="bad \\"token\\""',
      ),
      [{
        scheme: "Bearer",
        params: { realm: "mcp", error: "invalid_token", error_description: 'bad "token"' },
      }],
    );
  });

  test("splits several challenges and keeps token68", () => {
    const challenges = parseWwwAuthenticate(
      'Basic YWxhZGRpbjpvcGVuc2VzYW1l==, Bearer scope="a b", DPoP algs="ES256 RS256", Newauth',
    );
    assert.deepEqual(challenges.map((challenge) => challenge.scheme), [
      "Basic",
      "Bearer",
      "DPoP",
      "Newauth",
    ]);
    assert.equal(challenges[0].token68, "YWxhZGRpbjpvcGVuc2VzYW1l==");
    assert.deepEqual(challenges[1].params, { scope: "a b" });
    assert.deepEqual(challenges[2].params, { algs: "ES256 RS256" });
    assert.deepEqual(challenges[3].params, {});
  });

  test("lower-cases parameter names, keeps the first of a duplicate, tolerates spaces around =", () => {
    assert.deepEqual(parseWwwAuthenticate('Bearer Scope = "x", scope="y"'), [
      { scheme: "Bearer", params: { scope: "x" } },
    ]);
  });

  test("skips garbage without failing", () => {
    assert.deepEqual(parseWwwAuthenticate(', , "stray" Bearer error="x"').at(-1), {
      scheme: "Bearer",
      params: { error: "x" },
    });
    assert.deepEqual(parseWwwAuthenticate(""), []);
  });
});

describe("resourceChallenge", () => {
  test("extracts error, scopes and resource_metadata", () => {
    assert.deepEqual(
      resourceChallenge(
        'Bearer error="insufficient_scope", scope="files:read files:write files:read", ' +
          'resource_metadata="https://mcp.example.com/.well-known/oauth-protected-resource", ' +
          'error_description="more please"',
      ),
      {
        schemes: ["bearer"],
        error: "insufficient_scope",
        errorDescription: "more please",
        scopes: ["files:read", "files:write"],
        resourceMetadata: "https://mcp.example.com/.well-known/oauth-protected-resource",
      },
    );
  });

  test("merges DPoP and Bearer; a nonce demand wins", () => {
    const parsed = resourceChallenge(
      'Bearer error="invalid_token", DPoP error="use_dpop_nonce", algs="ES256"',
    );
    assert.deepEqual(parsed?.schemes, ["bearer", "dpop"]);
    assert.equal(parsed?.error, "use_dpop_nonce");
    assert.deepEqual(parsed?.dpopAlgorithms, ["ES256"]);
  });

  test("is undefined without a Bearer or DPoP challenge", () => {
    assert.equal(resourceChallenge('Basic realm="x"'), undefined);
    assert.equal(resourceChallenge(null), undefined);
  });
});
