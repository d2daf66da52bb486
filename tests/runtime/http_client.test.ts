/**
 * The runtime's HTTP client (`httpFetch`) and the keep-alive `node:http` client behind it on
 * Node: answers as `fetch` gives them, streaming bodies, aborts before and during the body,
 * redirects, bodiless statuses, connection reuse and the retry on a stale kept-alive socket,
 * and the requests it leaves to the global `fetch`. The `node:http` client is exercised on
 * every runtime through each one's `node:http`.
 */
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import * as nodeHttp from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import { httpFetch } from "../../runtime/http_client.ts";
import { createNodeHttpFetch, type NodeHttpClientModule } from "../../runtime/node_http_client.ts";
import { type HttpServerHandle, serveHttp } from "../../runtime/mod.ts";
import { deferred, within } from "../async.ts";

const nodeFetch = createNodeHttpFetch(() => nodeHttp as unknown as NodeHttpClientModule);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Lets the SSE route send its second event. */
let releaseSecondEvent = deferred();

async function echo(request: Request): Promise<Response> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name] = value));
  const body = await request.text();
  return Response.json({ method: request.method, headers, body }, { headers: { "x-a": "1" } });
}

async function route(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  if (path === "/echo") return await echo(request);
  if (path === "/redirect") {
    return new Response(null, { status: 307, headers: { location: "/echo" } });
  }
  if (path === "/empty") return new Response(null, { status: 204 });
  if (path === "/never") return await new Promise<Response>(() => {});
  if (path === "/sse") {
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(encoder.encode("data: one\n\n"));
        await releaseSecondEvent.promise;
        controller.enqueue(encoder.encode("data: two\n\n"));
        controller.close();
      },
    });
    return new Response(stream, { headers: { "content-type": "text/event-stream" } });
  }
  return new Response("not found", { status: 404 });
}

let server: HttpServerHandle | undefined;
async function base(): Promise<string> {
  server ??= await serveHttp(route, { onError: () => {} });
  return `http://127.0.0.1:${server.port}`;
}
after(async () => {
  releaseSecondEvent.resolve();
  await server?.close();
});

async function readChunk(reader: ReadableStreamDefaultReader<Uint8Array>): Promise<string> {
  const { value, done } = await reader.read();
  assert.equal(done, false);
  return decoder.decode(value);
}

