import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { ClientError, McpClient } from "../../client/mod.ts";
import type { JsonObject, JsonRpcMessage } from "../../protocol/mod.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { type HttpServerHandle, serveHttp } from "../../runtime/mod.ts";
import { deferred, NODE, repoPath, within } from "./helpers.ts";

const info = { name: "robustness-test", version: "1.0.0" };
const quiet = { onWarning: () => {}, eraCache: false } as const;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

/**
 * A modern HTTP server whose tools misbehave in the ways their names say. `hang` answers only
 * once `release` settles (the test releases it when done).
 */
function misbehavingHandler(release: Promise<void>): (request: Request) => Promise<Response> {
  let rounds = 0;
  return async (request) => {
    const message = await request.json() as { id: number; method: string; params: JsonObject };
    const ok = (result: JsonObject) =>
      json({ jsonrpc: "2.0", id: message.id, result: { resultType: "complete", ...result } });
    if (message.method === "server/discover") {
      return ok({ supportedVersions: ["2026-07-28"], capabilities: { tools: {} } });
    }
    if (message.method === "tools/list") return ok({ tools: [] });
    switch (message.params.name) {
      case "ok":
        return ok({ content: [{ type: "text", text: "ok" }] });
      case "garbage":
        return new Response("<html>oops</html>", {
          headers: { "content-type": "application/json" },
        });
      case "wrong-id":
        return json({ jsonrpc: "2.0", id: 999_999, result: { content: [] } });
      case "server-error":
        return new Response("kaboom", { status: 500 });
      case "cut-stream": {
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            const progress = {
              jsonrpc: "2.0",
              method: "notifications/progress",
              params: { progressToken: 1, progress: 1 },
            };
            controller.enqueue(
              new TextEncoder().encode(
                `data: ${JSON.stringify(progress)}\n\ndata: {"jsonrpc":"2.0","id":`,
              ),
            );
            controller.close();
          },
        });
        return new Response(body, { headers: { "content-type": "text/event-stream" } });
      }
      case "hang":
        await release;
        return ok({ content: [] });
      case "forever-input":
        rounds += 1;
        return ok({
          resultType: "input_required",
          inputRequests: {
            again: {
              method: "elicitation/create",
              params: {
                message: `round ${rounds}`,
                requestedSchema: { type: "object", properties: {} },
              },
            },
          },
        });
      case "needs-sampling":
        return ok({
          resultType: "input_required",
          inputRequests: {
            llm: { method: "sampling/createMessage", params: { messages: [], maxTokens: 5 } },
          },
        });
    }
    return json({
      jsonrpc: "2.0",
      id: message.id,
      error: { code: -32602, message: "unknown tool" },
    });
  };
}

describe("misbehaving HTTP server", () => {
  let http: HttpServerHandle;
  let client: McpClient;
  const releaseHang = deferred();
  before(async () => {
    http = await serveHttp(misbehavingHandler(releaseHang.promise), { onError: () => {} });
    client = new McpClient(info, {
      ...quiet,
      maxInputRounds: 3,
      handlers: { elicit: () => ({ action: "accept", content: {} }) },
    });
    await client.connect(`${http.url}/mcp`);
  });
  after(async () => {
    releaseHang.resolve();
    await client.close();
    await http.close();
  });

  test("garbage in a JSON response rejects that call only", async () => {
    await assert.rejects(client.callTool("garbage"), /did not carry a response/);
    assert.equal((await client.callToolContent("ok"))[0].type, "text");
  });

  test("a response with the wrong id rejects that call only", async () => {
    await assert.rejects(client.callTool("wrong-id"), /did not carry a response/);
    await client.callTool("ok");
  });

  test("an SSE stream cut in the middle rejects with a clear error", async () => {
    await assert.rejects(
      client.callTool("cut-stream"),
      /closed the response stream .* before sending the response/,
    );
    await client.callTool("ok");
  });

  test("HTTP 500 is reported with its status", async () => {
    await assert.rejects(client.callTool("server-error"), { status: 500 });
  });

  test("a server that never answers times out and the call is abandoned", async () => {
    await assert.rejects(
      client.callTool("hang", {}, { timeoutMs: 100 }),
      (error: Error & { data?: { timeoutMs?: number } }) =>
        /timed out after 100 ms/.test(error.message) && error.data?.timeoutMs === 100,
    );
    await client.callTool("ok");
  });

  test("endless input_required rounds stop at the bound", async () => {
    await assert.rejects(client.callTool("forever-input"), (error) => {
      assert.ok(error instanceof ClientError);
      assert.match(error.message, /after 3 rounds/);
      return true;
    });
  });

  test("an input request without a handler is a clear client error", async () => {
    await assert.rejects(client.callTool("needs-sampling"), /no sampling handler/);
  });
});

