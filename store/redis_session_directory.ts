/**
 * A {@linkcode SessionDirectory} on Redis, so a legacy session opened on one emcee instance is
 * adopted by another that gets its requests, and the session caps hold across instances.
 *
 * Keys (under the prefix, default `"emcee:"`):
 * - `session:<id>`: a hash, `principal`, `owner` and the snapshot fields as JSON, expiring
 *   `ttlMs` after the session's last use;
 * - `sessions`: a sorted set of the live ids by last use (µs), for the global cap;
 * - `sessions-of:<owner>`: the same per quota owner, for the per-principal quota;
 * - `session-ended:<id>`: kept `ttlMs` after a session ended, to answer "ended".
 *
 * Each operation is one Lua script, so two instances admitting sessions at once cannot both
 * take the last place. Past a cap, the least recently used session is ended: the owner's own
 * when it is at its quota, else the least recently used of all (simpler than the in-process
 * policy, which prefers anonymous owners' sessions; the quota per owner bounds any one owner).
 *
 * @module
 */
import type { RedisClient } from "./redis/client.ts";
import { defineScript, type RedisScript } from "./redis/script.ts";
import { guarded } from "./unavailable.ts";
import type {
  DirectoryRecord,
  SessionDirectory,
  SessionSnapshot,
} from "../transports/http/session_directory.ts";

/** Options for {@linkcode createRedisSessionDirectory}. */
export interface RedisSessionDirectoryOptions {
  /** Prefix of every key written. Default `"emcee:"`. */
  prefix?: string;
  /** Milliseconds a session is kept after its last use. Default one hour. */
  ttlMs?: number;
  /** Live sessions in all, across instances. Default 1 000. */
  maxSessions?: number;
  /** Live sessions per quota owner, across instances. Default 100. */
  maxSessionsPerPrincipal?: number;
}

// Shared by the scripts: the time of the Redis server (so instances' clocks do not matter),
// and ending a session `victim` (of `known` owner if given).
const COMMON = `
local p, id, ttl = ARGV[1], ARGV[2], tonumber(ARGV[3])
local t = redis.call('TIME')
-- Microseconds, so sessions used within one millisecond are still told apart by recency.
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local stale = now - ttl * 1000
local all = p .. 'sessions'
local function ownerKey(o) return p .. 'sessions-of:' .. o end
local function finish(victim, known)
  local hash = p .. 'session:' .. victim
  local o = known or redis.call('HGET', hash, 'owner')
  redis.call('ZREM', all, victim)
  if o then redis.call('ZREM', ownerKey(o), victim) end
  redis.call('DEL', hash)
  redis.call('SET', p .. 'session-ended:' .. victim, '1', 'PX', ttl)
end
`;

// ARGV: prefix, id, ttl, owner, maxSessions, maxPerOwner, field, value, ...
const CREATE = defineScript(
  COMMON + `
local owner, max, per = ARGV[4], tonumber(ARGV[5]), tonumber(ARGV[6])
local mine = ownerKey(owner)
-- Sessions that expired left their ids in the sets: they take no place.
for _, v in ipairs(redis.call('ZRANGEBYSCORE', all, '-inf', stale)) do finish(v) end
redis.call('ZREMRANGEBYSCORE', mine, '-inf', stale)
local evicted = {}
while redis.call('ZCARD', mine) >= per do
  local v = redis.call('ZRANGE', mine, 0, 0)[1]
  finish(v, owner)
  table.insert(evicted, v)
end
while redis.call('ZCARD', all) >= max do
  local v = redis.call('ZRANGE', all, 0, 0)[1]
  finish(v)
  table.insert(evicted, v)
end
local hash = p .. 'session:' .. id
redis.call('HSET', hash, 'owner', owner, unpack(ARGV, 7))
redis.call('PEXPIRE', hash, ttl)
redis.call('ZADD', all, now, id)
redis.call('ZADD', mine, now, id)
redis.call('PEXPIRE', mine, ttl)
return evicted
`,
);

const TOUCH = defineScript(
  COMMON + `
local hash = p .. 'session:' .. id
local owner = redis.call('HGET', hash, 'owner')
if not owner then return {} end
redis.call('PEXPIRE', hash, ttl)
redis.call('ZADD', all, 'XX', now, id)
redis.call('ZADD', ownerKey(owner), 'XX', now, id)
redis.call('PEXPIRE', ownerKey(owner), ttl)
return redis.call('HGETALL', hash)
`,
);

