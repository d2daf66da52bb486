/**
 * JSON-RPC batches on stdio: a JSON array line is served when the connection negotiated
 * 2025-03-26 (answered as one JSON array line, nothing for notifications only, `initialize`
 * refused inside it) and refused otherwise with the very error Streamable HTTP gives. The
 * client-test server (`serveStdio`) runs as a child on the current runtime, spoken to in raw
 * newline-delimited JSON; one child per connection.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Classified, JsonObject } from "../../../protocol/jsonrpc.ts";
import { runtimeName, spawnProcess } from "../../../runtime/mod.ts";
import { refuseBatch } from "../../../transports/http/batch.ts";
import { createStdioBatches } from "../../../transports/stdio/batch.ts";
import { type Deferred, deferred, within } from "../../async.ts";
import { runtimeCommand } from "../websocket/helpers.ts";

const encoder = new TextEncoder();

/** A child serving the client-test server on stdio, read line by line (log lines left out). */
interface Peer {
  /** Writes one line. */
  send(line: unknown): Promise<void>;
  /** The next line the server wrote, parsed. */
  next(what: string): Promise<unknown>;
  /** Closes the child's stdin; resolves with its exit code. */
  end(): Promise<number | null>;
  /** Kills the child if it still runs. */
  dispose(): Promise<void>;
}

function startPeer(): Peer {
  const { command, args } = runtimeCommand(runtimeName(), "tests/client/fixtures/emcee_server.ts");
  const child = spawnProcess(command, [...args, "stdio"], { stderr: "inherit" });
  const writer = child.stdin.getWriter();
  const lines: string[] = [];
  let waiting: Deferred<void> | undefined;
  let ended = false;
  (async () => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of child.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      let newline;
      while ((newline = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, newline);
        // The slow tool logs; log notifications say nothing about batches.
        if (!line.includes('"method":"notifications/message"')) lines.push(line);
        pending = pending.slice(newline + 1);
        waiting?.resolve();
      }
    }
  })().catch(() => {}).finally(() => {
    ended = true;
    waiting?.resolve();
  });
  return {
    send: (line) =>
      writer.write(encoder.encode((typeof line === "string" ? line : JSON.stringify(line)) + "\n")),
    async next(what) {
      while (lines.length === 0) {
        if (ended) throw new Error(`stdout ended before ${what}`);
        waiting = deferred();
        await within(waiting.promise, 10_000, what);
      }
      return JSON.parse(lines.shift()!);
    },
    async end() {
      await writer.close();
      return (await within(child.exited, 10_000, "the child's exit")).code;
    },
    async dispose() {
      await writer.close().catch(() => {});
      child.kill("SIGKILL");
      await child.exited.catch(() => {});
    },
  };
}

/** Initializes the connection at `version` (legacy handshake). */
async function initialize(peer: Peer, version: string): Promise<void> {
  await peer.send({
    jsonrpc: "2.0",
    id: 0,
    method: "initialize",
    params: {
      protocolVersion: version,
      capabilities: {},
      clientInfo: { name: "hand-written", version: "1" },
    },
  });
  const answer = await peer.next("the initialize response") as JsonObject;
  assert.equal((answer.result as JsonObject).protocolVersion, version);
  await peer.send({ jsonrpc: "2.0", method: "notifications/initialized" });
}

function call(id: number | string, name: string, args: JsonObject = {}, meta?: JsonObject) {
  return {
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
  };
}

const ping = (id: number) => ({ jsonrpc: "2.0", id, method: "ping" });

/** The next line, which must be a JSON array; its items by id. */
async function nextBatch(peer: Peer, what: string): Promise<Map<unknown, JsonObject>> {
  const line = await peer.next(what);
  assert.ok(Array.isArray(line), `${what}: ${JSON.stringify(line)}`);
  return new Map((line as JsonObject[]).map((item) => [item.id, item]));
}

/** The error message Streamable HTTP refuses `items` with. */
async function httpRefusal(items: unknown[]): Promise<JsonObject> {
  return await refuseBatch({ kind: "batch", items }).json();
}

