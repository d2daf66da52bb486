/**
 * `upgradeWebSocket` under `serveHttp` on the runtime running the test (Deno natively, Bun
 * through `server.upgrade`, Node through our RFC 6455 implementation), with the runtime's global
 * `WebSocket` as the client.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { runtimeName, serveHttp } from "../../runtime/mod.ts";
import { isWebSocketUpgrade, type ServerWebSocket, upgradeWebSocket } from "../../runtime/mod.ts";
import { deferred, Inbox, within } from "./websocket/helpers.ts";

interface Opened {
  client: WebSocket;
  messages: Inbox<string>;
  closed: Promise<{ code: number; reason: string }>;
}

function open(url: string, protocols: string[]): Promise<Opened> {
  const client = new WebSocket(url, protocols);
  const messages = new Inbox<string>();
  const closed = deferred<{ code: number; reason: string }>();
  const opened = deferred<Opened>();
  client.onmessage = (event) => messages.push(String(event.data));
  client.onclose = (event) => closed.resolve({ code: event.code, reason: event.reason });
  client.onopen = () => opened.resolve({ client, messages, closed: closed.promise });
  client.onerror = () => opened.reject(new Error("the WebSocket did not open"));
  return within(opened.promise, 10_000, "the WebSocket to open");
}

test(`serveHttp upgrades on ${runtimeName()}: echo, subprotocol, limits, close codes`, async () => {
  const sockets = new Inbox<ServerWebSocket>();
  const http = await serveHttp((request) => {
    if (!isWebSocketUpgrade(request)) return new Response("plain");
    if (new URL(request.url).pathname === "/refuse") {
      return new Response("no", { status: 401, headers: { "www-authenticate": "Bearer" } });
    }
    const { socket, response } = upgradeWebSocket(request, {
      protocol: "mcp",
      maxMessageSize: 1024,
    });
    socket.onmessage = (data) => {
      if (data === "close") socket.close(4000, "asked to");
      else socket.send(`echo:${typeof data === "string" ? data : "binary"}`);
    };
    sockets.push(socket);
    return response;
  });
  const url = http.url.replace("http:", "ws:");
  try {
    assert.equal(await (await fetch(`${http.url}/`)).text(), "plain");

    const first = await open(`${url}/mcp`, ["mcp.version.2025-11-25", "mcp"]);
    assert.equal(first.client.protocol, "mcp");
    const server = await sockets.next("the server socket");
    assert.equal(server.protocol, "mcp");
    first.client.send("hello");
    assert.equal(await first.messages.next("the echo"), "echo:hello");
    first.client.send(new Uint8Array([1, 2, 3]));
    assert.equal(await first.messages.next("the binary echo"), "echo:binary");
    first.client.send("close");
    assert.deepEqual(await within(first.closed, 10_000, "the close"), {
      code: 4000,
      reason: "asked to",
    });
    assert.equal((await within(server.closed, 10_000, "server side close")).code, 4000);

    const second = await open(`${url}/mcp`, ["mcp"]);
    await sockets.next("the second server socket");
    second.client.send("x".repeat(2000));
    assert.equal((await within(second.closed, 10_000, "the 1009 close")).code, 1009);

    const refused = deferred<string>();
    const client = new WebSocket(`${url}/refuse`, ["mcp"]);
    client.onerror = () => refused.resolve("error");
    client.onopen = () => refused.resolve("opened");
    assert.equal(await within(refused.promise, 10_000, "the refusal"), "error");

    const third = await open(`${url}/mcp`, ["mcp"]);
    const lingering = await sockets.next("the third server socket");
    await http.close();
    assert.equal((await within(third.closed, 10_000, "shutdown close")).code, 1001);
    // The server's own record holds the code the client echoed, which varies by client.
    await within(lingering.closed, 10_000, "the server socket to settle");
  } finally {
    await http.close();
  }
});

test("upgradeWebSocket refuses a request that is not a handshake or lacks the subprotocol", () => {
  assert.throws(() => upgradeWebSocket(new Request("http://localhost/")), TypeError);
  const request = new Request("http://localhost/", {
    headers: { upgrade: "websocket", "sec-websocket-protocol": "other" },
  });
  assert.throws(() => upgradeWebSocket(request, { protocol: "mcp" }), /did not offer/);
});
