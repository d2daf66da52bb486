/**
 * NodeWebSocket over a scripted duplex: every pause, write, end and destroy is observable, so
 * backpressure, the close handshake and the send-buffer policy are checked exactly.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import {
  NodeWebSocket,
  type NodeWebSocketOptions,
  type WebSocketMessageData,
} from "../../../runtime/websocket/node_websocket.ts";
import type { WebSocketDuplexLike } from "../../../runtime/websocket/duplex.ts";
import {
  clientFrame,
  closePayload,
  deferred,
  encoder,
  Inbox,
  parseClose,
  parseServerFrames,
  type ServerFrame,
  within,
} from "./helpers.ts";

const TEXT = 0x1;
const BINARY = 0x2;
const CLOSE = 0x8;
const PING = 0x9;
const PONG = 0xa;

class FakeDuplex extends EventEmitter implements WebSocketDuplexLike {
  readonly frames: Inbox<ServerFrame> = new Inbox();
  readonly sent: ServerFrame[] = [];
  writableLength = 0;
  writableNeedDrain = false;
  destroyed = false;
  paused = false;
  ended = false;
  peerEnded = false;
  pauses = 0;
  resumes = 0;

  // EventEmitter's own `on` takes `any` listeners, which the interface's `never[]` cannot match.
  override on(event: string, listener: (...args: never[]) => void): this {
    return super.on(event, listener as (...args: unknown[]) => void);
  }

  override removeListener(event: string, listener: (...args: never[]) => void): this {
    return super.removeListener(event, listener as (...args: unknown[]) => void);
  }

  write(chunk: Uint8Array): boolean {
    for (const frame of parseServerFrames(chunk)) {
      this.sent.push(frame);
      this.frames.push(frame);
    }
    return true;
  }

  end(): void {
    this.ended = true;
    if (this.peerEnded) this.destroy();
  }

  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    queueMicrotask(() => this.emit("close"));
  }

  pause(): void {
    this.paused = true;
    this.pauses++;
  }

  resume(): void {
    this.paused = false;
    this.resumes++;
  }

  /** The peer sends bytes (only while reading is not paused, as a real socket would). */
  receive(...frames: Uint8Array[]): void {
    assert.equal(this.paused, false, "bytes arrive only while the socket reads");
    const total = frames.reduce((sum, frame) => sum + frame.length, 0);
    const chunk = new Uint8Array(total);
    let offset = 0;
    for (const frame of frames) {
      chunk.set(frame, offset);
      offset += frame.length;
    }
    this.emit("data", chunk);
  }

  /** The peer half-closes its side (FIN). */
  peerEnd(): void {
    this.peerEnded = true;
    this.emit("end");
    if (this.ended) this.destroy();
  }
}

function open(options: NodeWebSocketOptions = {}): { duplex: FakeDuplex; socket: NodeWebSocket } {
  const duplex = new FakeDuplex();
  const socket = new NodeWebSocket(duplex, options);
  return { duplex, socket };
}

async function nextOfKind(duplex: FakeDuplex, opcode: number, what: string): Promise<ServerFrame> {
  for (let i = 0; i < 1000; i++) {
    const frame = await duplex.frames.next(what);
    if (frame.opcode === opcode) return frame;
  }
  throw new Error(`no frame with opcode ${opcode}: ${what}`);
}

