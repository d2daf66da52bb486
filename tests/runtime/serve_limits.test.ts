/**
 * The limits of serveHttp (issue 15) on the wire, on every runtime: a request head that never
 * completes is cut after headTimeoutMs, past maxConnections the connection idle longest is
 * shed for a newcomer (a busy one is kept), and the HTTP/1.1 basics a raw client relies on
 * (chunked request bodies, pipelined requests, Connection: close) still hold.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  connectTcp,
  type HttpServerHandle,
  serveHttp,
  type ServeHttpOptions,
} from "../../runtime/mod.ts";
import { deferred, within } from "../async.ts";

const encoder = new TextEncoder();

/** A raw connection whose received bytes accumulate as text. */
async function rawClient(server: HttpServerHandle) {
  const connection = await connectTcp({ hostname: "127.0.0.1", port: server.port });
  let text = "";
  const waiters = new Set<() => void>();
  const ended = (async () => {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of connection.readable) {
        text += decoder.decode(chunk, { stream: true });
        for (const waiter of [...waiters]) waiter();
      }
    } catch {
      // reset by the server: counts as ended
    }
    for (const waiter of [...waiters]) waiter();
  })();
  let finished = false;
  ended.then(() => (finished = true));
  return {
    connection,
    ended,
    get text(): string {
      return text;
    },
    send: (data: string): Promise<void> => connection.write(encoder.encode(data)),
    /** Resolves once the received text satisfies `done` (or the connection ended). */
    until(done: (text: string) => boolean, what: string): Promise<string> {
      const wait = deferred<string>();
      const check = () => {
        if (done(text) || finished) {
          waiters.delete(check);
          wait.resolve(text);
        }
      };
      waiters.add(check);
      check();
      return within(wait.promise, 5000, what);
    },
  };
}

async function withServer(
  options: ServeHttpOptions,
  run: (server: HttpServerHandle, gate: { release(): void }) => Promise<void>,
): Promise<void> {
  const gate = deferred<void>();
  const server = await serveHttp(async (request) => {
    const path = new URL(request.url).pathname;
    if (path === "/echo") return new Response(await request.text());
    if (path === "/wait") await gate.promise;
    return Response.json({ path });
  }, options);
  try {
    await run(server, { release: () => gate.resolve() });
  } finally {
    gate.resolve();
    await server.close();
  }
}

const responses = (text: string): number => text.split("HTTP/1.1 200").length - 1;

describe("serveHttp limits", () => {
  test("a request head that never completes is cut after headTimeoutMs", async () => {
    await withServer({ headTimeoutMs: 300 }, async (server) => {
      const slow = await rawClient(server);
      const started = Date.now();
      await slow.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");
      await within(slow.ended, 5000, "the stalled connection to be closed");
      assert.ok(Date.now() - started < 4000, "closed by the head deadline, not much later");
      const response = await fetch(`${server.url}/after`);
      assert.deepEqual(await response.json(), { path: "/after" });
    });
  });

  test("past maxConnections the oldest idle connection is shed; a busy one is kept", async () => {
    await withServer({ maxConnections: 3, headTimeoutMs: 30_000 }, async (server, gate) => {
      const busy = await rawClient(server);
      await busy.send("GET /wait HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      const oldest = await rawClient(server);
      await oldest.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"); // half a head: idle
      // Served once, so that the server has certainly seen it before the newcomer.
      const newer = await rawClient(server);
      await newer.send("GET /seen HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      await newer.until((text) => text.includes("/seen"), "the second idle connection's answer");
      const newcomer = await rawClient(server);
      await newcomer.send("GET /newcomer HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      const answer = await newcomer.until(
        (text) => text.includes("/newcomer"),
        "the newcomer's answer",
      );
      assert.match(answer, /^HTTP\/1\.1 200/);
      await within(oldest.ended, 5000, "the connection idle longest to be shed");
      gate.release();
      const waited = await busy.until(
        (text) => text.includes("/wait"),
        "the busy request's answer",
      );
      assert.match(waited, /^HTTP\/1\.1 200/, "the busy connection was kept");
      for (const client of [busy, newer, newcomer]) client.connection.close();
    });
  });

  test("chunked request bodies, pipelined requests and Connection: close", async () => {
    await withServer({}, async (server) => {
      const client = await rawClient(server);
      await client.send(
        "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
          "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n" +
          "GET /second HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n",
      );
      await within(client.ended, 5000, "the connection to close after Connection: close");
      assert.equal(responses(client.text), 2, client.text);
      assert.ok(client.text.includes("hello world"), client.text);
      assert.ok(client.text.indexOf("hello world") < client.text.indexOf("/second"), client.text);
    });
  });

  test("a malformed head is answered 400 and others are still served", async () => {
    await withServer({}, async (server) => {
      const client = await rawClient(server);
      await client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n");
      const text = await client.until((received) => received.includes("\r\n\r\n"), "an answer");
      assert.match(text, /^HTTP\/1\.1 400/);
      const response = await fetch(`${server.url}/fine`);
      assert.deepEqual(await response.json(), { path: "/fine" });
      client.connection.close();
    });
  });
});
