// The Node bridge's stand-ins: the lazy Request handed to handlers and the whole Response
// written straight to the socket, each checked against what a real Request/Response does.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer, request as httpRequest } from "node:http";
import { type HttpHandler, runtimeName, toNodeHandler } from "../../runtime/mod.ts";
import { NodeRequest } from "../../runtime/node_request.ts";
import { wholeParts, wholeResponse } from "../../runtime/whole_response.ts";
import { clientAddressOf } from "../../runtime/client_address.ts";
import { deferred, within } from "../async.ts";

async function serving(
  handler: HttpHandler,
  run: (base: string, port: number) => Promise<void>,
): Promise<void> {
  const server = createServer(toNodeHandler(handler, () => {}));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    const address = server.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await run(`http://127.0.0.1:${port}`, port);
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

/** A raw request, so repeated header lines reach the server as sent. */
function rawPost(
  port: number,
  path: string,
  headers: Record<string, string | string[]>,
  body: string,
) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const outgoing = httpRequest({ host: "127.0.0.1", port, path, method: "POST", headers });
      outgoing.on("response", (response) => {
        let text = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (text += chunk));
        response.on(
          "end",
          () =>
            resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
        );
      });
      outgoing.on("error", reject);
      outgoing.end(body);
    },
  );
}

test("handlers get a Request-compatible object: url, headers, body, clone, peer", async () => {
  await serving(async (request) => {
    assert.ok(request instanceof Request);
    const copy = request.clone();
    const [text, copied] = await Promise.all([request.text(), copy.text()]);
    return Response.json({
      url: request.url,
      method: request.method,
      repeated: request.headers.get("X-Repeated"),
      has: request.headers.has("x-repeated"),
      listed: [...request.headers].some(([name]) => name === "x-repeated"),
      text,
      copied,
      used: request.bodyUsed,
      peer: clientAddressOf(request),
    });
  }, async (_base, port) => {
    const answer = await rawPost(port, "/mcp/./a?q=1", {
      "x-repeated": ["one", "two"],
      "content-type": "text/plain",
    }, "héllo");
    assert.equal(answer.status, 200);
    assert.deepEqual(JSON.parse(answer.body), {
      url: `http://127.0.0.1:${port}/mcp/a?q=1`,
      method: "POST",
      repeated: "one, two",
      has: true,
      listed: true,
      text: "héllo",
      copied: "héllo",
      used: true,
      peer: "127.0.0.1",
    });
  });
});

test("json(), arrayBuffer() and body streams read the Node body; a second read fails", async () => {
  await serving(async (request) => {
    const url = new URL(request.url);
    if (url.pathname === "/json") {
      const value = await request.json();
      await assert.rejects(request.text(), TypeError);
      return Response.json(value);
    }
    if (url.pathname === "/bytes") {
      return new Response(String((await request.arrayBuffer()).byteLength));
    }
    if (url.pathname === "/form") {
      const form = await request.formData();
      return new Response(form.get("a"));
    }
    const reader = request.body!.getReader();
    let size = 0;
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
    }
    return new Response(String(size));
  }, async (base) => {
    const json = await fetch(`${base}/json`, { method: "POST", body: '{"a":[1,2]}' });
    assert.deepEqual(await json.json(), { a: [1, 2] });
    const big = "x".repeat(200_000);
    const bytes = await fetch(`${base}/bytes`, { method: "POST", body: big });
    assert.equal(await bytes.text(), "200000");
    const streamed = await fetch(`${base}/stream`, { method: "POST", body: big });
    assert.equal(await streamed.text(), "200000");
    const form = await fetch(`${base}/form`, { method: "POST", body: new URLSearchParams("a=b") });
    assert.equal(await form.text(), "b");
  });
});

test("request.signal aborts when the client disconnects", async () => {
  const aborted = deferred();
  const arrived = deferred();
  await serving(async (request) => {
    request.signal.addEventListener("abort", () => aborted.resolve(), { once: true });
    arrived.resolve();
    await aborted.promise;
    return new Response("late");
  }, async (base) => {
    const client = new AbortController();
    const pending = fetch(`${base}/`, { signal: client.signal }).catch(() => undefined);
    await within(arrived.promise, 5000, "request");
    client.abort();
    await within(aborted.promise, 5000, "abort on disconnect");
    await pending;
  });
});

test("a Host that makes the URL malformed is answered 400 before the handler", async () => {
  let called = false;
  await serving(() => {
    called = true;
    return new Response("no");
  }, async (_base, port) => {
    const answer = await rawPost(port, "/", { host: "[::1]evil.example" }, "");
    assert.equal(answer.status, 400);
    assert.equal(called, false);
  });
});

