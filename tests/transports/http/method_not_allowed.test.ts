/**
 * The 405 of Streamable HTTP: a GET (or DELETE) without a legacy session gets
 * the status the spec requires of a server that offers no GET stream there, an
 * `Allow` that lists only what is allowed there, and a message that says what
 * is missing.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpServer } from "../../../server/server.ts";
import { createHttpHandler, type HttpHandler } from "../../../transports/http/server.ts";

const ENDPOINT = "http://127.0.0.1/mcp";

function handler(legacy: boolean): HttpHandler {
  const server = new McpServer({ name: "405-test", version: "1" });
  return createHttpHandler(server, legacy ? {} : { legacy: false });
}

async function refusal(
  response: Response,
): Promise<{ allow: string | null; code: number; message: string }> {
  assert.equal(response.status, 405);
  assert.match(response.headers.get("content-type")!, /application\/json/);
  const body = await response.json();
  return {
    allow: response.headers.get("allow"),
    code: body.error.code,
    message: body.error.message,
  };
}

describe("405 on Streamable HTTP", () => {
  test("GET without a session: 405, Allow: POST, and what is missing", async () => {
    const answer = await refusal(
      await handler(true)(
        new Request(ENDPOINT, { method: "GET", headers: { accept: "text/event-stream" } }),
      ),
    );
    assert.equal(answer.allow, "POST");
    assert.equal(answer.code, -32600);
    assert.match(
      answer.message,
      /GET opens a legacy session's stream; send Mcp-Session-Id from initialize/,
    );
    assert.match(answer.message, /2026-07-28 has no GET stream; use subscriptions\/listen/);
  });

  test("DELETE without a session: 405, Allow: POST, and that a session id is missing", async () => {
    const answer = await refusal(await handler(true)(new Request(ENDPOINT, { method: "DELETE" })));
    assert.equal(answer.allow, "POST");
    assert.match(answer.message, /DELETE ends a legacy session; send Mcp-Session-Id/);
  });

  test("a stateless-only endpoint: GET is 405 with Allow: POST and points at subscriptions/listen", async () => {
    const answer = await refusal(
      await handler(false)(
        new Request(ENDPOINT, { method: "GET", headers: { accept: "text/event-stream" } }),
      ),
    );
    assert.equal(answer.allow, "POST");
    assert.match(answer.message, /2026-07-28 has no GET stream; use subscriptions\/listen/);
  });

  test("an unknown method with a session id: Allow lists GET, POST, DELETE", async () => {
    const answer = await refusal(
      await handler(true)(
        new Request(ENDPOINT, { method: "PUT", headers: { "mcp-session-id": "abc" }, body: "{}" }),
      ),
    );
    assert.equal(answer.allow, "GET, POST, DELETE");
    assert.match(answer.message, /PUT is not served/);
  });

  test("GET with a live session still opens its stream", async () => {
    const serve = handler(true);
    const init = await serve(
      new Request(ENDPOINT, {
        method: "POST",
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-11-25",
            capabilities: {},
            clientInfo: { name: "t", version: "1" },
          },
        }),
      }),
    );
    const session = init.headers.get("mcp-session-id")!;
    await init.body?.cancel();
    const stream = await serve(
      new Request(ENDPOINT, {
        method: "GET",
        headers: { accept: "text/event-stream", "mcp-session-id": session },
      }),
    );
    assert.equal(stream.status, 200);
    assert.match(stream.headers.get("content-type")!, /text\/event-stream/);
    await stream.body?.cancel();
    const ended = await serve(
      new Request(ENDPOINT, { method: "DELETE", headers: { "mcp-session-id": session } }),
    );
    assert.equal(ended.status, 200);
  });
});
