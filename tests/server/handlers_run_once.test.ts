import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { McpClient } from "../../client/mod.ts";
import type { ClientOptions } from "../../client/mod.ts";
import type { JsonObject, JsonRpcNotification, JsonRpcRequest } from "../../protocol/mod.ts";
import type { AuthInfo, RequestScope } from "../../protocol/server_endpoint.ts";
import { executablePath, runtimeName, serveHttp } from "../../runtime/mod.ts";
import { createMemoStore, MAX_MEMO_BYTES } from "../../server/once.ts";
import type { ServerOptions } from "../../server/options.ts";
import { McpServer } from "../../server/server.ts";
import { connectServer } from "../../transports/connect.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { deferred, within } from "../async.ts";
import { modern } from "./helpers.ts";

/** What the handlers of one test did, per call (by the `n` argument). */
interface Counts {
  invocations: { [n: number]: number };
  charges: number;
  aborted: { [n: number]: ReturnType<typeof deferred<unknown>> };
}

function counts(): Counts {
  return { invocations: {}, charges: 0, aborted: {} };
}

function abortedOf(seen: Counts, n: number): ReturnType<typeof deferred<unknown>> {
  return seen.aborted[n] ??= deferred<unknown>();
}

const caps = { elicitation: {} };
const info = { name: "run-once-test", version: "1.0.0" };