// Started together, so the three children's start-up overlaps.
const batching = startPeer();
const ending = startPeer();
const refusing = startPeer();

describe("JSON-RPC batches on stdio, 2025-03-26", () => {
  const peer = batching;
  before(() => initialize(peer, "2025-03-26"));
  after(() => Promise.all([peer.dispose(), ending.dispose()]));

  test("the responses of a batch's requests come back as one JSON array line", async () => {
    await peer.send([
      call(1, "add", { a: 2, b: 3 }),
      { jsonrpc: "2.0", method: "notifications/roots/list_changed" },
      call("two", "echo", { text: "hi" }),
    ]);
    const byId = await nextBatch(peer, "the batch answer");
    assert.equal(byId.size, 2);
    assert.deepEqual(byId.get(1)?.result, {
      content: [{ type: "text", text: "5" }],
      structuredContent: { sum: 5 },
    });
    assert.deepEqual(byId.get("two")?.result, { content: [{ type: "text", text: "hi" }] });
  });

  test("a batch of notifications only is answered with nothing", async () => {
    await peer.send([
      { jsonrpc: "2.0", method: "notifications/roots/list_changed" },
      { jsonrpc: "2.0", method: "notifications/cancelled", params: { requestId: 99 } },
    ]);
    await peer.send(ping(3));
    // The next line is the ping's answer: the batch wrote none.
    assert.deepEqual(await peer.next("the ping answer"), { jsonrpc: "2.0", id: 3, result: {} });
  });

  test("initialize, invalid items and a repeated id get their own errors in the array", async () => {
    await peer.send([
      {
        jsonrpc: "2.0",
        id: 7,
        method: "initialize",
        params: {
          protocolVersion: "2025-03-26",
          capabilities: {},
          clientInfo: { name: "x", version: "1" },
        },
      },
      { jsonrpc: "1.0", id: 8, method: "ping" },
      ping(9),
      call(10, "slow"),
      ping(10),
    ]);
    const line = await peer.next("the batch answer") as JsonObject[];
    assert.ok(Array.isArray(line));
    assert.equal(line.length, 5);
    const byId = new Map(line.map((item) => [item.id, item]));
    assert.deepEqual(byId.get(7)?.error, {
      code: -32600,
      message: "initialize must not be part of a JSON-RPC batch; send it alone",
    });
    // The item of id 8 is not JSON-RPC 2.0: answered -32600 with its id echoed.
    assert.equal((byId.get(8)?.error as JsonObject).code, -32600);
    assert.deepEqual(byId.get(9)?.result, {});
    // Two items share id 10: the first runs, the second is refused rather than mixed up with it.
    const tens = line.filter((item) => item.id === 10);
    assert.deepEqual(tens.map((item) => "result" in item), [true, false]);
    assert.match(String((tens[1].error as JsonObject).message), /already in flight/);
  });

  test("an empty batch is answered with one error, not an array", async () => {
    await peer.send("[]");
    assert.deepEqual(await peer.next("the empty batch's error"), {
      jsonrpc: "2.0",
      error: { code: -32600, message: "An empty batch is not a valid JSON-RPC request" },
    });
  });

  test("progress of a batched request comes before the batch's line", async () => {
    await peer.send([call(11, "slow", {}, { progressToken: "p" }), ping(12)]);
    const progress: unknown[] = [];
    let line = await peer.next("progress or the batch answer");
    while (!Array.isArray(line)) {
      const message = line as JsonObject;
      if (message.method === "notifications/progress") {
        progress.push((message.params as JsonObject).progress);
      }
      line = await peer.next("progress or the batch answer");
    }
    assert.deepEqual(progress, [1, 2, 3]);
    assert.deepEqual(line.map((item) => (item as JsonObject).id).sort(), [11, 12]);
  });

  test("a request of a batch cancelled on its own line leaves the rest answered", async () => {
    await peer.send([call(13, "hang", {}, { progressToken: "h" }), ping(14)]);
    const started = await peer.next("the hang tool's progress") as JsonObject;
    assert.equal(started.method, "notifications/progress");
    await peer.send({
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: 13, reason: "gave up" },
    });
    const byId = await nextBatch(peer, "the batch answer without the cancelled call");
    assert.deepEqual([...byId.keys()], [14]);
  });

  test("a batch in flight when stdin ends is answered before the process exits", async () => {
    const late = ending;
    try {
      await initialize(late, "2025-03-26");
      await late.send([call(1, "slow"), ping(2)]);
      const exited = late.end();
      const byId = await nextBatch(late, "the batch answer after EOF");
      assert.deepEqual([...byId.keys()].sort(), [1, 2]);
      assert.equal(await exited, 0);
    } finally {
      await late.dispose();
    }
  });
});

