/**
 * Resumption with an event store whose calls resolve later: events the server
 * sends while the store replays reach the resumed stream, over 100 cuts.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import type { JsonRpcMessage } from "../../protocol/jsonrpc.ts";
import { createMemoryEventStore, type EventStore } from "../../transports/http/event_store.ts";
import { createHttpHandler } from "../../transports/http/server.ts";
import {
  capturingServer,
  direct,
  getStream,
  initialize,
  numbered,
  sseReader,
} from "./sse_legacy_helpers.ts";

/** Lets the microtask queue run `ticks` times: a store answering later, without timers. */
async function later(ticks: number): Promise<void> {
  for (let i = 0; i < ticks; i++) await Promise.resolve();
}

/**
 * The memory store behind asynchronous calls. `replayAfter` reads the events
 * at once but answers only later, and calls `duringReplay` in between: what
 * is sent then is not in the replay.
 */
function asyncStore(duringReplay: () => void): EventStore {
  const inner = createMemoryEventStore();
  return {
    async append(streamId, message) {
      await later(1);
      return inner.append(streamId, message);
    },
    async replayAfter(lastEventId, send) {
      const events: [string, JsonRpcMessage][] = [];
      const streamId = await inner.replayAfter(lastEventId, (id, m) => events.push([id, m]));
      duringReplay();
      await later(50);
      for (const [id, message] of events) send(id, message);
      return streamId;
    },
  };
}

const VERSION = "2025-06-18";

test("nothing sent during a replay from an asynchronous store is lost, over 100 cuts", async () => {
  const { server, sessions } = capturingServer();
  let emitDuringReplay = () => {};
  const handler = createHttpHandler(server, {
    legacy: { eventStore: asyncStore(() => emitDuringReplay()) },
  });
  const id = await initialize(direct(handler), VERSION);
  const session = sessions.at(-1)!;
  let stream = sseReader((await handler(getStream(id, VERSION))).body!);
  session.sendStandalone(numbered(0));
  let lastId = (await stream.next()).id!;
  const lost: number[] = [];
  for (let cut = 1; cut <= 100; cut++) {
    await stream.cancel();
    emitDuringReplay = () => session.sendStandalone(numbered(cut));
    const response = await handler(getStream(id, VERSION, lastId));
    assert.equal(response.status, 200);
    emitDuringReplay = () => {};
    stream = sseReader(response.body!);
    // A marker sent once the stream is back: everything before it has arrived by then.
    session.sendStandalone(numbered(-cut));
    let seen = false;
    while (true) {
      const event = await stream.next();
      const n = (JSON.parse(event.data).params as { n: number }).n;
      lastId = event.id!;
      if (n === cut) seen = true;
      if (n === -cut) break;
    }
    if (!seen) lost.push(cut);
  }
  await stream.cancel();
  assert.deepEqual(lost, [], `${lost.length} of 100 events sent during a replay were lost`);
});
