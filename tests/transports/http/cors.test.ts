import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpServer } from "../../../server/server.ts";
import { createHttpHandler } from "../../../transports/http/server.ts";
import { createLegacySseHandler } from "../../../transports/legacy_sse/server.ts";

function preflight(origin: string, requestHeaders: string): Request {
  return new Request("http://127.0.0.1/mcp", {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": requestHeaders,
    },
  });
}

const server = new McpServer({ name: "cors", version: "1" });
const handler = createHttpHandler(server, {
  cors: true,
  allowedOrigins: ["https://app.example.com"],
  localhostOnly: false,
  authenticate: (request) =>
    request.headers.get("authorization") === "Bearer ok"
      ? { token: "ok", scopes: [] }
      : new Response(null, {
        status: 401,
        headers: { "www-authenticate": 'Bearer resource_metadata="x"' },
      }),
});

describe("CORS on the MCP endpoint", () => {
  test("a preflight from an allowed origin is answered with the MCP headers allowed", async () => {
    const response = await handler(
      preflight("https://app.example.com", "content-type, mcp-protocol-version, Mcp-Param-Region"),
    );
    assert.equal(response.status, 204);
    assert.equal(response.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.match(response.headers.get("access-control-allow-methods")!, /POST/);
    assert.equal(
      response.headers.get("access-control-allow-headers"),
      "content-type, mcp-protocol-version, mcp-param-region",
    );
  });

  test("a preflight from another origin, or asking for an unknown header, is refused", async () => {
    assert.equal((await handler(preflight("https://evil.example", "content-type"))).status, 403);
    assert.equal((await handler(preflight("https://app.example.com", "x-secret"))).status, 403);
  });

  test("responses expose the session and auth headers to the allowed origin, even a 401", async () => {
    const response = await handler(
      new Request("http://127.0.0.1/mcp", {
        method: "POST",
        headers: { origin: "https://app.example.com", "content-type": "application/json" },
        body: "{}",
      }),
    );
    assert.equal(response.status, 401);
    assert.equal(response.headers.get("access-control-allow-origin"), "https://app.example.com");
    assert.match(response.headers.get("access-control-expose-headers")!, /www-authenticate/);
    assert.match(response.headers.get("access-control-expose-headers")!, /mcp-session-id/);
    assert.match(response.headers.get("vary")!, /Origin/);
  });

  test("without the option there are no CORS headers and OPTIONS is 405", async () => {
    const plain = createHttpHandler(server);
    const response = await plain(preflight("http://localhost:5173", "content-type"));
    assert.equal(response.status, 405);
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    await response.body?.cancel();
  });

  test("the HTTP+SSE transport takes the same option, with its own origin policy", async () => {
    const legacy = createLegacySseHandler(server, {
      cors: { maxAgeSeconds: 60 },
      allowedOrigins: ["https://old.example.com"],
      localhostOnly: false,
    });
    const allowed = await legacy(preflight("https://old.example.com", "content-type"));
    assert.equal(allowed.status, 204);
    assert.equal(allowed.headers.get("access-control-allow-origin"), "https://old.example.com");
    assert.equal(allowed.headers.get("access-control-max-age"), "60");
    assert.equal((await legacy(preflight("https://app.example.com", "content-type"))).status, 403);
    const refused = await legacy(
      new Request("http://127.0.0.1/sse", {
        headers: { origin: "https://old.example.com", accept: "application/json" },
      }),
    );
    assert.equal(refused.status, 406);
    assert.equal(refused.headers.get("access-control-allow-origin"), "https://old.example.com");
    await refused.body?.cancel();
  });
});
