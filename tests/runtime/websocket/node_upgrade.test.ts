/**
 * websocketUpgradeListener on a real `node:http` server: handshakes refused for being malformed,
 * by the `verify` hook or by a broken hook; subprotocol choice; and 1,000 concurrent sockets.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { connect } from "node:net";
import type { IncomingMessage } from "node:http";
import type {
  NodeWebSocket,
  WebSocketMessageData,
} from "../../../runtime/websocket/node_websocket.ts";
import type { WebSocketUpgradeOptions } from "../../../runtime/websocket/node_upgrade.ts";
import {
  clientClosed,
  clientFrame,
  decoder,
  deferred,
  encoder,
  handshakeRequest,
  nextClose,
  openClient,
  RawClient,
  startServer,
  type TestServer,
  within,
} from "./helpers.ts";

const TEXT = 0x1;

function echo(socket: NodeWebSocket): void {
  socket.onmessage = (data) => void socket.send(data);
}

async function withServer(
  body: (server: TestServer) => Promise<void>,
  options: WebSocketUpgradeOptions<IncomingMessage> = {},
  onSocket: (socket: NodeWebSocket, request: IncomingMessage) => void = echo,
): Promise<void> {
  const server = await startServer(onSocket, options);
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

interface HttpAnswer {
  status: number;
  headers: Map<string, string>;
  body: string;
}

/** Sends `request` raw and reads the whole answer, until the server ends the connection. */
async function exchange(port: number, request: string): Promise<HttpAnswer> {
  const socket = connect(port, "127.0.0.1");
  const chunks: Uint8Array[] = [];
  const ended = deferred();
  socket.on("data", (chunk: Uint8Array) => chunks.push(chunk));
  socket.on("end", () => ended.resolve());
  socket.on("close", () => ended.resolve());
  socket.on("error", () => ended.resolve());
  socket.write(request);
  await within(ended.promise, 10_000, "the server to answer and end the connection");
  socket.destroy();
  const text = decoder.decode(Buffer.concat(chunks));
  const [head, ...rest] = text.split("\r\n\r\n");
  const [statusLine, ...lines] = head.split("\r\n");
  const headers = new Map<string, string>();
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = rest.join("\r\n\r\n");
  assert.equal(Number(headers.get("content-length")), new TextEncoder().encode(body).length);
  return { status: Number(statusLine.split(" ")[1]), headers, body };
}

describe("websocketUpgradeListener: malformed handshakes", () => {
  test("a missing Sec-WebSocket-Key gets 400", () =>
    withServer(async (server) => {
      const answer = await exchange(
        server.port,
        handshakeRequest({ "Sec-WebSocket-Key": undefined }),
      );
      assert.equal(answer.status, 400);
      assert.match(answer.body, /Sec-WebSocket-Key/);
      assert.equal(answer.headers.get("connection"), "close");
      await server.idle(); // the refused connection is closed, not left for the timeout
    }));

  test("Sec-WebSocket-Version: 12 gets 426 with Sec-WebSocket-Version: 13", () =>
    withServer(async (server) => {
      const answer = await exchange(
        server.port,
        handshakeRequest({ "Sec-WebSocket-Version": "12" }),
      );
      assert.equal(answer.status, 426);
      assert.equal(answer.headers.get("sec-websocket-version"), "13");
    }));

  test("another upgrade (h2c) gets 400", () =>
    withServer(async (server) => {
      const answer = await exchange(server.port, handshakeRequest({ Upgrade: "h2c" }));
      assert.equal(answer.status, 400);
      assert.match(answer.body, /Upgrade: websocket/);
    }));

  test("a POST upgrade gets 405", () =>
    withServer(async (server) => {
      const answer = await exchange(
        server.port,
        handshakeRequest({ "Content-Length": "0" }, "POST /mcp HTTP/1.1"),
      );
      assert.equal(answer.status, 405);
      assert.equal(answer.headers.get("allow"), "GET");
    }));
});

