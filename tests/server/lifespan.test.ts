/** The server lifespan: typed state in handlers, one run, disposal on close, a failing lifespan. */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject, JsonRpcResponse } from "../../protocol/jsonrpc.ts";
import { LifespanError } from "../../server/lifespan.ts";
import { McpServer } from "../../server/server.ts";
import { deferred, within } from "../async.ts";
import { modern } from "./helpers.ts";

function resultOf(response: JsonRpcResponse): JsonObject {
  assert.ok("result" in response, JSON.stringify(response));
  return response.result as JsonObject;
}

function textOf(response: JsonRpcResponse): string {
  const content = resultOf(response).content as { text: string }[];
  return content[0].text;
}

function errorOf(response: JsonRpcResponse): { code: number; message: string } {
  assert.ok("error" in response, JSON.stringify(response));
  return response.error;
}

/** Compile-time check: `deno check` fails when the two types differ. */
function sameType<A, B>(
  _proof: (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false,
): void {}

describe("lifespan state", () => {
  test("reaches tool, resource, template and prompt handlers, typed", async () => {
    let runs = 0;
    const server = new McpServer({ name: "life", version: "1.0.0" }, {
      lifespan: async (started) => {
        runs += 1;
        await Promise.resolve();
        return { greeting: `hello from ${started.info.name}`, count: 41 };
      },
    });
    server.tool({
      name: "greet",
      handler: (_args, context) => {
        sameType<typeof context.state, { greeting: string; count: number }>(true);
        return `${context.state.greeting} ${context.state.count + 1}`;
      },
    });
    server.resource({
      uri: "life://fixed",
      name: "fixed",
      read: (_uri, context) => context.state.greeting,
    });
    server.resourceTemplate({
      uriTemplate: "life://items/{id}",
      name: "item",
      read: (_uri, { id }, context) => `${context.state.greeting} ${id}`,
    });
    server.prompt({
      name: "hello",
      get: (_args, context) => context.state.greeting,
    });
    assert.equal(runs, 0, "the lifespan waits for the first request");
    const [call, again] = await Promise.all([
      server.handleRequest(modern("tools/call", { name: "greet" })),
      server.handleRequest(modern("tools/call", { name: "greet" })),
    ]);
    assert.equal(textOf(call), "hello from life 42");
    assert.equal(textOf(again), "hello from life 42");
    const fixed = resultOf(
      await server.handleRequest(modern("resources/read", { uri: "life://fixed" })),
    );
    assert.equal((fixed.contents as { text: string }[])[0].text, "hello from life");
    const item = resultOf(
      await server.handleRequest(modern("resources/read", { uri: "life://items/7" })),
    );
    assert.equal((item.contents as { text: string }[])[0].text, "hello from life 7");
    const prompt = resultOf(await server.handleRequest(modern("prompts/get", { name: "hello" })));
    const message = (prompt.messages as { content: { text: string } }[])[0];
    assert.equal(message.content.text, "hello from life");
    assert.equal(runs, 1, "the lifespan runs once");
    await server.close();
  });

  test("without a lifespan the state is undefined, and closing changes nothing", async () => {
    const server = new McpServer({ name: "plain", version: "1.0.0" });
    server.tool({
      name: "state",
      handler: (_args, context) => {
        sameType<typeof context.state, undefined>(true);
        return String(context.state);
      },
    });
    assert.equal(
      textOf(await server.handleRequest(modern("tools/call", { name: "state" }))),
      "undefined",
    );
    await server.close();
    assert.equal(
      textOf(await server.handleRequest(modern("tools/call", { name: "state" }))),
      "undefined",
    );
  });

  test("start() runs the lifespan before any request", async () => {
    const ran = deferred<string>();
    const server = new McpServer({ name: "eager", version: "1.0.0" }, {
      lifespan: () => {
        ran.resolve("ran");
        return 1;
      },
    });
    await server.start();
    assert.equal(await within(ran.promise, 5_000, "the lifespan"), "ran");
    await server.start(); // idempotent
    await server.close();
  });
});

describe("lifespan disposal", () => {
  test("close() awaits [Symbol.asyncDispose], and later requests fail", async () => {
    const events: string[] = [];
    const release = deferred();
    const server = new McpServer({ name: "disposing", version: "1.0.0" }, {
      lifespan: () => ({
        pool: "open",
        async [Symbol.asyncDispose]() {
          events.push("dispose started");
          await release.promise;
          events.push("disposed");
        },
      }),
    });
    server.tool({ name: "pool", handler: (_args, context) => context.state.pool });
    assert.equal(
      textOf(await server.handleRequest(modern("tools/call", { name: "pool" }))),
      "open",
    );
    const closing = server.close();
    const closedTwice = server.close();
    let settled = false;
    void closing.then(() => (settled = true));
    await Promise.resolve();
    assert.equal(settled, false, "close() waits for the disposer");
    release.resolve();
    await within(closing, 5_000, "close()");
    await closedTwice;
    assert.deepEqual(events, ["dispose started", "disposed"]);
    const after = errorOf(await server.handleRequest(modern("tools/call", { name: "pool" })));
    assert.match(after.message, /lifespan/);
    await assert.rejects(server.start(), LifespanError);
  });

  test("a state with [Symbol.dispose] is disposed; an unstarted lifespan is not run by close()", async () => {
    let disposed = 0;
    let runs = 0;
    const make = () =>
      new McpServer({ name: "sync", version: "1.0.0" }, {
        lifespan: () => {
          runs += 1;
          return { [Symbol.dispose]: () => void (disposed += 1) };
        },
      });
    const used = make();
    await used.start();
    await used.close();
    assert.equal(disposed, 1);
    const unused = make();
    await unused.close();
    assert.equal(runs, 1, "closing a server that never started does not start it");
    assert.equal(disposed, 1);
  });
});

describe("a failing lifespan", () => {
  test("makes requests fail with an error naming the lifespan, keeping the cause", async () => {
    const cause = new Error("database unreachable");
    const server = new McpServer({ name: "broken", version: "1.0.0" }, {
      lifespan: () => {
        throw cause;
      },
    });
    server.tool({ name: "never", handler: () => "unreachable" });
    const error = errorOf(await server.handleRequest(modern("tools/call", { name: "never" })));
    assert.equal(error.code, -32603);
    assert.match(error.message, /lifespan failed: database unreachable/);
    const rejected = await server.start().then(() => undefined, (reason: unknown) => reason);
    assert.ok(rejected instanceof LifespanError);
    assert.equal(rejected.cause, cause);
    await server.close(); // nothing to dispose, and no throw
  });
});
