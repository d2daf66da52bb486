/**
 * bearerAuth: every refusal pinned to its status and WWW-Authenticate
 * challenge (RFC 6750 §3, MCP authorization), and what a valid token yields.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { bearerAuth, type BearerAuthOptions, InvalidTokenError } from "../../auth/bearer.ts";
import { staticTokenVerifier } from "../../auth/static_verifier.ts";
import type { AuthInfo } from "../../protocol/server_endpoint.ts";
import { requestWith, RESOURCE } from "./helpers.ts";

const METADATA = "http://127.0.0.1/.well-known/oauth-protected-resource/mcp";

const verify = staticTokenVerifier({
  good: { subject: "ada", clientId: "c1", scopes: ["mcp", "files:read"], audience: RESOURCE },
  other: { subject: "ada", scopes: ["mcp"], audience: "https://elsewhere.example.com/mcp" },
  resourceBound: { scopes: ["mcp"], resource: "HTTP://127.0.0.1:80/mcp" },
  noAudience: { scopes: ["mcp"] },
  expired: { scopes: ["mcp"], audience: RESOURCE, expiresAt: 1_000 },
  "a.b-c_d~e+f/g==": { scopes: ["mcp"], audience: RESOURCE },
});

function auth(options: Partial<BearerAuthOptions> = {}) {
  return bearerAuth({ resource: RESOURCE, verify, requiredScopes: ["mcp"], ...options });
}

async function refused(outcome: AuthInfo | Response, status: number): Promise<string> {
  assert.ok(outcome instanceof Response, "expected a refusal");
  assert.equal(outcome.status, status);
  assert.equal(outcome.headers.get("cache-control"), "no-store");
  await outcome.body?.cancel();
  return outcome.headers.get("www-authenticate") ?? "";
}

describe("bearerAuth", () => {
  test("no Authorization header: 401, resource_metadata and scope, no error code", async () => {
    const header = await refused(await auth()(requestWith()), 401);
    assert.equal(header, `Bearer scope="mcp", resource_metadata="${METADATA}"`);
  });

  test("another scheme counts as no credentials: 401 without error", async () => {
    const header = await refused(await auth()(requestWith("Basic YWRhOnB3")), 401);
    assert.equal(header, `Bearer scope="mcp", resource_metadata="${METADATA}"`);
  });

  test("the scheme is case-insensitive", async () => {
    for (const scheme of ["bearer", "BEARER", "BeArEr"]) {
      const outcome = await auth()(requestWith(`${scheme} good`));
      assert.ok(!(outcome instanceof Response), scheme);
      assert.equal(outcome.subject, "ada");
    }
  });

  test("every b64token character is accepted", async () => {
    const outcome = await auth()(requestWith("Bearer a.b-c_d~e+f/g=="));
    assert.ok(!(outcome instanceof Response));
  });

  test("Bearer without a token: 400 invalid_request", async () => {
    for (const value of ["Bearer", "Bearer   "]) {
      const header = await refused(await auth()(requestWith(value)), 400);
      assert.match(header, /^Bearer error="invalid_request", error_description="[^"]+"/);
      assert.match(header, new RegExp(`resource_metadata="${METADATA}"`));
    }
  });

  test("two tokens, or two Authorization headers: 400 invalid_request", async () => {
    await refused(await auth()(requestWith("Bearer good good")), 400);
    const headers = new Headers();
    headers.append("authorization", "Bearer good");
    headers.append("authorization", "Bearer good");
    const doubled = new Request(RESOURCE, { method: "POST", headers, body: "{}" });
    await refused(await auth()(doubled), 400);
  });

  test("a token in the query string: 400, even alongside a good header", async () => {
    const header = await refused(
      await auth()(requestWith(undefined, `${RESOURCE}?access_token=good`)),
      400,
    );
    assert.match(header, /error="invalid_request"/);
    assert.match(header, /query string/);
    await refused(await auth()(requestWith("Bearer good", `${RESOURCE}?access_token=good`)), 400);
  });

  test("an unknown token: 401 invalid_token with a description", async () => {
    const header = await refused(await auth()(requestWith("Bearer nope")), 401);
    assert.equal(
      header,
      `Bearer error="invalid_token", error_description="The access token is invalid", resource_metadata="${METADATA}"`,
    );
  });

  test("a verifier that throws: 401 invalid_token, generic unless InvalidTokenError", async () => {
    const throwing = auth({
      verify: () => {
        throw new Error("database password is hunter2");
      },
    });
    const header = await refused(await throwing(requestWith("Bearer x")), 401);
    assert.match(header, /error_description="The access token is invalid"/);
    const revoking = auth({
      verify: () => Promise.reject(new InvalidTokenError("The access token was revoked")),
    });
    const revoked = await refused(await revoking(requestWith("Bearer x")), 401);
    assert.match(
      revoked,
      /error="invalid_token", error_description="The access token was revoked"/,
    );
  });

  test("an expired token: 401 invalid_token", async () => {
    const header = await refused(await auth()(requestWith("Bearer expired")), 401);
    assert.match(header, /error="invalid_token", error_description="The access token expired"/);
  });

  test("expiry is checked against the clock, with tolerance", async () => {
    const at = (seconds: number, tolerance = 0) =>
      auth({ now: () => seconds * 1000, clockToleranceSeconds: tolerance })(
        requestWith("Bearer expired"),
      );
    assert.ok(!((await at(999)) instanceof Response));
    await refused(await at(1000), 401);
    assert.ok(!((await at(1009, 10)) instanceof Response));
  });

  test("a token for another audience: 401 invalid_token (no passthrough)", async () => {
    const header = await refused(await auth()(requestWith("Bearer other")), 401);
    assert.match(header, /error="invalid_token"/);
    assert.match(header, /not issued for this resource/);
  });

  test("the RFC 8707 resource may name the server in another case or with its default port", async () => {
    const outcome = await auth()(requestWith("Bearer resourceBound"));
    assert.ok(!(outcome instanceof Response));
  });

  test("a token naming no audience is refused unless the verifier vouches for it", async () => {
    const header = await refused(await auth()(requestWith("Bearer noAudience")), 401);
    assert.match(header, /names no audience/);
    const vouched = await auth({ audienceCheckedByVerifier: true })(
      requestWith("Bearer noAudience"),
    );
    assert.ok(!(vouched instanceof Response));
  });

  test("a missing scope: 403 insufficient_scope naming every scope the request needs", async () => {
    const strict = auth({ requiredScopes: ["mcp", "files:write", "admin"] });
    const header = await refused(await strict(requestWith("Bearer good")), 403);
    assert.equal(
      header,
      `Bearer error="insufficient_scope", error_description="The access token lacks a scope this request needs", scope="mcp files:write admin", resource_metadata="${METADATA}"`,
    );
  });

  test("per-request scopes from scopesFor add to the required ones", async () => {
    const byMethod = auth({
      scopesFor: (request) =>
        request.headers.get("mcp-method") === "tools/call" ? ["files:write"] : [],
    });
    const list = new Request(RESOURCE, {
      method: "POST",
      headers: { authorization: "Bearer good", "mcp-method": "tools/list" },
    });
    assert.ok(!((await byMethod(list)) instanceof Response));
    const call = new Request(RESOURCE, {
      method: "POST",
      headers: { authorization: "Bearer good", "mcp-method": "tools/call" },
    });
    const header = await refused(await byMethod(call), 403);
    assert.match(header, /scope="mcp files:write"/);
    const anonymous = new Request(RESOURCE, {
      method: "POST",
      headers: { "mcp-method": "tools/call" },
    });
    assert.match(await refused(await byMethod(anonymous), 401), /scope="mcp files:write"/);
  });

  test("scopeSatisfies lets a broader scope imply a narrower one", async () => {
    const hierarchical = auth({
      requiredScopes: ["files:read"],
      scopeSatisfies: (granted, required) =>
        granted.includes(required) || granted.includes(required.split(":")[0]),
      verify: () => ({ token: "t", scopes: ["files"], audience: RESOURCE }),
    });
    assert.ok(!((await hierarchical(requestWith("Bearer t"))) instanceof Response));
  });

  test("a good token yields the principal with the token as presented", async () => {
    const outcome = await auth()(requestWith("Bearer good"));
    assert.ok(!(outcome instanceof Response));
    assert.equal(outcome.token, "good");
    assert.equal(outcome.subject, "ada");
    assert.equal(outcome.clientId, "c1");
    assert.deepEqual(outcome.scopes, ["mcp", "files:read"]);
  });

  test("the body is small JSON and resourceMetadataUrl and realm are honoured", async () => {
    const custom = auth({ resourceMetadataUrl: "https://x.example/prm", realm: "mcp" });
    const outcome = await custom(requestWith("Bearer nope"));
    assert.ok(outcome instanceof Response);
    assert.equal(
      outcome.headers.get("www-authenticate"),
      'Bearer realm="mcp", error="invalid_token", error_description="The access token is invalid", resource_metadata="https://x.example/prm"',
    );
    assert.equal(outcome.headers.get("content-type"), "application/json");
    assert.deepEqual(await outcome.json(), {
      error: "invalid_token",
      error_description: "The access token is invalid",
    });
  });

  test("a resource with a fragment is a configuration error", () => {
    assert.throws(() => bearerAuth({ resource: "https://x.example/mcp#f", verify }), TypeError);
  });
});