// ARGV: prefix, id, ttl, field, value, ...: only a live session is written, never recreated.
const UPDATE = defineScript(
  COMMON + `
local hash = p .. 'session:' .. id
if redis.call('EXISTS', hash) == 0 then return 0 end
redis.call('HSET', hash, unpack(ARGV, 4))
return 1
`,
);

const DELETE = defineScript(
  COMMON + `
if redis.call('EXISTS', p .. 'session:' .. id) == 0 then return 0 end
finish(id)
return 1
`,
);

const SNAPSHOT_FIELDS = [
  "protocolVersion",
  "clientCapabilities",
  "clientInfo",
  "initialized",
  "logLevel",
  "subscriptions",
] as const;

/** The snapshot as hash field/value pairs, each value JSON (`null` for absent). */
function fieldsOf(session: SessionSnapshot): string[] {
  return SNAPSHOT_FIELDS.flatMap((name) => [name, JSON.stringify(session[name] ?? null)]);
}

/** A hash reply (a RESP3 map or a RESP2 flat array) as an object. */
function hashOf(reply: unknown): Record<string, string> {
  if (reply instanceof Map) return Object.fromEntries(reply) as Record<string, string>;
  const flat = (reply ?? []) as string[];
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

/** The record stored in `hash`, or `undefined` when it holds none (or not one of ours). */
function recordOf(id: string, hash: Record<string, string>): DirectoryRecord | undefined {
  if (hash.owner === undefined || hash.principal === undefined) return undefined;
  const parsed: Record<string, unknown> = {};
  try {
    for (const name of SNAPSHOT_FIELDS) {
      const value = JSON.parse(hash[name] ?? "null");
      if (value !== null) parsed[name] = value;
    }
  } catch {
    return undefined;
  }
  const session = {
    clientCapabilities: {},
    initialized: false,
    subscriptions: [],
    ...parsed,
  } as unknown as SessionSnapshot;
  return { id, principal: JSON.parse(hash.principal) as string, owner: hash.owner, session };
}

/**
 * Creates a session directory on `redis`; pass it with a Redis event store to every instance.
 *
 * @example
 * ```ts
 * import { connectRedis } from "./redis/mod.ts";
 * import { createRedisEventStore } from "./redis_event_store.ts";
 * import { createRedisSessionDirectory } from "./redis_session_directory.ts";
 * import { McpServer } from "../server/server.ts";
 * import { createHttpHandler } from "../transports/http/server.ts";
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 * const sessionDirectory = createRedisSessionDirectory(redis, { maxSessions: 10_000 });
 * const eventStore = createRedisEventStore(redis);
 * const server = new McpServer({ name: "demo", version: "1.0.0" });
 * const handler = createHttpHandler(server, { legacy: { sessionDirectory, eventStore } });
 * ```
 */
export function createRedisSessionDirectory(
  redis: RedisClient,
  options: RedisSessionDirectoryOptions = {},
): SessionDirectory {
  const prefix = options.prefix ?? "emcee:";
  const ttl = options.ttlMs ?? 60 * 60_000;
  const maxSessions = options.maxSessions ?? 1000;
  const perOwner = options.maxSessionsPerPrincipal ?? 100;
  if (!(maxSessions >= 1) || !(perOwner >= 1) || !(ttl >= 1)) {
    throw new RangeError("maxSessions, maxSessionsPerPrincipal and ttlMs must be at least 1");
  }
  // An unreachable Redis rejects with a StoreUnavailableError: the handler answers 503.
  const run = (script: RedisScript, id: string, ...rest: (string | number)[]) =>
    guarded(() => script.run(redis, [], [prefix, id, ttl, ...rest]));
  return {
    async create(record) {
      const evicted = await run(
        CREATE,
        record.id,
        record.owner,
        maxSessions,
        perOwner,
        // The principal as JSON too, so "" is stored as a value like any other.
        "principal",
        JSON.stringify(record.principal),
        ...fieldsOf(record.session),
      );
      return evicted as string[];
    },
    async get(id) {
      const hash = await guarded(() => redis.send(["HGETALL", `${prefix}session:${id}`]));
      return recordOf(id, hashOf(hash));
    },
    async update(id, session) {
      await run(UPDATE, id, ...fieldsOf(session));
    },
    async touch(id) {
      return recordOf(id, hashOf(await run(TOUCH, id)));
    },
    async delete(id) {
      return (await run(DELETE, id)) === 1;
    },
    async ended(id) {
      return (await guarded(() => redis.send(["EXISTS", `${prefix}session-ended:${id}`]))) === 1;
    },
  };
}
