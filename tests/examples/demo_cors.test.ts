import { test } from "node:test";
import assert from "node:assert/strict";
import { environment, executablePath, runtimeName, spawnProcess } from "../../runtime/mod.ts";
import { within } from "../async.ts";

const DEMO = new URL("../../examples/demo/server.ts", import.meta.url).pathname;

/** Starts the demo on a free port and resolves its endpoint URL from the line it logs. */
async function startDemo(
  flags: string[],
  env: Record<string, string> = {},
): Promise<{ url: string; stop(): Promise<void> }> {
  const argv = runtimeName() === "deno" ? ["run", "-A", DEMO, ...flags] : [DEMO, ...flags];
  const child = spawnProcess(executablePath(), argv, {
    env: { ...environment(), PORT: "0", ...env },
    stderr: "pipe",
  });
  const reader = child.stderr!.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  const url = await within(
    (async () => {
      for (let i = 0; i < 1000; i++) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`demo exited before listening: ${seen}`);
        seen += value;
        const match = seen.match(/listening on (http:\/\/\S+\/mcp)/);
        if (match) return match[1];
      }
      throw new Error(`no listening line: ${seen}`);
    })(),
    30_000,
    "the demo server to listen",
  );
  // Keep draining stderr so the child never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  return {
    url,
    async stop() {
      child.kill();
      await child.exited;
    },
  };
}

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
