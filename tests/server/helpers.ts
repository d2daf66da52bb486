/** Shared fixtures for server tests. */
import type { JsonObject, JsonRpcRequest } from "../../protocol/jsonrpc.ts";
import { McpServer } from "../../server/server.ts";

/** Modern `_meta` for a request. */
export function modernMeta(capabilities: JsonObject = {}): JsonObject {
  return {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": capabilities,
    "io.modelcontextprotocol/clientInfo": { name: "test", version: "1" },
  };
}

let nextId = 0;

/** A modern request with `_meta`. */
export function modern(
  method: string,
  params: JsonObject = {},
  capabilities: JsonObject = {},
): JsonRpcRequest {
  nextId += 1;
  return {
    jsonrpc: "2.0",
    id: nextId,
    method,
    params: { ...params, _meta: modernMeta(capabilities) },
  };
}

/** A small server with one of everything. */
export function sampleServer(): McpServer {
  const server = new McpServer({ name: "sample", version: "1.0.0" }, { pageSize: 2 });
  server.tool({
    name: "echo",
    description: "Echoes text",
    input: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    handler: (args: { text: string }) => args.text,
  });
  server.tool({
    name: "ask",
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      });
      const again = await context.elicit({
        message: "Sure?",
        requestedSchema: { type: "object", properties: {} },
      });
      return `${answer.action}:${String(answer.content?.name)}:${again.action}`;
    },
  });
  server.tool({
    name: "fail",
    handler: () => {
      throw new Error("boom");
    },
  });
  addSampleContent(server);
  return server;
}

/** The sample resource, template (with completion) and prompt that test servers share. */
export function addSampleContent(server: McpServer): void {
  server.resource({ uri: "test://a", name: "a", mimeType: "text/plain", read: () => "A" });
  server.resourceTemplate({
    uriTemplate: "test://items/{id}",
    name: "item",
    read: (uri, vars) => [{ uri, text: `item ${String(vars.id)}` }],
    complete: { id: (value) => ["1", "12", "2"].filter((v) => v.startsWith(value)) },
  });
  server.prompt({
    name: "greet",
    arguments: [{ name: "who", required: true }],
    get: (args) => ({
      messages: [{ role: "user", content: { type: "text", text: `Hello ${args.who}` } }],
    }),
  });
}
