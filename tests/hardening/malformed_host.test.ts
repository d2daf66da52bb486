/**
 * A Host header that makes `request.url` malformed (`[::1]evil.example`, an
 * empty Host on Bun) or that is repeated (Bun joins the lines with a comma)
 * is refused by `serveHttp` with 400 on every runtime, before a handler that
 * parses `request.url` (withAuth, a router) can throw, and nothing is logged.
 * Over a real socket, with raw HTTP/1.1 from node:net.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { connect } from "node:net";
import { withAuth } from "../../auth/with_auth.ts";
import { staticTokenVerifier } from "../../auth/static_verifier.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import { within } from "../async.ts";

/** Sends `text` and reads the status line of the answer. */
function statusOf(port: number, text: string): Promise<string> {
  const done = new Promise<string>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let received = "";
    socket.on("data", (chunk) => {
      received += String(chunk);
      if (received.includes("\r\n")) {
        socket.destroy();
        resolve(received.slice(0, received.indexOf("\r\n")));
      }
    });
    socket.on("error", reject);
    socket.on("close", () => resolve(received));
  });
  return within(done, 5000, "the status line");
}

function rawPost(hostLines: string[]): string {
  const body = '{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{}}';
  return "POST /mcp HTTP/1.1\r\n" + hostLines.map((host) => `Host: ${host}\r\n`).join("") +
    "Content-Type: application/json\r\nAccept: application/json, text/event-stream\r\n" +
    "Authorization: Bearer dev-token\r\n" +
    `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`;
}

test("a malformed or repeated Host is 400 before the handler, and nothing is logged", async () => {
  const errors: unknown[] = [];
  const resource = "http://127.0.0.1/mcp";
  const mcp = withAuth(new McpServer({ name: "host", version: "1" }), {
    resource,
    authorizationServers: ["https://auth.example.com"],
    verify: staticTokenVerifier({ "dev-token": { scopes: [] } }, { audience: resource }),
  });
  let seen = 0;
  const server = await serveHttp((request) => {
    seen += 1;
    return mcp(request);
  }, { hostname: "127.0.0.1", port: 0, onError: (error) => errors.push(error) });
  try {
    for (
      const hosts of [["[::1]evil.example"], [""], ["127.0.0.1", "evil.example"], [
        "127.0.0.1",
        "127.0.0.1",
      ]]
    ) {
      const status = await statusOf(server.port, rawPost(hosts));
      assert.match(status, /^HTTP\/1\.1 400 /, `${JSON.stringify(hosts)}: ${status}`);
    }
    assert.deepEqual(errors, []);
    // Deno and Node may refuse some of these before the handler too; none reached it.
    assert.equal(seen, 0);
    // A well-formed request still reaches the handler.
    const status = await statusOf(server.port, rawPost([`127.0.0.1:${server.port}`]));
    assert.doesNotMatch(status, /^HTTP\/1\.1 5\d\d /, status);
    assert.equal(seen, 1);
    assert.deepEqual(errors, []);
  } finally {
    await server.close();
  }
});
