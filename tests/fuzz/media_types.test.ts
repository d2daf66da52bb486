/**
 * Fuzzing header and media-type parsing (transports/http/accept.ts, content_type.ts) against
 * small, obviously-correct references written from the rules the modules document, plus a time
 * bound on long adversarial values: "; ; ; …" once made the Content-Type pattern backtrack
 * exponentially (20 repetitions took seconds).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { acceptsMediaType } from "../../transports/http/accept.ts";
import { isJsonContentType } from "../../transports/http/content_type.ts";
import { anyChar, array, check, type Gen, map, oneOf, pick, string, weighted } from "./generate.ts";

const SPACE = /^[ \t]*|[ \t]*$/g;
const trim = (text: string): string => text.replace(SPACE, "");

/** The Accept rules: the most specific matching range decides; q=0 there refuses. */
function referenceAccepts(accept: string | null, mediaType: string): boolean {
  if (accept === null) return true;
  let sawRange = false;
  let best = 0;
  let refused = false;
  for (const element of accept.split(",")) {
    const [rangeText, ...parameters] = element.split(";");
    const range = trim(rangeText).toLowerCase();
    if (range === "") continue;
    sawRange = true;
    const type = mediaType.slice(0, mediaType.indexOf("/"));
    const score = range === mediaType ? 3 : range === `${type}/*` ? 2 : range === "*/*" ? 1 : 0;
    const q = parameters.map((p) => p.replace(/^[ \t]*/, "")).find((p) => /^q=/i.test(p));
    const zero = q !== undefined && /^0[.0]*$/.test(q.slice(2).split(/[ \t]/)[0]);
    if (score > best) [best, refused] = [score, zero];
    else if (score === best && score > 0 && refused) refused = zero;
  }
  return !sawRange || (best > 0 && !refused);
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+/;

/** RFC 9110 §8.3.1 for `application/json`, by hand. */
function referenceIsJson(value: string | null): boolean {
  if (value === null) return false;
  let rest = value.replace(/^[ \t]*/, "");
  if (rest.slice(0, 16).toLowerCase() !== "application/json") return false;
  rest = rest.slice(16);
  while (true) {
    rest = rest.replace(/^[ \t]*/, "");
    if (rest === "") return true;
    if (rest[0] !== ";") return false;
    rest = rest.slice(1).replace(/^[ \t]*/, "");
    if (rest === "" || rest[0] === ";") continue;
    const name = TOKEN.exec(rest);
    if (name === null || rest[name[0].length] !== "=") return false;
    rest = rest.slice(name[0].length + 1);
    if (rest[0] === '"') {
      let at = 1;
      for (; at < rest.length && rest[at] !== '"'; at++) {
        const code = rest.charCodeAt(at);
        if (rest[at] === "\\") {
          const next = rest.charCodeAt(++at);
          if (!(next === 9 || (next >= 0x20 && next <= 0x7e) || (next >= 0x80 && next <= 0xff))) {
            return false;
          }
        } else if ((code <= 0x08) || (code >= 0x0a && code <= 0x1f) || code === 0x7f) return false;
      }
      if (at >= rest.length) return false;
      rest = rest.slice(at + 1);
    } else {
      const token = TOKEN.exec(rest);
      if (token === null) return false;
      rest = rest.slice(token[0].length);
    }
  }
}

const acceptPiece: Gen<string> = weighted(
  [
    4,
    pick([
      "application/json",
      "text/event-stream",
      "*/*",
      "application/*",
      "text/*",
      "TEXT/Event-Stream",
    ]),
  ],
  [
    3,
    pick([
      ",",
      ", ",
      ";",
      "; ",
      "q=0",
      "q=0.0",
      "Q=0",
      "q=1",
      "q=0.5",
      "q=0.",
      "q=0.0.1",
      " ",
      "\t",
      "level=1",
    ]),
  ],
  [1, string(anyChar, 1, 3)],
);
const acceptValue: Gen<string | null> = oneOf<string | null>(
  map(array(acceptPiece, 0, 8), (parts) => parts.join("")),
  () => null,
);

test("acceptsMediaType agrees with the reference", async () => {
  await check("accept", (random) => ({
    accept: acceptValue(random),
    type: pick(["application/json", "text/event-stream"])(random),
  }), ({ accept, type }) => {
    assert.equal(acceptsMediaType(accept, type), referenceAccepts(accept, type));
  }, { runs: 6000, seed: 71 });
});

const ctPiece: Gen<string> = weighted(
  [2, pick(["application/json", "APPLICATION/JSON", "application/jsonp", "text/plain"])],
  [
    4,
    pick([
      ";",
      "; ",
      " ",
      "\t",
      "charset=utf-8",
      "charset=",
      '"a b"',
      '"\\"',
      '"\\\u0001"',
      "=",
      "x",
      '"',
    ]),
  ],
  [1, string(anyChar, 1, 2)],
);

test("isJsonContentType agrees with the reference", async () => {
  await check(
    "content-type",
    oneOf<string | null>(
      map(array(ctPiece, 0, 7), (parts) => parts.join("")),
      map(array(ctPiece, 0, 6), (parts) => "application/json" + parts.join("")),
      () => null,
    ),
    (value) => {
      assert.equal(isJsonContentType(value), referenceIsJson(value), JSON.stringify(value));
    },
    { runs: 6000, seed: 72 },
  );
});

test("long adversarial header values are answered in bounded time", () => {
  const values = [
    "application/json" + "; ".repeat(5000) + "\u0001",
    "application/json" + ";  \t".repeat(3000) + "x",
    "application/json" + '; a="'.repeat(2000),
    "application/json" + "; a=b".repeat(3000) + ";\u0000",
    " ".repeat(20000) + "application/json" + " ".repeat(20000) + "!",
  ];
  const accepts = [
    ",".repeat(30000),
    "a/*;q=0,".repeat(5000),
    ";".repeat(30000) + "text/*",
    " \t".repeat(20000),
  ];
  const start = performance.now();
  for (const value of values) assert.equal(isJsonContentType(value), referenceIsJson(value));
  for (const accept of accepts) {
    assert.equal(
      acceptsMediaType(accept, "text/event-stream"),
      referenceAccepts(accept, "text/event-stream"),
    );
  }
  const elapsed = performance.now() - start;
  assert.ok(elapsed < 1000, `took ${elapsed.toFixed(0)} ms`);
});
