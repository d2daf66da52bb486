import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  encodeCommand,
  parseRedisUrl,
  RedisError,
  RespParser,
  RespProtocolError,
  type RespValue,
} from "../../../store/redis/mod.ts";

const text = new TextEncoder();

/** Feeds `input` to a parser in chunks of `size` bytes and collects every frame. */
function parseInChunks(input: Uint8Array, size: number, bytes = false): RespValue[] {
  const parser = new RespParser();
  const values: RespValue[] = [];
  for (let offset = 0; offset < input.length; offset += size) {
    parser.push(input.subarray(offset, offset + size));
    for (let frame = parser.read(bytes); frame; frame = parser.read(bytes)) {
      values.push(frame.value);
    }
  }
  assert.equal(parser.buffered, 0);
  return values;
}

describe("encodeCommand", () => {
  test("encodes strings, numbers and bytes as a RESP array of bulk strings", () => {
    const bytes = encodeCommand(["SET", "ключ", 42, new Uint8Array([0, 255])]);
    const expected = [
      ..."*4\r\n$3\r\nSET\r\n$8\r\nключ\r\n$2\r\n42\r\n$2\r\n".split("").flatMap((c) => [
        ...text.encode(c),
      ]),
      0,
      255,
      13,
      10,
    ];
    assert.deepEqual([...bytes], expected);
  });
});

