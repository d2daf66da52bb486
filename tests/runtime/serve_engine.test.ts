/**
 * serveHttp's two engines serve the same things: the default "guarded" one (our HTTP/1.1
 * server on Deno, node:http on Bun and Node, with the serve limits) and "native" (Deno.serve,
 * Bun.serve, node:http without our connection guard) for servers behind a reverse proxy. Each
 * answers a JSON POST, a request body read as a stream, a streamed response, a throwing
 * handler with 500 and a malformed Host with 400, and records the client address.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { clientAddressOf, connectTcp, type ServeEngine, serveHttp } from "../../runtime/mod.ts";
import { within } from "../async.ts";

const engines: ServeEngine[] = ["guarded", "native"];

async function handler(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === "/throw") throw new Error("deliberate");
  if (path === "/stream") {
    const encoder = new TextEncoder();
    return new Response(
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(encoder.encode("data: one\n\n"));
          controller.enqueue(encoder.encode("data: two\n\n"));
          controller.close();
        },
      }),
      { headers: { "content-type": "text/event-stream" } },
    );
  }
  if (path === "/chunks") {
    let size = 0;
    for await (const chunk of request.body!) size += chunk.length;
    return Response.json({ size });
  }
  const body = request.method === "POST" ? await request.json() : null;
  return Response.json({
    method: request.method,
    body,
    peer: clientAddressOf(request) ?? null,
    type: request.headers.get("content-type"),
  });
}

/** The raw answer to `head` sent on a fresh connection, read until the server closes. */
async function rawExchange(port: number, head: string): Promise<string> {
  const connection = await connectTcp({ hostname: "127.0.0.1", port });
  await connection.write(new TextEncoder().encode(head));
  const decoder = new TextDecoder();
  let text = "";
  const reading = (async () => {
    try {
      for await (const chunk of connection.readable) {
        text += decoder.decode(chunk, { stream: true });
        if (/\r\n\r\n/.test(text)) break;
      }
    } catch {
      // reset: what arrived is the answer
    }
  })();
  await within(reading, 5000, "an answer to a raw request");
  connection.close();
  return text;
}

for (const engine of engines) {
  describe(`serveHttp engine "${engine}"`, () => {
    test("serves JSON, streams both ways, 500 on a throw, 400 on a bad Host", async () => {
      const errors: unknown[] = [];
      const server = await serveHttp(handler, { engine, onError: (e) => errors.push(e) });
      try {
        const posted = await fetch(`${server.url}/json`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ hello: "wörld" }),
        });
        assert.equal(posted.status, 200);
        assert.deepEqual(await posted.json(), {
          method: "POST",
          body: { hello: "wörld" },
          peer: "127.0.0.1",
          type: "application/json",
        });

        const bytes = new Uint8Array(200_000).fill(7);
        const body = new ReadableStream<Uint8Array>({
          start(controller) {
            controller.enqueue(bytes.subarray(0, 100_000));
            controller.enqueue(bytes.subarray(100_000));
            controller.close();
          },
        });
        const chunked = await fetch(`${server.url}/chunks`, {
          method: "POST",
          body,
          duplex: "half",
        } as RequestInit);
        assert.deepEqual(await chunked.json(), { size: 200_000 });

        const streamed = await fetch(`${server.url}/stream`);
        assert.equal(streamed.headers.get("content-type"), "text/event-stream");
        assert.equal(await streamed.text(), "data: one\n\ndata: two\n\n");

        const thrown = await fetch(`${server.url}/throw`);
        assert.equal(thrown.status, 500);
        await thrown.body?.cancel();
        assert.equal(errors.length, 1);

        const bad = await rawExchange(
          server.port,
          "GET / HTTP/1.1\r\nHost: [::1]evil.example\r\nConnection: close\r\n\r\n",
        );
        assert.match(bad, /^HTTP\/1\.1 400 /);
      } finally {
        await server.close();
      }
    });
  });
}

describe("serveHttp guarded engine", () => {
  test("a body sent apart from its head arrives whole; close() ends though a handler never settles", async () => {
    const reached = Promise.withResolvers<void>();
    const server = await serveHttp(async (request) => {
      if (new URL(request.url).pathname === "/never") {
        reached.resolve();
        return await new Promise<Response>(() => {});
      }
      return new Response(await request.text());
    }, { engine: "guarded" });
    const connection = await connectTcp({ hostname: "127.0.0.1", port: server.port });
    const encoder = new TextEncoder();
    await connection.write(
      encoder.encode("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhello"),
    );
    await connection.write(encoder.encode(" wold"));
    const reader = connection.readable.getReader();
    let text = "";
    const decoder = new TextDecoder();
    while (!text.includes("hello wold")) {
      const { done, value } = await within(reader.read(), 5000, "the echo");
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    assert.match(text, /^HTTP\/1\.1 200 [^]*\r\n\r\n(?:a\r\n)?hello wold/);
    await connection.write(encoder.encode("GET /never HTTP/1.1\r\nHost: a\r\n\r\n"));
    await within(reached.promise, 5000, "the handler that never answers");
    reader.releaseLock();
    connection.close();
    await within(server.close(), 5000, "close() with a handler that never settles");
  });
});
