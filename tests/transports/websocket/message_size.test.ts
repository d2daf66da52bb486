/**
 * `maxMessageBytes` on every runtime's server socket, Deno's and Bun's native ones included:
 * the limit counts UTF-8 bytes of the whole message (a fragmented one too), a message of exactly
 * the limit is served, one byte more closes the socket with 1009.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { runtimeName } from "../../../runtime/mod.ts";
import {
  clientFrame,
  handshakeRequest,
  nextClose,
  RawClient,
} from "../../runtime/websocket/helpers.ts";
import { startLocal } from "./helpers.ts";

const LIMIT = 1024;
const TEXT = 0x1;
const CONTINUATION = 0x0;
const encoder = new TextEncoder();

/** A ping request whose JSON text is exactly `bytes` UTF-8 bytes, padded with `unit`. */
function pingOf(bytes: number, unit: string): string {
  const bare = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "" } });
  const room = bytes - encoder.encode(bare).length;
  const unitBytes = encoder.encode(unit).length;
  assert.equal(room % unitBytes, 0, "the padding fills the size exactly");
  const text = bare.replace('"pad":""', `"pad":"${unit.repeat(room / unitBytes)}"`);
  assert.equal(encoder.encode(text).length, bytes);
  return text;
}

async function rawPeer(url: string): Promise<RawClient> {
  const raw = await RawClient.connect(
    Number(new URL(url).port),
    handshakeRequest({ "Sec-WebSocket-Protocol": "mcp" }),
  );
  assert.match(await raw.head(), /^HTTP\/1\.1 101/);
  return raw;
}

describe(`maxMessageBytes, server on ${runtimeName()}`, () => {
  test("exactly the limit is served; one byte more closes with 1009", async () => {
    const local = await startLocal({ maxMessageBytes: LIMIT });
    try {
      const fits = await rawPeer(local.url);
      fits.write(clientFrame(TEXT, pingOf(LIMIT, "x")));
      const answer = await fits.frames.next("the ping's answer");
      assert.equal(answer.opcode, TEXT);
      assert.equal(JSON.parse(new TextDecoder().decode(answer.payload)).id, 1, "answered");
      fits.socket.destroy();

      const over = await rawPeer(local.url);
      over.write(clientFrame(TEXT, pingOf(LIMIT + 1, "x")));
      assert.equal((await nextClose(over, "the 1009 close")).code, 1009);
      over.socket.destroy();
    } finally {
      await local.http.close();
    }
  });

  test("UTF-8 bytes count, not characters; fragments count together", async () => {
    const local = await startLocal({ maxMessageBytes: LIMIT });
    try {
      // 2-byte characters: fewer than LIMIT characters, more than LIMIT bytes.
      const wide = await rawPeer(local.url);
      const text = pingOf(LIMIT + 58, "é");
      assert.ok(text.length < LIMIT);
      wide.write(clientFrame(TEXT, text));
      assert.equal((await nextClose(wide, "the 1009 close for wide text")).code, 1009);
      wide.socket.destroy();

      const fragmented = await rawPeer(local.url);
      const bytes = encoder.encode(pingOf(LIMIT + 200, "x"));
      fragmented.write(clientFrame(TEXT, bytes.subarray(0, 700), { fin: false }));
      fragmented.write(clientFrame(CONTINUATION, bytes.subarray(700)));
      assert.equal((await nextClose(fragmented, "the 1009 close for fragments")).code, 1009);
      fragmented.socket.destroy();
    } finally {
      await local.http.close();
    }
  });
});
