/**
 * The server's events across three instances of one endpoint, on the in-memory bus and on
 * Redis: a resource updated and a tool registered on A reach the `subscriptions/listen`
 * streams (2026-07-28) and the legacy sessions' GET streams (2025-11-25) held by B and C,
 * once each, and A's own listeners once too. Legacy sessions are opened on A and subscribed to
 * the resource through another instance than the one holding their GET stream.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/mod.ts";
import { createSseDecoderStream, type SseEvent } from "../../protocol/sse.ts";
import { McpServer } from "../../server/server.ts";
import { redisStore } from "../../store/redis_store.ts";
import { relayServerEvents } from "../../transports/http/event_relay.ts";
import { createMemoryEventStore } from "../../transports/http/event_store.ts";
import { createMemoryMessageBus } from "../../transports/http/message_bus.ts";
import {
  createHttpHandler,
  type HttpHandler,
  type LegacyHttpOptions,
} from "../../transports/http/server.ts";
import { createMemorySessionDirectory } from "../../transports/http/session_directory.ts";
import {
  direct,
  ENDPOINT,
  getStream,
  initialize,
  postInSession,
} from "../hardening/sse_legacy_helpers.ts";
import { within } from "../async.ts";
import { type RedisServer, startRedis } from "../redis_server.ts";

const MODERN = "2026-07-28";
const LEGACY = "2025-11-25";
const WATCHED = "file:///watched";
let redis: RedisServer;
let prefixes = 0;
let nextId = 0;
const closers: { close(): void | Promise<void> }[] = [];

before(async () => {
  redis = await startRedis();
});

after(async () => {
  for (const closer of closers.reverse()) await closer.close();
  await redis?.stop();
});

type Shared = Required<Pick<LegacyHttpOptions, "eventStore" | "sessionDirectory" | "messageBus">>;

interface Instance {
  server: McpServer;
  handler: HttpHandler;
}

async function instance(shared: Shared): Promise<Instance> {
  const server = new McpServer({ name: "events", version: "1.0.0" });
  server.resource({ uri: WATCHED, name: "watched", read: () => "contents" });
  const handler = createHttpHandler(server, { legacy: { ...shared } });
  const relay = relayServerEvents(server, shared.messageBus)!;
  closers.push(server, relay);
  await relay.ready;
  return { server, handler };
}

function memoryTrio(): Promise<Instance[]> {
  const shared: Shared = {
    eventStore: createMemoryEventStore(),
    sessionDirectory: createMemorySessionDirectory(),
    messageBus: createMemoryMessageBus(),
  };
  return Promise.all([instance(shared), instance(shared), instance(shared)]);
}

async function redisTrio(): Promise<Instance[]> {
  const prefix = `cross-events-${prefixes++}:`;
  const stores = await Promise.all([0, 1, 2].map(() => redisStore({ url: redis.url, prefix })));
  closers.push(...stores);
  return await Promise.all(stores.map((store) => instance(store as Shared)));
}

/** The JSON-RPC messages of an SSE body, one at a time (events without data skipped). */
function messages(body: ReadableStream<Uint8Array>): {
  next(): Promise<JsonObject>;
  cancel(): Promise<void>;
} {
  const reader = body.pipeThrough(createSseDecoderStream()).getReader();
  return {
    async next() {
      while (true) {
        const { value, done } = await within<ReadableStreamReadResult<SseEvent>>(
          reader.read(),
          10_000,
          "the next SSE event",
        );
        if (done) throw new Error("the SSE stream ended");
        if (value.data !== "") return JSON.parse(value.data) as JsonObject;
      }
    },
    cancel: () => reader.cancel().catch(() => {}),
  };
}

