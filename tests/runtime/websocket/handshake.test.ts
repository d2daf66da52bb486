import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  acceptResponse,
  checkUpgradeRequest,
  computeAcceptKey,
  parseProtocolHeader,
  refusalResponse,
  type WebSocketHandshakeCheck,
  type WebSocketUpgradeRequestLike,
} from "../../../runtime/websocket/handshake.ts";
import { decoder } from "./helpers.ts";

const valid: Record<string, string> = {
  host: "127.0.0.1",
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-version": "13",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
};

function check(
  headers: Record<string, string | string[] | undefined>,
  method: string = "GET",
  httpVersion: string = "1.1",
): WebSocketHandshakeCheck {
  const request: WebSocketUpgradeRequestLike = {
    method,
    httpVersion,
    headers: { ...valid, ...headers },
  };
  return checkUpgradeRequest(request);
}

function refusedWith(result: WebSocketHandshakeCheck, status: number, body: RegExp): void {
  assert.equal(result.ok, false);
  if (result.ok) return;
  assert.equal(result.refusal.status, status);
  assert.match(result.refusal.body ?? "", body);
}

describe("checkUpgradeRequest", () => {
  test("a valid handshake", () => {
    assert.deepEqual(check({}), { ok: true, key: "dGhlIHNhbXBsZSBub25jZQ==", protocols: [] });
  });

  test("header tokens are case-insensitive and may be lists", () => {
    const result = check({ upgrade: "WebSocket", connection: "keep-alive, UPGRADE" });
    assert.equal(result.ok, true);
  });

  test("offered subprotocols keep their order", () => {
    const result = check({
      "sec-websocket-protocol": "mcp, mcp.version.2026-07-28,mcp.auth.abc_-x",
    });
    assert.ok(result.ok);
    assert.deepEqual(result.protocols, ["mcp", "mcp.version.2026-07-28", "mcp.auth.abc_-x"]);
  });

  test("repeated protocol headers given as a list are joined", () => {
    const result = check({ "sec-websocket-protocol": ["mcp", "mcp.version.2026-07-28"] });
    assert.ok(result.ok);
    assert.deepEqual(result.protocols, ["mcp", "mcp.version.2026-07-28"]);
  });

  test("a method other than GET gets 405", () => {
    const result = check({}, "POST");
    refusedWith(result, 405, /GET/);
    if (!result.ok) assert.equal(result.refusal.headers?.Allow, "GET");
  });

  test("HTTP/1.0 gets 400", () => {
    refusedWith(check({}, "GET", "1.0"), 400, /HTTP\/1\.1/);
  });

  test("a missing or wrong Upgrade or Connection gets 400", () => {
    refusedWith(check({ upgrade: undefined }), 400, /Upgrade/);
    refusedWith(check({ upgrade: "h2c" }), 400, /Upgrade/);
    refusedWith(check({ connection: undefined }), 400, /Connection/);
    refusedWith(check({ connection: "keep-alive" }), 400, /Connection/);
  });

  test("a version other than 13 gets 426 with Sec-WebSocket-Version: 13", () => {
    for (const version of ["12", "8", "14", undefined, "13, 8"]) {
      const result = check({ "sec-websocket-version": version });
      refusedWith(result, 426, /version 13/);
      if (!result.ok) assert.equal(result.refusal.headers?.["Sec-WebSocket-Version"], "13");
    }
  });

  test("a key that is not 16 bytes of base64 gets 400", () => {
    for (
      const key of [
        undefined,
        "",
        "dGhlIHNhbXBsZSBub25jZQ", // no padding
        "dGhlIHNhbXBsZSBub25jZQ==dGhl",
        "dGhlIHNhbXBsZSBub25jZR==", // non-zero trailing bits
        "dGhlIHNhbXBsZSBub25j", // 15 bytes
        "dGhlIHNhbXBsZSBub25jZSE=", // 17 bytes
        "dGhlIHNhbXBsZSBub25jZQ==, dGhlIHNhbXBsZSBub25jZQ==",
      ]
    ) {
      refusedWith(check({ "sec-websocket-key": key }), 400, /Sec-WebSocket-Key/);
    }
  });

  test("malformed or repeated subprotocols get 400", () => {
    refusedWith(check({ "sec-websocket-protocol": "mcp, mcp" }), 400, /Protocol/);
    refusedWith(check({ "sec-websocket-protocol": "mcp, a b" }), 400, /Protocol/);
    refusedWith(check({ "sec-websocket-protocol": "mcp.auth.abc=" }), 400, /Protocol/);
  });
});

describe("parseProtocolHeader", () => {
  test("tokens, empty elements skipped, nothing when absent", () => {
    assert.deepEqual(parseProtocolHeader(undefined), []);
    assert.deepEqual(parseProtocolHeader(" a ,, b "), ["a", "b"]);
    assert.equal(parseProtocolHeader('a,"b"'), undefined);
  });
});

describe("accept key and responses", () => {
  test("the accept key of RFC 6455 §1.3", async () => {
    assert.equal(
      await computeAcceptKey("dGhlIHNhbXBsZSBub25jZQ=="),
      "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=",
    );
  });

  test("the 101 response, with and without a subprotocol", () => {
    const withProtocol = decoder.decode(acceptResponse("abc=", "mcp"));
    assert.equal(
      withProtocol,
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
        "Sec-WebSocket-Accept: abc=\r\nSec-WebSocket-Protocol: mcp\r\n\r\n",
    );
    assert.doesNotMatch(decoder.decode(acceptResponse("abc=")), /Sec-WebSocket-Protocol/);
    assert.throws(() => acceptResponse("abc=", "bad protocol"), TypeError);
  });

  test("a refusal carries its status, headers and a sized body", () => {
    const text = decoder.decode(refusalResponse({
      status: 401,
      headers: { "WWW-Authenticate": 'Bearer resource_metadata="https://a.example/x"' },
      body: "token required ✓",
    }));
    const [head, body] = text.split("\r\n\r\n");
    const lines = head.split("\r\n");
    assert.equal(lines[0], "HTTP/1.1 401 Unauthorized");
    assert.ok(lines.includes("Connection: close"));
    assert.ok(lines.includes('WWW-Authenticate: Bearer resource_metadata="https://a.example/x"'));
    assert.ok(lines.includes(`Content-Length: ${new TextEncoder().encode(body).length}`));
    assert.equal(body, "token required ✓");
  });

  test("a refusal without a body says its status text", () => {
    const text = decoder.decode(refusalResponse({ status: 403 }));
    assert.match(text, /^HTTP\/1\.1 403 Forbidden\r\n/);
    assert.match(text, /\r\n\r\nForbidden$/);
  });

  test("a refusal rejects bad statuses and header injection", () => {
    assert.throws(() => refusalResponse({ status: 200 }), RangeError);
    assert.throws(() => refusalResponse({ status: 600 }), RangeError);
    assert.throws(
      () => refusalResponse({ status: 403, headers: { "X-A": "a\r\nSet-Cookie: x" } }),
      TypeError,
    );
    assert.throws(() => refusalResponse({ status: 403, headers: { "Bad Name": "a" } }), TypeError);
    assert.throws(
      () => refusalResponse({ status: 403, headers: { "Content-Length": "1" } }),
      TypeError,
    );
  });

  test("a refusal may set its own Content-Type", () => {
    const text = decoder.decode(refusalResponse({
      status: 403,
      headers: { "Content-Type": "application/json" },
      body: "{}",
    }));
    assert.equal(text.match(/Content-Type/g)?.length, 1);
    assert.match(text, /Content-Type: application\/json/);
  });
});
