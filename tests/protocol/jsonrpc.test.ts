import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { classifyMessage, errorResponse, parseMessage } from "../../protocol/jsonrpc.ts";

function invalidCode(text: string): number | undefined {
  const classified = parseMessage(text);
  return classified.kind === "invalid" ? classified.error.error.code : undefined;
}

describe("parseMessage", () => {
  test("invalid JSON is -32700 with no id", () => {
    const classified = parseMessage("{nope");
    assert.equal(classified.kind, "invalid");
    if (classified.kind === "invalid") {
      assert.equal(classified.error.error.code, -32700);
      assert.equal("id" in classified.error, false);
    }
  });

  test("requests, notifications and responses are told apart", () => {
    assert.equal(parseMessage('{"jsonrpc":"2.0","id":1,"method":"m"}').kind, "request");
    assert.equal(parseMessage('{"jsonrpc":"2.0","id":"a","method":"m"}').kind, "request");
    assert.equal(parseMessage('{"jsonrpc":"2.0","method":"m"}').kind, "notification");
    assert.equal(parseMessage('{"jsonrpc":"2.0","id":1,"result":{}}').kind, "response");
    assert.equal(
      parseMessage('{"jsonrpc":"2.0","id":1,"error":{"code":-1,"message":"x"}}').kind,
      "response",
    );
  });

  test("each malformed shape is -32600", () => {
    for (
      const text of [
        "[]",
        '[{"jsonrpc":"2.0","id":1,"method":"m"}]',
        '"text"',
        '{"id":1,"method":"m"}',
        '{"jsonrpc":"1.0","id":1,"method":"m"}',
        '{"jsonrpc":"2.0","id":null,"method":"m"}',
        '{"jsonrpc":"2.0","id":{},"method":"m"}',
        '{"jsonrpc":"2.0","id":1,"method":7}',
        '{"jsonrpc":"2.0","id":1,"result":[]}',
        '{"jsonrpc":"2.0","id":1,"error":{"message":"no code"}}',
        '{"jsonrpc":"2.0","id":1}',
      ]
    ) assert.equal(invalidCode(text), -32600, text);
  });

  test("params that are not an object are -32602, echoing the id", () => {
    const classified = parseMessage('{"jsonrpc":"2.0","id":9,"method":"m","params":[1]}');
    assert.equal(classified.kind, "invalid");
    if (classified.kind === "invalid") {
      assert.equal(classified.error.error.code, -32602);
      assert.equal(classified.error.id, 9);
    }
  });

  test("an invalid message with a readable id echoes it", () => {
    const classified = classifyMessage({ jsonrpc: "1.0", id: "x", method: "m" });
    assert.equal(classified.kind === "invalid" && classified.error.id, "x");
  });
});

test("errorResponse omits an unknown or null id", () => {
  assert.deepEqual(errorResponse(undefined, { code: 1, message: "m" }), {
    jsonrpc: "2.0",
    error: { code: 1, message: "m" },
  });
  assert.deepEqual(errorResponse(null, { code: 1, message: "m" }), {
    jsonrpc: "2.0",
    error: { code: 1, message: "m" },
  });
  assert.deepEqual(errorResponse(0, { code: 1, message: "m" }), {
    jsonrpc: "2.0",
    id: 0,
    error: { code: 1, message: "m" },
  });
});
