/** Parsing request heads and body framing for serveHttp's HTTP/1.1 server (Deno). */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { parseRequestHead, wantsKeepAlive } from "../../../runtime/http1/head.ts";
import { bodyFraming } from "../../../runtime/http1/body.ts";

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);
const parse = (text: string, max = 65536) => parseRequestHead(bytes(text), max);

function head(text: string) {
  const parsed = parse(text);
  assert.equal(parsed.kind, "head", text);
  return (parsed as Extract<typeof parsed, { kind: "head" }>).head;
}

describe("parseRequestHead", () => {
  test("a complete head: method, target, version, lower-cased headers, length", () => {
    const text = "POST /mcp?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type:  application/json \r\n\r\n{}";
    const parsed = parse(text);
    assert.equal(parsed.kind, "head");
    if (parsed.kind !== "head") return;
    assert.equal(parsed.length, text.length - 2);
    assert.deepEqual(parsed.head, {
      method: "POST",
      target: "/mcp?x=1",
      version: "1.1",
      headers: [["host", "a"], ["content-type", "application/json"]],
    });
  });

  test("half a head is incomplete; past the limit it is 431", () => {
    assert.equal(parse("GET / HTTP/1.1\r\nHost: a\r\n").kind, "incomplete");
    assert.deepEqual(parse("GET / HTTP/1.1\r\nX: " + "a".repeat(100), 64), {
      kind: "invalid",
      status: 431,
    });
  });

  test("ambiguous heads are refused with 400, unknown versions with 505", () => {
    for (
      const text of [
        "GET / HTTP/1.1\r\nHost : a\r\n\r\n", // whitespace before the colon
        "GET / HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", // obsolete line folding
        "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n", // space in the target
        "G(T / HTTP/1.1\r\nHost: a\r\n\r\n", // not a token
        "GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n", // NUL in a value
      ]
    ) {
      assert.deepEqual(parse(text), { kind: "invalid", status: 400 }, JSON.stringify(text));
    }
    assert.deepEqual(parse("GET / HTTP/2.0\r\n\r\n"), { kind: "invalid", status: 505 });
  });

  test("keep-alive: HTTP/1.1 unless close, HTTP/1.0 only when asked", () => {
    assert.equal(wantsKeepAlive(head("GET / HTTP/1.1\r\nHost: a\r\n\r\n")), true);
    assert.equal(wantsKeepAlive(head("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n")), false);
    assert.equal(wantsKeepAlive(head("GET / HTTP/1.0\r\n\r\n")), false);
    assert.equal(wantsKeepAlive(head("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")), true);
  });
});

describe("bodyFraming", () => {
  const framing = (headers: string, version = "1.1") =>
    bodyFraming(head(`POST / HTTP/${version}\r\n${headers}\r\n`));

  test("none, a length, or chunked", () => {
    assert.deepEqual(framing(""), { kind: "none" });
    assert.deepEqual(framing("Content-Length: 0\r\n"), { kind: "none" });
    assert.deepEqual(framing("Content-Length: 12\r\n"), { kind: "length", length: 12 });
    assert.deepEqual(framing("Content-Length: 12, 12\r\n"), { kind: "length", length: 12 });
    assert.deepEqual(framing("Transfer-Encoding: chunked\r\n"), { kind: "chunked" });
  });

  test("smuggling-prone or unsupported framing is refused", () => {
    assert.equal(framing("Content-Length: 3\r\nTransfer-Encoding: chunked\r\n"), undefined);
    assert.equal(framing("Content-Length: 3\r\nContent-Length: 4\r\n"), undefined);
    assert.equal(framing("Content-Length: -1\r\n"), undefined);
    assert.equal(framing("Transfer-Encoding: gzip, chunked\r\n"), undefined);
    assert.equal(framing("Transfer-Encoding: chunked\r\n", "1.0"), undefined);
  });
});
