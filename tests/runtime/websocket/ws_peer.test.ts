/**
 * Our server-side WebSocket on a real `node:http` server, against the `ws` client (a peer nobody
 * here wrote) and against a raw TCP client sending frames no library would.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { setImmediate } from "node:timers";
import type {
  NodeWebSocket,
  WebSocketMessageData,
} from "../../../runtime/websocket/node_websocket.ts";
import {
  clientClosed,
  clientFrame,
  closePayload,
  decoder,
  deferred,
  encoder,
  Inbox,
  nextClose,
  openClient,
  RawClient,
  startServer,
  type TestServer,
  within,
} from "./helpers.ts";

const TEXT = 0x1;
const CLOSE = 0x8;
const PING = 0x9;

function echo(socket: NodeWebSocket): void {
  socket.onmessage = (data) => void socket.send(data);
}

/** Runs `body` with a fresh server, closing it whatever happens. */
async function withServer(
  body: (server: TestServer) => Promise<void>,
  onSocket: (socket: NodeWebSocket) => void = echo,
  options: Parameters<typeof startServer>[1] = {},
): Promise<void> {
  const server = await startServer(onSocket, options);
  try {
    await body(server);
    assert.deepEqual(server.errors, []);
  } finally {
    await server.close();
  }
}

function messages(client: import("ws").WebSocket): Inbox<{ data: Uint8Array; binary: boolean }> {
  const inbox = new Inbox<{ data: Uint8Array; binary: boolean }>();
  client.on("message", (data: Uint8Array, binary: boolean) => inbox.push({ data, binary }));
  return inbox;
}

