import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import type { JsonObject, JsonRpcRequest, JsonRpcResponse } from "../../protocol/jsonrpc.ts";
import { McpServer } from "../../server/server.ts";
import { createLegacySession } from "../../transports/session.ts";
import { modern } from "./helpers.ts";

function result(response: JsonRpcResponse): JsonObject {
  assert.ok("result" in response, JSON.stringify(response));
  return response.result as JsonObject;
}

function error(response: JsonRpcResponse): { code: number; message: string } {
  assert.ok("error" in response, JSON.stringify(response));
  return response.error as { code: number; message: string };
}

function echoServer(): McpServer {
  const server = new McpServer({ name: "mw", version: "1.0.0" });
  server.tool({
    name: "echo",
    input: { type: "object", properties: { text: { type: "string" } } },
    handler: (args: { text?: string }) => args.text ?? "",
  });
  return server;
}

const call = (text: string): JsonRpcRequest =>
  modern("tools/call", { name: "echo", arguments: { text } });

describe("server.use", () => {
  test("logs every request with its method and era", async () => {
    const server = echoServer();
    const log: string[] = [];
    server.use(async (request, next) => {
      const answer = await next();
      log.push(`${request.era} ${request.method} ${request.protocolVersion}`);
      return answer;
    });
    result(await server.handleRequest(modern("tools/list")));
    result(await server.handleRequest(call("hi")));
    const session = createLegacySession(() => {});
    result(
      await server.handleRequest({
        jsonrpc: "2.0",
        id: 1,
        method: "initialize",
        params: { protocolVersion: "2025-06-18", capabilities: {} },
      }, { session }),
    );
    result(await server.handleRequest({ jsonrpc: "2.0", id: 2, method: "ping" }, { session }));
    assert.deepEqual(log, [
      "modern tools/list 2026-07-28",
      "modern tools/call 2026-07-28",
      "legacy initialize undefined",
      "legacy ping 2025-06-18",
    ]);
  });

  test("timing sees the handler's duration", async () => {
    const server = new McpServer({ name: "t", version: "1" });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    server.tool({
      name: "slow",
      handler: async () => {
        await gate;
        return "done";
      },
    });
    const timings: { method: string; ms: number }[] = [];
    let observed = false;
    server.use(async (request, next) => {
      const started = performance.now();
      const pending = next();
      observed = true;
      const answer = await pending;
      timings.push({ method: request.method, ms: performance.now() - started });
      return answer;
    });
    const response = server.handleRequest(modern("tools/call", { name: "slow" }));
    await Promise.resolve();
    await Promise.resolve();
    assert.equal(timings.length, 0, "the middleware waits for the handler");
    release();
    result(await response);
    assert.ok(observed);
    assert.equal(timings.length, 1);
    assert.equal(timings[0].method, "tools/call");
    assert.ok(timings[0].ms >= 0);
  });

  test("a per-client rate limit by session id or principal", async () => {
    const server = echoServer();
    const counts = new Map<string, number>();
    server.use((request, next) => {
      const client = request.auth?.subject ?? request.sessionId ?? "anonymous";
      const count = (counts.get(client) ?? 0) + 1;
      counts.set(client, count);
      if (count > 2) {
        throw new McpError(ErrorCode.InvalidRequest, `Rate limit exceeded for ${client}`);
      }
      return next();
    });
    const alice = { auth: { subject: "alice", token: "a", scopes: [] } };
    const bob = { auth: { subject: "bob", token: "b", scopes: [] } };
    result(await server.handleRequest(call("1"), alice));
    result(await server.handleRequest(call("2"), alice));
    const limited = error(await server.handleRequest(call("3"), alice));
    assert.equal(limited.code, ErrorCode.InvalidRequest);
    assert.match(limited.message, /Rate limit exceeded for alice/);
    result(await server.handleRequest(call("1"), bob));
    const session = createLegacySession(() => {}, "session-1");
    const init = (id: number): JsonRpcRequest => ({
      jsonrpc: "2.0",
      id,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {} },
    });
    result(await server.handleRequest(init(1), { session }));
    result(await server.handleRequest({ jsonrpc: "2.0", id: 2, method: "ping" }, { session }));
    assert.equal(error(await server.handleRequest(init(3), { session })).code, -32600);
    assert.equal(counts.get("session-1"), 3);
  });

  test("an authorization check refuses a tool to a principal without its scope", async () => {
    const server = echoServer();
    server.use((request, next) => {
      if (request.method === "tools/call" && !request.auth?.scopes.includes("tools:call")) {
        throw new McpError(-32003, "Forbidden", { needed: "tools:call" });
      }
      return next();
    });
    const denied = await server.handleRequest(call("x"), {
      auth: { subject: "u", token: "t", scopes: ["read"] },
    });
    assert.deepEqual(error(denied), {
      code: -32003,
      message: "Forbidden",
      data: { needed: "tools:call" },
    });
    const allowed = result(
      await server.handleRequest(call("x"), {
        auth: { subject: "u", token: "t", scopes: ["tools:call"] },
      }),
    );
    assert.deepEqual(allowed.content, [{ type: "text", text: "x" }]);
    result(await server.handleRequest(modern("tools/list")));
  });

  test("the first registered is the outermost; a short-circuit skips the rest", async () => {
    const server = echoServer();
    const order: string[] = [];
    server.use(async (_request, next) => {
      order.push("a in");
      const answer = await next();
      order.push("a out");
      return answer;
    });
    const remove = server.use((request, next) => {
      order.push("b");
      if (request.method === "tools/list") return Promise.resolve({ tools: [], cached: true });
      return next();
    });
    server.use(async (_request, next) => {
      order.push("c");
      return await next();
    });
    const listed = result(await server.handleRequest(modern("tools/list")));
    assert.deepEqual(listed, { tools: [], cached: true, resultType: "complete" });
    assert.deepEqual(order, ["a in", "b", "a out"]);
    order.length = 0;
    result(await server.handleRequest(call("z")));
    assert.deepEqual(order, ["a in", "b", "c", "a out"]);
    order.length = 0;
    remove();
    const full = result(await server.handleRequest(modern("tools/list")));
    assert.equal((full.tools as unknown[]).length, 1);
    assert.deepEqual(order, ["a in", "c", "a out"]);
  });

  test("a middleware can change the result; a plain Error becomes an internal error", async () => {
    const server = echoServer();
    server.use(async (_request, next) => ({ ...(await next()), stamped: true }));
    assert.equal(result(await server.handleRequest(call("s"))).stamped, true);
    server.use(() => {
      throw new Error("broken middleware");
    });
    assert.equal(error(await server.handleRequest(call("s"))).code, ErrorCode.InternalError);
  });
});