describe("NodeWebSocket: reading and backpressure", () => {
  test("messages reach onmessage in order, text as strings and binary as bytes", () => {
    const { duplex, socket } = open();
    const got: WebSocketMessageData[] = [];
    socket.onmessage = (data) => void got.push(data);
    duplex.receive(clientFrame(TEXT, "one"), clientFrame(BINARY, new Uint8Array([1, 2])));
    duplex.receive(clientFrame(TEXT, "two"));
    assert.deepEqual(got, ["one", new Uint8Array([1, 2]), "two"]);
    assert.equal(socket.readyState, NodeWebSocket.OPEN);
    assert.equal(socket.protocol, "");
    assert.equal(socket.extensions, "");
  });

  test("an onmessage promise pauses reading until it settles", async () => {
    const { duplex, socket } = open();
    const got: string[] = [];
    const gates = [deferred(), deferred()];
    socket.onmessage = (data) => {
      got.push(data as string);
      return gates[got.length - 1]?.promise;
    };
    duplex.receive(clientFrame(TEXT, "a"), clientFrame(TEXT, "b"), clientFrame(TEXT, "c"));
    assert.deepEqual(got, ["a"], "b and c wait while a is handled");
    assert.equal(duplex.paused, true);
    gates[0].resolve();
    await gates[0].promise;
    await Promise.resolve();
    assert.deepEqual(got, ["a", "b"]);
    assert.equal(duplex.paused, true, "still paused: b is being handled");
    gates[1].resolve();
    await gates[1].promise;
    await Promise.resolve();
    assert.deepEqual(got, ["a", "b", "c"]);
    assert.equal(duplex.paused, false, "reading resumes once every parsed message is handled");
    duplex.receive(clientFrame(TEXT, "d"));
    assert.deepEqual(got, ["a", "b", "c", "d"]);
  });

  test("a rejected onmessage promise goes to onerror and reading goes on", async () => {
    const { duplex, socket } = open();
    const errors: unknown[] = [];
    const reported = deferred();
    socket.onerror = (error) => {
      errors.push(error);
      reported.resolve();
    };
    const got: string[] = [];
    socket.onmessage = (data) => {
      got.push(data as string);
      if (data === "bad") return Promise.reject(new Error("handler failed"));
    };
    duplex.receive(clientFrame(TEXT, "bad"), clientFrame(TEXT, "next"));
    await within(reported.promise, 5000, "the rejection to be reported");
    await Promise.resolve();
    assert.deepEqual(got, ["bad", "next"]);
    assert.match(String(errors[0]), /handler failed/);
  });

  test("a throwing onmessage goes to onerror and the next message still arrives", () => {
    const { duplex, socket } = open();
    const errors: unknown[] = [];
    socket.onerror = (error) => void errors.push(error);
    const got: string[] = [];
    socket.onmessage = (data) => {
      got.push(data as string);
      if (data === "boom") throw new Error("sync failure");
    };
    duplex.receive(clientFrame(TEXT, "boom"), clientFrame(TEXT, "after"));
    assert.deepEqual(got, ["boom", "after"]);
    assert.equal(errors.length, 1);
  });

  test("messages wait, reading paused, until onmessage is set", () => {
    const { duplex, socket } = open();
    duplex.receive(clientFrame(TEXT, "early"), clientFrame(TEXT, "second"));
    assert.equal(duplex.paused, true);
    const got: string[] = [];
    socket.onmessage = (data) => void got.push(data as string);
    assert.deepEqual(got, ["early", "second"]);
    assert.equal(duplex.paused, false);
  });

  test("bytes that came with the handshake (head) are read first", async () => {
    const duplex = new FakeDuplex();
    const socket = new NodeWebSocket(duplex, { head: clientFrame(TEXT, "in the head") });
    const got = deferred<WebSocketMessageData>();
    socket.onmessage = (data) => got.resolve(data);
    assert.equal(await within(got.promise, 5000, "the head message"), "in the head");
  });

  test("pings are answered with pongs carrying the same payload", async () => {
    const { duplex } = open();
    duplex.receive(clientFrame(PING, "echo me"));
    const pong = await nextOfKind(duplex, PONG, "the pong");
    assert.equal(new TextDecoder().decode(pong.payload), "echo me");
  });
});

