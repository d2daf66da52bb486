import { describe, test } from "node:test";
import assert from "node:assert/strict";
import * as z from "zod";
import * as v from "valibot";
import { toStandardJsonSchema } from "@valibot/to-json-schema";
import { type } from "arktype";
import {
  isStandardSchema,
  issuePathToPointer,
  SchemaError,
  type StandardSchemaV1,
  toToolSchema,
} from "../../schema/mod.ts";

/** Compile-time equality check (see builder.test.ts). */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;

describe("toToolSchema with Standard Schema libraries", () => {
  test("zod 4: JSON Schema export, zod validation with transforms, pointer paths", async () => {
    const schema = z.object({
      city: z.string().min(1),
      days: z.number().int().min(1).default(3),
      tags: z.array(z.string()).optional(),
    });
    const tool = toToolSchema(schema);
    assert.deepEqual(tool.validator, { vendor: "zod" });
    assert.equal(tool.jsonSchema.type, "object");
    assert.deepEqual(tool.jsonSchema.required, ["city"]);
    const ok = await tool.validate({ city: "Oslo" });
    assert.deepEqual(ok, { ok: true, value: { city: "Oslo", days: 3 } });
    if (ok.ok) {
      const typed: Equal<
        typeof ok.value,
        { city: string; days: number; tags?: string[] | undefined }
      > = true;
      assert.equal(typed, true);
    }
    const bad = await tool.validate({ city: "", tags: ["a", 2] });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.deepEqual(bad.issues.map((i) => i.path).sort(), ["/city", "/tags/1"]);
  });

  test("valibot + @valibot/to-json-schema", async () => {
    const schema = toStandardJsonSchema(
      v.object({ email: v.pipe(v.string(), v.email()), n: v.optional(v.number()) }),
    );
    const tool = toToolSchema(schema);
    assert.deepEqual(tool.validator, { vendor: "valibot" });
    assert.deepEqual(tool.jsonSchema.required, ["email"]);
    assert.deepEqual(await tool.validate({ email: "a@example.com" }), {
      ok: true,
      value: { email: "a@example.com" },
    });
    const bad = await tool.validate({ email: "nope", n: "1" });
    assert.equal(bad.ok, false);
    if (!bad.ok) assert.deepEqual(bad.issues.map((i) => i.path).sort(), ["/email", "/n"]);
  });

  test("plain valibot has no JSON Schema export: clear error, or explicit jsonSchema", async () => {
    const schema = v.object({ a: v.string() });
    assert.throws(
      () => toToolSchema(schema),
      /toStandardJsonSchema\(\) from @valibot\/to-json-schema/,
    );
    const jsonSchema = { type: "object", properties: { a: { type: "string" } }, required: ["a"] };
    const tool = toToolSchema(schema, { jsonSchema });
    assert.equal(tool.jsonSchema, jsonSchema);
    assert.equal((await tool.validate({ a: 1 })).ok, false);
  });

  test("arktype", async () => {
    const schema = type({ name: "string", "age?": "number.integer >= 0" });
    const tool = toToolSchema(schema);
    assert.deepEqual(tool.validator, { vendor: "arktype" });
    assert.equal(tool.jsonSchema.type, "object");
    assert.deepEqual(tool.jsonSchema.required, ["name"]);
    assert.deepEqual(await tool.validate({ name: "Ada", age: 36 }), {
      ok: true,
      value: { name: "Ada", age: 36 },
    });
    const bad = await tool.validate({ name: 1, age: -1 });
    assert.equal(bad.ok, false);
    if (!bad.ok) {
      assert.deepEqual(bad.issues.map((i) => i.path).sort(), ["/age", "/name"]);
      assert.ok(bad.issues.every((i) => i.message.length > 0));
    }
  });

  test("asynchronous Standard Schema validators are awaited", async () => {
    const asyncSchema: StandardSchemaV1<unknown, { n: number }> = {
      "~standard": {
        version: 1,
        vendor: "test",
        validate: (value) =>
          Promise.resolve(
            typeof value === "number"
              ? { value: { n: value } }
              : { issues: [{ message: "not a number", path: [{ key: "x" }, 0] }] },
          ),
        jsonSchema: {
          input: () => ({ type: "number" }),
          output: () => ({ type: "object" }),
        },
      },
    };
    const tool = toToolSchema(asyncSchema);
    assert.deepEqual(tool.jsonSchema, { type: "number" });
    const pending = tool.validate(1);
    assert.ok(pending instanceof Promise);
    assert.deepEqual(await pending, { ok: true, value: { n: 1 } });
    assert.deepEqual(await tool.validate("x"), {
      ok: false,
      issues: [{ path: "/x/0", message: "not a number" }],
    });
  });
});

describe("toToolSchema with JSON Schema", () => {
  test("raw JSON Schema is used as-is and validated by emcee, synchronously", () => {
    const jsonSchema = { type: "object", properties: { a: { type: "integer" } } };
    const tool = toToolSchema(jsonSchema);
    assert.equal(tool.jsonSchema, jsonSchema);
    assert.equal(tool.validator, "emcee");
    assert.deepEqual(tool.validate({ a: 1 }), { ok: true, value: { a: 1 } });
    assert.deepEqual(tool.validate({ a: "1" }), {
      ok: false,
      issues: [{ path: "/a", message: "must be integer (got string)" }],
    });
  });

  test("broken schemas are refused with a readable message", () => {
    assert.throws(
      () => toToolSchema({ type: "object", properties: { a: { type: "strnig" } } }),
      (e: unknown) =>
        e instanceof SchemaError && /invalid tool schema: \/properties\/a\/type/.test(e.message) &&
        e.schemaPath === "#/properties/a/type",
    );
    assert.throws(
      () => toToolSchema({ $ref: "https://example.com/x.json" }),
      /cannot resolve \$ref/,
    );
  });

  test("non-schemas are refused", () => {
    assert.throws(() => toToolSchema("string" as unknown as Record<string, unknown>), TypeError);
  });
});

describe("Standard Schema helpers", () => {
  test("duck typing", () => {
    assert.equal(isStandardSchema(z.string()), true);
    assert.equal(isStandardSchema(type("string")), true);
    assert.equal(isStandardSchema({ type: "string" }), false);
    assert.equal(isStandardSchema({ "~standard": {} }), false);
  });

  test("issue paths become JSON pointers", () => {
    assert.equal(issuePathToPointer(undefined), "");
    assert.equal(issuePathToPointer(["a/b", 0, { key: "c~d" }]), "/a~1b/0/c~0d");
  });
});
