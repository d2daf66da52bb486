/**
 * The official SDK clients through the round-robin proxy, pinning requests, to three instances
 * A, B and C sharing Redis: (1.x, 2025-11-25) a tool run on A asks the client a question that
 * reaches it on the GET stream held by B, the answer is POSTed to C and the tool returns it;
 * (both eras) a resource updated on A reaches, once, the 1.x clients whose GET streams B and C
 * hold and the 2.x clients whose `subscriptions/listen` streams B and C hold.
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
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { LegacySession } from "../../protocol/mod.ts";
import { type HttpServerHandle, serveHttp } from "../../runtime/mod.ts";
import { McpServer } from "../../server/server.ts";
import { redisStore } from "../../store/redis_store.ts";
import { relayServerEvents } from "../../transports/http/event_relay.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { type Deferred, deferred, within } from "../async.ts";
import { type RedisServer, startRedis } from "../redis_server.ts";
import { type RoundRobin, type Router, serveRoundRobin } from "./fixtures/round_robin.ts";

const TIMEOUT = 10_000;
const [A, B, C] = [0, 1, 2];
const WATCHED = "file:///watched";
/** Updated after {@link WATCHED}: once it arrives on a stream, so would have a duplicate. */
const FENCE = "file:///fence";

let redis: RedisServer;
let proxy: RoundRobin;
let url: URL;
const sessions: LegacySession[][] = [[], [], []];
const closers: { close(): void | Promise<void> }[] = [];

/** An instance: the server, with the sessions it attaches recorded in `attached`. */
function instance(secret: Uint8Array, attached: LegacySession[]): McpServer {
  const server = new McpServer({ name: "three", version: "1.0.0" }, {
    requestStateSecret: secret,
  });
  const attach = server.attachSession.bind(server);
  server.attachSession = (session) => {
    attached.push(session);
    return attach(session);
  };
  server.resource({ uri: WATCHED, name: "watched", read: () => "watched" });
  server.resource({ uri: FENCE, name: "fence", read: () => "fence" });
  server.tool({
    name: "touch",
    handler: () => {
      server.resourceUpdated(WATCHED);
      server.resourceUpdated(FENCE);
      return "touched";
    },
  });
  // `context.elicit` asks on the call's own POST stream; the session's engine asks outside
  // any request, on the session's GET stream, wherever it is held.
  server.tool({
    name: "ask_around",
    handler: async (_args, context) => {
      const session = attached.find((candidate) => candidate.id === context.sessionId);
      assert.ok(session, "the session is attached where the tool runs");
      const answer = await session.engine.request("elicitation/create", {
        message: "Name?",
        requestedSchema: { type: "object", properties: { name: { type: "string" } } },
      }, { timeoutMs: TIMEOUT, signal: context.signal });
      return `hello ${String((answer.content as { name?: unknown } | undefined)?.name)}`;
    },
  });
  closers.push(server);
  return server;
}

before(async () => {
  redis = await startRedis();
  const prefix = "cross-three:";
  const stores = await Promise.all([A, B, C].map(() => redisStore({ url: redis.url, prefix })));
  const served: HttpServerHandle[] = [];
  for (const [index, store] of stores.entries()) {
    closers.push(store);
    const server = instance(store.requestStateSecret, sessions[index]);
    const handler = createHttpHandler(server, {
      legacy: {
        eventStore: store.eventStore,
        sessionDirectory: store.sessionDirectory,
        messageBus: store.messageBus,
        retryMs: 20,
      },
    });
    // The handler relays the server's events already: this is that relay, to wait for it.
    await relayServerEvents(server, store.messageBus)!.ready;
    served.push(await serveHttp(handler, { port: 0, hostname: "127.0.0.1" }));
  }
  proxy = await serveRoundRobin(served.map((http) => http.url));
  url = new URL(`${proxy.server.url}/mcp`);
  closers.push(proxy.server, ...served);
});

after(async () => {
  if (proxy) proxy.route = undefined;
  for (const closer of closers.reverse()) await closer.close();
  await redis?.stop();
});