test("whole responses are written with their headers, status and exact Content-Length", async () => {
  await serving((request) => {
    const path = new URL(request.url).pathname;
    if (path === "/changed") {
      const response = wholeResponse('{"ok":1}', {
        headers: { "content-type": "application/json" },
      });
      response.headers.set("x-extra", "yes");
      return response;
    }
    if (path === "/empty") return wholeResponse(null, { status: 202 });
    if (path === "/bytes") return wholeResponse(new Uint8Array([1, 2, 3]), { status: 201 });
    return wholeResponse(JSON.stringify({ text: "é😀\ud800x" }), {
      status: 200,
      headers: { "content-type": "application/json", "mcp-session-id": "s1" },
    });
  }, async (base, port) => {
    const plain = await rawPost(port, "/", {}, "");
    assert.equal(plain.status, 200);
    assert.equal(plain.headers["content-type"], "application/json");
    assert.equal(plain.headers["mcp-session-id"], "s1");
    assert.equal(
      Number(plain.headers["content-length"]),
      new TextEncoder().encode(plain.body).length,
    );
    assert.deepEqual(JSON.parse(plain.body), { text: "é😀\ud800x" });
    const changed = await fetch(`${base}/changed`, { method: "POST" });
    assert.equal(changed.headers.get("x-extra"), "yes");
    assert.deepEqual(await changed.json(), { ok: 1 });
    const empty = await fetch(`${base}/empty`, { method: "POST" });
    assert.equal(empty.status, 202);
    assert.equal(await empty.text(), "");
    const bytes = await fetch(`${base}/bytes`, { method: "POST" });
    assert.equal(bytes.status, 201);
    assert.deepEqual([...new Uint8Array(await bytes.arrayBuffer())], [1, 2, 3]);
    const head = await fetch(`${base}/`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
  });
});

test("wholeResponse behaves as a Response wherever it is used", async () => {
  const response = wholeResponse('{"a":1}', {
    status: 201,
    headers: { "content-type": "application/json" },
  });
  assert.ok(response instanceof Response);
  // The stand-in (written straight to the socket) exists on Node only.
  assert.equal(wholeParts(response) !== undefined, runtimeName() === "node");
  assert.equal(response.status, 201);
  assert.equal(response.ok, true);
  assert.equal(response.headers.get("content-type"), "application/json");
  assert.deepEqual(await response.clone().json(), { a: 1 });
  assert.equal(response.bodyUsed, false);
  assert.deepEqual(await response.json(), { a: 1 });
  assert.equal(response.bodyUsed, true);
  assert.equal(wholeParts(response), undefined);
  await assert.rejects(response.text(), TypeError);

  const text = wholeResponse("hi");
  // The content type a real Response gives a text body (Bun gives none).
  assert.equal(text.headers.get("content-type"), new Response("hi").headers.get("content-type"));
  assert.equal(await new Response(text.body).text(), "hi");
  // Refused exactly where a real Response refuses (Bun allows a 204 with a body).
  const refuses = (make: () => unknown): string => {
    try {
      make();
      return "accepted";
    } catch (error) {
      return (error as Error).name;
    }
  };
  for (const [body, status] of [["x", 204], [null, 99], ["x", 200]] as const) {
    assert.equal(
      refuses(() => wholeResponse(body, { status })),
      refuses(() => new Response(body, { status })),
    );
  }
});

test("NodeRequest answers without a server: headers from parsed headers, GET has no body", async () => {
  const events = new Map<string, (...args: never[]) => void>();
  const incoming = {
    method: "GET",
    url: "/path",
    headers: { host: "example.com", "x-a": ["1", "2"] },
    on: (event: string, listener: (...args: never[]) => void) => events.set(event, listener),
    pause: () => {},
    resume: () => {},
    destroy: () => {},
  };
  const request = new NodeRequest(incoming) as unknown as Request;
  assert.equal(request.url, "http://example.com/path");
  assert.equal(request.headers.get("x-a"), "1, 2");
  assert.equal(request.body, null);
  assert.equal(await request.text(), "");
  assert.equal(request.signal.aborted, false);
  (request as unknown as NodeRequest).disconnect();
  assert.equal(request.signal.aborted, true);
  assert.equal(request.mode, "cors");
});

test("request.url is what the URL parser makes of Host and target", () => {
  const targets = [
    "/",
    "/mcp",
    "/mcp?x=1&y=%20z",
    "/a/./b",
    "/a/../b",
    "/a/%2e%2E/b",
    "/a b",
    "/a|b'c\"d<e>{f}",
    "/é",
    "//double",
    "/a?b=/./c",
    "/%zz",
    "*",
    "http://other.example/x",
  ];
  const hosts = ["127.0.0.1:8080", "EXAMPLE.com", "example.com:80", "0x7f.1", "[::1]:3000", "a"];
  for (const host of hosts) {
    for (const target of targets) {
      const incoming = {
        method: "GET",
        url: target,
        headers: {},
        rawHeaders: ["Host", host],
        on: () => {},
        pause: () => {},
        resume: () => {},
        destroy: () => {},
      };
      const expected = new URL(target, `http://${host}`).href;
      // Twice: the second answer comes from the per-Host cache.
      for (let round = 0; round < 2; round++) {
        const request = new NodeRequest(incoming) as unknown as Request;
        assert.equal(request.url, expected, `${host} ${target}`);
      }
    }
  }
});
