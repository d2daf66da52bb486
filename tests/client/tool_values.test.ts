import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ClientError, McpClient, ToolError } from "../../client/mod.ts";
import type { CallToolResult, JsonObject } from "../../client/mod.ts";
import { s } from "../../schema/mod.ts";
import { image, McpServer, text } from "../../server/mod.ts";
import { connectServer } from "../../transports/connect.ts";
import { createMemoryPair } from "../../transports/memory.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { serveHttp } from "../../runtime/mod.ts";
import { RETURN_TABLE, returnTableServer } from "../server/return_table.ts";

const info = { name: "values-test", version: "1.0.0" };

type Era = "modern" | "legacy";

/** A client connected to `server` in `era`, in memory or over Streamable HTTP. */
async function connected(
  server: McpServer,
  era: Era,
  over: "memory" | "http",
): Promise<{ client: McpClient; stop(): Promise<void> }> {
  const client = new McpClient(info, {
    eraCache: false,
    era: era === "legacy" ? "legacy" : undefined,
  });
  if (over === "memory") {
    const [clientSide, serverSide] = createMemoryPair();
    await connectServer(server, serverSide);
    await client.connect(clientSide);
    assert.equal(client.era, era);
    return { client, stop: () => client.close() };
  }
  const http = await serveHttp(createHttpHandler(server));
  await client.connect(`${http.url}/mcp`);
  assert.equal(client.era, era);
  return {
    client,
    stop: async () => {
      await client.close();
      await http.close();
    },
  };
}

/** The result as the tool sent it: without the era's fields (resultType, server info). */
function asSent(result: CallToolResult): JsonObject {
  const { resultType: _type, _meta, ...rest } = result as unknown as JsonObject;
  const meta = { ...(_meta as JsonObject | undefined) };
  delete meta["io.modelcontextprotocol/serverInfo"];
  return Object.keys(meta).length > 0 ? { ...rest, _meta: meta } : rest;
}

for (const era of ["modern", "legacy"] as const) {
  for (const over of ["memory", "http"] as const) {
    describe(`the return-value table through McpClient (${era}, ${over})`, () => {
      test("callTool receives what the server sends; invoke returns the value", async () => {
        const { client, stop } = await connected(returnTableServer(), era, over);
        try {
          for (const row of RETURN_TABLE) {
            const result = await client.callTool(row.name);
            if (row.error) {
              assert.equal(result.isError, true, row.name);
              assert.match((result.content[0] as { text: string }).text, row.error);
              await assert.rejects(client.invoke(row.name), (error) => {
                assert.ok(error instanceof ToolError, row.name);
                assert.equal(error.tool, row.name);
                assert.deepEqual(error.result, result);
                return true;
              });
              continue;
            }
            assert.deepEqual(asSent(result), row.sent, row.name);
            assert.deepEqual(await client.invoke(row.name), row.invoked, row.name);
            // Every text block already carries the value, so the model's list is the content.
            assert.deepEqual(
              await client.invoke(row.name, {}, { content: true }),
              row.sent!.content,
              row.name,
            );
          }
        } finally {
          await stop();
        }
      });
    });
  }
}

/** Tools for invoke's options and edge cases. */
function invokeServer(): McpServer {
  const server = new McpServer({ name: "invoke", version: "1.0.0" });
  server.tool({
    name: "add",
    input: s.object({ a: s.number(), b: s.number() }),
    output: s.number(),
    handler: ({ a, b }) => a + b,
  });
  server.tool({ name: "lines", handler: () => ({ content: [text("one"), text("two")] }) });
  server.tool({
    name: "chart",
    handler: () => ({ content: [text("Sales"), image(new Uint8Array([1, 2, 3]), "image/png")] }),
  });
  server.tool({ name: "refuse", handler: () => ({ content: [text("no")], isError: true }) });
  server.tool({
    name: "throws",
    handler: () => {
      throw new Error("disk full");
    },
  });
  return server;
}