function text(result: unknown): string {
  const content = (result as { content?: { text?: string }[] }).content;
  return String(content?.[0]?.text);
}

/**
 * A fetch that resolves `opened` once a GET stream's response (headers) arrived, and copies
 * what each response body carries into `bodies` (by HTTP method) as it comes.
 */
function watchingFetch(opened: Deferred<number>): {
  fetch: typeof fetch;
  bodies: { GET: string[]; POST: string[] };
  stop(): Promise<void>;
} {
  const bodies = { GET: [] as string[], POST: [] as string[] };
  const copies: ReadableStreamDefaultReader<Uint8Array>[] = [];
  const copy = async (into: string[], reader: ReadableStreamDefaultReader<Uint8Array>) => {
    const decoder = new TextDecoder();
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        into.push(decoder.decode(value, { stream: true }));
      }
    } catch {
      // The client's own read failed or was cancelled: the copy ends with it.
    }
  };
  return {
    bodies,
    fetch: async (input, init) => {
      const request = new Request(input, init);
      const response = await fetch(request);
      const method = request.method;
      if (method === "GET") opened.resolve(response.status);
      if (response.body === null || (method !== "GET" && method !== "POST")) return response;
      const [theirs, mine] = response.body.tee();
      const reader = mine.getReader();
      copies.push(reader);
      void copy(bodies[method], reader);
      return new Response(theirs, { status: response.status, headers: response.headers });
    },
    stop() {
      // Not awaited: a branch's cancel settles only once the client's branch is cancelled too.
      for (const reader of copies) void reader.cancel().catch(() => {});
      return Promise.resolve();
    },
  };
}

/** The routing log since `from`, as `HTTP method rpc → upstream` lines. */
function routedSince(from: number): string[] {
  return proxy.routed.slice(from).map((route) =>
    `${[route.method, route.rpc].filter((part) => part !== "").join(" ")} → ${
      "ABC"[route.upstream]
    }`
  );
}

/** Counts each URI updated, and resolves `fenced` once {@link FENCE} is. */
function updates(): { seen: string[]; fenced: Deferred<void>; note(uri: string): void } {
  const seen: string[] = [];
  const fenced = deferred();
  return {
    seen,
    fenced,
    note(uri) {
      seen.push(uri);
      if (uri === FENCE) fenced.resolve();
    },
  };
}

