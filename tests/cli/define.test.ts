import { test } from "node:test";
import assert from "node:assert/strict";
import { prompt, resource, taggedKind, tool } from "../../cli/define.ts";

test("the helpers return the definition itself, tagged with its kind, and add no key", () => {
  const add = { name: "add", handler: ({ a, b }: { a: number; b: number }) => a + b };
  const defined = tool(add);
  assert.equal(defined, add);
  assert.equal(taggedKind(defined), "tool");
  assert.deepEqual(Object.keys(defined), ["name", "handler"]);
  assert.equal(taggedKind(resource({ uri: "note://1", name: "n", read: () => "x" })), "resource");
  assert.equal(taggedKind(prompt({ name: "p", get: () => "hi" })), "prompt");
  assert.equal(taggedKind({ name: "plain", handler: () => 1 }), undefined);
});
