import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as jose from "jose";
import { idJagAssertion } from "../../../auth/oauth_client/assertion.ts";
import { OAuthResponseError } from "../../../auth/oauth_client/errors.ts";
import { serveHttp } from "../../../runtime/mod.ts";
import { basicClientId, preRegister, setup } from "./fixtures.ts";

const JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";

async function workloadJwt(privateKey: CryptoKey, audience: string, expiresIn = "5m") {
  return await new jose.SignJWT({})
    .setProtectedHeader({ alg: "ES256" })
    .setIssuer("https://idp.example.test")
    .setSubject("workload")
    .setAudience(audience)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(privateKey);
}

describe("JWT bearer grant (workload identity)", () => {
  test("the workload JWT is the assertion, with scope and resource, and no secret", async () => {
    const { publicKey, privateKey } = await jose.generateKeyPair("ES256");
    let audience = "";
    const s = await setup(
      {
        authMethods: ["none"],
        grantTypes: [JWT_BEARER],
        assertionKey: publicKey as CryptoKey,
      },
      { challengeScope: "mcp:svc" },
      {
        grant: "jwt_bearer",
        interaction: undefined,
        client: { clientId: "workload" },
        assertion: async (context) => {
          audience = context.issuer;
          return await workloadJwt(privateKey as CryptoKey, context.issuer);
        },
      },
    );
    preRegister(s.as, "workload", { method: "none" });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(audience, s.as.issuer);
      const { params } = s.as.tokenRequests[0];
      assert.equal(params.get("grant_type"), JWT_BEARER);
      assert.equal(params.get("client_id"), "workload");
      assert.equal(params.get("scope"), "mcp:svc");
      assert.equal(params.get("resource"), s.rs.mcpUrl);
      assert.equal(params.has("client_secret"), false);
      assert.deepEqual(s.as.authorizations, []);
    } finally {
      await s.close();
    }
  });

  test("a refused assertion is reported once, without a retry or another grant", async () => {
    const { publicKey, privateKey } = await jose.generateKeyPair("ES256");
    const s = await setup(
      {
        authMethods: ["none"],
        grantTypes: [JWT_BEARER],
        assertionKey: publicKey as CryptoKey,
      },
      {},
      {
        grant: "jwt_bearer",
        interaction: undefined,
        client: { clientId: "workload" },
        assertion: await workloadJwt(privateKey as CryptoKey, "https://wrong.example"),
      },
    );
    preRegister(s.as, "workload", { method: "none" });
    try {
      await assert.rejects(
        s.call("tools/list"),
        (error) => error instanceof OAuthResponseError && error.error === "invalid_grant",
      );
      assert.equal(s.as.tokenRequests.length, 1);
      assert.equal(s.as.tokenRequests[0].params.get("grant_type"), JWT_BEARER);
    } finally {
      await s.close();
    }
  });
});

describe("enterprise-managed authorization (ID-JAG)", () => {
  test("the ID token is exchanged at the IdP for an ID-JAG, presented with the client's secret", async () => {
    const idp = await jose.generateKeyPair("ES256");
    const exchanges: URLSearchParams[] = [];
    let idpIssuer = "";
    const idpServer = await serveHttp(async (request) => {
      const params = new URLSearchParams(await request.text());
      exchanges.push(params);
      const jag = await new jose.SignJWT({ client_id: "mcp-client" })
        .setProtectedHeader({ alg: "ES256", typ: "oauth-id-jag+jwt" })
        .setIssuer(idpIssuer)
        .setSubject("user@example.com")
        .setAudience(params.get("audience") ?? "")
        .setIssuedAt()
        .setExpirationTime("5m")
        .sign(idp.privateKey);
      return Response.json({
        access_token: jag,
        issued_token_type: "urn:ietf:params:oauth:token-type:id-jag",
        token_type: "N_A",
      });
    }, { hostname: "127.0.0.1", port: 0 });
    idpIssuer = idpServer.url.replace(/\/$/, "");
    const s = await setup(
      {
        authMethods: ["client_secret_basic"],
        grantTypes: [JWT_BEARER],
        assertionKey: idp.publicKey as CryptoKey,
      },
      {},
      {
        grant: "jwt_bearer",
        interaction: undefined,
        client: { clientId: "mcp-client", clientSecret: "mcp-secret" },
        assertion: idJagAssertion({
          idpTokenEndpoint: `${idpIssuer}/token`,
          idToken: "the-users-id-token",
          idpClient: { clientId: "idp-client" },
        }),
      },
    );
    preRegister(s.as, "mcp-client", { secret: "mcp-secret", method: "client_secret_basic" });
    try {
      assert.equal((await s.call("tools/list")).status, 200);
      assert.equal(exchanges.length, 1);
      const exchange = exchanges[0];
      assert.equal(exchange.get("grant_type"), "urn:ietf:params:oauth:grant-type:token-exchange");
      assert.equal(exchange.get("requested_token_type"), "urn:ietf:params:oauth:token-type:id-jag");
      assert.equal(exchange.get("subject_token"), "the-users-id-token");
      assert.equal(exchange.get("subject_token_type"), "urn:ietf:params:oauth:token-type:id_token");
      assert.equal(exchange.get("audience"), s.as.issuer);
      assert.equal(exchange.get("resource"), s.rs.mcpUrl);
      assert.equal(exchange.get("client_id"), "idp-client");
      const { params, headers } = s.as.tokenRequests[0];
      assert.equal(params.get("grant_type"), JWT_BEARER);
      assert.equal(basicClientId(headers), "mcp-client");
    } finally {
      await s.close();
      await idpServer.close();
    }
  });

  test("an IdP that issues something else than an ID-JAG is refused", async () => {
    const idpServer = await serveHttp(
      () =>
        Response.json({
          access_token: "x",
          issued_token_type: "urn:ietf:params:oauth:token-type:access_token",
        }),
      { hostname: "127.0.0.1", port: 0 },
    );
    try {
      const source = idJagAssertion({
        idpTokenEndpoint: `${idpServer.url.replace(/\/$/, "")}/token`,
        idToken: "t",
        idpClient: { clientId: "idp-client" },
      });
      assert.equal(typeof source, "function");
      await assert.rejects(
        (source as Exclude<typeof source, string>)({
          issuer: "http://127.0.0.1:1",
          tokenEndpoint: "http://127.0.0.1:1/token",
          resource: "http://127.0.0.1:2/mcp",
          scope: undefined,
          signal: undefined,
        }) as Promise<string>,
        /instead of an ID-JAG/,
      );
    } finally {
      await idpServer.close();
    }
  });
});