describe("NodeWebSocket against the ws client", () => {
  test("text and binary messages both ways", () =>
    withServer(async (server) => {
      const client = await openClient(server.url);
      const inbox = messages(client);
      const { socket } = await server.sockets.next("the server socket");
      const received = new Inbox<WebSocketMessageData>();
      socket.onmessage = (data) => {
        received.push(data);
        socket.send(data);
      };
      client.send("héllo ✓");
      assert.equal(await received.next("text at the server"), "héllo ✓");
      const text = await inbox.next("the text echo");
      assert.equal(text.binary, false);
      assert.equal(decoder.decode(text.data), "héllo ✓");
      client.send(new Uint8Array([0, 1, 255]));
      assert.deepEqual(await received.next("binary at the server"), new Uint8Array([0, 1, 255]));
      const binary = await inbox.next("the binary echo");
      assert.equal(binary.binary, true);
      assert.deepEqual([...binary.data], [0, 1, 255]);
      const big = "z".repeat(1 << 20);
      client.send(big);
      assert.equal(decoder.decode((await inbox.next("a 1 MiB echo")).data), big);
      client.close();
      await clientClosed(client);
    }));

  test("fragmented messages sent with { fin: false }", () =>
    withServer(async (server) => {
      const client = await openClient(server.url);
      const { socket } = await server.sockets.next("the server socket");
      const received = new Inbox<WebSocketMessageData>();
      socket.onmessage = (data) => void received.push(data);
      client.send("frag", { fin: false });
      client.send("ment", { fin: false });
      client.send("ed ✓", { fin: true });
      assert.equal(await received.next("the reassembled text"), "fragmented ✓");
      client.send(new Uint8Array([1, 2]), { fin: false, binary: true });
      client.send(new Uint8Array([3]), { fin: true, binary: true });
      assert.deepEqual(await received.next("the reassembled binary"), new Uint8Array([1, 2, 3]));
      client.close();
      await clientClosed(client);
    }));

  test("an async onmessage handles one message at a time, in order", () =>
    withServer(async (server) => {
      const client = await openClient(server.url);
      const { socket } = await server.sockets.next("the server socket");
      const count = 200;
      const seen: string[] = [];
      let active = 0;
      let most = 0;
      const done = deferred();
      socket.onmessage = async (data) => {
        active++;
        most = Math.max(most, active);
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(data as string);
        active--;
        if (seen.length === count) done.resolve();
      };
      for (let i = 0; i < count; i++) client.send(`m${i} ${"x".repeat(i * 50)}`);
      await within(done.promise, 30_000, "every message");
      assert.equal(most, 1);
      assert.deepEqual(
        seen,
        Array.from({ length: count }, (_, i) => `m${i} ${"x".repeat(i * 50)}`),
      );
      client.close();
      await clientClosed(client);
    }));

  test("ping and pong both ways", () =>
    withServer(async (server) => {
      const client = await openClient(server.url);
      const { socket } = await server.sockets.next("the server socket");
      const pong = deferred<string>();
      client.once("pong", (data: Uint8Array) => pong.resolve(decoder.decode(data)));
      client.ping("are you there");
      assert.equal(await within(pong.promise, 10_000, "the pong"), "are you there");
      const ping = deferred<string>();
      client.once("ping", (data: Uint8Array) => ping.resolve(decoder.decode(data)));
      assert.equal(socket.ping(encoder.encode("server ping")), true);
      assert.equal(await within(ping.promise, 10_000, "the server's ping"), "server ping");
      client.close();
      await clientClosed(client);
    }));

  test("the server closes with a code and reason", () =>
    withServer(async (server) => {
      const client = await openClient(server.url);
      const closed = clientClosed(client);
      const { socket } = await server.sockets.next("the server socket");
      socket.close(4000, "server says bye ✓");
      assert.deepEqual(await within(closed, 10_000, "the client close"), {
        code: 4000,
        reason: "server says bye ✓",
      });
      const info = await within(socket.closed, 10_000, "the server close");
      assert.equal(info.code, 4000, "the code the client echoed");
      assert.equal(info.wasClean, true);
    }));

  test("the client closes with a code and reason", () =>
    withServer(async (server) => {
      const client = await openClient(server.url);
      const closed = clientClosed(client);
      const { socket } = await server.sockets.next("the server socket");
      client.close(4001, "client done");
      assert.deepEqual(await within(socket.closed, 10_000, "the server close"), {
        code: 4001,
        reason: "client done",
        wasClean: true,
      });
      assert.equal((await within(closed, 10_000, "the client close")).code, 4001);
    }));

  test("a close without a code is 1005 on both sides", () =>
    withServer(async (server) => {
      const client = await openClient(server.url);
      const closed = clientClosed(client);
      const { socket } = await server.sockets.next("the server socket");
      client.close();
      assert.equal((await within(socket.closed, 10_000, "the server close")).code, 1005);
      assert.equal((await within(closed, 10_000, "the client close")).code, 1005);
    }));

  test("a 16 MiB message is refused with 1009", () =>
    withServer(async (server) => {
      const client = await openClient(server.url);
      client.on("error", () => {}); // the server stops reading mid-message
      const closed = clientClosed(client);
      const { socket } = await server.sockets.next("the server socket");
      const received: unknown[] = [];
      socket.onmessage = (data) => void received.push(data);
      client.send(new Uint8Array(16 * 1024 * 1024));
      const info = await within(socket.closed, 30_000, "the server close");
      assert.equal(info.code, 1009);
      assert.equal((await within(closed, 30_000, "the client close")).code, 1009);
      assert.deepEqual(received, []);
    }));

  test("invalid UTF-8 in a text message is refused with 1007", () =>
    withServer(async (server) => {
      const client = await openClient(server.url);
      const closed = clientClosed(client);
      const { socket } = await server.sockets.next("the server socket");
      client.send(new Uint8Array([0x68, 0xff, 0x69]), { binary: false });
      assert.equal((await within(socket.closed, 10_000, "the server close")).code, 1007);
      assert.equal((await within(closed, 10_000, "the client close")).code, 1007);
    }));

  test("the subprotocol is picked from the offered list", () =>
    withServer(
      async (server) => {
        const client = await openClient(server.url, ["mcp.version.2026-07-28", "mcp"]);
        assert.equal(client.protocol, "mcp");
        const { socket } = await server.sockets.next("the server socket");
        assert.equal(socket.protocol, "mcp");
        client.close();
        await clientClosed(client);
      },
      echo,
      { selectProtocol: (offered) => offered.includes("mcp") ? "mcp" : undefined },
    ));

  test("keep-alive pings are answered by the peer and the connection stays open", () =>
    withServer(
      async (server) => {
        const client = await openClient(server.url);
        const pings = new Inbox<true>();
        client.on("ping", () => pings.push(true));
        for (let i = 0; i < 3; i++) await pings.next(`keep-alive ping ${i}`);
        const { socket } = await server.sockets.next("the server socket");
        assert.equal(socket.readyState, 1);
        client.close();
        await clientClosed(client);
      },
      echo,
      { pingIntervalMs: 100 },
    ));
});

