import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { applyElicitationDefaults, checkStructure, resultToContent } from "../../client/mod.ts";

describe("checkStructure", () => {
  const schema = {
    type: "object",
    required: ["sum"],
    properties: { sum: { type: "number" }, tags: { type: "array", items: { type: "string" } } },
  };

  test("accepts a matching value", () => {
    assert.deepEqual(checkStructure({ sum: 3, tags: ["a"] }, schema), []);
  });

  test("reports missing properties and wrong types with pointers", () => {
    assert.deepEqual(checkStructure({ tags: [1] }, schema), [
      { path: "", message: 'missing required property "sum"' },
      { path: "/tags/0", message: 'expected "string", got integer' },
    ]);
  });

  test("integers are numbers, enums and consts are compared as JSON", () => {
    assert.deepEqual(checkStructure(2, { type: "number" }), []);
    assert.equal(checkStructure("c", { enum: ["a", "b"] }).length, 1);
    assert.equal(checkStructure({ a: 1 }, { const: { a: 1 } }).length, 0);
  });
});

describe("resultToContent", () => {
  test("adds structuredContent as JSON text when no block carries it", () => {
    assert.deepEqual(resultToContent({ content: [], structuredContent: { ok: true } }), [
      { type: "text", text: '{"ok":true}' },
    ]);
  });

  test("does not duplicate JSON the server already put in content", () => {
    const result = {
      content: [{ type: "text" as const, text: '{ "ok": true }' }],
      structuredContent: { ok: true },
    };
    assert.deepEqual(resultToContent(result), result.content);
  });
});

describe("applyElicitationDefaults", () => {
  const requestedSchema = {
    type: "object",
    properties: {
      name: { type: "string", default: "Ada" },
      age: { type: "integer", default: 3 },
      x: { type: "string" },
    },
  };

  test("fills defaults of omitted fields in accepted answers", () => {
    assert.deepEqual(
      applyElicitationDefaults({ action: "accept", content: { age: 5 } }, requestedSchema),
      {
        action: "accept",
        content: { age: 5, name: "Ada" },
      },
    );
  });

  test("leaves declined answers alone", () => {
    assert.deepEqual(applyElicitationDefaults({ action: "decline" }, requestedSchema), {
      action: "decline",
    });
  });
});