const clients: [string, typeof httpFetch][] = [
  ["node:http client", nodeFetch],
  ["httpFetch", httpFetch],
];
for (const [name, client] of clients) {
  describe(name, () => {
    test("a POST with a string body arrives whole, with fetch's default headers", async () => {
      const response = await client(new URL(`${await base()}/echo`), {
        method: "POST",
        headers: { "x-custom": "yes", accept: "application/json" },
        body: JSON.stringify({ hello: "wörld" }),
      });
      assert.equal(response.status, 200);
      assert.equal(response.ok, true);
      assert.equal(response.headers.get("x-a"), "1");
      const seen = await response.json();
      assert.equal(seen.method, "POST");
      assert.equal(seen.body, '{"hello":"wörld"}');
      assert.equal(seen.headers["x-custom"], "yes");
      assert.equal(seen.headers.accept, "application/json");
      // The Fetch standard's type for a string body (Bun's `fetch` sends none).
      if (client === nodeFetch) {
        assert.equal(seen.headers["content-type"], "text/plain;charset=UTF-8");
      }
      assert.equal(seen.headers["content-length"], String(encoder.encode(seen.body).byteLength));
    });

    test("a byte body and a Headers object are sent as given", async () => {
      const response = await client(`${await base()}/echo`, {
        method: "PUT",
        headers: new Headers({ "content-type": "application/octet-stream" }),
        body: encoder.encode("bytes"),
      });
      const seen = await response.json();
      assert.equal(seen.method, "PUT");
      assert.equal(seen.body, "bytes");
      assert.equal(seen.headers["content-length"], "5");
      assert.equal(seen.headers.accept, "*/*");
    });

    test("an SSE body streams: the first event is readable before the second is sent", async () => {
      releaseSecondEvent = deferred();
      const response = await client(`${await base()}/sse`, { method: "GET" });
      assert.equal(response.headers.get("content-type"), "text/event-stream");
      const reader = response.body!.getReader();
      assert.equal(await within(readChunk(reader), 5000, "first event"), "data: one\n\n");
      releaseSecondEvent.resolve();
      assert.equal(await within(readChunk(reader), 5000, "second event"), "data: two\n\n");
      assert.equal((await reader.read()).done, true);
    });

    test("an abort before the answer rejects with the signal's reason", async () => {
      const controller = new AbortController();
      const pending = client(`${await base()}/never`, { signal: controller.signal });
      controller.abort(new Error("stop"));
      await assert.rejects(within(pending, 5000, "abort"), /stop/);
      await assert.rejects(
        client(`${await base()}/echo`, { signal: AbortSignal.abort() }),
        (error: Error) => error.name === "AbortError",
      );
    });

    test("an abort while the body streams errors the body", async () => {
      releaseSecondEvent = deferred();
      const controller = new AbortController();
      const response = await client(`${await base()}/sse`, { signal: controller.signal });
      const reader = response.body!.getReader();
      await within(readChunk(reader), 5000, "first event");
      controller.abort(new Error("enough"));
      await assert.rejects(within(reader.read(), 5000, "body error"));
      releaseSecondEvent.resolve();
    });

    test("redirects are followed, bodiless statuses have no body", async () => {
      const redirected = await client(`${await base()}/redirect`, {
        method: "POST",
        body: "again",
      });
      assert.equal(redirected.status, 200);
      assert.equal((await redirected.json()).body, "again");
      const empty = await client(`${await base()}/empty`, { method: "DELETE" });
      assert.equal(empty.status, 204);
      assert.equal(empty.body, null);
      const head = await client(`${await base()}/echo`, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(await head.text(), "");
    });

    test("requests it does not send itself go to fetch and are answered the same", async () => {
      const streamed = await client(`${await base()}/echo`, {
        method: "POST",
        body: new Blob(["blob"]),
      });
      assert.equal((await streamed.json()).body, "blob");
      const asRequest = await client(new Request(`${await base()}/echo`, { method: "PATCH" }));
      assert.equal((await asRequest.json()).method, "PATCH");
      const manual = await client(`${await base()}/redirect`, { redirect: "manual" });
      assert.equal(manual.status, 307);
      await manual.body?.cancel();
    });

    test("a header fetch refuses rejects, never throws", async () => {
      const pending = client(`${await base()}/echo`, { headers: { "x-bad": "a\nb" } });
      await assert.rejects(pending, TypeError);
    });

    test("a refused connection rejects with a TypeError", async () => {
      const closed = await serveHttp(() => new Response("x"));
      const url = `http://127.0.0.1:${closed.port}/`;
      await closed.close();
      await assert.rejects(client(url), TypeError);
    });
  });
}

/** A raw HTTP/1.1 server that counts connections and can reset the second request on one. */
async function rawServer(resetSecondRequest: boolean): Promise<{
  url: string;
  connections: () => number;
  close: () => Promise<void>;
}> {
  let connections = 0;
  const sockets = new Set<Socket>();
  const server = createTcpServer((socket) => {
    connections += 1;
    sockets.add(socket);
    let requests = 0;
    socket.on("data", () => {
      requests += 1;
      if (resetSecondRequest && requests === 2) return void socket.destroy();
      socket.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok");
    });
    socket.on("close", () => sockets.delete(socket));
  });
  const listening = deferred();
  server.listen(0, "127.0.0.1", () => listening.resolve());
  await within(listening.promise, 5000, "raw server listening");
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/`,
    connections: () => connections,
    close: () => {
      for (const socket of sockets) socket.destroy();
      const closed = deferred();
      server.close(() => closed.resolve());
      return closed.promise;
    },
  };
}

describe("node:http client connections", () => {
  test("sequential requests reuse one kept-alive connection", async () => {
    const raw = await rawServer(false);
    try {
      for (let i = 0; i < 5; i++) assert.equal(await (await nodeFetch(raw.url)).text(), "ok");
      assert.equal(raw.connections(), 1);
    } finally {
      await raw.close();
    }
  });

  test("a request reset on a reused connection is sent again on a new one", async () => {
    const raw = await rawServer(true);
    try {
      assert.equal(await (await nodeFetch(raw.url)).text(), "ok");
      assert.equal(await (await nodeFetch(raw.url, { method: "POST", body: "x" })).text(), "ok");
      assert.equal(raw.connections(), 2);
    } finally {
      await raw.close();
    }
  });
});
