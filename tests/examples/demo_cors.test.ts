import { test } from "node:test";
import assert from "node:assert/strict";
import { startDemo } from "./demo_process.ts";

function preflight(url: string): Promise<Response> {
  return fetch(url, {
    method: "OPTIONS",
    headers: {
      Origin: "http://localhost:5173",
      "Access-Control-Request-Method": "POST",
      "Access-Control-Request-Headers": "content-type, mcp-protocol-version",
    },
  });
}

test("the demo with --cors answers a browser preflight", async () => {
  const demo = await startDemo(["--cors"]);
  try {
    const response = await preflight(demo.url);
    await response.body?.cancel();
    assert.ok(response.status < 300, `preflight status ${response.status}`);
    assert.equal(response.headers.get("access-control-allow-origin"), "http://localhost:5173");
    assert.match(response.headers.get("access-control-allow-methods") ?? "", /POST/);
    assert.match(
      (response.headers.get("access-control-allow-headers") ?? "").toLowerCase(),
      /mcp-protocol-version/,
    );
  } finally {
    await demo.stop();
  }
});

test("EMCEE_CORS=1 enables CORS too", async () => {
  const demo = await startDemo([], { EMCEE_CORS: "1" });
  try {
    const response = await preflight(demo.url);
    await response.body?.cancel();
    assert.equal(response.headers.get("access-control-allow-origin"), "http://localhost:5173");
  } finally {
    await demo.stop();
  }
});

test("without --cors the demo sends no CORS headers", async () => {
  const demo = await startDemo([], { EMCEE_CORS: "" });
  try {
    const response = await preflight(demo.url);
    await response.body?.cancel();
    assert.equal(response.headers.get("access-control-allow-origin"), null);
    assert.equal(response.headers.get("access-control-allow-methods"), null);
  } finally {
    await demo.stop();
  }
});
