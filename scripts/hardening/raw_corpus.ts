/**
 * The raw HTTP/1.1 part of the malformed-request corpus of scripts/hardening_figures.ts:
 * broken request lines, bad headers, bad Content-Length, bad chunking, truncated heads and
 * bodies, random bytes and damaged heads (the generators of tests/fuzz/generate.ts), and
 * valid requests cut into random pieces.
 *
 * @module
 */
import { bytes, int, mutate, seeded } from "../../tests/fuzz/generate.ts";
import { META, MODERN } from "./client.ts";
import type { Case } from "./case.ts";

/** Raw HTTP/1.1 mistakes: request lines, headers, lengths, chunking, truncation, bytes. */
export function rawCorpus(seed: number): Case[] {
  const random = seeded(seed);
  const cases: Case[] = [];
  const body =
    `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hi"},"_meta":${
      JSON.stringify(META)
    }}}`;
  const head = (port: number, extra = "") =>
    `POST /mcp HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\ncontent-type: application/json\r\naccept: application/json, text/event-stream\r\nmcp-protocol-version: ${MODERN}\r\nmcp-method: tools/call\r\nmcp-name: echo\r\nconnection: close\r\n${extra}`;
  const add = (category: string, build: (port: number) => (string | Uint8Array)[], waitMs = 2000) =>
    cases.push({ category, era: "modern", build: ({ port }) => build(port), waitMs });
  const lines = [
    "GET\r\n\r\n",
    "POST /mcp HTTP/9.9\r\n\r\n",
    "POST  /mcp  HTTP/1.1\r\n\r\n",
    "post /mcp HTTP/1.1\r\n\r\n",
    "POST /mcp\r\n\r\n",
    "POST mcp HTTP/1.1\r\nhost: x\r\n\r\n",
    "POST http://evil/mcp HTTP/1.1\r\nhost: x\r\n\r\n",
    "POST * HTTP/1.1\r\nhost: x\r\n\r\n",
    "BREW /mcp HTTP/1.1\r\nhost: x\r\n\r\n",
    "POST /mcp HTTP/1.1\n\n",
    "POST /%zz HTTP/1.1\r\nhost: x\r\n\r\n",
    "POST /mcp?\u0000 HTTP/1.1\r\nhost: x\r\n\r\n",
    `POST /${"a".repeat(100_000)} HTTP/1.1\r\nhost: x\r\n\r\n`,
    "\r\n\r\n",
    "HTTP/1.1 200 OK\r\n\r\n",
    "POST /mcp HTTP/1.1\r\n\r\n",
    "OPTIONS /mcp HTTP/1.1\r\nhost: x\r\n\r\n",
    "DELETE /mcp HTTP/1.1\r\nhost: x\r\n\r\n",
    "GET /mcp HTTP/1.1\r\nhost: x\r\naccept: text/event-stream\r\n\r\n",
    "PUT /mcp HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\n\r\n",
  ];
  for (const line of lines) add("request lines", () => [line]);
  const badHeaders = [
    "no-colon\r\n",
    " leading: space\r\n",
    "bad header: x\r\n",
    "x-nul: a\u0000b\r\n",
    "x-cr: a\rb\r\n",
    `x-big: ${"b".repeat(100_000)}\r\n`,
    "x-fold: a\r\n b\r\n",
    "x-utf8: \u00e9\u{1F600}\r\n",
    "host: second\r\n",
    "content-type: text/plain\r\n",
    ":empty-name\r\n",
    "x-tab:\ta\t\r\n",
    Array.from({ length: 2000 }, (_, i) => `x-h${i}: ${i}\r\n`).join(""),
    "mcp-protocol-version: 2026-07-28\r\n",
    "mcp-method: tools/call\r\n",
    "origin: http://evil.example\r\n",
    "origin: null\r\n",
    "expect: 100-continue\r\n",
    "expect: garbage\r\n",
    "upgrade: websocket\r\nconnection: upgrade\r\n",
  ];
  for (const header of badHeaders) {
    add(
      "bad headers",
      (port) => [`${head(port, header)}content-length: ${body.length}\r\n\r\n${body}`],
    );
  }
  const lengths = [
    "-1",
    "abc",
    "1e3",
    " 5",
    "0x10",
    "99999999999999999999",
    `${body.length}, ${body.length}`,
    `${body.length}, 3`,
    "",
    "+5",
  ];
  for (const length of lengths) {
    add("bad Content-Length", (port) => [`${head(port)}content-length: ${length}\r\n\r\n${body}`]);
  }
  add(
    "bad Content-Length",
    (port) => [`${head(port)}content-length: ${body.length}\r\ncontent-length: 3\r\n\r\n${body}`],
  );
  add(
    "bad Content-Length",
    (port) => [`${head(port)}content-length: 5\r\ntransfer-encoding: chunked\r\n\r\n${body}`],
  );
  add("bad Content-Length", (port) => [`${head(port)}content-length: 3\r\n\r\n${body}`]);
  add("bad Content-Length", (port) => [`${head(port)}content-length: 0\r\n\r\n`]);
  add(
    "bad Content-Length",
    (port) => [`${head(port)}content-length: ${5 * 1024 * 1024}\r\n\r\n${body}`],
    1500,
  );
  add("bad Content-Length", (port) => [`${head(port)}\r\n${body}`]);
  const chunks = [
    "zz\r\nabc\r\n0\r\n\r\n",
    "5\r\nabc\r\n0\r\n\r\n",
    "-1\r\n",
    "ffffffffffffffff\r\n",
    "3\r\nabc0\r\n\r\n",
    "0\r\n\r\n",
    `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`,
  ];
  for (const chunk of chunks) {
    add(
      "bad chunking",
      (port) => [`${head(port)}transfer-encoding: chunked\r\n\r\n${chunk}`],
      1500,
    );
  }
  add("bad chunking", (port) => [`${head(port)}transfer-encoding: gzip, chunked\r\n\r\n0\r\n\r\n`]);
  add("bad chunking", (port) => [`${head(port)}transfer-encoding: identity\r\n\r\n${body}`]);
  for (let i = 0; i < 40; i++) {
    const keep = int(0, body.length - 1)(random);
    add(
      "truncated bodies",
      (port) => [`${head(port)}content-length: ${body.length}\r\n\r\n${body.slice(0, keep)}`],
      400,
    );
  }
  const fullRequest = (port: number) =>
    `${head(port)}content-length: ${body.length}\r\n\r\n${body}`;
  for (let i = 0; i < 40; i++) {
    const cut = int(1, 400)(random);
    add(
      "truncated heads",
      (port) => [fullRequest(port).slice(0, Math.min(cut, fullRequest(port).indexOf("\r\n\r\n")))],
      400,
    );
  }
  const garbage = bytes(1, 300);
  for (let i = 0; i < 150; i++) {
    const data = garbage(random);
    add("random bytes", () => [Uint8Array.from([...data, 13, 10, 13, 10])], 1000);
  }
  for (let i = 0; i < 250; i++) {
    const damage = mutate(
      "POST /mcp HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\naccept: application/json, text/event-stream\r\nmcp-protocol-version: 2026-07-28\r\nmcp-method: tools/call\r\nmcp-name: echo\r\nconnection: close\r\n",
    );
    const damaged = damage(random);
    add(
      "damaged request heads",
      () => [`${damaged}content-length: ${body.length}\r\n\r\n${body}`],
      1000,
    );
  }
  // Requests cut into random pieces, as a network would.
  for (let i = 0; i < 30; i++) {
    const sizes = Array.from({ length: 8 }, () => int(1, 60)(random));
    add("split writes", (port) => {
      const text = fullRequest(port);
      const pieces: string[] = [];
      let at = 0;
      for (const size of sizes) {
        pieces.push(text.slice(at, at + size));
        at += size;
      }
      pieces.push(text.slice(at));
      return pieces.filter((p) => p !== "");
    });
  }
  return cases;
}
