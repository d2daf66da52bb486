/**
 * Fuzzing the RESP reply parser (store/redis/resp.ts): random RESP2/RESP3 replies, encoded here
 * (the module encodes only commands), decode to the values encoded however the bytes are
 * chunked; any cut of them reads as "need more" and completes once the rest arrives; arbitrary
 * bytes and damaged replies give frames, "need more" or a RespProtocolError, never another
 * error, a hang or a buffer larger than the input; nesting and bulk lengths past the limits are
 * refused with a RespProtocolError before any stack or buffer grows to meet them.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  RedisError,
  RespParser,
  RespProtocolError,
  type RespValue,
} from "../../store/redis/mod.ts";
import {
  array,
  bytes,
  check,
  chunked,
  type Gen,
  int,
  map,
  oneOf,
  pick,
  string,
  weighted,
  wellFormedChar,
} from "./generate.ts";

const encoder = new TextEncoder();

/** A reply as bytes and as the value the parser should give for it. */
interface Encoded {
  text: string;
  value: RespValue;
}

/** Line text: no CR or LF. */
const lineText: Gen<string> = map(
  string(wellFormedChar, 0, 12),
  (text) => text.replace(/[\r\n]/g, " "),
);
/** Bulk text: anything well formed, line breaks included. */
const bulkText: Gen<string> = oneOf(string(wellFormedChar, 0, 24), pick(["", "\r\n", "a\r\nb"]));

function bulk(type: string, text: string): string {
  return `${type}${encoder.encode(text).length}\r\n${text}\r\n`;
}

const leaf: Gen<Encoded> = weighted<Encoded>(
  [2, map(lineText, (text) => ({ text: `+${text}\r\n`, value: text }))],
  [1, map(lineText, (text) => ({ text: `-${text}\r\n`, value: new RedisError(text) }))],
  [
    2,
    map(
      oneOf(
        int(-1e9, 1e9),
        pick<number | string>([0, -1, 2 ** 53 - 1, -(2 ** 53 - 1)]),
        pick<number | string>(["9223372036854775807", "-9223372036854775808", "9007199254740993"]),
      ),
      (n) => {
        const text = String(n);
        const value = Number(text);
        return {
          text: `:${text}\r\n`,
          value: Number.isSafeInteger(value) ? value : BigInt(text),
        };
      },
    ),
  ],
  [1, pick([{ text: "_\r\n", value: null }, { text: "$-1\r\n", value: null }])],
  [1, pick([{ text: "#t\r\n", value: true }, { text: "#f\r\n", value: false }])],
  [
    1,
    map(
      pick(["0", "-0", "1.5", "-2.25e-7", "1e300", "inf", "-inf", "nan", "3"]),
      (text) => ({
        text: `,${text}\r\n`,
        value: text === "inf"
          ? Infinity
          : text === "-inf"
          ? -Infinity
          : text === "nan"
          ? NaN
          : Number(text),
      }),
    ),
  ],
  [
    1,
    map(
      pick(["0", "-1", "3492890328409238509324850943850943825024385", "-12345678901234567890"]),
      (text) => ({ text: `(${text}\r\n`, value: BigInt(text) }),
    ),
  ],
  [3, map(bulkText, (text) => ({ text: bulk("$", text), value: text }))],
  [1, map(bulkText, (text) => ({ text: bulk("!", text), value: new RedisError(text) }))],
  [
    1,
    (random) => {
      const format = pick(["txt:", "mkd:"])(random);
      const text = bulkText(random);
      return { text: bulk("=", format + text), value: text };
    },
  ],
);

/** A map key the parser's `Map` compares by value: a string or an integer. */
const key: Gen<Encoded> = oneOf<Encoded>(
  map(lineText, (text) => ({ text: `+${text}\r\n`, value: text })),
  map(bulkText, (text) => ({ text: bulk("$", text), value: text })),
  map(int(-50, 50), (n) => ({ text: `:${n}\r\n`, value: n })),
);

/** An attribute (metadata the parser skips) before a value of `inner`, which is what it gives. */
function attributed(inner: Gen<Encoded>): Gen<Encoded> {
  const metadata = array(array(key, 2, 2), 0, 2);
  return (random) => {
    const pairs = metadata(random);
    const value = inner(random);
    const text = pairs.map(([k, v]) => k.text + v.text).join("");
    return { text: `|${pairs.length}\r\n${text}${value.text}`, value: value.value };
  };
}

