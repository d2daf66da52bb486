/**
 * What every `EventStore` must do for legacy SSE resumption, as tests any store runs: the
 * memory store and the Redis store pass the same ones.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { JsonRpcMessage, JsonRpcNotification } from "../../protocol/jsonrpc.ts";
import type { EventStore } from "../../transports/http/event_store.ts";

/** A notification carrying `n`. */
export function note(n: number): JsonRpcNotification {
  return { jsonrpc: "2.0", method: "notifications/message", params: { n } };
}

/** Every event after `lastEventId`, with the stream id the store answered. */
export async function replay(
  store: EventStore,
  lastEventId: string,
): Promise<{ stream: string | undefined; events: [string, JsonRpcMessage][] }> {
  const events: [string, JsonRpcMessage][] = [];
  const stream = await store.replayAfter(lastEventId, (id, message) => events.push([id, message]));
  return { stream, events };
}

const ns = (events: [string, JsonRpcMessage][]) =>
  events.map(([, m]) => ((m as JsonRpcNotification).params as { n: number }).n);

let unique = 0;
/** A session id no other test uses, so stores on one Redis server do not see each other's. */
export function freshSession(): string {
  return `${Date.now().toString(16)}${(unique++).toString(16)}`;
}

/** Options a contract store is made with. */
export interface ContractStoreOptions {
  /** Events kept per stream. */
  maxEventsPerStream?: number;
}

/**
 * Registers the contract tests for the stores `make` creates. `exactBound` says whether
 * `maxEventsPerStream` is exact (memory) or approximate (Redis `MAXLEN ~`, whole nodes of 100).
 */
export function eventStoreContract(
  name: string,
  make: (options?: ContractStoreOptions) => EventStore | Promise<EventStore>,
  exactBound: boolean,
): void {
  test(`${name}: ids are <streamId>.<suffix>; replay sends later events in order`, async () => {
    const store = await make();
    const stream = `${freshSession()}-get`;
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) ids.push(await store.append(stream, note(n)));
    assert.equal(new Set(ids).size, 5);
    for (const id of ids) assert.equal(id.slice(0, id.lastIndexOf(".")), stream, id);
    const { stream: named, events } = await replay(store, ids[1]);
    assert.equal(named, stream);
    assert.deepEqual(ns(events), [2, 3, 4]);
    assert.deepEqual(events.map(([id]) => id), ids.slice(2));
    assert.deepEqual((await replay(store, ids[4])).events, []);
  });

  test(`${name}: a priming event (null) is a resume point, never replayed`, async () => {
    const store = await make();
    const stream = `${freshSession()}-r1`;
    const primed = await store.append(stream, null);
    await store.append(stream, note(1));
    await store.append(stream, null);
    await store.append(stream, note(2));
    const { stream: named, events } = await replay(store, primed);
    assert.equal(named, stream);
    assert.deepEqual(ns(events), [1, 2]);
  });

  test(`${name}: unknown streams and malformed ids answer undefined`, async () => {
    const store = await make();
    const stream = `${freshSession()}-get`;
    const id = await store.append(stream, note(0));
    const suffix = id.slice(id.lastIndexOf(".") + 1);
    for (const bad of [`${freshSession()}-get.${suffix}`, "no-dot", ".0", `${stream}.x`, ""]) {
      assert.equal((await replay(store, bad)).stream, undefined, bad);
    }
  });

  test(`${name}: streams are separate`, async () => {
    const store = await make();
    const session = freshSession();
    const a = await store.append(`${session}-a`, note(1));
    const b = await store.append(`${session}-b`, note(10));
    await store.append(`${session}-a`, note(2));
    await store.append(`${session}-b`, note(11));
    assert.deepEqual(ns((await replay(store, a)).events), [2]);
    assert.deepEqual(ns((await replay(store, b)).events), [11]);
  });

  test(`${name}: forgetSession drops that session's streams only`, async () => {
    const store = await make();
    const [gone, kept] = [freshSession(), freshSession()];
    const first = await store.append(`${gone}-get`, note(0));
    const request = await store.append(`${gone}-r`, note(0));
    await store.append(`${gone}-get`, note(1));
    const other = await store.append(`${kept}-get`, note(0));
    await store.append(`${kept}-get`, note(1));
    assert.ok(store.forgetSession, "the store can forget a session");
    await store.forgetSession(gone);
    assert.equal((await replay(store, first)).stream, undefined);
    assert.equal((await replay(store, request)).stream, undefined);
    assert.deepEqual(ns((await replay(store, other)).events), [1]);
  });

  test(`${name}: maxEventsPerStream bounds a stream, newest kept`, async () => {
    const store = await make({ maxEventsPerStream: 10 });
    const stream = `${freshSession()}-get`;
    const first = await store.append(stream, note(0));
    for (let n = 1; n < 500; n++) await store.append(stream, note(n));
    const { stream: named, events } = await replay(store, first);
    assert.equal(named, stream);
    const kept = ns(events);
    assert.equal(kept.at(-1), 499);
    if (exactBound) assert.equal(kept.length, 10);
    else assert.ok(kept.length >= 10 && kept.length <= 110, `${kept.length} kept`);
    assert.deepEqual(kept, [...kept].sort((x, y) => x - y));
  });
}
