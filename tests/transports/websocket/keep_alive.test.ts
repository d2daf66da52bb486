/**
 * Keep-alive of the MCP WebSocket server (`keepAliveMs`, `idleTimeoutMs`): a quiet socket is
 * pinged with WebSocket ping frames, a peer that answers with pongs stays, and a peer that
 * answers nothing gets a 1001 close frame and is dropped without waiting for its answer. The
 * client is a raw TCP socket that pongs only when told to.
 * Who pings: on Node our RFC 6455 code (NodeWebSocket), on Bun our keep-alive over Bun's native
 * `ServerWebSocket.ping`, on Deno Deno's native `idleTimeout`.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runtimeName } from "../../../runtime/mod.ts";
import { createWebSocketHandler } from "../../../transports/websocket/server.ts";
import { buildServer } from "../../client/fixtures/emcee_server.ts";
import {
  clientFrame,
  handshakeRequest,
  parseClose,
  RawClient,
} from "../../runtime/websocket/helpers.ts";
import { startLocal, within } from "./helpers.ts";

const PING = 0x9;
const PONG = 0xa;
const CLOSE = 0x8;
const TEXT = 0x1;

async function rawPeer(url: string): Promise<RawClient> {
  const raw = await RawClient.connect(
    Number(new URL(url).port),
    handshakeRequest({ "Sec-WebSocket-Protocol": "mcp" }),
  );
  assert.match(await raw.head(), /^HTTP\/1\.1 101/);
  return raw;
}

describe(`WebSocket keep-alive, server on ${runtimeName()}`, () => {
  test("a peer that answers no ping is pinged, then dropped", async () => {
    const local = await startLocal({ keepAliveMs: 150, idleTimeoutMs: 100 });
    try {
      const raw = await rawPeer(local.url);
      const started = Date.now();
      const first = await raw.frames.next("the first ping");
      assert.equal(first.opcode, PING);
      let close: { code: number; reason: string } | undefined;
      for (let i = 0; i < 10 && close === undefined; i++) {
        const frame = await raw.frames.next("the close frame");
        if (frame.opcode === CLOSE) close = parseClose(frame.payload);
        else assert.equal(frame.opcode, PING, "nothing but pings before the close");
      }
      assert.equal(close?.code, 1001, "going away: the peer is taken as gone");
      await within(raw.ended, 10_000, "the dead peer to be dropped");
      assert.ok(Date.now() - started < 5000, "dropped after the timeout, not much later");
    } finally {
      await local.http.close();
    }
  });

  test("a peer that answers pings stays connected and is served", async () => {
    const local = await startLocal({ keepAliveMs: 150, idleTimeoutMs: 100 });
    try {
      const raw = await rawPeer(local.url);
      for (let pings = 0; pings < 4;) {
        const frame = await raw.frames.next("a ping");
        assert.equal(frame.opcode, PING, "a ping, not a close: the pongs kept the socket");
        raw.write(clientFrame(PONG, frame.payload));
        pings++;
      }
      raw.write(clientFrame(
        TEXT,
        JSON.stringify({
          jsonrpc: "2.0",
          id: 1,
          method: "initialize",
          params: {
            protocolVersion: "2025-11-25",
            capabilities: {},
            clientInfo: { name: "raw", version: "1" },
          },
        }),
      ));
      for (let i = 0; i < 20; i++) {
        const frame = await raw.frames.next("the initialize answer");
        if (frame.opcode === PING) {
          raw.write(clientFrame(PONG, frame.payload));
          continue;
        }
        assert.equal(frame.opcode, TEXT);
        assert.equal(JSON.parse(new TextDecoder().decode(frame.payload)).id, 1);
        break;
      }
      raw.write(clientFrame(CLOSE, new Uint8Array([0x03, 0xe8])));
      await within(raw.ended, 10_000, "the close");
    } finally {
      await local.http.close();
    }
  });

  test("idleTimeoutMs may not exceed keepAliveMs", () => {
    assert.throws(
      () => createWebSocketHandler(buildServer(), { keepAliveMs: 100, idleTimeoutMs: 200 }),
      RangeError,
    );
    assert.doesNotThrow(() => createWebSocketHandler(buildServer(), { keepAliveMs: 0 }));
  });
});
