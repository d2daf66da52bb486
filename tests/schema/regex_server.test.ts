// A tool whose input pattern is catastrophic for a backtracking engine no longer freezes the
// server: the call is refused at once and a concurrent request (tools/list; the modern protocol has no ping) is answered.

import { test } from "node:test";
import assert from "node:assert/strict";
import { McpServer } from "../../server/server.ts";
import { modern } from "../server/helpers.ts";

test("a ReDoS pattern in a tool's input schema does not block a concurrent request", async () => {
  const server = new McpServer({ name: "redos", version: "1.0.0" });
  server.tool({
    name: "match",
    input: {
      type: "object",
      properties: { s: { type: "string", pattern: "^(a+)+$" } },
      required: ["s"],
    },
    handler: () => "matched",
  });
  const started = performance.now();
  const [call, list] = await Promise.all([
    server.handleRequest(
      modern("tools/call", { name: "match", arguments: { s: "a".repeat(30) + "!" } }),
    ),
    server.handleRequest(modern("tools/list")),
  ]);
  const elapsed = performance.now() - started;
  assert.ok("result" in list, JSON.stringify(list));
  const refused = "error" in call ||
    ("result" in call && (call.result as { isError?: boolean }).isError === true);
  assert.ok(refused, JSON.stringify(call));
  assert.ok(elapsed < 1_000, `took ${elapsed.toFixed(0)} ms`);
  const ok = await server.handleRequest(
    modern("tools/call", { name: "match", arguments: { s: "a".repeat(40) } }),
  );
  assert.ok("result" in ok && JSON.stringify(ok.result).includes("matched"), JSON.stringify(ok));
});