describe("RespParser", () => {
  test("parses every RESP2 and RESP3 type", () => {
    const input = text.encode(
      "+OK\r\n-ERR bad thing\r\n:-12\r\n:9007199254740993\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n_\r\n" +
        "#t\r\n#f\r\n,3.5\r\n,inf\r\n,-inf\r\n(12345678901234567890\r\n!9\r\nSYNTAX no\r\n" +
        "=8\r\ntxt:text\r\n~2\r\n:1\r\n:2\r\n%2\r\n+a\r\n:1\r\n$1\r\nb\r\n*0\r\n" +
        "|1\r\n+ttl\r\n:3\r\n+after-attribute\r\n",
    );
    const values = parseInChunks(input, input.length);
    assert.equal(values.length, 19);
    assert.equal(values[0], "OK");
    assert.ok(values[1] instanceof RedisError);
    assert.equal((values[1] as RedisError).code, "ERR");
    assert.equal((values[1] as RedisError).message, "ERR bad thing");
    assert.equal(values[2], -12);
    assert.equal(values[3], 9007199254740993n);
    assert.equal(values[4], "hello");
    assert.deepEqual(values.slice(5, 8), [null, null, null]);
    assert.deepEqual(values.slice(8, 12), [true, false, 3.5, Infinity]);
    assert.equal(values[12], -Infinity);
    assert.equal(values[13], 12345678901234567890n);
    assert.equal((values[14] as RedisError).code, "SYNTAX");
    assert.equal(values[15], "text");
    assert.deepEqual(values[16], [1, 2]);
    assert.deepEqual(values[17], new Map<RespValue, RespValue>([["a", 1], ["b", []]]));
    assert.equal(values[18], "after-attribute");
  });

  test("parses maps and nested arrays, and skips attributes", () => {
    const input = text.encode(
      "%2\r\n+a\r\n:1\r\n$1\r\nb\r\n*2\r\n*1\r\n_\r\n%0\r\n" +
        "*3\r\n*2\r\n:1\r\n*1\r\n$2\r\nhi\r\n-WRONGTYPE no\r\n$0\r\n\r\n" +
        "|1\r\n+ttl\r\n:3\r\n+after-attribute\r\n",
    );
    const [map, nested, attributed] = parseInChunks(input, 3);
    assert.ok(map instanceof Map);
    assert.equal(map.get("a"), 1);
    assert.deepEqual(map.get("b"), [[null], new Map()]);
    const [first, error, empty] = nested as RespValue[];
    assert.deepEqual(first, [1, ["hi"]]);
    assert.ok(error instanceof RedisError);
    assert.equal(error.code, "WRONGTYPE");
    assert.equal(empty, "");
    assert.equal(attributed, "after-attribute");
  });

  test("marks push frames", () => {
    const parser = new RespParser();
    parser.push(text.encode(">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n*1\r\n+x\r\n"));
    assert.deepEqual(parser.read(), { value: ["message", "ch", "hi"], push: true });
    assert.deepEqual(parser.read(), { value: ["x"], push: false });
    assert.equal(parser.read(), undefined);
  });

  test("gives the same frames whatever the chunk size, one byte at a time included", () => {
    const input = text.encode(
      "*3\r\n$3\r\nfoo\r\n*2\r\n:1\r\n%1\r\n+k\r\n$5\r\nvalue\r\n_\r\n+PONG\r\n$-1\r\n:7\r\n",
    );
    const whole = parseInChunks(input, input.length);
    assert.equal(whole.length, 4);
    for (const size of [1, 2, 5, 7, 13]) assert.deepEqual(parseInChunks(input, size), whole);
  });

  test("waits for a partial frame, split inside the header, the body and the CRLF", () => {
    const parser = new RespParser();
    for (const piece of ["$1", "1\r", "\nhello", " worl", "d\r", "\n"]) {
      assert.equal(parser.read(), undefined);
      parser.push(text.encode(piece));
    }
    assert.deepEqual(parser.read(), { value: "hello world", push: false });
  });

  test("parses a 3 MiB bulk string split into 64 KiB chunks, as text and as bytes", () => {
    const size = 3 * 1024 * 1024 + 17;
    const body = new Uint8Array(size);
    for (let i = 0; i < size; i++) body[i] = 97 + (i % 26);
    const header = text.encode(`*2\r\n$${size}\r\n`);
    const input = new Uint8Array([...header, ...body, 13, 10, ...text.encode(":1\r\n")]);
    const [asText] = parseInChunks(input, 64 * 1024) as [[string, number]];
    assert.equal(asText[0].length, size);
    assert.equal(asText[0].slice(0, 28), "abcdefghijklmnopqrstuvwxyzab");
    assert.equal(asText[1], 1);
    const [asBytes] = parseInChunks(input, 1000, true) as [[Uint8Array, number]];
    assert.ok(asBytes[0] instanceof Uint8Array);
    assert.deepEqual(asBytes[0], body);
  });

  test("keeps binary bulk strings intact with bytes", () => {
    const parser = new RespParser();
    parser.push(new Uint8Array([36, 51, 13, 10, 0, 13, 255, 13, 10]));
    const frame = parser.read(true);
    assert.deepEqual(frame?.value, new Uint8Array([0, 13, 255]));
  });

  test("throws a protocol error on bytes that are not RESP", () => {
    const parser = new RespParser();
    parser.push(text.encode("HTTP/1.1 400 Bad Request\r\n"));
    assert.throws(() => parser.read(), RespProtocolError);
  });
});

describe("parseRedisUrl", () => {
  test("reads host, port, credentials, database and TLS", () => {
    assert.deepEqual(parseRedisUrl("redis://app:s%40cret@cache.internal:6380/2"), {
      hostname: "cache.internal",
      port: 6380,
      tls: false,
      username: "app",
      password: "s@cret",
      db: 2,
    });
    assert.deepEqual(parseRedisUrl("rediss://:pw@[::1]"), {
      hostname: "::1",
      port: 6379,
      tls: true,
      password: "pw",
      db: 0,
    });
    assert.equal(parseRedisUrl("redis://localhost?db=3").db, 3);
  });

  test("refuses other schemes and bad databases", () => {
    assert.throws(() => parseRedisUrl("http://localhost"), TypeError);
    assert.throws(() => parseRedisUrl("redis://localhost/x"), TypeError);
    assert.throws(() => parseRedisUrl("not a url"), TypeError);
  });
});
