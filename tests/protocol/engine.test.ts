import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createRequestEngine } from "../../protocol/engine.ts";
import { McpError } from "../../protocol/errors.ts";
import type { JsonObject, JsonRpcMessage } from "../../protocol/jsonrpc.ts";

function recorder() {
  const sent: JsonRpcMessage[] = [];
  return { sent, send: (message: JsonRpcMessage) => void sent.push(message) };
}

function idOf(message: JsonRpcMessage): string | number {
  return (message as { id: string | number }).id;
}

describe("request engine", () => {
  test("allocates distinct ids and correlates responses", async () => {
    const { sent, send } = recorder();
    const engine = createRequestEngine(send);
    const a = engine.request("a", {});
    const b = engine.request("b", {});
    assert.notEqual(idOf(sent[0]), idOf(sent[1]));
    assert.equal(
      engine.handleResponse({ jsonrpc: "2.0", id: idOf(sent[1]), result: { n: 2 } }),
      true,
    );
    assert.equal(
      engine.handleResponse({ jsonrpc: "2.0", id: idOf(sent[0]), result: { n: 1 } }),
      true,
    );
    assert.deepEqual(await a, { n: 1 });
    assert.deepEqual(await b, { n: 2 });
    assert.equal(engine.handleResponse({ jsonrpc: "2.0", id: 999, result: {} }), false);
    assert.equal(engine.pendingCount, 0);
  });

  test("an error response rejects with an McpError carrying code and data", async () => {
    const { sent, send } = recorder();
    const engine = createRequestEngine(send);
    const pending = engine.request("m", undefined);
    engine.handleResponse({
      jsonrpc: "2.0",
      id: idOf(sent[0]),
      error: { code: -32602, message: "bad", data: { why: 1 } },
    });
    await assert.rejects(pending, (error: unknown) => {
      assert.ok(error instanceof McpError);
      assert.equal(error.code, -32602);
      assert.deepEqual(error.data, { why: 1 });
      return true;
    });
  });

  test("a timeout rejects and tells the peer with notifications/cancelled", async () => {
    const { sent, send } = recorder();
    const engine = createRequestEngine(send);
    await assert.rejects(engine.request("slow", {}, { timeoutMs: 10 }), /timed out/);
    const cancel = sent[1] as { method: string; params: JsonObject };
    assert.equal(cancel.method, "notifications/cancelled");
    assert.equal(cancel.params.requestId, idOf(sent[0]));
    assert.equal(engine.pendingCount, 0);
  });

  test("the hard maximum bounds a request even without a timeout", async () => {
    const { send } = recorder();
    const engine = createRequestEngine(send, { hardMaxTimeoutMs: 20 });
    await assert.rejects(engine.request("forever", {}, { timeoutMs: null }), /timed out/);
  });

  test("aborting the signal cancels; an already-aborted signal sends nothing", async () => {
    const { sent, send } = recorder();
    const engine = createRequestEngine(send);
    const controller = new AbortController();
    const pending = engine.request("m", {}, { signal: controller.signal });
    controller.abort("user");
    await assert.rejects(pending, /cancelled/);
    assert.equal((sent[1] as { method: string }).method, "notifications/cancelled");
    await assert.rejects(engine.request("m", {}, { signal: AbortSignal.abort() }), /cancelled/);
    assert.equal(sent.length, 2);
  });

  test("progress reaches the callback and can restart the timeout", async () => {
    const { sent, send } = recorder();
    const engine = createRequestEngine(send);
    const seen: number[] = [];
    const pending = engine.request("work", {}, {
      timeoutMs: 40,
      resetTimeoutOnProgress: true,
      onProgress: (p) => seen.push(p.progress),
    });
    const token = ((sent[0] as { params: JsonObject }).params._meta as JsonObject).progressToken;
    for (let i = 1; i <= 3; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      assert.equal(engine.handleProgress({ progressToken: token as number, progress: i }), true);
    }
    engine.handleResponse({ jsonrpc: "2.0", id: idOf(sent[0]), result: {} });
    await pending;
    assert.deepEqual(seen, [1, 2, 3]);
    assert.equal(engine.handleProgress({ progressToken: token as number, progress: 4 }), false);
  });

  test("failAll rejects everything pending", async () => {
    const { send } = recorder();
    const engine = createRequestEngine(send);
    const pending = [engine.request("a", {}), engine.request("b", {})];
    engine.failAll(new McpError(-32000, "closed"));
    for (const p of pending) await assert.rejects(p, /closed/);
  });

  test("decorate adds fields to every request's params", () => {
    const { sent, send } = recorder();
    const engine = createRequestEngine(send, {
      decorate: (_method, params) => ({ ...params, _meta: { tag: 1 } }),
    });
    engine.request("m", { x: 1 }).catch(() => {});
    assert.deepEqual((sent[0] as { params: JsonObject }).params, { x: 1, _meta: { tag: 1 } });
    engine.failAll(new McpError(-32000, "done"));
  });
});
