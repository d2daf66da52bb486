import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { ErrorCode, McpError } from "../../protocol/errors.ts";
import { McpServer } from "../../server/server.ts";
import type { Tracer } from "../../server/tracing.ts";
import { createLegacySession } from "../../transports/session.ts";
import { modern } from "./helpers.ts";

function tracedServer() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({
    spanProcessors: [new SimpleSpanProcessor(exporter)],
  });
  // The real OpenTelemetry Tracer goes in as it is: it must fit the option's type.
  const tracer: Tracer = provider.getTracer("emcee-test");
  const server = new McpServer({ name: "traced", version: "1.0.0" }, { tracer });
  server.tool({ name: "add", handler: () => "3" });
  server.tool({
    name: "broken",
    handler: () => {
      throw new Error("tool failed");
    },
  });
  server.tool({
    name: "refuse",
    handler: () => {
      throw new McpError(ErrorCode.InvalidParams, "nope");
    },
  });
  server.prompt({ name: "greet", get: () => "hello" });
  server.resource({ uri: "test://a", name: "a", read: () => "A" });
  return { server, exporter };
}

describe("tracing with the OpenTelemetry SDK", () => {
  test("a tool call is one SERVER span named after the tool, with MCP attributes", async () => {
    const { server, exporter } = tracedServer();
    const response = await server.handleRequest(modern("tools/call", { name: "add" }));
    assert.ok("result" in response);
    const [span] = exporter.getFinishedSpans();
    assert.equal(exporter.getFinishedSpans().length, 1);
    assert.equal(span.name, "tools/call add");
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.status.code, SpanStatusCode.UNSET);
    assert.equal(span.attributes["mcp.method.name"], "tools/call");
    assert.equal(span.attributes["gen_ai.tool.name"], "add");
    assert.equal(span.attributes["gen_ai.operation.name"], "execute_tool");
    assert.equal(span.attributes["mcp.protocol.version"], "2026-07-28");
    assert.equal(span.attributes["emcee.mcp.era"], "modern");
    assert.equal(span.attributes["jsonrpc.request.id"], String(response.id));
    assert.ok(span.duration[0] >= 0 && span.duration[1] >= 0);
    assert.ok(span.ended);
  });

  test("prompts, resources and list methods get their own spans", async () => {
    const { server, exporter } = tracedServer();
    await server.handleRequest(modern("prompts/get", { name: "greet" }));
    await server.handleRequest(modern("resources/read", { uri: "test://a" }));
    await server.handleRequest(modern("tools/list"));
    const spans = exporter.getFinishedSpans();
    assert.deepEqual(spans.map((span) => span.name), [
      "prompts/get greet",
      "resources/read",
      "tools/list",
    ]);
    assert.equal(spans[0].attributes["gen_ai.prompt.name"], "greet");
    assert.equal(spans[1].attributes["mcp.resource.uri"], "test://a");
    assert.equal(spans[2].attributes["gen_ai.tool.name"], undefined);
  });

  test("errors: a tool error, a JSON-RPC error and an unknown method", async () => {
    const { server, exporter } = tracedServer();
    await server.handleRequest(modern("tools/call", { name: "broken" }));
    await server.handleRequest(modern("tools/call", { name: "refuse" }));
    await server.handleRequest(modern("no/such"));
    const [toolError, refused, unknown] = exporter.getFinishedSpans();
    assert.equal(toolError.attributes["error.type"], "tool_error");
    assert.equal(toolError.status.code, SpanStatusCode.ERROR);
    assert.equal(refused.attributes["error.type"], String(ErrorCode.InvalidParams));
    assert.equal(refused.attributes["rpc.response.status_code"], String(ErrorCode.InvalidParams));
    assert.equal(refused.status.code, SpanStatusCode.ERROR);
    assert.equal(refused.status.message, "nope");
    assert.equal(refused.events[0].name, "exception");
    assert.equal(unknown.attributes["error.type"], String(ErrorCode.MethodNotFound));
  });

  test("a legacy session's spans carry mcp.session.id and its negotiated version", async () => {
    const { server, exporter } = tracedServer();
    const session = createLegacySession(() => {}, "sess-42");
    await server.handleRequest({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {} },
    }, { session });
    await server.handleRequest({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "add" },
    }, { session });
    const [init, call] = exporter.getFinishedSpans();
    assert.equal(init.name, "initialize");
    assert.equal(init.attributes["mcp.session.id"], "sess-42");
    assert.equal(call.attributes["mcp.session.id"], "sess-42");
    assert.equal(call.attributes["mcp.protocol.version"], "2025-06-18");
    assert.equal(call.attributes["emcee.mcp.era"], "legacy");
  });

  test("the span is outside user middleware, and a global tracer works too", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    trace.setGlobalTracerProvider(provider);
    try {
      const server = new McpServer({ name: "g", version: "1" }, {
        tracer: trace.getTracer("global"),
      });
      server.use(() => {
        throw new McpError(ErrorCode.InvalidRequest, "refused by middleware");
      });
      const response = await server.handleRequest(modern("tools/list"));
      assert.ok("error" in response);
      assert.equal(response.error.code, ErrorCode.InvalidRequest);
      const [span] = exporter.getFinishedSpans();
      assert.equal(span.name, "tools/list");
      assert.equal(span.status.message, "refused by middleware");
    } finally {
      trace.disable();
    }
  });
});
