/**
 * The load figures of scripts/hardening_figures.ts: a normal client's latency (sequential
 * stateless tools/call), slowloris connections that never finish their request head, legacy
 * clients that open their GET stream and never read it, and idle legacy sessions.
 *
 * @module
 */
import { connectTcp, type TcpConnection } from "../../runtime/mod.ts";
import {
  callText,
  delay,
  LEGACY,
  legacyHeaders,
  modernCall,
  openLegacySession,
  percentile,
  pool,
} from "./client.ts";
import { BIG_URI } from "./server.ts";

/** Latency of a normal client over a window. */
export interface Latency {
  calls: number;
  errors: number;
  p50: number;
  p99: number;
  max: number;
  lastError?: string;
}

/** Sequential stateless tools/call for `seconds`; latencies in ms. */
export async function measureLatency(url: string, seconds: number): Promise<Latency> {
  const times: number[] = [];
  let errors = 0;
  let lastError: string | undefined;
  const until = Date.now() + seconds * 1000;
  let id = 1;
  while (Date.now() < until) {
    const start = performance.now();
    try {
      const response = await fetch(url, {
        ...modernCall("echo", { text: "hi" }, id++),
        signal: AbortSignal.timeout(15_000),
      });
      const text = await response.text();
      if (response.status !== 200 || !text.includes('"hi"')) {
        errors++;
        lastError = `HTTP ${response.status} ${text.slice(0, 100)}`;
      }
    } catch (error) {
      errors++;
      lastError = (error as Error).message;
    }
    times.push(performance.now() - start);
  }
  return {
    calls: times.length,
    errors,
    p50: percentile(times, 50),
    p99: percentile(times, 99),
    max: Math.max(...times),
    lastError,
  };
}

/** A group of held-open connections. */
export interface HeldConnections {
  /** How many were opened. */
  opened: number;
  /** How many failed to open. */
  failed: number;
  /** How many the server has closed so far. */
  closedByServer(): number;
  /** Closes them all. */
  close(): void;
}

const encoder = new TextEncoder();

/**
 * `count` connections that each send a partial request head, then one more header line every
 * `trickleMs`, never finishing it.
 */
export async function slowloris(
  port: number,
  count: number,
  trickleMs = 1000,
): Promise<HeldConnections> {
  const connections: TcpConnection[] = [];
  let failed = 0;
  let closed = 0;
  let stopped = false;
  await pool(Array.from({ length: count }), 50, async () => {
    try {
      const connection = await connectTcp({ hostname: "127.0.0.1", port });
      connections.push(connection);
      connection.closed.then(() => {
        if (!stopped) closed++;
      });
      // Drain whatever the server says (a 408 or 503) so a close is seen.
      connection.readable.pipeTo(new WritableStream()).catch(() => {});
      await connection.write(encoder.encode(`POST /mcp HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\n`));
    } catch {
      failed++;
    }
  });
  let line = 0;
  const timer = setInterval(() => {
    line++;
    for (const connection of connections) {
      connection.write(encoder.encode(`x-slow-${line}: ${line}\r\n`)).catch(() => {});
    }
  }, trickleMs);
  return {
    opened: connections.length,
    failed,
    closedByServer: () => closed,
    close: () => {
      stopped = true;
      clearInterval(timer);
      for (const connection of connections) connection.close();
    },
  };
}

/**
 * `count` legacy sessions, each subscribed to BIG_URI, whose GET stream is opened over a raw
 * socket and, once the response head arrived, never read again.
 */
export async function nonReadingStreams(
  url: string,
  port: number,
  count: number,
): Promise<HeldConnections> {
  const connections: TcpConnection[] = [];
  let failed = 0;
  let closed = 0;
  let stopped = false;
  await pool(Array.from({ length: count }), 20, async () => {
    try {
      const session = await openLegacySession(url);
      const subscribed = await fetch(url, {
        method: "POST",
        headers: legacyHeaders(session),
        body: JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "resources/subscribe",
          params: { uri: BIG_URI },
        }),
      });
      await subscribed.arrayBuffer();
      const connection = await connectTcp({ hostname: "127.0.0.1", port });
      await connection.write(encoder.encode(
        `GET /mcp HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\naccept: text/event-stream\r\n` +
          `mcp-protocol-version: ${LEGACY}\r\nmcp-session-id: ${session}\r\n\r\n`,
      ));
      const reader = connection.readable.getReader();
      let head = "";
      const decoder = new TextDecoder();
      while (!head.includes("\r\n\r\n")) {
        const { done, value } = await reader.read();
        if (done) throw new Error(`GET stream closed: ${head}`);
        head += decoder.decode(value, { stream: true });
      }
      if (!head.startsWith("HTTP/1.1 200")) throw new Error(head.slice(0, 100));
      // From here on the stream is never read: the server's writes back up.
      connections.push(connection);
      connection.closed.then(() => {
        if (!stopped) closed++;
      });
    } catch {
      failed++;
    }
  });
  return {
    opened: connections.length,
    failed,
    closedByServer: () => closed,
    close: () => {
      stopped = true;
      for (const connection of connections) connection.close();
    },
  };
}

/** Starts (periodMs > 0) or stops (0) the server's broadcast timer; answers the updates sent. */
export async function broadcast(url: string, periodMs: number): Promise<number> {
  return Number(await callText(url, "broadcast", { periodMs }));
}

/** Opens `count` idle legacy sessions (initialized, then left alone); answers the failures. */
export async function idleSessions(url: string, count: number): Promise<number> {
  let failed = 0;
  await pool(Array.from({ length: count }), 16, async () => {
    try {
      await openLegacySession(url);
    } catch {
      failed++;
    }
  });
  await delay(0);
  return failed;
}