describe("NodeWebSocket: sending and the send-buffer limit", () => {
  test("send writes unmasked text and binary frames", () => {
    const { duplex, socket } = open();
    assert.equal(socket.send("hé"), true);
    assert.equal(socket.send(new Uint8Array([7])), true);
    assert.deepEqual(duplex.sent.map((frame) => [frame.opcode, frame.masked, [...frame.payload]]), [
      [TEXT, false, [...encoder.encode("hé")]],
      [BINARY, false, [7]],
    ]);
  });

  test("bufferedAmount is the stream's queue; drained() waits for drain", async () => {
    const { duplex, socket } = open();
    duplex.writableLength = 5000;
    assert.equal(socket.bufferedAmount, 5000);
    await within(socket.drained(), 1000, "drained() while not full");
    duplex.writableNeedDrain = true;
    let settled = false;
    const drained = socket.drained().then(() => (settled = true));
    await Promise.resolve();
    assert.equal(settled, false);
    duplex.writableNeedDrain = false;
    duplex.writableLength = 0;
    duplex.emit("drain");
    await within(drained, 1000, "drained() after drain");
  });

  test("a send past maxBufferedAmount is refused and fails the connection with 1008", async () => {
    const { duplex, socket } = open({ maxBufferedAmount: 10_000 });
    duplex.writableLength = 9_000;
    assert.equal(socket.send("x".repeat(900)), true, "9000 + 902 fits");
    duplex.writableLength = 9_902;
    assert.equal(socket.send("x".repeat(100)), false, "9902 + 102 does not");
    assert.equal(socket.readyState, NodeWebSocket.CLOSING);
    const close = parseClose((await nextOfKind(duplex, CLOSE, "the close frame")).payload);
    assert.equal(close.code, 1008);
    assert.match(close.reason, /peer is not reading/);
    assert.equal(duplex.ended, true, "the TCP side is ended at once");
    assert.equal(socket.send("more"), false, "nothing more is queued");
    assert.equal(duplex.sent.filter((frame) => frame.opcode === TEXT).length, 1);
    duplex.peerEnd();
    const info = await within(socket.closed, 5000, "closed");
    assert.deepEqual(info, { code: 1008, reason: close.reason, wasClean: false });
  });

  test("pongs count toward the limit: a ping flood from a non-reader fails with 1008", async () => {
    const { duplex, socket } = open({ maxBufferedAmount: 1000 });
    let pings = 0;
    while (socket.readyState === NodeWebSocket.OPEN && pings < 100) {
      duplex.receive(clientFrame(PING, "p".repeat(100)));
      duplex.writableLength += 102; // the peer reads nothing: every pong stays queued
      pings++;
    }
    assert.equal(socket.readyState, NodeWebSocket.CLOSING);
    assert.ok(pings <= 10, `failed after ${pings} pings`);
    const close = await nextOfKind(duplex, CLOSE, "the close frame");
    assert.equal(parseClose(close.payload).code, 1008);
  });
});

describe("NodeWebSocket: close handshake", () => {
  test("close(): close frame, wait for the peer's, then end the TCP side", async () => {
    const { duplex, socket } = open();
    socket.close(4000, "bye");
    assert.equal(socket.readyState, NodeWebSocket.CLOSING);
    assert.deepEqual(parseClose((await nextOfKind(duplex, CLOSE, "close")).payload), {
      code: 4000,
      reason: "bye",
    });
    assert.equal(duplex.ended, false, "waits for the peer's close frame");
    assert.equal(socket.send("late"), false);
    duplex.receive(
      clientFrame(TEXT, "dropped while closing"),
      clientFrame(CLOSE, closePayload(4000, "ok")),
    );
    assert.equal(duplex.ended, true);
    duplex.peerEnd();
    assert.deepEqual(await within(socket.closed, 5000, "closed"), {
      code: 4000,
      reason: "ok",
      wasClean: true,
    });
    assert.equal(socket.readyState, NodeWebSocket.CLOSED);
  });

  test("close() while a handler holds reading still reads the peer's close", async () => {
    const { duplex, socket } = open();
    socket.onmessage = () => new Promise<void>(() => {}); // never settles
    duplex.receive(clientFrame(TEXT, "stuck"));
    assert.equal(duplex.paused, true);
    socket.close(1000);
    assert.equal(duplex.paused, false, "closing resumes reading");
    duplex.receive(clientFrame(CLOSE, closePayload(1000)));
    duplex.peerEnd();
    assert.equal((await within(socket.closed, 5000, "closed")).wasClean, true);
  });

  test("the peer's close is echoed with its code; an empty one with an empty one", async () => {
    for (
      const [payload, code] of [[closePayload(4001, "done"), 4001], [
        new Uint8Array(),
        1005,
      ]] as const
    ) {
      const { duplex, socket } = open();
      const closes: unknown[] = [];
      socket.onclose = (info) => void closes.push(info);
      duplex.receive(clientFrame(CLOSE, payload));
      const echo = await nextOfKind(duplex, CLOSE, "the echo");
      assert.equal(parseClose(echo.payload).code, code);
      assert.equal(echo.payload.length, code === 1005 ? 0 : 2, "the echo carries the code only");
      assert.equal(duplex.ended, true, "the server closes TCP first");
      duplex.peerEnd();
      const info = await within(socket.closed, 5000, "closed");
      assert.deepEqual(info, { code, reason: code === 1005 ? "" : "done", wasClean: true });
      assert.deepEqual(closes, [info], "onclose runs once");
    }
  });

  test("a peer that never answers the close is cut off after closeTimeoutMs (1006)", async () => {
    const { duplex, socket } = open({ closeTimeoutMs: 20 });
    socket.close(1000);
    const info = await within(socket.closed, 5000, "the close timeout");
    assert.equal(duplex.destroyed, true);
    assert.equal(info.code, 1006);
    assert.equal(info.wasClean, false);
    assert.match(info.reason, /20 ms/);
  });

  test("a peer that ends TCP without a close frame closes as 1006", async () => {
    const { duplex, socket } = open();
    duplex.peerEnd();
    assert.equal(duplex.ended, true);
    const info = await within(socket.closed, 5000, "closed");
    assert.equal(info.code, 1006);
    assert.equal(info.wasClean, false);
  });

  test("a protocol error sends its code and ends the TCP side", async () => {
    const { duplex, socket } = open();
    duplex.receive(clientFrame(TEXT, "x", { mask: false }));
    const close = parseClose((await nextOfKind(duplex, CLOSE, "close")).payload);
    assert.equal(close.code, 1002);
    assert.equal(duplex.ended, true);
    duplex.peerEnd();
    assert.deepEqual(await within(socket.closed, 5000, "closed"), {
      code: 1002,
      reason: close.reason,
      wasClean: false,
    });
  });

  test("close() checks its arguments; does nothing once closing", () => {
    const { duplex, socket } = open();
    assert.throws(() => socket.close(1000, "r".repeat(124)), RangeError);
    assert.throws(() => socket.close(1005), RangeError);
    assert.throws(() => socket.close(2999), RangeError);
    socket.close();
    socket.close(4000);
    assert.equal(duplex.sent.filter((frame) => frame.opcode === CLOSE).length, 1);
    assert.equal(duplex.sent[0].payload.length, 0, "close() without a code sends no body");
  });

  test("terminate() destroys at once", async () => {
    const { duplex, socket } = open();
    socket.terminate();
    assert.equal(duplex.destroyed, true);
    assert.deepEqual(await within(socket.closed, 5000, "closed"), {
      code: 1006,
      reason: "Terminated",
      wasClean: false,
    });
  });

  test("a stream error is reported and closes as 1006", async () => {
    const { duplex, socket } = open();
    const errors: unknown[] = [];
    socket.onerror = (error) => void errors.push(error);
    duplex.emit("error", new Error("read ECONNRESET"));
    const info = await within(socket.closed, 5000, "closed");
    assert.equal(info.code, 1006);
    assert.equal(info.reason, "read ECONNRESET");
    assert.equal(errors.length, 1);
  });
});

