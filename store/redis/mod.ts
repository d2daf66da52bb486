/**
 * A Redis client of emcee's own, for shared state across server processes: RESP3 (RESP2 where
 * the server has no `HELLO 3`), pipelining, `AUTH` and `SELECT` from the URL, `rediss://` TLS,
 * command timeouts, reconnection with bounded exponential backoff, and pub/sub that survives
 * reconnects. No dependencies; runs on Deno, Bun and Node.
 *
 * @example
 * ```ts
 * import { connectRedis } from "./mod.ts";
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 * const subscriber = await redis.subscriber();
 * await subscriber.subscribe("sessions", (message) => console.log("event", message));
 * await redis.send(["PUBLISH", "sessions", "created"]);
 * console.log(await redis.send(["INCR", "counter"]));
 * redis.close();
 * ```
 *
 * @module
 */
export { connectRedis, RedisClient, type RedisOptions } from "./client.ts";
export {
  openRedisConnection,
  RedisConnection,
  type RedisConnectionOptions,
  type SendOptions,
} from "./connection.ts";
export { RedisConnectionError, RedisError, RedisTimeoutError } from "./errors.ts";
export {
  connectSubscriber,
  type MessageListener,
  type PatternListener,
  RedisSubscriber,
  type RedisSubscriberOptions,
} from "./pubsub.ts";
export { ReconnectingConnection, type ReconnectOptions } from "./reconnect.ts";
export {
  encodeCommand,
  type RedisArgument,
  type RespFrame,
  type RespLimits,
  RespParser,
  RespProtocolError,
  type RespValue,
} from "./resp.ts";
export { parseRedisUrl, type RedisAddress } from "./url.ts";
export type { TcpTlsOptions } from "../../runtime/tcp.ts";