/** Opens a `subscriptions/listen` stream on `target` and waits for its acknowledgement. */
async function listen(target: Instance): Promise<ReturnType<typeof messages>> {
  nextId += 1;
  const body = {
    jsonrpc: "2.0",
    id: nextId,
    method: "subscriptions/listen",
    params: {
      notifications: { toolsListChanged: true, resourceSubscriptions: [WATCHED] },
      _meta: {
        "io.modelcontextprotocol/protocolVersion": MODERN,
        "io.modelcontextprotocol/clientCapabilities": {},
        "io.modelcontextprotocol/clientInfo": { name: "events", version: "1" },
      },
    },
  };
  const response = await target.handler(
    new Request(ENDPOINT, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: "application/json, text/event-stream",
        "mcp-protocol-version": MODERN,
        "mcp-method": "subscriptions/listen",
      },
      body: JSON.stringify(body),
    }),
  );
  assert.equal(response.status, 200);
  const stream = messages(response.body!);
  const ack = await stream.next();
  assert.equal(ack.method, "notifications/subscriptions/acknowledged", JSON.stringify(ack));
  return stream;
}

/** What A does: the resource updated, a tool registered, the resource updated again. */
function changesOn(a: Instance): void {
  a.server.resourceUpdated(WATCHED);
  a.server.tool({ name: `added_${nextId++}`, handler: () => "added" });
  a.server.resourceUpdated(WATCHED);
}

const EXPECTED = [
  "notifications/resources/updated",
  "notifications/tools/list_changed",
  "notifications/resources/updated",
];

/** The next three messages' methods: a duplicate would come before the last update. */
async function nextThree(stream: ReturnType<typeof messages>): Promise<string[]> {
  const got: string[] = [];
  for (let i = 0; i < 3; i++) {
    const message = await stream.next();
    got.push(String(message.method));
    if (message.method === "notifications/resources/updated") {
      assert.equal((message.params as JsonObject).uri, WATCHED);
    }
  }
  return got;
}

/** A legacy session opened on `opener`, subscribed to the resource through `subscriber`. */
async function legacySession(opener: Instance, subscriber: Instance): Promise<string> {
  const session = await initialize(direct(opener.handler), LEGACY);
  nextId += 1;
  const subscribed = await subscriber.handler(postInSession(session, LEGACY, {
    jsonrpc: "2.0",
    id: nextId,
    method: "resources/subscribe",
    params: { uri: WATCHED },
  }));
  assert.equal(subscribed.status, 200);
  const answer = JSON.parse(await subscribed.text()) as JsonObject;
  assert.deepEqual(answer.result, {}, JSON.stringify(answer));
  return session;
}

for (const [bus, trio] of [["in-memory", memoryTrio], ["Redis", redisTrio]] as const) {
  describe(`server events across instances (${bus} bus)`, () => {
    test("2026-07-28: a change on A reaches the listen streams on B, C and A, once", async () => {
      const [a, b, c] = await trio();
      const streams = [await listen(b), await listen(c), await listen(a)];
      try {
        changesOn(a);
        for (const stream of streams) assert.deepEqual(await nextThree(stream), EXPECTED);
      } finally {
        for (const stream of streams) await stream.cancel();
      }
    });

    test("2025-11-25: a change on A reaches the GET streams held by B and C, once", async () => {
      const [a, b, c] = await trio();
      // Each session is opened on A, subscribed through one instance, streamed from another.
      const onB = await legacySession(a, c);
      const onC = await legacySession(a, b);
      const streams = [];
      for (const [session, holder] of [[onB, b], [onC, c]] as const) {
        const opened = await holder.handler(getStream(session, LEGACY));
        assert.equal(opened.status, 200);
        streams.push(messages(opened.body!));
      }
      try {
        changesOn(a);
        for (const stream of streams) assert.deepEqual(await nextThree(stream), EXPECTED);
      } finally {
        for (const stream of streams) await stream.cancel();
      }
    });

    test("2025-11-25: a session not subscribed hears list changes, not the update", async () => {
      const [a, b] = await trio();
      const session = await initialize(direct(a.handler), LEGACY);
      const opened = await b.handler(getStream(session, LEGACY));
      const stream = messages(opened.body!);
      try {
        a.server.resourceUpdated(WATCHED);
        a.server.tool({ name: `added_${nextId++}`, handler: () => "added" });
        assert.equal((await stream.next()).method, "notifications/tools/list_changed");
      } finally {
        await stream.cancel();
      }
    });
  });
}
