import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileSchema, type Infer, s, toToolSchema, validateSchema } from "../../schema/mod.ts";

/** Compile-time equality: `const _: Equal<A, B> = true` only type-checks when A and B are identical. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

describe("schema builder emits plain JSON Schema", () => {
  test("string with annotations and constraints", () => {
    const schema = s.string({
      description: "City",
      minLength: 1,
      format: "email",
      default: "a@b.c",
    });
    assert.deepEqual(JSON.parse(JSON.stringify(schema)), {
      type: "string",
      description: "City",
      minLength: 1,
      format: "email",
      default: "a@b.c",
    });
  });

  test("undefined options are dropped", () => {
    assert.deepEqual(s.number({ minimum: undefined, maximum: 3 }), { type: "number", maximum: 3 });
  });

  test("object lists non-optional properties as required", () => {
    const schema = s.object({ a: s.string(), b: s.optional(s.integer()) }, {
      additionalProperties: false,
    });
    assert.deepEqual(JSON.parse(JSON.stringify(schema)), {
      type: "object",
      properties: { a: { type: "string" }, b: { type: "integer" } },
      required: ["a"],
      additionalProperties: false,
    });
  });

  test("object with only optional properties has no required list", () => {
    assert.equal("required" in s.object({ a: s.optional(s.string()) }), false);
  });

  test("enum of strings gets type string; mixed enum does not", () => {
    assert.deepEqual(s.enum(["a", "b"]), { enum: ["a", "b"], type: "string" });
    assert.deepEqual(s.enum(["a", 1]), { enum: ["a", 1] });
  });

  test("nullable widens a simple type, wraps anything else in anyOf", () => {
    assert.deepEqual(s.nullable(s.string()), { type: ["string", "null"] });
    assert.deepEqual(s.nullable(s.enum(["x"])), {
      anyOf: [{ enum: ["x"], type: "string" }, { type: "null" }],
    });
  });

  test("array, record, union, literal, unknown", () => {
    assert.deepEqual(s.array(s.boolean(), { maxItems: 2 }), {
      type: "array",
      items: { type: "boolean" },
      maxItems: 2,
    });
    assert.deepEqual(s.record(s.number()), {
      type: "object",
      additionalProperties: { type: "number" },
    });
    assert.deepEqual(s.union([s.string(), s.null()]), {
      anyOf: [{ type: "string" }, { type: "null" }],
    });
    assert.deepEqual(s.literal(3), { const: 3 });
    assert.deepEqual(s.unknown(), {});
  });

  test("optional marker is invisible in JSON and to the validator", () => {
    const optional = s.optional(s.string());
    assert.equal(JSON.stringify(optional), '{"type":"string"}');
    assert.deepEqual(Object.keys(optional), ["type"]);
  });

  test("builder output is a valid 2020-12 schema and validates as expected", () => {
    const schema = s.object({
      name: s.string({ minLength: 1 }),
      tags: s.optional(s.array(s.string(), { uniqueItems: true })),
      kind: s.enum(["a", "b"]),
      score: s.nullable(s.number({ minimum: 0 })),
    });
    assert.deepEqual(validateSchema(schema), []);
    const validator = compileSchema(schema);
    assert.equal(validator.is({ name: "x", kind: "a", score: null }), true);
    assert.equal(validator.is({ name: "x", kind: "c", score: 1 }), false);
    assert.equal(validator.is({ name: "", kind: "a", score: 1 }), false);
    assert.equal(validator.is({ kind: "a", score: 1 }), false);
  });
});

describe("schema builder types (checked by deno check)", () => {
  test("Infer flows through every builder", () => {
    const args = s.object({
      city: s.string(),
      days: s.optional(s.integer()),
      units: s.enum(["metric", "imperial"]),
      tags: s.array(s.string()),
      home: s.nullable(s.object({ lat: s.number(), lon: s.number() })),
      flag: s.literal(true),
      extra: s.record(s.boolean()),
      either: s.union([s.string(), s.number()]),
    });
    type Args = Infer<typeof args>;
    const exact: Equal<Args, {
      city: string;
      days?: number;
      units: "metric" | "imperial";
      tags: string[];
      home: { lat: number; lon: number } | null;
      flag: true;
      extra: Record<string, boolean>;
      either: string | number;
    }> = true;
    assert.equal(exact, true);
  });

  test("toToolSchema carries the builder type to validated values", async () => {
    const tool = toToolSchema(s.object({ q: s.string(), n: s.optional(s.number()) }));
    const result = await tool.validate({ q: "x" });
    assert.equal(result.ok, true);
    if (result.ok) {
      const typed: Equal<typeof result.value, { q: string; n?: number }> = true;
      assert.equal(typed, true);
      assert.equal(result.value.q, "x");
    }
  });

  test("raw JSON Schema infers unknown", () => {
    const tool = toToolSchema({ type: "object" });
    type Value = typeof tool extends { validate(v: unknown): infer R } ? R : never;
    const isUnknown: Equal<
      Extract<Awaited<Value>, { ok: true }>["value"],
      unknown
    > = true;
    assert.equal(isUnknown, true);
  });
});
