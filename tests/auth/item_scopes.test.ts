/**
 * Scopes on prompts, resources and resource templates (as on tools): a
 * `prompts/get` or `resources/read` whose token lacks them is refused with the
 * 403 scope challenge in both eras, lists still show everything without the
 * scopes, and the challenge's `scope` also names what `scopesFor` required.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { staticTokenVerifier } from "../../auth/static_verifier.ts";
import { toolScopeCheck } from "../../auth/tool_scopes.ts";
import { withAuth } from "../../auth/with_auth.ts";
import { McpServer } from "../../server/server.ts";
import type { HttpHandler } from "../../transports/http/server.ts";

const RESOURCE = "http://127.0.0.1/mcp";
const MODERN = "2026-07-28";
const META = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "item-scopes", version: "1" },
};

function protectedServer(options: { scopesFor?: (request: Request) => string[] } = {}) {
  const ran: string[] = [];
  const server = new McpServer({ name: "item-scopes", version: "1.0.0" });
  server.prompt({
    name: "secret_plan",
    scopes: ["plans:read"],
    get: () => (ran.push("secret_plan"), "the plan"),
  });
  server.prompt({ name: "greet", get: () => (ran.push("greet"), "hello") });
  server.resource({
    uri: "file:///vault",
    name: "vault",
    scopes: ["vault:read"],
    read: () => (ran.push("vault"), "gold"),
  });
  server.resource({ uri: "file:///lobby", name: "lobby", read: () => (ran.push("lobby"), "hi") });
  server.resourceTemplate({
    uriTemplate: "users://{id}/private",
    name: "private",
    scopes: ["users:read"],
    list: () => [{ uri: "users://1/private", name: "one" }],
    read: (_uri, { id }) => (ran.push(`private ${id}`), `private ${id}`),
  });
  const child = new McpServer({ name: "child", version: "1.0.0" });
  child.prompt({ name: "deep", scopes: ["plans:read"], get: () => (ran.push("deep"), "deep") });
  server.mount("kid", child);
  const handler = withAuth(server, {
    resource: RESOURCE,
    authorizationServers: ["https://auth.example.com"],
    requiredScopes: ["mcp"],
    ...(options.scopesFor ? { scopesFor: options.scopesFor } : {}),
    verify: staticTokenVerifier({
      plain: { subject: "ada", scopes: ["mcp", "extra"] },
      full: { subject: "ada", scopes: ["mcp", "extra", "plans:read", "vault:read", "users:read"] },
    }, { audience: RESOURCE }),
  });
  return { handler, ran };
}

function post(
  handler: HttpHandler,
  token: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return Promise.resolve(handler(
    new Request(RESOURCE, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        authorization: `Bearer ${token}`,
        ...headers,
      },
      body: JSON.stringify(body),
    }),
  ));
}

/** The JSON-RPC message of a JSON or SSE answer. */
async function rpcBody(response: Response): Promise<{ result?: unknown; error?: unknown }> {
  const text = await response.text();
  if (!(response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    return JSON.parse(text);
  }
  const data = text.split("\n").filter((line) => line.startsWith("data:") && line.length > 6);
  return JSON.parse(data.at(-1)!.slice(5));
}

type Send = (method: string, params: Record<string, unknown>) => Promise<Response>;

/** Sends requests in one era: stateless 2026-07-28, or a 2025-11-25 session. */
async function sender(
  handler: HttpHandler,
  token: string,
  era: "modern" | "legacy",
): Promise<Send> {
  let id = 0;
  if (era === "modern") {
    return (method, params) => {
      const name = typeof params.name === "string" ? params.name : params.uri as string | undefined;
      return post(handler, token, {
        jsonrpc: "2.0",
        id: ++id,
        method,
        params: { ...params, _meta: META },
      }, {
        "mcp-protocol-version": MODERN,
        "mcp-method": method,
        ...(name === undefined ? {} : { "mcp-name": name }),
      });
    };
  }
  const version = "2025-11-25";
  const opened = await post(handler, token, {
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: { protocolVersion: version, capabilities: {}, clientInfo: { name: "l", version: "1" } },
  });
  assert.equal(opened.status, 200);
  await opened.body?.cancel();
  const headers = {
    "mcp-session-id": opened.headers.get("mcp-session-id")!,
    "mcp-protocol-version": version,
  };
  const initialized = await post(handler, token, {
    jsonrpc: "2.0",
    method: "notifications/initialized",
  }, headers);
  assert.equal(initialized.status, 202);
  return (method, params) =>
    post(handler, token, { jsonrpc: "2.0", id: ++id, method, params }, headers);
}

async function assertChallenge(response: Response, what: string, scopes: string): Promise<void> {
  assert.equal(response.status, 403);
  const challenge = response.headers.get("www-authenticate") ?? "";
  assert.match(challenge, /^Bearer error="insufficient_scope", /);
  assert.ok(challenge.includes(`scope="${scopes}"`), challenge);
  const body = await response.json();
  assert.equal(body.error, "insufficient_scope");
  assert.equal(body.error_description, what);
}

for (const era of ["modern", "legacy"] as const) {
  describe(`scopes on prompts and resources (${era})`, () => {
    test("prompts/get of a scoped prompt without the scope is refused, unrun; with it, served", async () => {
      const { handler, ran } = protectedServer();
      const plain = await sender(handler, "plain", era);
      await assertChallenge(
        await plain("prompts/get", { name: "secret_plan" }),
        "The prompt 'secret_plan' needs the scopes: plans:read",
        "mcp plans:read",
      );
      const greet = await plain("prompts/get", { name: "greet" });
      assert.equal(greet.status, 200);
      await greet.body?.cancel();
      const full = await sender(handler, "full", era);
      const got = await full("prompts/get", { name: "secret_plan" });
      assert.equal(got.status, 200);
      const result = (await rpcBody(got)).result as { messages: { content: { text: string } }[] };
      assert.equal(result.messages[0].content.text, "the plan");
      assert.deepEqual(ran, ["greet", "secret_plan"]);
    });

    test("a mounted prompt keeps its scopes under its prefixed name", async () => {
      const { handler, ran } = protectedServer();
      const plain = await sender(handler, "plain", era);
      const name = (await rpcBody(await plain("prompts/list", {})) as {
        result: { prompts: { name: string }[] };
      }).result.prompts.map((prompt) => prompt.name).find((n) => n.includes("deep"))!;
      assert.ok(name);
      await assertChallenge(
        await plain("prompts/get", { name }),
        `The prompt '${name}' needs the scopes: plans:read`,
        "mcp plans:read",
      );
      assert.deepEqual(ran, []);
    });

    test("resources/read of a scoped resource or template URI is refused; others are read", async () => {
      const { handler, ran } = protectedServer();
      const plain = await sender(handler, "plain", era);
      await assertChallenge(
        await plain("resources/read", { uri: "file:///vault" }),
        "The resource 'file:///vault' needs the scopes: vault:read",
        "mcp vault:read",
      );
      await assertChallenge(
        await plain("resources/read", { uri: "users://7/private" }),
        "The resource 'users://7/private' needs the scopes: users:read",
        "mcp users:read",
      );
      const lobby = await plain("resources/read", { uri: "file:///lobby" });
      assert.equal(lobby.status, 200);
      await lobby.body?.cancel();
      const unknown = await plain("resources/read", { uri: "file:///nowhere" });
      assert.notEqual(unknown.status, 403, "an unknown URI is left to the server's own error");
      await unknown.body?.cancel();
      const full = await sender(handler, "full", era);
      const read = await full("resources/read", { uri: "users://7/private" });
      assert.equal(read.status, 200);
      const result = (await rpcBody(read)).result as { contents: { text: string }[] };
      assert.equal(result.contents[0].text, "private 7");
      assert.deepEqual(ran, ["lobby", "private 7"]);
    });

    test("lists show every item, scoped or not, and never their scopes", async () => {
      const { handler } = protectedServer();
      const plain = await sender(handler, "plain", era);
      const prompts = (await rpcBody(await plain("prompts/list", {}))).result as {
        prompts: { name: string }[];
      };
      const secret = prompts.prompts.find((prompt) => prompt.name === "secret_plan")!;
      assert.ok(secret);
      assert.equal("scopes" in secret, false);
      const resources = (await rpcBody(await plain("resources/list", {}))).result as {
        resources: { uri: string }[];
      };
      const uris = resources.resources.map((resource) => resource.uri).sort();
      assert.deepEqual(uris, ["file:///lobby", "file:///vault", "users://1/private"]);
      for (const resource of resources.resources) assert.equal("scopes" in resource, false);
      const templates = (await rpcBody(await plain("resources/templates/list", {}))).result as {
        resourceTemplates: { uriTemplate: string }[];
      };
      assert.equal(templates.resourceTemplates.length, 1);
      assert.equal("scopes" in templates.resourceTemplates[0], false);
    });

    test("the challenge also names the scopes scopesFor required of the request", async () => {
      const { handler } = protectedServer({ scopesFor: () => ["extra"] });
      const plain = await sender(handler, "plain", era);
      await assertChallenge(
        await plain("prompts/get", { name: "secret_plan" }),
        "The prompt 'secret_plan' needs the scopes: plans:read",
        "mcp extra plans:read",
      );
    });
  });
}

describe("toolScopeCheck's challenge and scopesFor", () => {
  test("a tool's challenge names required ∪ scopesFor's ∪ the tool's, in that order, once each", async () => {
    const server = new McpServer({ name: "s", version: "1.0.0" });
    server.tool({ name: "write_file", scopes: ["files:write", "mcp"], handler: () => "ok" });
    const handler = withAuth(server, {
      resource: RESOURCE,
      authorizationServers: ["https://auth.example.com"],
      requiredScopes: ["mcp"],
      // Reads the body, as the documentation says scopesFor may: it runs before the body is read.
      scopesFor: async (request) =>
        (await request.clone().text()).includes("write_file") ? ["audit", "mcp"] : [],
      verify: staticTokenVerifier({ t: { scopes: ["mcp", "audit"] } }, { audience: RESOURCE }),
    });
    const send = await sender(handler, "t", "modern");
    await assertChallenge(
      await send("tools/call", { name: "write_file", arguments: {} }),
      "The tool 'write_file' needs the scopes: files:write mcp",
      "mcp audit files:write",
    );
  });

  test("without bearerAuth, scopesFor is asked again for the challenge", async () => {
    const check = toolScopeCheck({ toolScopes: () => ["files:write"] }, {
      resource: RESOURCE,
      requiredScopes: ["mcp"],
      scopesFor: (request) => [request.headers.get("x-extra") ?? "none"],
    });
    const request = new Request(RESOURCE, { method: "POST", headers: { "x-extra": "audit" } });
    const refused = await check(
      { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "w" } },
      { token: "t", scopes: ["mcp"] },
      request,
    );
    assert.equal(refused?.status, 403);
    assert.match(refused!.headers.get("www-authenticate")!, /scope="mcp audit files:write"/);
  });
});