describe("official clients through a pinning proxy to three instances on Redis", () => {
  test("1.x, 2025-11-25: asked on A, heard on B's GET stream, answered through C", async () => {
    const from = proxy.routed.length;
    proxy.route = ({ method, rpc }) => {
      if (method === "GET") return B;
      if (rpc === "tools/call") return A;
      if (rpc === "response") return C;
      return undefined;
    };
    const client = new LegacyClient(
      { name: "three-1x", version: "1.0.0" },
      { capabilities: { elicitation: {} } },
    );
    const asked: string[] = [];
    client.setRequestHandler(ElicitRequestSchema, (request) => {
      asked.push(request.params.message);
      return Promise.resolve({ action: "accept", content: { name: "Ada" } });
    });
    const opened = deferred<number>();
    const watched = watchingFetch(opened);
    const transport = new LegacyHttpTransport(url, { fetch: watched.fetch });
    try {
      await within(client.connect(transport), TIMEOUT, "connect");
      assert.equal(transport.protocolVersion, "2025-11-25");
      assert.equal(await within(opened.promise, TIMEOUT, "the GET stream"), 200);
      const result = await within(
        client.callTool({ name: "ask_around", arguments: {} }),
        TIMEOUT,
        "the call",
      );
      assert.equal(text(result), "hello Ada");
      assert.deepEqual(asked, ["Name?"]);
      const log = routedSince(from);
      assert.ok(log.includes("GET → B"), log.join("\n"));
      assert.ok(log.includes("POST tools/call → A"), log.join("\n"));
      assert.ok(log.includes("POST response → C"), log.join("\n"));
      assert.equal(log.filter((line) => line.startsWith("GET")).length, 1, log.join("\n"));
      // The question came on the one GET stream, B's, and on no POST's answer.
      const question = `"method":"elicitation/create"`;
      assert.ok(watched.bodies.GET.join("").includes(question), watched.bodies.GET.join(""));
      assert.ok(!watched.bodies.POST.join("").includes(question), watched.bodies.POST.join(""));
      await transport.terminateSession();
    } finally {
      proxy.route = undefined;
      await client.close();
      await watched.stop();
    }
  });

  test("both eras: a resource updated on A reaches listeners on B and C once", async () => {
    const from = proxy.routed.length;
    const closing: { close(): Promise<void> }[] = [];
    const heard: Record<string, ReturnType<typeof updates>> = {};
    try {
      // 2025-11-25: a 1.x client per instance, its GET stream pinned there, subscribed
      // through the next instance.
      for (const [holder, subscriber] of [[B, C], [C, A]]) {
        const label = `1.x GET on ${"ABC"[holder]}`;
        const seen = heard[label] = updates();
        proxy.route = ({ method, rpc }) =>
          method === "GET" ? holder : rpc === "resources/subscribe" ? subscriber : undefined;
        const client = new LegacyClient({ name: "three-1x", version: "1.0.0" });
        client.setNotificationHandler(ResourceUpdatedNotificationSchema, (note) => {
          seen.note(note.params.uri);
          return Promise.resolve();
        });
        const opened = deferred<number>();
        const watched = watchingFetch(opened);
        const transport = new LegacyHttpTransport(url, { fetch: watched.fetch });
        closing.push(client, { close: watched.stop });
        await within(client.connect(transport), TIMEOUT, `connect ${label}`);
        assert.equal(await within(opened.promise, TIMEOUT, `the ${label}`), 200);
        for (const uri of [WATCHED, FENCE]) {
          await within(client.subscribeResource({ uri }), TIMEOUT, `subscribe ${label}`);
        }
      }
      // 2026-07-28: a 2.x client per instance, its listen stream pinned there.
      for (const holder of [B, C]) {
        const label = `2.x listen on ${"ABC"[holder]}`;
        const seen = heard[label] = updates();
        const pin: Router = ({ rpc }) => rpc === "subscriptions/listen" ? holder : undefined;
        proxy.route = pin;
        const client = new Client(
          { name: "three-2x", version: "1.0.0" },
          { versionNegotiation: { mode: { pin: "2026-07-28" } } },
        );
        client.setNotificationHandler("notifications/resources/updated", (note) => {
          seen.note(String((note.params as { uri?: unknown }).uri));
        });
        closing.push(client);
        await within(client.connect(new StreamableHTTPClientTransport(url)), TIMEOUT, label);
        const subscription = await within(
          client.listen({ resourceSubscriptions: [WATCHED, FENCE] }),
          TIMEOUT,
          label,
        );
        closing.unshift(subscription);
      }

      proxy.route = ({ rpc }) => rpc === "tools/call" ? A : undefined;
      const [toucher] = closing.filter((closer) => closer instanceof Client) as Client[];
      assert.equal(text(await toucher.callTool({ name: "touch", arguments: {} })), "touched");
      for (const [label, seen] of Object.entries(heard)) {
        await within(seen.fenced.promise, TIMEOUT, `the updates on the ${label}`);
        assert.deepEqual(seen.seen, [WATCHED, FENCE], label);
      }
      const log = routedSince(from);
      for (const line of ["GET → B", "GET → C", "POST tools/call → A"]) {
        assert.ok(log.includes(line), log.join("\n"));
      }
      assert.equal(
        log.filter((line) => line.startsWith("POST subscriptions/listen")).join("\n"),
        "POST subscriptions/listen → B\nPOST subscriptions/listen → C",
      );
    } finally {
      proxy.route = undefined;
      for (const [index, closer] of closing.entries()) {
        await within(closer.close(), TIMEOUT, `closing ${index}`);
      }
    }
  });
});