for (const era of ["modern", "legacy"] as const) {
  describe(`invoke (${era})`, () => {
    test("a typed output comes back unwrapped, before and after listing", async () => {
      const { client, stop } = await connected(invokeServer(), era, "memory");
      try {
        // Not listed yet: invoke learns the output schema from tools/list.
        assert.equal(await client.invoke<number>("add", { a: 2, b: 3 }), 5);
        assert.equal(await client.invoke<number>("add", { a: 2, b: 3 }, { structured: true }), 5);
        assert.deepEqual(await client.callToolStructured("add", { a: 2, b: 3 }), { result: 5 });
      } finally {
        await stop();
      }
    });

    test("text blocks are joined; other content needs { content: true }", async () => {
      const { client, stop } = await connected(invokeServer(), era, "memory");
      try {
        assert.equal(await client.invoke("lines"), "one\ntwo");
        await assert.rejects(client.invoke("lines", {}, { structured: true }), (error) => {
          assert.ok(error instanceof ClientError);
          assert.match(error.message, /Tool lines returned no structuredContent/);
          return true;
        });
        await assert.rejects(
          client.invoke("chart"),
          /Tool chart returned image content, which is not a text value; invoke\("chart", args, \{ content: true \}\)/,
        );
        const blocks = await client.invoke("chart", {}, { content: true });
        assert.deepEqual(blocks, [
          { type: "text", text: "Sales" },
          { type: "image", data: "AQID", mimeType: "image/png" },
        ]);
        assert.deepEqual(await client.invoke("add", { a: 1, b: 1 }, { content: true }), [
          { type: "text", text: "2" },
        ]);
        assert.deepEqual(
          await client.invoke("chart", {}, { content: true }),
          await client.callToolContent("chart"),
        );
      } finally {
        await stop();
      }
    });

    test("a tool error throws ToolError with the raw result", async () => {
      const { client, stop } = await connected(invokeServer(), era, "memory");
      try {
        for (const [name, message] of [["refuse", "no"], ["throws", "disk full"]]) {
          await assert.rejects(client.invoke(name, {}, { content: true }), (error) => {
            assert.ok(error instanceof ToolError);
            assert.equal(error.result.isError, true);
            assert.deepEqual(error.result.content, [{ type: "text", text: message }]);
            assert.match(error.message, new RegExp(`Tool ${name} failed: ${message}`));
            return true;
          });
        }
      } finally {
        await stop();
      }
    });
  });
}

describe("invoke checks structuredContent against the listed output schema", () => {
  test("a value the schema refuses is a ClientError", async () => {
    const [clientSide, serverSide] = createMemoryPair();
    await serverSide.start({
      message(incoming) {
        if (incoming.kind !== "request") return;
        const { id, method } = incoming.message;
        const reply = (result: JsonObject) =>
          serverSide.send({ jsonrpc: "2.0", id, result: { resultType: "complete", ...result } });
        if (method === "server/discover") {
          reply({ supportedVersions: ["2026-07-28"], capabilities: { tools: {} } });
        } else if (method === "tools/list") {
          reply({
            tools: [{
              name: "count",
              inputSchema: { type: "object" },
              outputSchema: {
                type: "object",
                properties: { result: { type: "integer" } },
                required: ["result"],
              },
            }],
          });
        } else if (method === "tools/call") {
          reply({ content: [], structuredContent: { result: 1.5 } });
        }
      },
      close() {},
    });
    const client = new McpClient(info, { eraCache: false });
    try {
      await client.connect(clientSide);
      await assert.rejects(client.invoke("count"), (error) => {
        assert.ok(error instanceof ClientError);
        assert.match(error.message, /does not match its output schema: \/result: must be integer/);
        return true;
      });
    } finally {
      await client.close();
    }
  });
});

describe("ping", () => {
  for (const era of ["modern", "legacy"] as const) {
    for (const over of ["memory", "http"] as const) {
      test(`${era} era, ${over}: answers`, async () => {
        const sent: string[] = [];
        const server = invokeServer();
        const original = server.handleRequest.bind(server);
        server.handleRequest = (request, scope) => {
          sent.push(request.method);
          return original(request, scope);
        };
        const { client, stop } = await connected(server, era, over);
        sent.length = 0;
        try {
          await client.ping();
          await client.ping({ timeoutMs: 5000 });
          assert.deepEqual(
            sent,
            era === "modern" ? ["server/discover", "server/discover"] : [
              "ping",
              "ping",
            ],
          );
        } finally {
          await stop();
        }
      });
    }
  }

  test("a closed connection fails the ping", async () => {
    const { client, stop } = await connected(invokeServer(), "modern", "memory");
    await stop();
    await assert.rejects(client.ping(), /Connection closed/);
  });
});
