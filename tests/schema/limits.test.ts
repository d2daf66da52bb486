import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileSchema, type JsonSchema, SchemaError } from "../../schema/mod.ts";

function nestedSchema(depth: number): JsonSchema {
  let schema: JsonSchema = { type: "string" };
  for (let i = 0; i < depth; i++) schema = { properties: { a: schema } };
  return schema;
}

function nestedArray(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

function limitError(result: ReturnType<ReturnType<typeof compileSchema>["validate"]>): string {
  assert.equal(result.valid, false);
  if (result.valid) return "";
  assert.equal(result.errors.length, 1);
  assert.equal(result.errors[0].keyword, "limit");
  return result.errors[0].message;
}

describe("limits against hostile schemas", () => {
  test("schema nesting beyond maxSchemaDepth is refused at compile time", () => {
    assert.throws(
      () => compileSchema(nestedSchema(200)),
      (e: unknown) => e instanceof SchemaError && /maxSchemaDepth \(128\)/.test(e.message),
    );
    assert.doesNotThrow(() => compileSchema(nestedSchema(100)));
  });

  test("very deep schemas never overflow the stack", () => {
    assert.throws(() => compileSchema(nestedSchema(50_000)), SchemaError);
  });

  test("too many subschemas are refused", () => {
    const properties: Record<string, JsonSchema> = {};
    for (let i = 0; i < 50; i++) properties[`p${i}`] = { type: "string" };
    assert.throws(
      () => compileSchema({ properties }, { limits: { maxSubschemas: 20 } }),
      /maxSubschemas \(20\)/,
    );
  });

  test("a reference loop that consumes no input stops with a clear error", () => {
    const validator = compileSchema({
      $defs: { a: { $ref: "#/$defs/b" }, b: { $ref: "#/$defs/a" } },
      $ref: "#/$defs/a",
    });
    assert.match(limitError(validator.validate(1)), /maxEvaluationDepth \(256\).*reference loop/);
  });

  test("the root referencing itself is caught the same way", () => {
    assert.match(limitError(compileSchema({ $ref: "#" }).validate({})), /maxEvaluationDepth/);
  });

  test("exponential anyOf fan-out hits maxSteps instead of hanging", () => {
    const $defs: Record<string, JsonSchema> = { d0: { type: "number", maximum: -1 } };
    for (let i = 1; i <= 40; i++) {
      $defs[`d${i}`] = { anyOf: [{ $ref: `#/$defs/d${i - 1}` }, { $ref: `#/$defs/d${i - 1}` }] };
    }
    const validator = compileSchema({ $defs, $ref: "#/$defs/d40" });
    const started = Date.now();
    assert.match(limitError(validator.validate(1)), /maxSteps \(1000000\)/);
    assert.ok(Date.now() - started < 5_000);
  });
});

describe("limits against hostile instances", () => {
  test("deeply nested instance against a recursive schema", () => {
    const validator = compileSchema({ type: "array", items: { $ref: "#" } });
    assert.equal(validator.is(nestedArray(100)), true);
    assert.match(limitError(validator.validate(nestedArray(100_000))), /maxEvaluationDepth/);
  });

  test("deeply nested instance in an equality check", () => {
    const validator = compileSchema({ const: nestedArray(5_000) });
    assert.match(limitError(validator.validate(nestedArray(5_000))), /nesting exceeds 2048/);
    assert.equal(compileSchema({ const: nestedArray(100) }).is(nestedArray(100)), true);
  });

  test("huge instance is bounded by maxSteps", () => {
    const validator = compileSchema({ type: "array", items: { type: "integer" } }, {
      limits: { maxSteps: 10_000 },
    });
    assert.equal(validator.is(new Array(5_000).fill(1)), true);
    assert.match(limitError(validator.validate(new Array(100_000).fill(1))), /maxSteps \(10000\)/);
  });

  test("uniqueItems over many primitives is linear", () => {
    const validator = compileSchema({ uniqueItems: true });
    const items = Array.from({ length: 50_000 }, (_, i) => i);
    assert.equal(validator.is(items), true);
    const errors = validator.validate([...items, 7]);
    assert.equal(errors.valid, false);
    if (!errors.valid) assert.match(errors.errors[0].message, /items 7 and 50000 are identical/);
  });

  test("uniqueItems on a huge array is bounded before the quadratic scan", () => {
    const validator = compileSchema({ uniqueItems: true });
    const items = Array.from({ length: 5_000 }, (_, i) => ({ i }));
    assert.match(limitError(validator.validate(items)), /maxSteps/);
  });

  test("a cyclic JavaScript value cannot hang a recursive schema", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const validator = compileSchema({ properties: { self: { $ref: "#" } } });
    assert.match(limitError(validator.validate(cyclic)), /maxEvaluationDepth/);
  });

  test("a limit only the error-collecting evaluation reaches is located where it was hit", () => {
    const validator = compileSchema({
      properties: { a: { type: "string" }, b: { type: "array", items: { type: "integer" } } },
    }, { limits: { maxSteps: 1_000 } });
    const value = { a: 1, b: new Array(5_000).fill(1) };
    assert.equal(validator.is(value), false);
    const all = validator.validate(value);
    assert.match(limitError(all), /maxSteps \(1000\)/);
    if (!all.valid) assert.equal(all.errors[0].instancePath, "/b");
    const first = validator.validate(value, { allErrors: false });
    assert.equal(first.valid, false);
    if (!first.valid) assert.deepEqual(first.errors.map((e) => e.keyword), ["type"]);
  });

  test("the validator stays usable after hitting a limit", () => {
    const validator = compileSchema({ type: "array", items: { $ref: "#" } });
    limitError(validator.validate(nestedArray(10_000)));
    assert.deepEqual(validator.validate([[]]), { valid: true });
    const invalid = validator.validate([[1]]);
    assert.equal(invalid.valid, false);
    if (!invalid.valid) assert.equal(invalid.errors[0].instancePath, "/0/0");
  });
});
