/**
 * Cross-client isolation over Streamable HTTP: 50 clients each make 200 tools/call requests
 * with the ids 1..200 that every other client uses too, to one server on 127.0.0.1, and every
 * answer must reach the client that asked, with its own values. The tool echoes the client's
 * index, the call's and the session it ran in, after a seeded random delay, so answers finish
 * out of order. Run in both eras: 2026-07-28 stateless requests, and one 2025-11-25 legacy
 * session per client.
 *
 * Requests go out call index by call index (all 50 clients' id 1, then all id 2, ...), so at any
 * moment each id in flight is in flight for every client at once. Raw HTTP requests on the
 * runtime's client (`httpFetch`: keep-alive node:http on Node, fetch elsewhere), so the ids on
 * the wire are exactly the ones chosen here.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { httpFetch, serveHttp } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { within } from "../async.ts";
import { seeded } from "../fuzz/generate.ts";
import { initialize, sseReader } from "./sse_legacy_helpers.ts";

const CLIENTS = 50;
const CALLS = 200;
/**
 * Requests in flight at once across all clients: each id is then in flight for all 50 clients
 * together, on few enough sockets (at 1,000 Node's fetch met ECONNRESET).
 */
const IN_FLIGHT = 256;
const MODERN = "2026-07-28";
const LEGACY = "2025-11-25";

/** Per (client, call): 0 answers at once, 1 after a microtask, 2..4 after a timer of 0..2 ms. */
function delays(seed: number): Uint8Array {
  const random = seeded(seed);
  return Uint8Array.from({ length: CLIENTS * CALLS }, () => Math.floor(random.next() * 5));
}

async function pause(kind: number): Promise<void> {
  if (kind === 0) return;
  if (kind === 1) return await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, kind - 2));
}

function echoServer(pauses: Uint8Array): McpServer {
  const server = new McpServer({ name: "cross-client", version: "1.0.0" });
  server.tool({
    name: "echo",
    input: {
      type: "object",
      properties: { client: { type: "integer" }, call: { type: "integer" } },
      required: ["client", "call"],
    },
    handler: async ({ client, call }: { client: number; call: number }, context) => {
      await pause(pauses[client * CALLS + (call - 1)]);
      // The session the call ran in, too: a legacy call must run in its own client's session.
      return `${client}:${call}:${context.sessionId ?? "none"}`;
    },
  });
  return server;
}

interface Era {
  name: string;
  /** Once per client, before its calls: the headers its calls carry. */
  open(url: string): Promise<Record<string, string>>;
  /** The `params._meta` a call carries, if any. */
  meta?: JsonObject;
}

const ERAS: Era[] = [
  {
    name: "2026-07-28 stateless",
    open: () =>
      Promise.resolve({
        "mcp-protocol-version": MODERN,
        "mcp-method": "tools/call",
        "mcp-name": "echo",
      }),
    meta: {
      "io.modelcontextprotocol/protocolVersion": MODERN,
      "io.modelcontextprotocol/clientCapabilities": {},
      "io.modelcontextprotocol/clientInfo": { name: "cross-client", version: "1" },
    },
  },
  {
    name: "2025-11-25 legacy sessions",
    open: async (url) => ({
      "mcp-session-id": await initialize(httpFetch, LEGACY, url),
      "mcp-protocol-version": LEGACY,
    }),
  },
];

/** The JSON-RPC answer to `id` in `response`, whether sent as JSON or on an SSE stream. */
async function answerOf(response: Response, id: number): Promise<JsonObject> {
  if (!/text\/event-stream/.test(response.headers.get("content-type") ?? "")) {
    return await response.json() as JsonObject;
  }
  const events = sseReader(response.body!);
  try {
    while (true) {
      const message = JSON.parse((await events.next()).data) as JsonObject;
      if (message.id === id) return message;
    }
  } finally {
    await events.cancel();
  }
}

/** Runs `tasks` with at most `limit` running at once, in order. */
async function pooled(tasks: (() => Promise<void>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) await tasks[next++]();
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

for (const [index, era] of ERAS.entries()) {
  test(`${era.name}: ${CLIENTS} clients × ${CALLS} calls sharing ids 1..${CALLS}, each answer to its asker`, async () => {
    const pauses = delays(1500 + index);
    const handle = await serveHttp(createHttpHandler(echoServer(pauses)));
    const url = `${handle.url}/mcp`;
    try {
      const headers = await Promise.all(Array.from({ length: CLIENTS }, () => era.open(url)));
      if (era.name.includes("legacy")) {
        assert.equal(new Set(headers.map((h) => h["mcp-session-id"])).size, CLIENTS);
      }
      const wrong: string[] = [];
      let checked = 0;
      const order = seeded(2500 + index);
      const tasks: (() => Promise<void>)[] = [];
      for (let call = 1; call <= CALLS; call++) {
        const clients = Array.from({ length: CLIENTS }, (_, client) => client)
          .sort(() => order.next() - 0.5);
        for (const client of clients) {
          tasks.push(async () => {
            const params: JsonObject = { name: "echo", arguments: { client, call } };
            if (era.meta) params._meta = era.meta;
            const response = await httpFetch(url, {
              method: "POST",
              headers: {
                "content-type": "application/json",
                accept: "application/json, text/event-stream",
                ...headers[client],
              },
              body: JSON.stringify({ jsonrpc: "2.0", id: call, method: "tools/call", params }),
            });
            const answer = await answerOf(response, call);
            const result = answer.result as { content?: { text?: string }[] } | undefined;
            const text = result?.content?.[0]?.text;
            const expected = `${client}:${call}:${headers[client]["mcp-session-id"] ?? "none"}`;
            if (response.status !== 200 || answer.id !== call || text !== expected) {
              wrong.push(
                `client ${client} id ${call}: ${response.status} ${JSON.stringify(answer)}`,
              );
            }
            checked++;
          });
        }
      }
      await within(pooled(tasks, IN_FLIGHT), 90_000, "every call answered");
      assert.deepEqual(wrong.slice(0, 5), [], `${wrong.length} answers went astray`);
      assert.equal(checked, CLIENTS * CALLS);
    } finally {
      await handle.close();
    }
  });
}
