/**
 * A leak test, not a timing: 200,000 requests against one Streamable HTTP endpoint in process
 * (2026-07-28 stateless `tools/call`, and 2025-11-25 sessions opened, used and deleted), with
 * `heapUsed` sampled after a forced collection at several points past a warm-up. What the
 * endpoint keeps must not grow with the number of requests served.
 *
 * `EMCEE_LEAK_REQUESTS` changes the count (default 200,000) for a slower machine or a deeper
 * look; the test prints the rate it ran at.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { McpServer } from "../../server/server.ts";
import { createHttpHandler, type HttpHandler } from "../../transports/http/server.ts";
import { collectGarbage, getEnv, memoryUsage } from "../../runtime/mod.ts";

const ENDPOINT = "http://127.0.0.1/mcp";
const MODERN = "2026-07-28";
const LEGACY = "2025-11-25";
const REQUESTS = Number(getEnv("EMCEE_LEAK_REQUESTS") ?? 200_000);
/** Requests in flight at once, as a busy server would see them. */
const CONCURRENCY = 16;
/** Heap samples taken after the warm-up, evenly spaced. */
const SAMPLES = 6;
/** The share of requests served before the first sample, so caches and JIT settle first. */
const WARM_UP_SHARE = 0.2;
/** How much the heap may move between the first and the last sample. */
const ALLOWED_GROWTH_BYTES = 4 * 2 ** 20;
/**
 * Ended session ids are remembered (10,000 by default) to tell "ended" from "unknown"; that memo
 * is bounded by design. A smaller bound lets the warm-up fill it, so it is not mistaken for growth.
 */
const REMEMBER_ENDED = 200;
const MiB = 2 ** 20;

function buildEndpoint(): HttpHandler {
  const server = new McpServer({ name: "leak-test", version: "1.0.0" });
  server.tool({
    name: "echo",
    input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    handler: (args: { text: string }) => args.text,
  });
  return createHttpHandler(server, { legacy: { rememberEndedSessions: REMEMBER_ENDED } });
}

const JSON_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};

let nextId = 0;

function modernCall(): Request {
  nextId += 1;
  const body = {
    jsonrpc: "2.0",
    id: nextId,
    method: "tools/call",
    params: {
      name: "echo",
      arguments: { text: `hello ${nextId}` },
      _meta: {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": { name: "leak-test", version: "1" },
      },
    },
  };
  return new Request(ENDPOINT, {
    method: "POST",
    headers: {
      ...JSON_HEADERS,
      "mcp-protocol-version": MODERN,
      "mcp-method": "tools/call",
      "mcp-name": "echo",
    },
    body: JSON.stringify(body),
  });
}

function legacyPost(message: object, session?: string): Request {
  const headers: Record<string, string> = { ...JSON_HEADERS, "mcp-protocol-version": LEGACY };
  if (session !== undefined) headers["mcp-session-id"] = session;
  return new Request(ENDPOINT, { method: "POST", headers, body: JSON.stringify(message) });
}

/** Sends `request` and checks the status, reading the body to the end as a client would. */
async function exchange(handler: HttpHandler, request: Request, status: number): Promise<string> {
  const response = await handler(request);
  const text = await response.text();
  assert.equal(response.status, status, text);
  return text;
}

/** Calls per legacy session between its opening and its DELETE. */
const CALLS_PER_SESSION = 4;
/** Modern calls per round; a round also runs one legacy session. */
const MODERN_PER_ROUND = 8;
/** HTTP requests one round makes: initialize, initialized, the calls, DELETE, and modern calls. */
const REQUESTS_PER_ROUND = 3 + CALLS_PER_SESSION + MODERN_PER_ROUND;

/** One round: a legacy session opened, used and deleted, interleaved with modern calls. */
async function round(handler: HttpHandler): Promise<void> {
  const init = await handler(legacyPost({
    jsonrpc: "2.0",
    id: "init",
    method: "initialize",
    params: {
      protocolVersion: LEGACY,
      capabilities: {},
      clientInfo: { name: "leak-test", version: "1" },
    },
  }));
  await init.text();
  assert.equal(init.status, 200);
  const session = init.headers.get("mcp-session-id");
  assert.ok(session, "initialize returns Mcp-Session-Id");
  await exchange(
    handler,
    legacyPost({ jsonrpc: "2.0", method: "notifications/initialized" }, session),
    202,
  );
  for (let call = 0; call < MODERN_PER_ROUND; call++) {
    const text = await exchange(handler, modernCall(), 200);
    assert.ok(text.includes("hello"), text);
    if (call < CALLS_PER_SESSION) {
      nextId += 1;
      const answer = await exchange(
        handler,
        legacyPost({
          jsonrpc: "2.0",
          id: nextId,
          method: "tools/call",
          params: { name: "echo", arguments: { text: `legacy ${nextId}` } },
        }, session),
        200,
      );
      assert.ok(answer.includes("legacy"), answer);
    }
  }
  await exchange(
    handler,
    new Request(ENDPOINT, {
      method: "DELETE",
      headers: { "mcp-session-id": session, "mcp-protocol-version": LEGACY },
    }),
    200,
  );
}

/** Runs `rounds` rounds with {@link CONCURRENCY} in flight. */
async function runRounds(handler: HttpHandler, rounds: number): Promise<void> {
  let started = 0;
  const worker = async (): Promise<void> => {
    while (started < rounds) {
      started += 1;
      await round(handler);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, rounds) }, worker));
}

function liveHeap(): number {
  // Twice: a first collection can leave garbage that finalizers or weak maps release later.
  collectGarbage();
  collectGarbage();
  return memoryUsage().heapUsed;
}

test(`heapUsed stays flat over ${REQUESTS} requests (modern calls, legacy sessions)`, async () => {
  assert.ok(Number.isInteger(REQUESTS) && REQUESTS > 0, "EMCEE_LEAK_REQUESTS is a count");
  assert.ok(collectGarbage(), "needs a forced GC: node/deno with --expose-gc, or Bun");
  const handler = buildEndpoint();
  const totalRounds = Math.ceil(REQUESTS / REQUESTS_PER_ROUND);
  const warmUpRounds = Math.ceil(totalRounds * WARM_UP_SHARE);
  const sampleRounds = Math.ceil((totalRounds - warmUpRounds) / (SAMPLES - 1));
  const started = performance.now();
  await runRounds(handler, warmUpRounds);
  const samples = [liveHeap()];
  for (let sample = 1; sample < SAMPLES; sample++) {
    await runRounds(handler, sampleRounds);
    samples.push(liveHeap());
  }
  const served = (warmUpRounds + sampleRounds * (SAMPLES - 1)) * REQUESTS_PER_ROUND;
  const seconds = (performance.now() - started) / 1000;
  const shown = samples.map((bytes) => (bytes / MiB).toFixed(2)).join(", ");
  console.log(
    `leak test: ${served} requests in ${seconds.toFixed(1)} s (${
      (served / seconds).toFixed(0)
    } req/s); heapUsed MiB after warm-up: ${shown}`,
  );
  assert.ok(served >= REQUESTS, `served ${served} of ${REQUESTS}`);
  const growth = samples[samples.length - 1] - samples[0];
  assert.ok(
    growth < ALLOWED_GROWTH_BYTES,
    `heapUsed grew ${(growth / MiB).toFixed(2)} MiB over the samples: ${shown}`,
  );
  const steps = samples.slice(1).map((bytes, index) => bytes - samples[index]);
  const monotone = steps.every((step) => step > 0) && growth > MiB;
  assert.ok(!monotone, `heapUsed rose at every sample: ${shown}`);
});