describe("JSON-RPC batches on stdio, other versions", () => {
  const peer = refusing;
  after(() => peer.dispose());

  test("refused before initialize, and after negotiating 2025-06-18, as on HTTP", async () => {
    const batch = [ping(1), ping(2)];
    await peer.send(batch);
    const refusal = await peer.next("the refusal before initialize");
    assert.deepEqual(refusal, await httpRefusal(batch));
    assert.match(JSON.stringify(refusal), /accepted only in a session that negotiated 2025-03-26/);
    await initialize(peer, "2025-06-18");
    await peer.send(batch);
    assert.deepEqual(await peer.next("the refusal in 2025-06-18"), await httpRefusal(batch));
    const withInitialize = [{ jsonrpc: "2.0", id: 3, method: "initialize", params: {} }];
    await peer.send(withInitialize);
    const alone = await peer.next("the refusal of initialize in a batch") as JsonObject;
    assert.deepEqual(alone, await httpRefusal(withInitialize));
    assert.match((alone.error as JsonObject).message as string, /send it alone/);
    // The connection keeps serving single messages.
    await peer.send(ping(4));
    assert.deepEqual(await peer.next("the ping answer"), { jsonrpc: "2.0", id: 4, result: {} });
  });
});

describe("the batches of a stdio connection, in process", () => {
  test("at shutdown, requests still running past the time are answered with its error", async () => {
    const batches = createStdioBatches(() => "2025-03-26");
    const delivered: Classified[] = [];
    batches.watch({ message: (incoming) => delivered.push(incoming), close() {} });
    const lines: unknown[] = [];
    batches.receive([ping(1), ping(2)], (line) => {
      lines.push(line);
      return Promise.resolve();
    });
    assert.deepEqual(delivered.map((incoming) => incoming.kind), ["request", "request"]);
    // A server-to-client request and a response no batch waits for go out as they are.
    assert.equal(batches.capture({ jsonrpc: "2.0", id: "s1", method: "ping" }), undefined);
    assert.equal(batches.capture({ jsonrpc: "2.0", id: 3, result: {} }), undefined);
    // The server answers the first request only; the second handler ignores its abort.
    const written = batches.capture({ jsonrpc: "2.0", id: 1, result: {} });
    assert.ok(written);
    await batches.settled(10);
    await written;
    assert.deepEqual(lines, [[
      { jsonrpc: "2.0", id: 1, result: {} },
      { jsonrpc: "2.0", id: 2, error: { code: -32001, message: "The server shut down" } },
    ]]);
  });

  test("closing the connection stops the batches waiting; their failed write is no error", async () => {
    const batches = createStdioBatches(() => "2025-03-26");
    const sink = batches.watch({ message() {}, close() {} });
    const answered: unknown[] = [];
    batches.receive([ping(1), ping(2)], (line) => {
      answered.push(line);
      return Promise.reject(new Error("Transport closed"));
    });
    const written = batches.capture({ jsonrpc: "2.0", id: 1, result: {} });
    // The second request is cancelled by the close: it gets no response.
    sink.close();
    await batches.settled(10_000);
    await written;
    assert.deepEqual(answered, [[{ jsonrpc: "2.0", id: 1, result: {} }]]);
  });
});
