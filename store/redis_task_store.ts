/**
 * A {@linkcode TaskStore} on Redis, so a task started on one instance is read (`tasks/get`),
 * answered and cancelled on any other, and a task whose instance died is failed once its lease
 * runs out (see `server/task_leases.ts`).
 *
 * Keys (under the prefix, default `"emcee:"`): `task:<id>`, the record as JSON, expiring `ttlMs`
 * after creation (never for a task of `ttlMs: null`). An update reads the record, changes it,
 * and writes it back only if nobody wrote it meanwhile (a compare-and-set script, so it works
 * on the shared pipelined connection), retried a few times under contention.
 *
 * @module
 */
import { ErrorCode, McpError } from "../protocol/errors.ts";
import type { RedisClient } from "./redis/client.ts";
import { defineScript } from "./redis/script.ts";
import type { TaskRecord, TaskStore } from "../server/task_store.ts";
import { guarded } from "./unavailable.ts";

/** Options for {@linkcode createRedisTaskStore}. */
export interface RedisTaskStoreOptions {
  /** Prefix of every key written. Default `"emcee:"`. */
  prefix?: string;
  /** Attempts of one update when other instances keep changing the record. Default 16. */
  maxUpdateAttempts?: number;
}

// KEYS[1] the task; ARGV[1] the record read, ARGV[2] the new one. Keeps the key's expiry.
const COMPARE_AND_SET = defineScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1
`);

function parse(text: string | null): TaskRecord | undefined {
  return text === null ? undefined : JSON.parse(text) as TaskRecord;
}

/**
 * Creates a task store on `redis`.
 *
 * @example
 * ```ts
 * import { connectRedis } from "./redis/mod.ts";
 * import { createRedisTaskStore } from "./redis_task_store.ts";
 * import { McpServer } from "../server/server.ts";
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 * const server = new McpServer({ name: "jobs", version: "1.0.0" }, {
 *   tasks: { store: createRedisTaskStore(redis) },
 * });
 * ```
 */
export function createRedisTaskStore(
  redis: RedisClient,
  options: RedisTaskStoreOptions = {},
): TaskStore {
  const prefix = options.prefix ?? "emcee:";
  const maxAttempts = options.maxUpdateAttempts ?? 16;
  const keyOf = (taskId: string) => `${prefix}task:${taskId}`;
  return {
    create: (record) =>
      guarded(async () => {
        const ttlMs = record.task.ttlMs;
        const args = ["SET", keyOf(record.task.taskId), JSON.stringify(record), "NX"];
        if (ttlMs !== null) args.push("PX", String(Math.max(1, ttlMs)));
        if ((await redis.send(args)) === null) {
          throw new McpError(ErrorCode.InternalError, `Task ${record.task.taskId} exists`);
        }
      }),
    get: (taskId) => guarded(async () => parse(await redis.get(keyOf(taskId)))),
    update: (taskId, change) =>
      guarded(async () => {
        const key = keyOf(taskId);
        for (let attempt = 0; attempt < maxAttempts; attempt++) {
          const before = await redis.get(key);
          const record = parse(before);
          if (record === undefined) return undefined;
          const next = change(record);
          const after = JSON.stringify(next);
          if (after === before) return next;
          if (await COMPARE_AND_SET.run(redis, [key], [before!, after]) === 1) {
            return next;
          }
        }
        throw new McpError(ErrorCode.InternalError, `Task ${taskId} changed too often to update`);
      }),
  };
}
