import { test } from "node:test";
import assert from "node:assert/strict";
import { canonicalJson, createRequestStateCodec } from "../../server/request_state.ts";

test("sealed state opens with the same binding and returns its answers", async () => {
  const codec = createRequestStateCodec();
  const state = await codec.seal({ responses: { k: { action: "accept" } } }, "tools/call|x");
  assert.deepEqual((await codec.open(state, "tools/call|x")).responses, {
    k: { action: "accept" },
  });
});

test("state bound to another request, forged, or expired is -32602", async () => {
  const codec = createRequestStateCodec({ ttlMs: 30 });
  const state = await codec.seal({ responses: {} }, "a");
  await assert.rejects(codec.open(state, "b"), (e: { code: number }) => e.code === -32602);
  // Change a character inside the signature: the last one may hold only ignored padding bits.
  const at = state.length - 10;
  const forged = state.slice(0, at) + (state[at] === "A" ? "B" : "A") + state.slice(at + 1);
  await assert.rejects(codec.open(forged, "a"), /Invalid requestState/);
  await assert.rejects(codec.open("nodot", "a"), /malformed/);
  const other = createRequestStateCodec();
  await assert.rejects(other.open(state, "a"), /signature/);
  await new Promise((resolve) => setTimeout(resolve, 40));
  await assert.rejects(codec.open(state, "a"), /expired/);
});

test("a shared secret lets another instance open the state", async () => {
  const one = createRequestStateCodec({ secret: "shared" });
  const two = createRequestStateCodec({ secret: "shared" });
  const state = await one.seal({ responses: { a: {} } }, "bind");
  assert.deepEqual((await two.open(state, "bind")).responses, { a: {} });
});

test("canonical JSON sorts keys at every depth", () => {
  assert.equal(
    canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } }),
    '{"a":{"c":null,"d":[2,{"e":0,"f":1}]},"b":1}',
  );
});