describe("websocketUpgradeListener: the verify and selectProtocol hooks", () => {
  test("verify refuses with 401 and WWW-Authenticate, seeing the offered subprotocols", async () => {
    const seen: string[][] = [];
    await withServer(async (server) => {
      const answer = await exchange(
        server.port,
        handshakeRequest({ "Sec-WebSocket-Protocol": "mcp, mcp.auth.not-valid" }),
      );
      assert.equal(answer.status, 401);
      await server.idle();
      assert.equal(answer.headers.get("www-authenticate"), 'Bearer error="invalid_token"');
      assert.equal(answer.body, "bad token");
      assert.deepEqual(seen, [["mcp", "mcp.auth.not-valid"]]);
      assert.deepEqual(server.errors, []);
    }, {
      verify: (_request, offered) => {
        seen.push([...offered]);
        return {
          status: 401,
          headers: { "WWW-Authenticate": 'Bearer error="invalid_token"' },
          body: "bad token",
        };
      },
    });
  });

  test("an async verify refuses a foreign Origin with 403 and lets a local one through", () =>
    withServer(async (server) => {
      const refused = await exchange(
        server.port,
        handshakeRequest({ Origin: "https://evil.example" }),
      );
      assert.equal(refused.status, 403);
      const client = await openClient(server.url, [], { origin: "http://127.0.0.1" });
      client.close();
      await clientClosed(client);
    }, {
      verify: async (request) => {
        await Promise.resolve();
        return request.headers.origin === "http://127.0.0.1" ? undefined : { status: 403 };
      },
    }));

  test("a frame pipelined behind the handshake waits for an async verify and is then read", () => {
    const gate = deferred();
    return withServer(async (server) => {
      const client = await RawClient.connect(
        server.port,
        Buffer.concat([encoder.encode(handshakeRequest()), clientFrame(TEXT, "early")]),
      );
      gate.resolve();
      assert.match(await client.head(), /^HTTP\/1\.1 101 /);
      const { socket } = await server.sockets.next("the server socket");
      const got = deferred<WebSocketMessageData>();
      socket.onmessage = (data) => got.resolve(data);
      assert.equal(await within(got.promise, 10_000, "the pipelined message"), "early");
      client.socket.destroy();
    }, {
      verify: async () => {
        await gate.promise;
        return undefined;
      },
    }, () => {}); // no handler yet: the message must wait for the one the test sets
  });

  test("a verify that throws answers 500 and reports the error", () =>
    withServer(async (server) => {
      const answer = await exchange(server.port, handshakeRequest());
      assert.equal(answer.status, 500);
      assert.equal(server.errors.length, 1);
      assert.match(String(server.errors[0]), /verify broke/);
    }, {
      verify: () => {
        throw new Error("verify broke");
      },
    }));

  test("a refusal with a malformed header answers 500 and reports the error", () =>
    withServer(async (server) => {
      const answer = await exchange(server.port, handshakeRequest());
      assert.equal(answer.status, 500);
      assert.equal(server.errors.length, 1);
      assert.ok(server.errors[0] instanceof TypeError);
    }, { verify: () => ({ status: 401, headers: { "X-Bad": "a\r\nb" } }) }));

  test("selectProtocol picks mcp; the socket and the client agree", () =>
    withServer(async (server) => {
      const client = await openClient(server.url, ["mcp.version.2026-07-28", "mcp"]);
      assert.equal(client.protocol, "mcp");
      const { socket, request } = await server.sockets.next("the server socket");
      assert.equal(socket.protocol, "mcp");
      assert.equal(request.url, "/mcp");
      client.close();
      await clientClosed(client);
    }, { selectProtocol: (offered) => offered.find((protocol) => protocol === "mcp") }));

  test("no subprotocol when none is selected", () =>
    withServer(async (server) => {
      const client = await RawClient.connect(server.port);
      const head = await client.head();
      assert.doesNotMatch(head, /Sec-WebSocket-Protocol/i);
      assert.match(head, /Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=/);
      client.socket.destroy();
    }));

  test("selectProtocol choosing what was not offered answers 500", () =>
    withServer(async (server) => {
      const answer = await exchange(
        server.port,
        handshakeRequest({ "Sec-WebSocket-Protocol": "a, b" }),
      );
      assert.equal(answer.status, 500);
      assert.match(String(server.errors[0]), /not offered/);
    }, { selectProtocol: () => "mcp" }));

  test("an onSocket that throws closes the socket with 1011", () =>
    withServer(
      async (server) => {
        const client = await RawClient.connect(server.port);
        await client.head();
        assert.equal((await nextClose(client, "the close frame")).code, 1011);
        assert.match(String(server.errors[0]), /onSocket broke/);
        client.socket.destroy();
      },
      {},
      () => {
        throw new Error("onSocket broke");
      },
    ));
});

describe("websocketUpgradeListener: many sockets", () => {
  test("1,000 concurrent sockets each exchange a message", () => {
    const count = 1000;
    const closed: Promise<unknown>[] = [];
    return withServer(
      async (server) => {
        const clients = await Promise.all(
          Array.from({ length: count }, () => openClient(server.url)),
        );
        const echoes = clients.map((client, i) =>
          new Promise<string>((resolve) =>
            client.once("message", (data: Uint8Array) => resolve(decoder.decode(data)))
          ).then((text) => assert.equal(text, `message ${i}`))
        );
        clients.forEach((client, i) => client.send(`message ${i}`));
        await within(Promise.all(echoes), 60_000, "every echo");
        const clientCloses = clients.map((client) => clientClosed(client));
        for (const client of clients) client.close(1000, "done");
        const codes = await within(Promise.all(clientCloses), 60_000, "every client close");
        assert.ok(codes.every(({ code }) => code === 1000));
        const infos = await within(Promise.all(closed), 60_000, "every server close");
        assert.equal(infos.length, count);
        assert.ok(infos.every((info) => (info as { wasClean: boolean }).wasClean));
        assert.deepEqual(server.errors, []);
      },
      {},
      (socket) => {
        echo(socket);
        closed.push(socket.closed);
      },
    );
  });
});