describe("NodeWebSocket: keep-alive", () => {
  test("pings go out on the interval while the peer answers", async () => {
    const { duplex, socket } = open({ pingIntervalMs: 15 });
    for (let i = 0; i < 4; i++) {
      await nextOfKind(duplex, PING, `ping ${i}`);
      duplex.receive(clientFrame(PONG, ""));
    }
    assert.equal(socket.readyState, NodeWebSocket.OPEN);
    socket.close();
    duplex.receive(clientFrame(CLOSE, new Uint8Array()));
    duplex.peerEnd();
    await within(socket.closed, 5000, "closed");
  });

  test("a silent peer is taken as dead: 1001 on the wire, 1006 locally", async () => {
    const { duplex, socket } = open({ pingIntervalMs: 20, pongTimeoutMs: 10 });
    await nextOfKind(duplex, PING, "the ping");
    const info = await within(socket.closed, 5000, "the dead-peer verdict");
    const close = duplex.sent.find((frame) => frame.opcode === CLOSE);
    assert.equal(parseClose(close!.payload).code, 1001);
    assert.equal(duplex.destroyed, true);
    assert.equal(info.code, 1006);
    assert.equal(info.wasClean, false);
    assert.match(info.reason, /ping within 10 ms/);
  });

  test("silence is excused while the application holds reading paused", async () => {
    const { duplex, socket } = open({ pingIntervalMs: 10 });
    const gate = deferred();
    socket.onmessage = () => gate.promise;
    duplex.receive(clientFrame(TEXT, "slow"));
    for (let i = 0; i < 3; i++) await nextOfKind(duplex, PING, `ping ${i} while paused`);
    assert.equal(socket.readyState, NodeWebSocket.OPEN);
    socket.terminate();
    await within(socket.closed, 5000, "closed");
  });

  test("options are checked", () => {
    assert.throws(() => open({ pingIntervalMs: 10, pongTimeoutMs: 20 }), RangeError);
    assert.throws(() => open({ maxBufferedAmount: -1 }), RangeError);
    assert.throws(() => open({ closeTimeoutMs: 1.5 }), RangeError);
    assert.throws(() => open({ maxMessageSize: 0 }), RangeError);
  });
});
