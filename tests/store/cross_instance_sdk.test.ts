/**
 * The official SDK clients against two instances sharing Redis, behind a round-robin proxy
 * that sends each HTTP request to the other instance: initialize, tools/call, an elicitation
 * asked on one instance and answered on the other, and (1.x) a GET stream dropped and resumed
 * with `Last-Event-ID` on the other instance, its missed notification replayed and the next one
 * live.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { Client, StreamableHTTPClientTransport } from "@modelcontextprotocol/client";
import { Client as LegacyClient } from "@modelcontextprotocol/sdk/client";
// The 1.x "./*" export maps "x.js" types to "x.js.d.ts"; name the declaration file for Deno.
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport as LegacyHttpTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import {
  ElicitRequestSchema,
  LoggingMessageNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { LegacySession } from "../../protocol/mod.ts";
import { type HttpServerHandle, serveHttp } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import { redisStore } from "../../store/redis_store.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { deferred, within } from "../async.ts";
import { type RedisServer, startRedis } from "../redis_server.ts";
import { type RoundRobin, serveRoundRobin } from "./fixtures/round_robin.ts";

const TIMEOUT = 10_000;
const ANSWER = { action: "accept", content: { name: "Ada" } } as const;

let redis: RedisServer;
let proxy: RoundRobin;
let url: URL;
const sessions: LegacySession[][] = [[], []];
const closers: { close(): void | Promise<void> }[] = [];

/** An instance: the server, with the sessions it attaches recorded in `attached`. */
function instance(secret: Uint8Array, attached: LegacySession[]): McpServer {
  const server = new McpServer({ name: "cross", version: "1.0.0" }, {
    requestStateSecret: secret,
  });
  const attach = server.attachSession.bind(server);
  server.attachSession = (session) => {
    attached.push(session);
    return attach(session);
  };
  server.tool({ name: "echo", handler: () => "echoed" });
  server.tool({
    name: "ask",
    handler: async (_args, context) => {
      const answer = await context.elicit({
        message: "Name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      });
      return `hello ${String(answer.content?.name)}`;
    },
  });
  closers.push(server);
  return server;
}

before(async () => {
  redis = await startRedis();
  const stores = await Promise.all([0, 1].map(() => redisStore({ url: redis.url })));
  const served: HttpServerHandle[] = [];
  for (const [index, store] of stores.entries()) {
    closers.push(store);
    const handler = createHttpHandler(instance(store.requestStateSecret, sessions[index]), {
      legacy: {
        eventStore: store.eventStore,
        sessionDirectory: store.sessionDirectory,
        messageBus: store.messageBus,
        retryMs: 20,
      },
    });
    served.push(await serveHttp(handler, { port: 0, hostname: "127.0.0.1" }));
  }
  proxy = await serveRoundRobin(served.map((http) => http.url));
  url = new URL(`${proxy.server.url}/mcp`);
  closers.push(proxy.server, ...served);
});

after(async () => {
  for (const closer of closers.reverse()) await closer.close();
  await redis?.stop();
});

function text(result: unknown): string {
  const content = (result as { content?: { text?: string }[] }).content;
  return String(content?.[0]?.text);
}

/** A fetch whose GET streams can be cut, as a dropped connection would, and that reports them. */
function droppableFetch(onGet: (request: Request, status: number) => void): {
  fetch: typeof fetch;
  drop(): void;
} {
  const open = new Set<TransformStreamDefaultController<Uint8Array>>();
  return {
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const response = await fetch(request);
      if (request.method !== "GET" || response.body === null) return response;
      let controller!: TransformStreamDefaultController<Uint8Array>;
      const cut = new TransformStream<Uint8Array, Uint8Array>({
        start: (made) => void open.add(controller = made),
        flush: () => void open.delete(controller),
      });
      onGet(request, response.status);
      return new Response(response.body.pipeThrough(cut), {
        status: response.status,
        headers: response.headers,
      });
    },
    drop() {
      for (const controller of open) controller.error(new Error("connection dropped"));
      open.clear();
    },
  };
}

describe("official clients through a round-robin proxy to two instances", () => {
  test("@modelcontextprotocol/sdk 1.x: calls, an elicitation, a resumed GET stream", async () => {
    const counted = [...proxy.counts];
    const client = new LegacyClient(
      { name: "cross-1x", version: "1.0.0" },
      { capabilities: { elicitation: {} } },
    );
    client.setRequestHandler(ElicitRequestSchema, () => Promise.resolve(ANSWER));
    const logged: string[] = [];
    const arrivals = [deferred(), deferred(), deferred()];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (note) => {
      logged.push(String(note.params.data));
      arrivals[logged.length - 1]?.resolve();
      return Promise.resolve();
    });
    const gets: { lastEventId: string | null; status: number }[] = [];
    const opened = [deferred(), deferred()];
    const link = droppableFetch((request, status) => {
      gets.push({ lastEventId: request.headers.get("last-event-id"), status });
      opened[gets.length - 1]?.resolve();
    });
    const transport = new LegacyHttpTransport(url, {
      fetch: link.fetch,
      reconnectionOptions: {
        initialReconnectionDelay: 20,
        maxReconnectionDelay: 100,
        reconnectionDelayGrowFactor: 1.5,
        maxRetries: 5,
      },
    });
    try {
      await within(client.connect(transport), TIMEOUT, "connect");
      assert.equal(transport.protocolVersion, "2025-11-25");
      assert.equal(text(await client.callTool({ name: "echo", arguments: {} })), "echoed");
      assert.equal(text(await client.callTool({ name: "ask", arguments: {} })), "hello Ada");
      // Both instances served this client's requests.
      assert.ok(
        proxy.counts.every((count, index) => count - counted[index] >= 2),
        `${proxy.counts}`,
      );

      await within(opened[0].promise, TIMEOUT, "the GET stream");
      const id = transport.sessionId!;
      const sessionOn = (index: number) => sessions[index].find((session) => session.id === id);
      // Sent from whichever instance holds the session: the bus takes it to the GET stream.
      const sender = sessionOn(0) ?? sessionOn(1)!;
      const log = (data: string) =>
        sender.sendStandalone({
          jsonrpc: "2.0",
          method: "notifications/message",
          params: { level: "info", data },
        });
      log("one");
      await within(arrivals[0].promise, TIMEOUT, "the first notification");
      // The resumed stream is to be served by the instance that did not serve the first one.
      const firstGet = proxy.routed.find((route) => route.method === "GET")!.upstream;
      if (proxy.next === firstGet) await client.ping();
      link.drop();
      log("two");
      await within(opened[1].promise, TIMEOUT, "the resumed GET stream");
      assert.equal(gets[1].status, 200);
      assert.ok(gets[1].lastEventId, "the client resumed with Last-Event-ID");
      await within(arrivals[1].promise, TIMEOUT, "the replayed notification");
      log("three");
      await within(arrivals[2].promise, TIMEOUT, "the live notification");
      assert.deepEqual(logged, ["one", "two", "three"]);
      const resumedOn = proxy.routed.filter((route) => route.method === "GET")[1].upstream;
      assert.notEqual(resumedOn, firstGet);
      await transport.terminateSession();
    } finally {
      await client.close();
    }
  });

  for (const mode of ["legacy", { pin: "2026-07-28" }] as const) {
    const label = mode === "legacy" ? "legacy (2025-11-25)" : "2026-07-28 (MRTR)";
    test(`@modelcontextprotocol/client 2.x, ${label}: calls and an elicitation`, async () => {
      const counted = [...proxy.counts];
      const client = new Client(
        { name: "cross-2x", version: "1.0.0" },
        { capabilities: { elicitation: {} }, versionNegotiation: { mode } },
      );
      const asked: string[] = [];
      client.setRequestHandler("elicitation/create", (request) => {
        asked.push(String((request.params as { message?: unknown }).message));
        return Promise.resolve(ANSWER);
      });
      const transport = new StreamableHTTPClientTransport(url);
      try {
        await within(client.connect(transport), TIMEOUT, "connect");
        for (let round = 0; round < 2; round += 1) {
          assert.equal(text(await client.callTool({ name: "echo", arguments: {} })), "echoed");
          assert.equal(text(await client.callTool({ name: "ask", arguments: {} })), "hello Ada");
        }
        assert.deepEqual(asked, ["Name?", "Name?"]);
        assert.ok(proxy.counts.every((count, index) => count > counted[index]), `${proxy.counts}`);
      } finally {
        await client.close();
      }
    });
  }
});