/** A server whose `twice` tool charges once (behind `context.once`) and elicits twice. */
function runOnceServer(seen: Counts, options: ServerOptions = {}): McpServer {
  const server = new McpServer({ name: "run-once", version: "1.0.0" }, options);
  server.tool({
    name: "twice",
    input: { type: "object", properties: { n: { type: "number" } } },
    handler: async (args: { n?: number }, context) => {
      const n = args.n ?? 0;
      seen.invocations[n] = (seen.invocations[n] ?? 0) + 1;
      const aborted = abortedOf(seen, n);
      context.signal.addEventListener("abort", () => aborted.resolve(context.signal.reason));
      context.progress(1, 3);
      const charge = await context.once("charge", () => `charge-${++seen.charges}`);
      const name = await context.elicit({
        message: "Name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      });
      context.progress(2, 3);
      context.log("info", "got a name");
      const sure = await context.elicit({
        message: "Sure?",
        requestedSchema: { type: "object", properties: {} },
      });
      context.progress(3, 3);
      return `${charge}:${String(name.content?.name)}:${sure.action}`;
    },
  });
  return server;
}

function call(params: JsonObject, extra: JsonObject = {}): JsonRpcRequest {
  const request = modern("tools/call", { name: "twice", ...params }, caps);
  Object.assign(request.params!._meta as JsonObject, extra);
  return request;
}

function resultOf(response: unknown): JsonObject {
  assert.ok(response && typeof response === "object" && "result" in response, String(response));
  return (response as { result: JsonObject }).result;
}

function errorOf(response: unknown): { code: number; message: string } {
  assert.ok(response && typeof response === "object" && "error" in response);
  return (response as { error: { code: number; message: string } }).error;
}

/** The answers to the first round's and the second round's input request. */
function answerTo(round: JsonObject, which: 1 | 2): JsonObject {
  assert.equal(round.resultType, "input_required");
  const [key] = Object.keys(round.inputRequests as JsonObject);
  const answer = which === 1
    ? { action: "accept", content: { name: "Ada" } }
    : { action: "accept" };
  return { inputResponses: { [key]: answer }, requestState: round.requestState as string };
}

/** Drives the three rounds of `twice` through `serve`, one server per round. */
async function threeRounds(
  serve: [McpServer, McpServer, McpServer],
  scopes: RequestScope[] = [{}, {}, {}],
  args: JsonObject = {},
): Promise<JsonObject> {
  const first = resultOf(await serve[0].handleRequest(call({ arguments: args }), scopes[0]));
  const second = resultOf(
    await serve[1].handleRequest(call({ arguments: args, ...answerTo(first, 1) }), scopes[1]),
  );
  return resultOf(
    await serve[2].handleRequest(call({ arguments: args, ...answerTo(second, 2) }), scopes[2]),
  );
}

const handlers: ClientOptions["handlers"] = {
  elicit: (params) =>
    params.message === "Name?" ? { action: "accept", content: { name: "Ada" } } : {
      action: "accept",
    },
};

describe("handlers that ask for input run once (2026-07-28)", () => {
  test("a handler eliciting twice runs once; progress and logs go to the round in progress", async () => {
    const seen = counts();
    const server = runOnceServer(seen);
    const streams: JsonRpcNotification[][] = [[], [], []];
    const scopes = streams.map((stream) => ({
      notify: (m: JsonRpcNotification) => stream.push(m),
    }));
    const meta = { progressToken: "p", "io.modelcontextprotocol/logLevel": "info" };
    const first = resultOf(await server.handleRequest(call({}, meta), scopes[0]));
    const second = resultOf(
      await server.handleRequest(call(answerTo(first, 1), meta), scopes[1]),
    );
    const third = resultOf(await server.handleRequest(call(answerTo(second, 2), meta), scopes[2]));
    assert.deepEqual(third.content, [{ type: "text", text: "charge-1:Ada:accept" }]);
    assert.deepEqual(seen.invocations, { 0: 1 });
    assert.equal(seen.charges, 1);
    const progress = streams.map((stream) =>
      stream.filter((m) => m.method === "notifications/progress").map((m) => m.params?.progress)
    );
    assert.deepEqual(progress, [[1], [2], [3]]);
    const logs = streams.map((stream) =>
      stream.filter((m) => m.method === "notifications/message").length
    );
    assert.deepEqual(logs, [0, 1, 0]);
    assert.equal(
      await within(seen.aborted[0].promise, 10_000, "the run's end"),
      "request finished",
    );
  });

  test("a retry that leaves an input unanswered is asked it again, the run still once", async () => {
    const seen = counts();
    const server = runOnceServer(seen);
    const first = resultOf(await server.handleRequest(call({})));
    const again = resultOf(
      await server.handleRequest(call({ requestState: first.requestState as string })),
    );
    assert.equal(again.resultType, "input_required");
    assert.deepEqual(Object.keys(again.inputRequests as JsonObject), [
      ...Object.keys(first.inputRequests as JsonObject),
    ]);
    const second = resultOf(await server.handleRequest(call(answerTo(again, 1))));
    const third = resultOf(await server.handleRequest(call(answerTo(second, 2))));
    assert.deepEqual(third.content, [{ type: "text", text: "charge-1:Ada:accept" }]);
    assert.deepEqual(seen.invocations, { 0: 1 });
  });

  test("over the in-memory transport, with McpClient", async () => {
    const seen = counts();
    const [clientSide, serverSide] = createMemoryPair();
    await connectServer(runOnceServer(seen), serverSide);
    const client = new McpClient(info, { handlers });
    try {
      await client.connect(clientSide);
      assert.equal(client.era, "modern");
      assert.deepEqual(await client.callToolContent("twice", { n: 1 }), [{
        type: "text",
        text: "charge-1:Ada:accept",
      }]);
      assert.deepEqual(seen.invocations, { 1: 1 });
      assert.equal(seen.charges, 1);
    } finally {
      await client.close();
    }
  });

  test("over stdio, with McpClient, the server on this runtime", async () => {
    const file = decodeURIComponent(
      new URL("./fixtures/run_once_server.ts", import.meta.url).pathname,
    );
    const client = new McpClient(info, { handlers, eraCache: false });
    try {
      await client.connect({
        command: executablePath(),
        args: runtimeName() === "deno" ? ["run", "-A", file] : [file],
      });
      assert.equal(client.era, "modern");
      assert.deepEqual(await client.callToolContent("twice"), [{
        type: "text",
        text: "charge-1:Ada:accept",
      }]);
      assert.deepEqual(await client.callToolContent("counts"), [{
        type: "text",
        text: JSON.stringify({ invocations: 1, charges: 1 }),
      }]);
    } finally {
      await client.close();
    }
  });

  test("over Streamable HTTP, with McpClient, progress from every round", async () => {
    const seen = counts();
    const http = await serveHttp(createHttpHandler(runOnceServer(seen)));
    const client = new McpClient(info, { handlers, eraCache: false });
    try {
      await client.connect(`${http.url}/mcp`);
      assert.equal(client.era, "modern");
      const progress: number[] = [];
      const result = await client.callTool("twice", { n: 2 }, {
        onProgress: (p) => progress.push(p.progress),
      });
      assert.deepEqual(result.content, [{ type: "text", text: "charge-1:Ada:accept" }]);
      assert.deepEqual(seen.invocations, { 2: 1 });
      assert.equal(seen.charges, 1);
      assert.deepEqual(progress, [1, 2, 3]);
    } finally {
      await client.close();
      await http.close();
    }
  });

  test("state from another instance replays the handler; once keeps its side effect single", async () => {
    const secret = "shared-secret-for-both-instances";
    const seenA = counts();
    const seenB = counts();
    const a = runOnceServer(seenA, { requestStateSecret: secret });
    const b = runOnceServer(seenB, { requestStateSecret: secret });
    const third = await threeRounds([a, b, b]);
    assert.deepEqual(third.content, [{ type: "text", text: "charge-1:Ada:accept" }]);
    assert.deepEqual(seenA.invocations, { 0: 1 });
    // B replayed once (the state was A's), then resumed its own run for the last round.
    assert.deepEqual(seenB.invocations, { 0: 1 });
    assert.equal(seenA.charges + seenB.charges, 1, "the charge ran once over both instances");
    // A's run was never retried here: it stays suspended until its state's lifetime ends.
    await a.close();
    assert.ok(await within(seenA.aborted[0].promise, 10_000, "A's run aborted on close"));
  });

  test("maxSuspendedRuns: 0 replays every round, once still keeps the charge single", async () => {
    const seen = counts();
    const server = runOnceServer(seen, { maxSuspendedRuns: 0 });
    const third = await threeRounds([server, server, server]);
    assert.deepEqual(third.content, [{ type: "text", text: "charge-1:Ada:accept" }]);
    assert.deepEqual(seen.invocations, { 0: 3 });
    assert.equal(seen.charges, 1);
  });

  test("a run whose client never retries is aborted at the state's lifetime", async () => {
    const seen = counts();
    const server = runOnceServer(seen, { requestStateTtlMs: 50 });
    const first = resultOf(await server.handleRequest(call({})));
    const reason = await within(seen.aborted[0].promise, 10_000, "the TTL abort");
    assert.ok(reason instanceof DOMException && reason.name === "AbortError", String(reason));
    assert.match(String((reason as DOMException).message), /did not retry in time/);
    const late = errorOf(await server.handleRequest(call(answerTo(first, 1))));
    assert.equal(late.code, -32602);
    assert.match(late.message, /expired/);
  });

  test("the table is bounded: the oldest run is evicted and its retry replays", async () => {
    const seen = counts();
    const server = runOnceServer(seen, { maxSuspendedRuns: 2 });
    const firsts: JsonObject[] = [];
    for (const n of [1, 2, 3]) {
      firsts.push(resultOf(await server.handleRequest(call({ arguments: { n } }))));
    }
    const reason = await within(seen.aborted[1].promise, 10_000, "the eviction of run 1");
    assert.match(String((reason as DOMException).message), /evicted/);
    // Runs 2 and 3 first: replaying run 1 parks it again, which would evict the oldest.
    for (const n of [2, 3, 1]) {
      const second = resultOf(
        await server.handleRequest(call({ arguments: { n }, ...answerTo(firsts[n - 1], 1) })),
      );
      const third = resultOf(
        await server.handleRequest(call({ arguments: { n }, ...answerTo(second, 2) })),
      );
      assert.deepEqual(third.content, [{
        type: "text",
        text: `charge-${n}:Ada:accept`,
      }]);
    }
    assert.deepEqual(seen.invocations, { 1: 2, 2: 1, 3: 1 });
    assert.equal(seen.charges, 3);
  });

  test("another principal cannot resume (or disturb) a suspended run", async () => {
    const seen = counts();
    const server = runOnceServer(seen);
    const alice: AuthInfo = { token: "t-alice", subject: "alice", scopes: [] };
    const mallory: AuthInfo = { token: "t-mallory", subject: "mallory", scopes: [] };
    const first = resultOf(await server.handleRequest(call({}), { auth: alice }));
    const stolen = errorOf(
      await server.handleRequest(call(answerTo(first, 1)), { auth: mallory }),
    );
    assert.equal(stolen.code, -32602);
    const anonymous = errorOf(await server.handleRequest(call(answerTo(first, 1))));
    assert.equal(anonymous.code, -32602);
    const third = await threeRounds([server, server, server], [{ auth: alice }, {
      auth: alice,
    }, { auth: alice }]);
    assert.deepEqual(third.content, [{ type: "text", text: "charge-2:Ada:accept" }]);
    // The first round's run is still alice's to resume.
    const second = resultOf(
      await server.handleRequest(call(answerTo(first, 1)), { auth: alice }),
    );
    const last = resultOf(
      await server.handleRequest(call(answerTo(second, 2)), { auth: alice }),
    );
    assert.deepEqual(last.content, [{ type: "text", text: "charge-1:Ada:accept" }]);
    assert.deepEqual(seen.invocations, { 0: 2 });
  });

  test("once: results are JSON copies, bounded in size, memoised per key", async () => {
    const memos = createMemoStore();
    let calls = 0;
    const date = await memos.once("when", () => (calls++, new Date(0)));
    assert.equal(date, "1970-01-01T00:00:00.000Z");
    assert.equal(await memos.once("when", () => (calls++, "other")), date);
    assert.equal(await memos.once("void", () => (calls++, undefined)), undefined);
    assert.equal(await memos.once("void", () => (calls++, 1)), undefined);
    assert.equal(calls, 2);
    await assert.rejects(memos.once("fn", () => () => 1), TypeError);
    await assert.rejects(memos.once("big", () => "x".repeat(MAX_MEMO_BYTES)), RangeError);
    assert.deepEqual(memos.snapshot(), { when: [date], void: [] });
    const restored = createMemoStore(memos.snapshot());
    assert.equal(await restored.once("when", () => "never"), date);
  });

  test("legacy era: once memoises within the call", async () => {
    const server = new McpServer({ name: "legacy-once", version: "1.0.0" });
    let effects = 0;
    server.tool({
      name: "effect",
      handler: async (_args, context) => {
        const a = await context.once("k", () => ++effects);
        const b = await context.once("k", () => ++effects);
        return `${a}:${b}`;
      },
    });
    const [clientSide, serverSide] = createMemoryPair();
    await connectServer(server, serverSide);
    const client = new McpClient(info, { era: "legacy" });
    try {
      await client.connect(clientSide);
      assert.deepEqual(await client.callToolContent("effect"), [{ type: "text", text: "1:1" }]);
    } finally {
      await client.close();
    }
  });
});
