/**
 * Over a real socket, a legacy POST whose tool waits before it sends anything still gets its
 * status and SSE headers (and, from 2025-11-25, the priming event) while the tool waits, not
 * when the tool first reports progress. A call that answers at once is still plain JSON.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { serveHttp } from "../../runtime/mod.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { deferred, within } from "../async.ts";
import { capturingServer, initialize, postInSession, sseReader } from "./sse_legacy_helpers.ts";

/** A bound on the wait for headers that a response held until the tool sends exceeds. */
const HEADERS_WITHIN_MS = 3_000;

/** Reads `body` until it holds one complete SSE block; returns the text read. */
async function firstBlock(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`the stream ended after ${JSON.stringify(text)}`);
    text += decoder.decode(value, { stream: true });
  }
  return text;
}

for (const version of ["2025-03-26", "2025-06-18", "2025-11-25"]) {
  test(`${version}: a POST whose tool waits gets SSE headers before the tool sends`, async () => {
    const { server } = capturingServer();
    const release = deferred();
    server.tool({
      name: "waits",
      input: { type: "object" },
      handler: async (_args: unknown, context) => {
        await release.promise;
        context.progress(1, 2);
        return "done";
      },
    });
    server.tool({ name: "quick", input: { type: "object" }, handler: () => "quick" });
    const http = await serveHttp(createHttpHandler(server), { port: 0, hostname: "127.0.0.1" });
    const url = `${http.url}/mcp`;
    try {
      const id = await initialize(fetch, version, url);
      const call = (name: string, callId: number) =>
        fetch(postInSession(id, version, {
          jsonrpc: "2.0",
          id: callId,
          method: "tools/call",
          params: { name, arguments: {}, _meta: { progressToken: `p${callId}` } },
        }, url));

      const quick = await within(call("quick", 1), HEADERS_WITHIN_MS, "the quick answer");
      assert.match(quick.headers.get("content-type") ?? "", /application\/json/);
      assert.equal((await quick.json()).result.content[0].text, "quick");

      const response = await within(call("waits", 2), HEADERS_WITHIN_MS, "the headers");
      assert.equal(response.status, 200);
      assert.match(response.headers.get("content-type") ?? "", /text\/event-stream/);
      const reader = response.body!.getReader();
      const first = await within(firstBlock(reader), HEADERS_WITHIN_MS, "the first SSE block");
      if (version >= "2025-11-25") {
        assert.match(first, /^id: ?\S+\n/m, "the priming event has an id");
        assert.match(first, /^data: ?\n/m, "the priming event has empty data");
        assert.doesNotMatch(first, /progress/);
      } else {
        assert.match(first, /^:/, "a comment, so the headers go out");
      }
      reader.releaseLock();

      release.resolve();
      const events = sseReader(response.body!);
      try {
        const progress = JSON.parse((await events.next()).data);
        assert.equal(progress.method, "notifications/progress");
        assert.equal(progress.params.progressToken, "p2");
        const result = JSON.parse((await events.next()).data);
        assert.equal(result.id, 2);
        assert.equal(result.result.content[0].text, "done");
      } finally {
        await events.cancel();
      }
    } finally {
      release.resolve();
      await http.close();
    }
  });
}
