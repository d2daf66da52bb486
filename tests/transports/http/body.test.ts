// Reading a POST body within the size limit: a body the server's parser framed is read whole
// once its declared length fits; any other body (a hand-made Request may declare any length)
// is counted as it arrives.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readBody } from "../../../transports/http/body.ts";
import { FRAMED_BODY, isFramedBody } from "../../../runtime/framed_body.ts";

function post(body: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request("http://127.0.0.1/mcp", { method: "POST", headers, body });
}

/** A request that claims its parser framed it (as the Node bridge's requests do). */
function framed(request: Request): Request {
  Object.defineProperty(request, FRAMED_BODY, { value: true });
  return request;
}

test("a framed body declared within the limit is read whole, a text of more units is refused", async () => {
  const request = framed(post('{"a":"é"}', { "content-length": "11" }));
  assert.equal(isFramedBody(request), true);
  assert.equal(await readBody(request, 100), '{"a":"é"}');
  const lying = framed(post("x".repeat(50), { "content-length": "10" }));
  const refused = await readBody(lying, 20);
  assert.ok(refused instanceof Response);
  assert.equal(refused.status, 413);
});

test("an unframed body that declares less than it carries is cut at the limit (413)", async () => {
  let pulled = 0;
  const chunk = new Uint8Array(1024).fill(0x20);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled += chunk.byteLength;
      controller.enqueue(chunk);
      if (pulled >= 1024 * 1024) controller.close();
    },
  });
  const request = new Request("http://127.0.0.1/mcp", {
    method: "POST",
    headers: { "content-length": "10" },
    body: stream,
    duplex: "half",
  } as RequestInit);
  assert.equal(isFramedBody(request), false);
  const refused = await readBody(request, 4096);
  assert.ok(refused instanceof Response);
  assert.equal(refused.status, 413);
  assert.ok(pulled < 1024 * 1024, `pulled all ${pulled} bytes`);
});

test("a declared length over the limit is refused before reading; no length is counted", async () => {
  const over = await readBody(post("{}", { "content-length": "5000" }), 100);
  assert.ok(over instanceof Response);
  assert.equal(over.status, 413);
  assert.equal(await readBody(post("[1,2]"), 100), "[1,2]");
  assert.equal(await readBody(new Request("http://127.0.0.1/mcp", { method: "POST" }), 100), "");
});

test("a body that fails while it is read (broken chunked framing) is a 400 parse error, not a 5xx", async () => {
  const broken = new ReadableStream<Uint8Array>({
    start(controller): void {
      controller.enqueue(new TextEncoder().encode('{"jsonrpc":'));
      controller.error(new Error("Malformed chunk size"));
    },
  });
  const request = new Request("http://127.0.0.1/mcp", {
    method: "POST",
    body: broken,
    duplex: "half",
  } as RequestInit);
  const refused = await readBody(request, 1024);
  assert.ok(refused instanceof Response);
  assert.equal(refused.status, 400);
  const body = await refused.json();
  assert.equal(body.error.code, -32700);
  assert.match(body.error.message, /Malformed chunk size/);
});
