/**
 * Legacy SSE streams cut 100 times, each time resumed with `Last-Event-ID`, against an event
 * store whose every call answers later (after a seeded mix of microtasks and macrotasks): the
 * session's GET stream, and a POST response stream carrying a call's progress. Events are sent
 * at every point of a cut: while connected (their store write still pending), while no stream is
 * open, while the store replays, and after the stream is back. Across all cuts the client must
 * see every event exactly once, in order.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import { type Deferred, deferred } from "../async.ts";
import { int, type Random, seeded } from "../fuzz/generate.ts";
import {
  capturingServer,
  direct,
  getStream,
  initialize,
  numbered,
  pausingStore,
  postInSession,
  type SseEvent,
  sseReader,
} from "./sse_legacy_helpers.ts";

const VERSION = "2025-11-25";
const CUTS = 100;

/**
 * A store call's delay: one microtask, a few, or a macrotask. Calls still answer in the order
 * made, as a store over one connection (Redis) answers, each after the one before.
 */
function pauses(random: Random): () => Promise<void> {
  let previous: Promise<void> = Promise.resolve();
  const delay = async () => {
    const kind = int(0, 2)(random);
    if (kind === 2) return await new Promise<void>((resolve) => setTimeout(resolve, 0));
    for (let tick = 0; tick <= kind * 3; tick++) await Promise.resolve();
  };
  return () => (previous = previous.then(delay));
}

/** `0, 1, …, count - 1`. */
function upTo(count: number): number[] {
  return Array.from({ length: count }, (_, n) => n);
}

/** The `n` an event carries, for both the standalone notifications and progress. */
function numberOf(event: SseEvent): number | "result" {
  const message = JSON.parse(event.data) as JsonObject;
  if ("result" in message) return "result";
  const params = message.params as { n?: number; progress?: number };
  return params.n ?? params.progress!;
}

test(`a GET stream cut ${CUTS} times and resumed: each standalone event once, in order`, async () => {
  const random = seeded(4101);
  const { server, sessions } = capturingServer();
  const handler = createHttpHandler(server, {
    legacy: { eventStore: pausingStore(pauses(random)) },
  });
  const id = await initialize(direct(handler), VERSION);
  const session = sessions.at(-1)!;
  let sent = 0;
  const send = (count: number) => {
    for (let i = 0; i < count; i++) session.sendStandalone(numbered(sent++));
  };
  const seen: number[] = [];
  let lastId = "";
  let stream = sseReader((await handler(getStream(id, VERSION))).body!);
  const read = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const event = await stream.next(5_000);
      seen.push(numberOf(event) as number);
      lastId = event.id!;
    }
  };

  for (let cut = 1; cut <= CUTS; cut++) {
    send(int(1, 4)(random));
    // Some of what is outstanding, never more, so a lost event cannot stall the loop here.
    const outstanding = sent - 1 - Math.max(-1, ...seen);
    await read(int(1, outstanding)(random));
    await stream.cancel();
    send(int(0, 3)(random));
    const resumed = handler(getStream(id, VERSION, lastId));
    send(int(0, 3)(random));
    const response = await resumed;
    assert.equal(response.status, 200, `resume ${cut}`);
    stream = sseReader(response.body!);
    send(int(0, 2)(random));
  }
  const last = sent - 1;
  while (seen.at(-1) !== last) await read(1);
  await stream.cancel();
  assert.deepEqual(seen, upTo(sent), `${sent} events over ${CUTS} cuts`);
});

/** Permits the tool spends one per progress event; `finish` lets it return once they are spent. */
function permits(): {
  release(count: number): void;
  finish(): void;
  take(): Promise<boolean>;
  readonly released: number;
} {
  let available = 0;
  let released = 0;
  let finished = false;
  let wake: Deferred<void> | undefined;
  return {
    release(count) {
      available += count;
      released += count;
      wake?.resolve();
    },
    finish() {
      finished = true;
      wake?.resolve();
    },
    async take() {
      while (available === 0) {
        if (finished) return false;
        wake = deferred();
        await wake.promise;
      }
      available--;
      return true;
    },
    get released() {
      return released;
    },
  };
}

test(`a POST response stream cut ${CUTS} times and resumed: each progress event once, then the result`, async () => {
  const random = seeded(4102);
  const gate = permits();
  const { server } = capturingServer();
  server.tool({
    name: "count",
    handler: async (_args, context) => {
      for (let n = 0; await gate.take(); n++) context.progress(n);
      return "counted";
    },
  });
  const handler = createHttpHandler(server, {
    legacy: { eventStore: pausingStore(pauses(random)) },
  });
  const id = await initialize(direct(handler), VERSION);
  // The response starts with the call's first event: one is let through before it is awaited.
  gate.release(1);
  const posted = await handler(postInSession(id, VERSION, {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "count", arguments: {}, _meta: { progressToken: "cuts" } },
  }));
  assert.match(posted.headers.get("content-type") ?? "", /text\/event-stream/);
  let stream = sseReader(posted.body!);
  const seen: (number | "result")[] = [];
  let lastId = "";
  const read = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const event = await stream.next(5_000);
      seen.push(numberOf(event));
      lastId = event.id!;
    }
  };

  for (let cut = 1; cut <= CUTS; cut++) {
    gate.release(int(1, 4)(random));
    const highest = Math.max(-1, ...seen.filter((n) => n !== "result"));
    await read(int(1, gate.released - 1 - highest)(random));
    await stream.cancel();
    gate.release(int(0, 3)(random));
    const resumed = handler(getStream(id, VERSION, lastId));
    gate.release(int(0, 3)(random));
    const response = await resumed;
    assert.equal(response.status, 200, `resume ${cut}`);
    stream = sseReader(response.body!);
    gate.release(int(0, 2)(random));
  }
  gate.finish();
  while (seen.at(-1) !== "result") await read(1);
  await stream.cancel();
  assert.deepEqual(seen, [...upTo(gate.released), "result"], `over ${CUTS} cuts`);
});