describe("NodeWebSocket against a raw TCP client", () => {
  test("an unmasked client frame is refused with 1002", () =>
    withServer(async (server) => {
      const client = await RawClient.connect(server.port);
      assert.match(await client.head(), /^HTTP\/1\.1 101 /);
      client.write(clientFrame(TEXT, "hi", { mask: false }));
      const close = await nextClose(client, "the close frame");
      assert.equal(close.code, 1002);
      assert.match(close.reason, /masked/);
      await within(client.ended, 10_000, "the server to end TCP");
      client.socket.end();
      const { socket } = await server.sockets.next("the server socket");
      assert.equal((await within(socket.closed, 10_000, "the server close")).code, 1002);
    }));

  test("a close frame with an invalid code is refused with 1002", () =>
    withServer(async (server) => {
      const client = await RawClient.connect(server.port);
      await client.head();
      client.write(clientFrame(CLOSE, closePayload(1005)));
      assert.equal((await nextClose(client, "the close frame")).code, 1002);
      client.socket.end();
    }));

  test("a frame sent together with the handshake is not lost", () =>
    withServer(async (server) => {
      const client = await RawClient.connect(server.port, undefined);
      await client.head();
      const { socket } = await server.sockets.next("the server socket");
      const got = deferred<WebSocketMessageData>();
      socket.onmessage = (data) => got.resolve(data);
      client.write(clientFrame(TEXT, "after the handshake"));
      assert.equal(await within(got.promise, 10_000, "the message"), "after the handshake");
      client.socket.destroy();
    }));

  test("a peer that answers no ping is taken as dead (1001 sent, 1006 reported)", () =>
    withServer(
      async (server) => {
        const client = await RawClient.connect(server.port);
        await client.head();
        const { socket } = await server.sockets.next("the server socket");
        const first = await client.frames.next("the first ping");
        assert.equal(first.opcode, PING);
        assert.equal((await nextClose(client, "the close frame")).code, 1001);
        const info = await within(socket.closed, 10_000, "the server close");
        assert.equal(info.code, 1006);
        assert.equal(info.wasClean, false);
      },
      echo,
      { pingIntervalMs: 30, pongTimeoutMs: 20 },
    ));

  test("a peer that stops reading: bufferedAmount stays bounded and 1008 ends it", () =>
    withServer(
      async (server) => {
        const max = 1024 * 1024;
        const client = await RawClient.connect(server.port);
        await client.head();
        client.socket.pause(); // read nothing more
        const { socket } = await server.sockets.next("the server socket");
        const chunk = new Uint8Array(64 * 1024).fill(0x61);
        let sent = 0;
        let highest = 0;
        for (let i = 0; i < 20_000 && socket.send(chunk); i++) {
          sent++;
          highest = Math.max(highest, socket.bufferedAmount);
          assert.ok(socket.bufferedAmount <= max, `bufferedAmount ${socket.bufferedAmount}`);
          // Let the runtime hand queued bytes to the kernel: only a peer that reads nothing
          // can make the queue grow.
          await new Promise((resolve) => setImmediate(resolve));
        }
        assert.equal(socket.readyState, 2, `refused after ${sent} sends`);
        assert.ok(highest <= max);
        assert.ok(socket.bufferedAmount <= max + 200);
        client.socket.resume();
        let messages = 0;
        for (;;) {
          const frame = await client.frames.next("frames after resuming", 30_000);
          if (frame.opcode === CLOSE) {
            assert.equal(decoder.decode(frame.payload.subarray(2)).includes("not reading"), true);
            assert.equal((frame.payload[0] << 8) | frame.payload[1], 1008);
            break;
          }
          messages++;
        }
        assert.equal(messages, sent, "every accepted message arrives before the close frame");
        client.socket.end();
        const info = await within(socket.closed, 30_000, "the server close");
        assert.equal(info.code, 1008);
        assert.equal(info.wasClean, false);
      },
      echo,
      { maxBufferedAmount: 1024 * 1024 },
    ));
});
