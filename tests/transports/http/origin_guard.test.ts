import { test } from "node:test";
import assert from "node:assert/strict";
import { originProblem } from "../../../transports/http/origin_guard.ts";

const at = (headers: { [name: string]: string }) =>
  new Request("http://127.0.0.1/mcp", { headers });

test("loopback hosts and origins pass by default; a missing Origin passes", () => {
  for (const host of ["127.0.0.1:3000", "localhost", "[::1]:8080"]) {
    assert.equal(originProblem(at({ host }), {}), undefined, host);
  }
  assert.equal(originProblem(at({ origin: "http://localhost:5173" }), {}), undefined);
  assert.equal(originProblem(at({ origin: "https://127.0.0.1" }), {}), undefined);
});

test("foreign hosts and origins are refused (DNS rebinding)", () => {
  assert.match(originProblem(at({ host: "evil.example.com" }), {})!, /Host/);
  assert.match(originProblem(at({ origin: "http://evil.example" }), {})!, /Origin/);
  assert.match(originProblem(at({ origin: "null" }), {})!, /Origin/);
});

test("allow lists extend the policy; localhostOnly: false opens it", () => {
  const policy = { allowedHosts: ["mcp.example.com"], allowedOrigins: ["https://app.example.com"] };
  assert.equal(originProblem(at({ host: "mcp.example.com:443" }), policy), undefined);
  assert.equal(originProblem(at({ origin: "https://app.example.com" }), policy), undefined);
  assert.match(originProblem(at({ origin: "https://other.example.com" }), policy)!, /Origin/);
  assert.equal(
    originProblem(at({ host: "anything", origin: "https://x" }), { localhostOnly: false }),
    undefined,
  );
});
