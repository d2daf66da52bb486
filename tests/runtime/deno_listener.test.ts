/**
 * The accept loop of serveHttp on Deno, over a scripted listener: accept errors are survived
 * (a full descriptor table sheds the connection idle longest), the cap sheds the oldest idle
 * connection or refuses a newcomer when none is idle, and overdue connections are cut.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { startAcceptLoop, type TrackedConnection } from "../../runtime/deno_listener.ts";
import { deferred, within } from "../async.ts";

interface FakeConnection {
  id: number;
}

/** A listener whose accepts are answered by `next`, one at a time, in order. */
function scriptedListener() {
  const waiting: { resolve(value: FakeConnection): void; reject(error: unknown): void }[] = [];
  const queued: (FakeConnection | Error)[] = [];
  let closed = false;
  const settle = () => {
    while (waiting.length > 0 && queued.length > 0) {
      const item = queued.shift()!;
      const waiter = waiting.shift()!;
      if (item instanceof Error) waiter.reject(item);
      else waiter.resolve(item);
    }
  };
  return {
    addr: { hostname: "127.0.0.1", port: 1 },
    accept(): Promise<FakeConnection> {
      if (closed) return Promise.reject(new Error("listener closed"));
      const wait = deferred<FakeConnection>();
      waiting.push(wait);
      settle();
      return wait.promise;
    },
    close(): void {
      closed = true;
      for (const waiter of waiting.splice(0)) waiter.reject(new Error("listener closed"));
    },
    push(item: FakeConnection | Error): void {
      queued.push(item);
      settle();
    },
  };
}

class Tracked implements TrackedConnection {
  idleSince: number | undefined;
  deadline = Infinity;
  closed = false;
  readonly done = deferred<void>();
  readonly id: number;
  readonly onClosed: () => void;
  constructor(id: number, idleSince: number | undefined, onClosed: () => void) {
    this.id = id;
    this.idleSince = idleSince;
    this.onClosed = onClosed;
  }
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.onClosed();
    this.done.resolve();
  }
  shutdown(): void {
    this.close();
  }
  run(): Promise<void> {
    return this.done.promise;
  }
}

function emfile(): Error {
  return Object.assign(new Error("Too many open files (os error 24)"), { code: "EMFILE" });
}

function harness(maxConnections: number, busy: Set<number> = new Set()) {
  const listener = scriptedListener();
  const tracked = new Map<number, Tracked>();
  const refused: number[] = [];
  const errors: unknown[] = [];
  let clock = 0;
  const admitted = new Map<number, ReturnType<typeof deferred<void>>>();
  const loop = startAcceptLoop(listener, {
    maxConnections,
    sweepIntervalMs: 10,
    track: (connection, onClosed) => {
      const entry = new Tracked(
        connection.id,
        busy.has(connection.id) ? undefined : ++clock,
        onClosed,
      );
      tracked.set(connection.id, entry);
      admitted.get(connection.id)?.resolve();
      return entry;
    },
    refuse: (connection) => {
      refused.push(connection.id);
      admitted.get(connection.id)?.resolve();
    },
    onError: (error) => errors.push(error),
  });
  return {
    listener,
    tracked,
    refused,
    errors,
    loop,
    /** Pushes a connection and waits until the loop has admitted or refused it. */
    async connect(id: number): Promise<void> {
      const seen = deferred<void>();
      admitted.set(id, seen);
      listener.push({ id });
      await within(seen.promise, 2000, `connection ${id} to be handled`);
    },
  };
}

describe("the accept loop of serveHttp on Deno", () => {
  test("a full descriptor table sheds the connection idle longest and accepting goes on", async () => {
    const h = harness(100);
    try {
      for (let id = 1; id <= 3; id++) await h.connect(id);
      h.listener.push(emfile());
      await h.connect(4);
      assert.equal(h.tracked.get(1)?.closed, true, "the oldest idle connection was shed");
      assert.equal(h.tracked.get(2)?.closed, false);
      assert.equal(h.tracked.get(4)?.closed, false, "the newcomer is served");
      assert.deepEqual(h.errors, [], "a full table is handled, not reported");
      assert.equal(h.loop.size, 3);
    } finally {
      await h.loop.stop();
    }
  });

  test("other accept errors are reported and survived", async () => {
    const h = harness(100);
    try {
      h.listener.push(new Error("Connection aborted"));
      await h.connect(1);
      assert.equal(h.errors.length, 1);
      assert.equal(h.tracked.get(1)?.closed, false);
    } finally {
      await h.loop.stop();
    }
  });

  test("at the cap the oldest idle connection is shed; busy ones are kept", async () => {
    const h = harness(3, new Set([1]));
    try {
      for (let id = 1; id <= 3; id++) await h.connect(id);
      await h.connect(4);
      assert.equal(h.tracked.get(1)?.closed, false, "busy: kept");
      assert.equal(h.tracked.get(2)?.closed, true, "the oldest idle: shed");
      assert.equal(h.tracked.get(3)?.closed, false);
      assert.equal(h.loop.size, 3);
    } finally {
      await h.loop.stop();
    }
  });

  test("at the cap with nothing idle the newcomer is refused", async () => {
    const h = harness(2, new Set([1, 2]));
    try {
      await h.connect(1);
      await h.connect(2);
      await h.connect(3);
      assert.deepEqual(h.refused, [3]);
      assert.equal(h.loop.size, 2);
    } finally {
      await h.loop.stop();
    }
  });

  test("an overdue connection is closed by the sweep; stop closes the rest", async () => {
    const h = harness(10);
    await h.connect(1);
    await h.connect(2);
    const first = h.tracked.get(1)!;
    first.deadline = Date.now() - 1;
    await within(first.done.promise, 2000, "the overdue connection to be closed");
    assert.equal(h.tracked.get(2)?.closed, false);
    await h.loop.stop();
    assert.equal(h.tracked.get(2)?.closed, true);
    assert.equal(h.loop.size, 0);
  });
});
