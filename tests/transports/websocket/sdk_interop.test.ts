/**
 * The official SDK 1.x `WebSocketClientTransport` against emcee's WebSocket server on the
 * runtime running the test: tools, resources, prompts and an elicitation (legacy era).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client";
// The 1.x "./*" export maps "x.js" types to "x.js.d.ts"; name the declaration file for Deno.
// @ts-types="@modelcontextprotocol/sdk/client/websocket"
import { WebSocketClientTransport } from "@modelcontextprotocol/sdk/client/websocket.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { createDemoServer } from "../../../examples/demo/server.ts";
import { runtimeName, serveHttp } from "../../../runtime/mod.ts";
import { createWebSocketHandler } from "../../../transports/websocket/server.ts";
import { exerciseAll } from "../../interop/fixtures/exercise.ts";
import { within } from "./helpers.ts";

const TIMEOUT = 10_000;

test(`@modelcontextprotocol/sdk 1.x WebSocketClientTransport, emcee server on ${runtimeName()}`, async () => {
  const http = await serveHttp(createWebSocketHandler(createDemoServer()));
  const asked: string[] = [];
  const client = new Client(
    { name: "interop-ws-1x", version: "1.0.0" },
    { capabilities: { elicitation: {} } },
  );
  client.setRequestHandler(ElicitRequestSchema, (request) => {
    asked.push(String(request.params.message));
    return Promise.resolve({ action: "accept", content: { name: "Ada" } });
  });
  const transport = new WebSocketClientTransport(
    new URL(`${http.url.replace("http:", "ws:")}/mcp`),
  );
  try {
    await within(client.connect(transport), TIMEOUT, "connect");
    assert.equal(client.getServerVersion()?.name, "emcee-demo");
    await exerciseAll(client, TIMEOUT);
    assert.deepEqual(asked, ["What should I call you?"]);
  } finally {
    await client.close();
    await http.close();
  }
});
