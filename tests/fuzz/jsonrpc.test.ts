/**
 * Fuzzing JSON-RPC classification: any text a peer sends is classified without throwing, every
 * rejection is a JSON-RPC error object with one of the three codes the classifier may answer, the
 * outcome agrees with JSON.parse followed by classifyMessage, and well-formed messages survive.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { type Classified, classifyMessage, parseMessage } from "../../protocol/jsonrpc.ts";
import {
  anyChar,
  check,
  constant,
  type Gen,
  jsonValue,
  map,
  mutate,
  oneOf,
  pick,
  string,
  weighted,
} from "./generate.ts";

const CODES = new Set([-32700, -32600, -32602]);

function assertClearRejection(result: Classified): void {
  if (result.kind !== "invalid") return;
  assert.equal(result.error.jsonrpc, "2.0");
  assert.ok(CODES.has(result.error.error.code), `unexpected code ${result.error.error.code}`);
  assert.equal(typeof result.error.error.message, "string");
  assert.ok(result.error.error.message.length > 0);
  if ("id" in result.error) {
    const id = result.error.id;
    assert.ok(typeof id === "string" || (typeof id === "number" && Number.isFinite(id)));
  }
}

const id: Gen<unknown> = oneOf<unknown>(
  pick([1, 0, -1, 1.5, "a", "", null, true, [], {}, 1e400]),
  string(anyChar, 0, 5),
);
const message: Gen<Record<string, unknown>> = (random) => {
  const out: Record<string, unknown> = {};
  if (random.next() < 0.9) out.jsonrpc = pick<unknown>(["2.0", "2.0", "1.0", 2, null])(random);
  if (random.next() < 0.7) out.id = id(random);
  if (random.next() < 0.6) out.method = pick<unknown>(["ping", "tools/call", "", 7, null])(random);
  if (random.next() < 0.5) out.params = jsonValue(2)(random);
  if (random.next() < 0.2) out.result = jsonValue(2)(random);
  if (random.next() < 0.2) {
    out.error = oneOf<unknown>(jsonValue(1), constant({ code: -1, message: "x" }))(random);
  }
  return out;
};

const wireText: Gen<string> = weighted(
  [3, map(message, (m) => JSON.stringify(m))],
  [3, (random) => mutate(JSON.stringify(message(random)))(random)],
  [1, map(jsonValue(3), (v) => JSON.stringify(v) ?? "null")],
  [1, string(anyChar, 0, 40)],
  [1, pick(['{"jsonrpc":"2.0"', "", " ", "\ufeff{}", "[]", "[{}]", "1e999", '"\\ud800"'])],
);

test("parseMessage never throws, rejects clearly and agrees with JSON.parse + classifyMessage", async () => {
  await check("parseMessage", wireText, (text) => {
    const result = parseMessage(text);
    assertClearRejection(result);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      assert.equal(result.kind, "invalid");
      assert.equal(result.kind === "invalid" && result.error.error.code, -32700);
      return;
    }
    assert.deepEqual(result, classifyMessage(parsed));
  }, { runs: 3000, seed: 11 });
});

test("classifyMessage never throws on any value and keeps valid messages intact", async () => {
  await check("classifyMessage", oneOf<unknown>(message, jsonValue(3)), (value) => {
    const result = classifyMessage(value);
    assertClearRejection(result);
    if (result.kind !== "invalid") assert.equal(result.message, value);
    if (result.kind === "request") {
      const m = value as Record<string, unknown>;
      assert.equal(m.jsonrpc, "2.0");
      assert.equal(typeof m.method, "string");
      assert.ok(typeof m.id === "string" || Number.isFinite(m.id));
    }
  }, { runs: 3000, seed: 12 });
});

test("well-formed requests and notifications are classified as such", async () => {
  const method = string(anyChar, 0, 12);
  const params = map(
    jsonValue(2),
    (v) => (typeof v === "object" && v && !Array.isArray(v) ? v : {}),
  );
  await check("valid", (random) => {
    const m: Record<string, unknown> = { jsonrpc: "2.0", method: method(random) };
    if (random.next() < 0.5) m.params = params(random);
    if (random.next() < 0.7) m.id = pick<unknown>([1, "x", 0, -7, 2 ** 53])(random);
    return m;
  }, (m) => {
    const text = JSON.stringify(m);
    const result: Classified = parseMessage(text);
    assert.equal(result.kind, "id" in m ? "request" : "notification");
    assert.deepEqual("message" in result ? result.message : undefined, JSON.parse(text));
  }, { runs: 1000, seed: 13 });
});

test("deeply nested JSON is answered, not thrown", () => {
  for (const text of ["[".repeat(100_000), "[".repeat(20_000) + "]".repeat(20_000)]) {
    assertClearRejection(parseMessage(text));
    assert.equal(parseMessage(text).kind, "invalid");
  }
  const deep = '{"jsonrpc":"2.0","id":1,"method":"m","params":{"a":' + "[".repeat(10_000) +
    "]".repeat(10_000) + "}}";
  assert.equal(parseMessage(deep).kind, "request");
});