describe("server.useTool", () => {
  test("sees the name, args and context; can rewrite args and the result", async () => {
    const server = echoServer();
    const seen: string[] = [];
    server.useTool(async (call, next) => {
      seen.push(`${call.name} ${JSON.stringify(call.args)} ${call.context.era}`);
      const answer = await next({ ...call, args: { text: String(call.args.text).toUpperCase() } });
      return { ...answer, _meta: { wrapped: true } };
    });
    server.useTool((call, next) => {
      seen.push(`inner ${String(call.args.text)}`);
      return next();
    });
    const answer = result(await server.handleRequest(call("hey")));
    assert.deepEqual(answer.content, [{ type: "text", text: "HEY" }]);
    assert.equal((answer._meta as JsonObject).wrapped, true);
    assert.deepEqual(seen, ['echo {"text":"hey"} modern', "inner HEY"]);
  });

  test("short-circuits, and an McpError becomes a JSON-RPC error", async () => {
    const server = echoServer();
    let reached = false;
    server.tool({ name: "guarded", handler: () => (reached = true, "ran") });
    server.useTool((call, next) => {
      if (call.name === "guarded") throw new McpError(ErrorCode.InvalidParams, "guarded tool");
      if (call.args.text === "cached") {
        return Promise.resolve({ content: [{ type: "text", text: "from cache" }] });
      }
      return next();
    });
    const refused = error(await server.handleRequest(modern("tools/call", { name: "guarded" })));
    assert.equal(refused.code, ErrorCode.InvalidParams);
    assert.equal(reached, false);
    const cached = result(await server.handleRequest(call("cached")));
    assert.deepEqual(cached.content, [{ type: "text", text: "from cache" }]);
  });

  test("does not run for other methods", async () => {
    const server = echoServer();
    let calls = 0;
    server.useTool((_call, next) => (calls += 1, next()));
    result(await server.handleRequest(modern("tools/list")));
    assert.equal(calls, 0);
  });
});
