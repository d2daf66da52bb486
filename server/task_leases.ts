/**
 * Leases on running tasks: the instance running a task renews its lease in the task store, and
 * a task whose lease ran out (its instance died or lost the store) is failed by whoever reads
 * it next, so no task stays `working` for ever. Renewal is also how a running instance learns
 * that another instance ended its task (`tasks/cancel` there): the record it reads back is
 * terminal, and the run is stopped.
 *
 * @module
 */
import { isTerminalTaskStatus } from "../protocol/tasks.ts";
import { ErrorCode } from "../protocol/errors.ts";
import type { JsonObject } from "../protocol/jsonrpc.ts";
import { backgroundInterval } from "../runtime/timers.ts";
import type { TaskRecord, TaskStore } from "./task_store.ts";

/** The reason a task whose lease ran out fails with. */
export const LEASE_EXPIRED_MESSAGE =
  "The server instance running this task stopped before it finished (its lease expired)";

/**
 * `record` failed for its expired lease, or `record` itself when it is terminal, has no lease,
 * or the lease still holds at `now`.
 */
export function expireLease(record: TaskRecord, now: number): TaskRecord {
  const lease = record.lease;
  if (!lease || lease.expiresAt > now || isTerminalTaskStatus(record.task.status)) return record;
  const error: JsonObject = { code: ErrorCode.InternalError, message: LEASE_EXPIRED_MESSAGE };
  return {
    task: {
      ...record.task,
      status: "failed",
      statusMessage: LEASE_EXPIRED_MESSAGE,
      lastUpdatedAt: new Date(now).toISOString(),
    },
    owner: record.owner,
    error,
  };
}

/** Options of {@linkcode createLeaseKeeper}. */
export interface LeaseKeeperOptions {
  /** Where the leases are written. */
  store: TaskStore;
  /** This instance's id, written as the lease holder. */
  holder: string;
  /** How long a lease lasts unless renewed; renewed every third of it. */
  leaseMs: number;
  /** Clock, in ms since the epoch. */
  now: () => number;
  /** Called once when a kept task ended elsewhere, expired, or is held by another instance. */
  onLost: (taskId: string) => void;
}

/** Renews the leases of the tasks this instance runs. */
export interface LeaseKeeper {
  /** `record` with a fresh lease of this instance. */
  lease(record: TaskRecord): TaskRecord;
  /** Starts renewing the lease of `taskId`. */
  keep(taskId: string): void;
  /** Stops renewing it (the task ended here). */
  release(taskId: string): void;
}

/**
 * Keeps the leases of running tasks with one background timer, running only while there are
 * tasks to keep. A renewal that fails (the store is unreachable) is retried at the next tick;
 * if the store stays away past the lease, another instance fails the task.
 */
export function createLeaseKeeper(options: LeaseKeeperOptions): LeaseKeeper {
  const { store, holder, leaseMs, now, onLost } = options;
  const kept = new Set<string>();
  let timer: ReturnType<typeof backgroundInterval> | undefined;
  const lease = (record: TaskRecord): TaskRecord => ({
    ...record,
    lease: { holder, expiresAt: now() + leaseMs },
  });
  const renew = async (taskId: string) => {
    const record = await store.update(
      taskId,
      (current) =>
        isTerminalTaskStatus(current.task.status) || current.lease?.holder !== holder ||
          current.lease.expiresAt <= now()
          ? current
          : lease(current),
    );
    const ours = record && !isTerminalTaskStatus(record.task.status) &&
      record.lease?.holder === holder && record.lease.expiresAt > now();
    if (!ours && kept.delete(taskId)) onLost(taskId);
  };
  const tick = () => {
    for (const taskId of kept) void renew(taskId).catch(() => {});
    stopWhenIdle();
  };
  const stopWhenIdle = () => {
    if (kept.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return {
    lease,
    keep(taskId) {
      kept.add(taskId);
      timer ??= backgroundInterval(tick, Math.max(1, Math.floor(leaseMs / 3)));
    },
    release(taskId) {
      kept.delete(taskId);
      stopWhenIdle();
    },
  };
}
