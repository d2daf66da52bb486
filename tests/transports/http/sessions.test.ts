/**
 * The session table both HTTP transports keep: least recently used evicted
 * past the cap, sessions bound to their principal, ended ids remembered.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createSessionTable, randomId } from "../../../transports/http/sessions.ts";

interface Entry {
  principal: string;
  name: string;
}

function table(maxSessions: number, rememberEnded = 10) {
  const ended: string[] = [];
  const sessions = createSessionTable<Entry>(
    { maxSessions, rememberEnded },
    (session, id) => ended.push(`${id}:${session.name}`),
  );
  return { sessions, ended };
}

test("past the cap the least recently used session is ended; use() refreshes", () => {
  const { sessions, ended } = table(2);
  sessions.add("a", { principal: "", name: "A" });
  sessions.add("b", { principal: "", name: "B" });
  assert.equal(sessions.use("a", "")?.name, "A");
  sessions.add("c", { principal: "", name: "C" });
  assert.deepEqual(ended, ["b:B"]);
  assert.equal(sessions.size, 2);
  assert.equal(sessions.use("b", ""), undefined);
  assert.equal(sessions.ended("b"), true);
  assert.equal(sessions.use("a", "")?.name, "A");
  assert.equal(sessions.use("c", "")?.name, "C");
});

test("a session answers only its principal, and use by another does not refresh it", () => {
  const { sessions, ended } = table(2);
  sessions.add("a", { principal: "alice", name: "A" });
  sessions.add("b", { principal: "bob", name: "B" });
  assert.equal(sessions.use("a", "bob"), undefined);
  assert.equal(sessions.ended("a"), false);
  assert.equal(sessions.use("b", "bob")?.name, "B");
  sessions.add("c", { principal: "alice", name: "C" });
  assert.deepEqual(ended, ["a:A"]);
});

test("end() runs onEnd once; ended ids are remembered up to the limit", () => {
  const { sessions, ended } = table(10, 2);
  for (const id of ["a", "b", "c"]) sessions.add(id, { principal: "", name: id });
  assert.equal(sessions.end("a"), true);
  assert.equal(sessions.end("a"), false);
  assert.equal(sessions.end("nope"), false);
  sessions.end("b");
  sessions.end("c");
  assert.deepEqual(ended, ["a:a", "b:b", "c:c"]);
  assert.equal(sessions.ended("a"), false, "forgotten past rememberEnded");
  assert.equal(sessions.ended("b"), true);
  assert.equal(sessions.ended("c"), true);
  assert.equal(sessions.size, 0);
});

test("session ids are 32 random hex digits", () => {
  const a = randomId();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(a, randomId());
});
