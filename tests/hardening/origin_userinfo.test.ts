/**
 * The origin guard reads an `Origin` as `scheme://host[:port]` only:
 * userinfo (`http://evil.example@127.0.0.1`) or a path is refused with 403,
 * and a Host that is a loopback address followed by junk is not loopback.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { originProblem } from "../../transports/http/origin_guard.ts";

function withHeaders(headers: Record<string, string>): Request {
  return new Request("http://127.0.0.1/mcp", { headers });
}

test("an Origin with userinfo or a path is refused", () => {
  for (
    const origin of [
      "http://evil.example@127.0.0.1",
      "http://evil.example:x@localhost:3000",
      "http://@127.0.0.1",
      "http://127.0.0.1/path",
      "http://127.0.0.1/",
      "http://127.0.0.1?q",
    ]
  ) {
    assert.equal(
      originProblem(withHeaders({ origin, host: "127.0.0.1" }), {}),
      `Origin ${origin} is not allowed`,
    );
  }
});

test("loopback origins and hosts are still allowed", () => {
  for (const origin of ["http://127.0.0.1", "http://localhost:3000", "https://[::1]:8443"]) {
    assert.equal(originProblem(withHeaders({ origin, host: "127.0.0.1:3000" }), {}), undefined);
  }
  for (const host of ["[::1]", "[::1]:80", "localhost", "127.0.0.1:9"]) {
    assert.equal(originProblem(withHeaders({ host }), {}), undefined, host);
  }
});

test("a Host that only begins with a loopback address is refused", () => {
  for (const host of ["[::1]evil.example", "[::1]:80evil", "127.0.0.1:80:evil", "[::1"]) {
    assert.equal(originProblem(withHeaders({ host }), {}), `Host ${host} is not allowed`, host);
  }
});
