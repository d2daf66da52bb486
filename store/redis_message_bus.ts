/**
 * A {@linkcode MessageBus} on Redis pub/sub: `PUBLISH` on the client's connection, one
 * subscriber connection (opened at the first subscription) for every channel of this instance.
 *
 * @module
 */
import type { RedisClient } from "./redis/client.ts";
import type { RedisSubscriber } from "./redis/pubsub.ts";
import type { MessageBus } from "../transports/http/message_bus.ts";

/** Options for {@linkcode createRedisMessageBus}. */
export interface RedisMessageBusOptions {
  /** Prefix of every channel. Default `"emcee:"`. */
  prefix?: string;
}

/**
 * Creates a bus on `redis`; its subscriber connection is closed with the client.
 *
 * @example
 * ```ts
 * import { connectRedis } from "./redis/mod.ts";
 * import { createRedisMessageBus } from "./redis_message_bus.ts";
 * const redis = await connectRedis("redis://127.0.0.1:6379");
 * const bus = createRedisMessageBus(redis);
 * const stop = await bus.subscribe("news", (message) => console.log(message));
 * await bus.publish("news", "hello");
 * await stop();
 * ```
 */
export function createRedisMessageBus(
  redis: RedisClient,
  options: RedisMessageBusOptions = {},
): MessageBus {
  const prefix = options.prefix ?? "emcee:";
  let subscriber: Promise<RedisSubscriber> | undefined;
  return {
    async publish(channel, message) {
      await redis.send(["PUBLISH", prefix + channel, message]);
    },
    async subscribe(channel, onMessage) {
      subscriber ??= redis.subscriber();
      const connection = await subscriber;
      // A listener of its own, so unsubscribing it leaves the channel's others in place.
      const listener = (message: string) => onMessage(message);
      await connection.subscribe(prefix + channel, listener);
      return () => connection.unsubscribe(prefix + channel, listener);
    },
  };
}
