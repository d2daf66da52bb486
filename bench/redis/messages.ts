// The cost on Redis of one message between instances, driven from this process with emcee's
// Redis client: a bare bus message (PUBLISH to one subscribing instance), and a legacy
// standalone notification sent on an instance that does not hold the session's GET stream
// (appended to the Redis event store, then published for the instance that holds it).

import { connectRedis } from "../../store/redis/client.ts";
import { createRedisEventStore } from "../../store/redis_event_store.ts";
import { createRedisMessageBus } from "../../store/redis_message_bus.ts";
import { commandMix, type RedisProbe } from "./measure.ts";

/** What `count` messages cost. */
export interface MessageCost {
  label: string;
  perSecond: number;
  redisUsPerMessage: number;
  commandsPerMessage: number;
  mix: string;
}

const NOTIFICATION = {
  jsonrpc: "2.0" as const,
  method: "notifications/message",
  params: { level: "info", data: "x".repeat(64) },
};

/**
 * Sends `count` messages `inFlight` at a time each way (four times as many bare bus messages,
 * which cost little against /proc's 10 ms ticks), waiting until every one arrived.
 */
export async function messageCosts(
  url: string,
  probe: RedisProbe,
  count: number,
  inFlight: number,
): Promise<MessageCost[]> {
  const sender = await connectRedis(url);
  const holder = await connectRedis(url);
  const prefix = `bench-${Date.now()}:`;
  const sent = createRedisMessageBus(sender, { prefix });
  const events = createRedisEventStore(sender, { prefix });
  let received = 0;
  let expected = 0;
  let arrivedAll: () => void = () => {};
  const stop = await createRedisMessageBus(holder, { prefix }).subscribe(
    "session:s:standalone",
    () => {
      if (++received === expected) arrivedAll();
    },
  );
  const kinds: [string, number, (n: number) => Promise<void>][] = [
    [
      "bus message (PUBLISH, one subscriber)",
      4 * count,
      (n) => sent.publish("session:s:standalone", `message ${n}`),
    ],
    ["standalone notification (event store + PUBLISH)", count, async () => {
      const message = { ...NOTIFICATION };
      const id = await events.append("s-get", message);
      await sent.publish("session:s:standalone", `id: ${id}\ndata: ${JSON.stringify(message)}\n\n`);
    }],
  ];
  const costs: MessageCost[] = [];
  try {
    for (const [label, total, send] of kinds) {
      expected = total;
      received = 0;
      const arrived = new Promise<void>((resolve) => arrivedAll = resolve);
      const before = await probe.snapshot();
      const start = performance.now();
      let next = 0;
      const lane = async () => {
        while (next < total) await send(next++);
      };
      await Promise.all(Array.from({ length: inFlight }, lane));
      await arrived;
      const seconds = (performance.now() - start) / 1000;
      const after = await probe.snapshot();
      costs.push({
        label,
        perSecond: total / seconds,
        redisUsPerMessage: (after.cpuUs - before.cpuUs) / total,
        commandsPerMessage: (after.commands - before.commands) / total,
        mix: commandMix(before, after, total),
      });
    }
  } finally {
    await stop();
    sender.close();
    holder.close();
  }
  return costs;
}