describe("misbehaving stdio server", () => {
  const command = {
    command: NODE,
    args: [repoPath("tests/client/fixtures/bad_stdio_server.mjs")],
    stderr: "capture" as const,
  };

  test("garbage output, wrong ids and late answers are survived", async () => {
    const warnings: string[] = [];
    const strayAnswer = deferred();
    const client = new McpClient(info, {
      eraCache: false,
      onWarning: (w) => {
        warnings.push(w);
        if (/unknown or finished request/.test(w) && !/424242/.test(w)) strayAnswer.resolve();
      },
    });
    try {
      await client.connect(command);
      assert.equal(client.era, "modern");
      await assert.rejects(client.callTool("garbage", {}, { timeoutMs: 150 }), /timed out/);
      await assert.rejects(client.callTool("wrong-id", {}, { timeoutMs: 150 }), /timed out/);
      const controller = new AbortController();
      const late = client.callTool("late", {}, { signal: controller.signal });
      controller.abort();
      await assert.rejects(late, /cancelled/);
      // The server answers the cancelled call anyway; the client drops that answer and goes on.
      await within(strayAnswer.promise, 10_000, "the late answer to the cancelled call");
      assert.deepEqual(await client.callToolContent("ok"), [{ type: "text", text: "ok" }]);
      assert.ok(warnings.some((w) => /invalid message/.test(w)), warnings.join("\n"));
      assert.ok(warnings.some((w) => /424242/.test(w)), warnings.join("\n"));
    } finally {
      await client.close();
    }
  });

  test("a crashing child fails the pending call with its exit code and stderr", async () => {
    const client = new McpClient(info, quiet);
    try {
      await client.connect(command);
      await assert.rejects(client.callTool("crash"), (error: Error) => {
        assert.match(error.message, /exited with code 3/);
        assert.match(error.message, /simulated crash/);
        return true;
      });
      await assert.rejects(client.callTool("ok"), /Connection closed/);
    } finally {
      await client.close();
    }
  });

  test("a child that never answers: the probe times out, then initialize does", async () => {
    const client = new McpClient(info, { ...quiet, probeTimeoutMs: 100, timeoutMs: 200 });
    try {
      // The probe's 100 ms, then initialize's own 200 ms: the timers configured, not a default.
      await assert.rejects(
        client.connect({ ...command, args: [...command.args, "silent"] }),
        /initialize timed out after 200 ms/,
      );
    } finally {
      await client.close();
    }
  });
});

describe("legacy server-to-client requests", () => {
  test("a request without a handler is answered with -32601", async () => {
    const [clientSide, serverSide] = createMemoryPair();
    const received: JsonRpcMessage[] = [];
    const bothAnswered = deferred();
    await serverSide.start({
      message(incoming) {
        if (incoming.kind === "request" && incoming.message.method === "initialize") {
          serverSide.send({
            jsonrpc: "2.0",
            id: incoming.message.id,
            result: {
              protocolVersion: "2025-06-18",
              capabilities: {},
              serverInfo: { name: "old", version: "0" },
            },
          });
        } else if (incoming.kind === "request") {
          serverSide.send({
            jsonrpc: "2.0",
            id: incoming.message.id,
            error: { code: -32601, message: "nope" },
          });
        } else if (incoming.kind === "response") {
          received.push(incoming.message);
          if (received.length === 2) bothAnswered.resolve();
        } else if (
          incoming.kind === "notification" &&
          incoming.message.method === "notifications/initialized"
        ) {
          serverSide.send({
            jsonrpc: "2.0",
            id: "s1",
            method: "sampling/createMessage",
            params: { messages: [], maxTokens: 1 },
          });
          serverSide.send({ jsonrpc: "2.0", id: "s2", method: "ping" });
        }
      },
      close() {},
    });
    const client = new McpClient(info, quiet);
    try {
      await client.connect(clientSide);
      assert.equal(client.era, "legacy");
      assert.equal(client.protocolVersion, "2025-06-18");
      await within(bothAnswered.promise, 10_000, "answers to both server requests");
      const byId = Object.fromEntries(received.map((m) => [String((m as { id: string }).id), m]));
      assert.equal((byId.s1 as { error: { code: number } }).error.code, -32601);
      assert.deepEqual((byId.s2 as { result: unknown }).result, {});
    } finally {
      await client.close();
    }
  });
});