function reply(depth: number): Gen<Encoded> {
  if (depth <= 0) return leaf;
  const inner = reply(depth - 1);
  const list = (type: string): Gen<Encoded> =>
    map(array(inner, 0, 4), (items) => ({
      text: `${type}${items.length}\r\n${items.map((item) => item.text).join("")}`,
      value: items.map((item) => item.value),
    }));
  return weighted<Encoded>(
    [4, leaf],
    [2, list("*")],
    [1, list("~")],
    [1, () => ({ text: "*-1\r\n", value: null })],
    [
      1,
      map(array(array(oneOf(key, inner), 2, 2), 0, 3), (pairs) => {
        const value = new Map<RespValue, RespValue>();
        let text = `%${pairs.length}\r\n`;
        for (const [k, v] of pairs) {
          text += k.text + v.text;
          value.set(k.value, v.value);
        }
        return { text, value };
      }),
    ],
    [1, attributed(inner)],
  );
}

/** A top-level frame: a reply, or a push of several values. */
interface Frame extends Encoded {
  push: boolean;
}

const frame: Gen<Frame> = weighted<Frame>(
  [5, map(reply(3), (encoded) => ({ ...encoded, push: false }))],
  [
    1,
    map(array(reply(2), 1, 4), (items) => ({
      text: `>${items.length}\r\n${items.map((item) => item.text).join("")}`,
      value: items.map((item) => item.value),
      push: true,
    })),
  ],
);

/** Values in a form every runtime's deepStrictEqual compares alike. */
function plain(value: RespValue): unknown {
  if (value instanceof RedisError) return { error: value.message };
  if (value instanceof Map) return { map: [...value].map(([k, v]) => [plain(k), plain(v)]) };
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "bigint") return { bigint: String(value) };
  return value;
}

/** Feeds `chunks`, reading after each, until the end or a RespProtocolError; at most one frame a byte. */
function parse(chunks: Uint8Array[], parser = new RespParser()): {
  frames: { value: unknown; push: boolean }[];
  error?: RespProtocolError;
  buffered: number;
} {
  const frames: { value: unknown; push: boolean }[] = [];
  const total = chunks.reduce((sum, chunk) => sum + chunk.length, 0);
  try {
    for (const chunk of chunks) {
      parser.push(chunk);
      for (let frame = parser.read(); frame; frame = parser.read()) {
        frames.push({ value: plain(frame.value), push: frame.push });
        assert.ok(frames.length <= total, "more frames than bytes: read does not advance");
      }
    }
  } catch (error) {
    if (!(error instanceof RespProtocolError)) throw error;
    return { frames, error, buffered: parser.buffered };
  }
  return { frames, buffered: parser.buffered };
}

test("random replies in random chunks decode to the values encoded", async () => {
  await check("resp round trip", array(frame, 1, 5), (frames) => {
    const data = encoder.encode(frames.map((f) => f.text).join(""));
    const expected = frames.map((f) => ({ value: plain(f.value), push: f.push }));
    const whole = parse([data]);
    assert.equal(whole.error, undefined);
    assert.deepStrictEqual(whole.frames, expected);
    assert.equal(whole.buffered, 0);
    for (
      const chunks of [
        chunked(data)(seededFrom(data)),
        [...data].map((b) => Uint8Array.of(b)),
      ]
    ) {
      const split = parse(chunks);
      assert.equal(split.error, undefined);
      assert.deepStrictEqual(split.frames, expected);
      assert.equal(split.buffered, 0);
    }
  }, { runs: 400, seed: 0x2e5b });
});

/** A chunking that follows from the input, so a failure replays from the check's seed alone. */
function seededFrom(data: Uint8Array): { next(): number } {
  let state = data.length * 2654435761;
  for (const byte of data) state = Math.imul(state ^ byte, 16777619);
  return {
    next(): number {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      return state / 4294967296;
    },
  };
}

