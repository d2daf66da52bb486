import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { ClientError, McpClient } from "../../client/mod.ts";
import type { JsonObject, Transport } from "../../client/mod.ts";
import { createMemoryPair } from "../../transports/memory.ts";

const info = { name: "structured-test", version: "1.0.0" };

const POINT = { x: 1, y: { lat: 2, lon: 3 } };

/** Tools whose `structuredContent` is the given value, each under the given output schema. */
const TOOLS: { [name: string]: { outputSchema: JsonObject; structuredContent: unknown } } = {
  // Keys in another order than in the schema's const / enum: valid JSON Schema-wise.
  reordered: {
    outputSchema: {
      type: "object",
      properties: {
        origin: { const: POINT },
        corner: { enum: [{ x: 0 }, POINT] },
      },
      required: ["origin", "corner"],
    },
    structuredContent: {
      corner: { y: { lon: 3, lat: 2 }, x: 1 },
      origin: { y: { lon: 3, lat: 2 }, x: 1 },
    },
  },
  wrong: {
    outputSchema: {
      type: "object",
      properties: { count: { type: "integer", minimum: 1 } },
      required: ["count"],
    },
    structuredContent: { count: 0 },
  },
  unusable: {
    outputSchema: { $ref: "https://example.com/never-fetched.json" },
    structuredContent: { anything: true },
  },
};

/** A modern in-memory server answering discover, tools/list and tools/call from {@link TOOLS}. */
async function startServer(serverSide: Transport): Promise<void> {
  await serverSide.start({
    message(incoming) {
      if (incoming.kind !== "request") return;
      const { id, method, params } = incoming.message;
      const reply = (result: JsonObject) =>
        serverSide.send({ jsonrpc: "2.0", id, result: { resultType: "complete", ...result } });
      if (method === "server/discover") {
        reply({ supportedVersions: ["2026-07-28"], capabilities: { tools: {} } });
      } else if (method === "tools/list") {
        reply({
          tools: Object.entries(TOOLS).map(([name, tool]) => ({
            name,
            inputSchema: { type: "object" },
            outputSchema: tool.outputSchema,
          })),
        });
      } else if (method === "tools/call") {
        const tool = TOOLS[String(params?.name)];
        reply({ content: [], structuredContent: tool.structuredContent as JsonObject });
      }
    },
    close() {},
  });
}

async function connected(warnings: string[]): Promise<McpClient> {
  const [clientSide, serverSide] = createMemoryPair();
  await startServer(serverSide);
  const client = new McpClient(info, { eraCache: false, onWarning: (w) => warnings.push(w) });
  await client.connect(clientSide);
  await client.listTools();
  return client;
}

describe("callToolStructured checks structuredContent with the schema validator", () => {
  test("objects match a const or enum value whatever their key order", async () => {
    const client = await connected([]);
    try {
      assert.deepEqual(
        await client.callToolStructured("reordered"),
        TOOLS.reordered.structuredContent,
      );
    } finally {
      await client.close();
    }
  });

  test("a value that breaks any keyword of the output schema is refused with its issues", async () => {
    const client = await connected([]);
    try {
      await assert.rejects(client.callToolStructured("wrong"), (error) => {
        assert.ok(error instanceof ClientError);
        assert.match(error.message, /does not match its output schema: \/count: must be >= 1/);
        assert.deepEqual(error.data, { issues: [{ path: "/count", message: "must be >= 1" }] });
        return true;
      });
    } finally {
      await client.close();
    }
  });

  test("an output schema the validator refuses is reported once per tool, not per call", async () => {
    const warnings: string[] = [];
    const client = await connected(warnings);
    try {
      for (let call = 0; call < 3; call++) {
        assert.deepEqual(await client.callToolStructured("unusable"), { anything: true });
      }
      const reported = warnings.filter((w) => /Tool unusable has an output schema/.test(w));
      assert.equal(reported.length, 1, warnings.join("\n"));
      assert.match(reported[0], /never-fetched\.json/);
    } finally {
      await client.close();
    }
  });
});
