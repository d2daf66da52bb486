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
      { path: "", message: "must have required property 'sum'" },
      { path: "/tags/0", message: "must be string (got integer)" },
    ]);
  });

  test("prefixes every pointer with the path of a nested value", () => {
    assert.deepEqual(checkStructure({ tags: [1] }, schema, "/result"), [
      { path: "/result", message: "must have required property 'sum'" },
      { path: "/result/tags/0", message: "must be string (got integer)" },
    ]);
  });

  test("integers are numbers, enums and consts are compared as JSON", () => {
    assert.deepEqual(checkStructure(2, { type: "number" }), []);
    assert.equal(checkStructure("c", { enum: ["a", "b"] }).length, 1);
    assert.equal(checkStructure({ a: 1 }, { const: { a: 1 } }).length, 0);
  });

  test("objects equal a const or an enum member whatever their key order", () => {
    const point = { x: 1, y: { lat: 2, lon: 3 } };
    const reordered = { y: { lon: 3, lat: 2 }, x: 1 };
    assert.deepEqual(checkStructure(reordered, { const: point }), []);
    assert.deepEqual(checkStructure(reordered, { enum: [{ x: 0 }, point] }), []);
    assert.deepEqual(
      checkStructure({ origin: reordered }, {
        type: "object",
        properties: { origin: { const: point } },
      }),
      [],
    );
    assert.equal(checkStructure({ y: { lon: 3, lat: 9 }, x: 1 }, { const: point }).length, 1);
  });

  test("checks every keyword, not only the structural ones", () => {
    assert.deepEqual(checkStructure(3, { type: "integer", minimum: 5 }), [
      { path: "", message: "must be >= 5" },
    ]);
    assert.deepEqual(checkStructure({}, false), [
      { path: "", message: "boolean schema false rejects every value" },
    ]);
  });

  test("a schema the validator refuses reports nothing rather than guessing", () => {
    assert.deepEqual(checkStructure({ a: 1 }, { $ref: "https://example.com/remote.json" }), []);
    assert.deepEqual(checkStructure({ a: 1 }, "not a schema"), []);
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

  test("JSON in content with other key order counts as already carried", () => {
    const result = {
      content: [{ type: "text" as const, text: '{"b":[1,{"d":2,"c":3}],"a":true}' }],
      structuredContent: { a: true, b: [1, { c: 3, d: 2 }] },
    };
    assert.deepEqual(resultToContent(result), result.content);
  });

  test("a { result } wrapper counts as carried by a block holding its value", () => {
    for (const [text, value] of [["3", 3], ["hi", "hi"], ['"hi"', "hi"], ["[1, 2]", [1, 2]]]) {
      const result = {
        content: [{ type: "text" as const, text: text as string }],
        structuredContent: { result: value },
      };
      assert.deepEqual(resultToContent(result), result.content, String(text));
    }
    assert.deepEqual(
      resultToContent({ content: [{ type: "text", text: "3" }], structuredContent: { result: 4 } }),
      [{ type: "text", text: "3" }, { type: "text", text: '{"result":4}' }],
    );
    assert.deepEqual(
      resultToContent({
        content: [{ type: "text", text: "3" }],
        structuredContent: { result: 3, more: true },
      }),
      [{ type: "text", text: "3" }, { type: "text", text: '{"result":3,"more":true}' }],
    );
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
