import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readTextAtMost } from "../../protocol/bounded_read.ts";

/** A body of `chunks` that records whether the reader cancelled it. */
function streamed(chunks: string[]) {
  const state = { cancelled: false, pulled: 0 };
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (state.pulled === chunks.length) return controller.close();
      controller.enqueue(encoder.encode(chunks[state.pulled++]));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { body, state };
}

describe("readTextAtMost", () => {
  test("a body within the limit is its text, across chunks and multi-byte characters", async () => {
    const { body } = streamed(["é", "t", "é"]);
    assert.equal(await readTextAtMost(new Response(body), 6), "été");
    assert.equal(await readTextAtMost(new Response(null), 0), "");
  });

  test("a body over the limit is undefined and the rest is cancelled, not read", async () => {
    const { body, state } = streamed(["abc", "def", "ghi", "jkl"]);
    assert.equal(await readTextAtMost(new Response(body), 5), undefined);
    assert.equal(state.cancelled, true);
    assert.equal(state.pulled < 4, true, `read ${state.pulled} of 4 chunks`);
  });

  test("a declared Content-Length over the limit is refused before reading", async () => {
    const { body, state } = streamed(["abc"]);
    const response = new Response(body, { headers: { "content-length": "100" } });
    assert.equal(await readTextAtMost(response, 10), undefined);
    assert.equal(state.pulled, 0);
  });
});
