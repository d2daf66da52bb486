/**
 * Tasks seen from two instances sharing one in-process task store: the contract of
 * task_contract.ts, which redis_tasks.test.ts runs on Redis.
 */
import { describe, test } from "node:test";
import { createMemoryTaskStore } from "../../server/task_store.ts";
import {
  answerOnAnother,
  cancelOnAnother,
  dying,
  failedAfterDeath,
  instance,
  readOnAnother,
} from "./task_contract.ts";

describe("tasks extension: two instances on one memory store", () => {
  test("a task started on A is read on B", async () => {
    const store = createMemoryTaskStore();
    await readOnAnother(instance({ store }), instance({ store }));
  });

  test("input asked on A is answered on B", async () => {
    const store = createMemoryTaskStore();
    await answerOnAnother(instance({ store }), instance({ store }));
  });

  test("a task cancelled on B stops running on A", async () => {
    const store = createMemoryTaskStore();
    await cancelOnAnother(instance({ store, leaseMs: 30 }), instance({ store }));
  });

  test("a task whose instance died is failed on B once its lease ran out", async () => {
    const store = createMemoryTaskStore();
    const a = dying(store);
    let offset = 0;
    const b = instance({ store, leaseMs: 1_000, now: () => Date.now() + offset });
    await failedAfterDeath(
      instance({ store: a.store, leaseMs: 1_000 }),
      a.kill,
      b,
      (ms) => (offset += ms),
      1_000,
    );
  });
});