test("a reply cut anywhere needs more, then completes with the rest", async () => {
  const cut = (random: Parameters<Gen<unknown>>[0]) => {
    const encoded = frame(random);
    const data = encoder.encode(encoded.text);
    return { encoded, data, at: int(0, data.length - 1)(random) };
  };
  await check("resp truncation", cut, ({ encoded, data, at }) => {
    const parser = new RespParser();
    const head = parse([data.subarray(0, at)], parser);
    assert.equal(head.error, undefined);
    assert.deepStrictEqual(head.frames, []);
    assert.equal(head.buffered, at);
    const rest = parse([data.subarray(at)], parser);
    assert.deepStrictEqual(rest.frames, [{ value: plain(encoded.value), push: encoded.push }]);
    assert.equal(rest.buffered, 0);
  }, { runs: 600, seed: 0x7c17 });
});

/** Bytes a RESP parser trips on: type bytes, digits, signs, line ends. */
const respByte: Gen<number> = weighted(
  [3, pick([..."+-:_#,($!=*~>%|"].map((c) => c.charCodeAt(0)))],
  [3, int(0x30, 0x39)],
  [2, pick([13, 10, 13, 0x2d, 0x2e, 0x65])],
  [2, int(0, 255)],
);

test("arbitrary and damaged bytes give frames, need-more or a RespProtocolError", async () => {
  const damaged = (random: Parameters<Gen<unknown>>[0]) => {
    const data = encoder.encode(array(frame, 1, 3)(random).map((f) => f.text).join(""));
    const out = [...data];
    for (let edits = int(1, 4)(random); edits > 0; edits--) {
      const at = int(0, out.length)(random);
      const kind = int(0, 2)(random);
      if (kind === 0) out[at] = respByte(random);
      else if (kind === 1) out.splice(at, 1);
      else out.splice(at, 0, respByte(random));
    }
    return Uint8Array.from(out);
  };
  const input: Gen<Uint8Array> = oneOf(
    bytes(0, 64),
    map(array(respByte, 0, 64), (values) => Uint8Array.from(values)),
    damaged,
  );
  await check("resp garbage", input, (data) => {
    const { buffered, error } = parse(chunked(data)(seededFrom(data)));
    assert.ok(buffered <= data.length, `buffered ${buffered} of ${data.length} bytes`);
    if (error) assert.ok(error.message.length > 0);
  }, { runs: 1500, seed: 0x9a3 });
});

test("nesting past the depth limit is refused, not a stack overflow", () => {
  for (
    const type of [
      "*1\r\n",
      "%1\r\n+k\r\n",
      ">1\r\n",
      "|1\r\n+k\r\n+v\r\n*1\r\n",
      "|1\r\n+k\r\n+v\r\n",
    ]
  ) {
    const data = encoder.encode(type.repeat(100_000) + ":1\r\n");
    const { error, frames } = parse([data]);
    assert.ok(error instanceof RespProtocolError, `${JSON.stringify(type)}: ${error}`);
    assert.match(error.message, /nested deeper than 64/);
    assert.deepStrictEqual(frames, []);
  }
  const limited = new RespParser({ maxDepth: 3 });
  limited.push(encoder.encode("*1\r\n*1\r\n*1\r\n:7\r\n*1\r\n*1\r\n*1\r\n*1\r\n:8\r\n"));
  assert.deepStrictEqual(limited.read()?.value, [[[7]]]);
  assert.throws(() => limited.read(), /nested deeper than 3/);
});

test("a bulk string or line past the size limit is refused before it is buffered", () => {
  const parser = new RespParser();
  parser.push(encoder.encode("$1000000000000\r\n"));
  assert.throws(
    () => parser.read(),
    (error: unknown) =>
      error instanceof RespProtocolError && /over the limit of 536870912/.test(error.message),
  );
  const small = new RespParser({ maxBulkBytes: 16 });
  small.push(encoder.encode("$16\r\n0123456789abcdef\r\n"));
  assert.equal(small.read()?.value, "0123456789abcdef");
  small.push(encoder.encode("=17\r\n"));
  assert.throws(() => small.read(), RespProtocolError);
  const line = new RespParser({ maxBulkBytes: 16 });
  line.push(encoder.encode("+" + "x".repeat(18)));
  assert.equal(line.read(), undefined);
  line.push(encoder.encode("x"));
  assert.throws(() => line.read(), /RESP line longer than 16 bytes/);
  const bad = new RespParser();
  bad.push(encoder.encode("(12x\r\n"));
  assert.throws(() => bad.read(), /bad RESP big number/);
});
