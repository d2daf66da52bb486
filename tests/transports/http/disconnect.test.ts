/**
 * A modern client that disconnects before its request is dispatched (for
 * example while its body is still being read) cancels it: the handler sees an
 * aborted signal. Regression test for a listener added to an already-aborted
 * signal.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { McpServer } from "../../../server/server.ts";
import { createHttpHandler } from "../../../transports/http/server.ts";
import { within } from "../../interop/fixtures/helpers.ts";

/** Whether `signal` aborts (or already has) within `ms`; `false` when it stays live. */
function abortedWithin(signal: AbortSignal, ms: number): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(true);
  const aborted = new Promise<true>((resolve) =>
    signal.addEventListener("abort", () => resolve(true), { once: true })
  );
  return within(aborted, ms, "the abort").catch(() => false);
}

test("a modern request whose client left during the body read runs with an aborted signal", async () => {
  let sawAborted: boolean | undefined;
  const server = new McpServer({ name: "bug", version: "1" });
  server.tool({
    name: "probe",
    handler: async (_args, context) => {
      // A runtime may pass the disconnect on a little later: wait for the abort event, bounded.
      sawAborted = await abortedWithin(context.signal, 2000);
      return "ran";
    },
  });
  const handler = createHttpHandler(server);
  const body = JSON.stringify({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: {
      name: "probe",
      _meta: {
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
      },
    },
  });
  const client = new AbortController();
  let sent = false;
  // The client goes away right after the last body byte, before dispatch.
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(new TextEncoder().encode(body));
        return;
      }
      client.abort(new Error("Client disconnected"));
      controller.close();
    },
  });
  const response = await handler(
    new Request("http://127.0.0.1/mcp", {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": "2026-07-28",
        "mcp-method": "tools/call",
        "mcp-name": "probe",
      },
      body: stream,
      signal: client.signal,
      duplex: "half",
    } as RequestInit),
  );
  await response.body?.cancel();
  assert.equal(client.signal.aborted, true);
  // Expected: the handler's signal is aborted (or the tool is never run).
  assert.notEqual(sawAborted, false, "the tool ran with a live signal for a departed client");
});
