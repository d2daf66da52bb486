import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  compileSchema,
  type JsonSchema,
  SchemaError,
  validateSchema,
  type ValidationError,
} from "../../schema/mod.ts";

function errorsOf(schema: JsonSchema, value: unknown): ValidationError[] {
  const result = compileSchema(schema).validate(value);
  assert.equal(result.valid, false, "expected the value to be invalid");
  return result.valid ? [] : [...result.errors];
}

const person = {
  type: "object",
  required: ["name", "address"],
  additionalProperties: false,
  properties: {
    name: { type: "string", minLength: 2 },
    age: { type: "integer", minimum: 0 },
    address: {
      type: "object",
      properties: { "zip/code": { type: "string", pattern: "^[0-9]{5}$" } },
    },
    emails: { type: "array", items: { type: "string", format: "email" } },
  },
};

describe("validation errors", () => {
  test("valid values share one allocation-free result", () => {
    const validator = compileSchema(person);
    const a = validator.validate({ name: "Ada", address: {} });
    const b = validator.validate({ name: "Bob", address: {} });
    assert.deepEqual(a, { valid: true });
    assert.equal(a, b);
  });

  test("instancePath points at the failing value, with escaped pointer tokens", () => {
    const errors = errorsOf(person, { name: "Ada", address: { "zip/code": "abc" } });
    assert.deepEqual(errors, [{
      instancePath: "/address/zip~1code",
      schemaPath: "#/properties/address/properties/zip~1code/pattern",
      keyword: "pattern",
      message: 'must match pattern "^[0-9]{5}$"',
    }]);
  });

  test("all errors are reported, each with its keyword", () => {
    const errors = errorsOf(person, {
      name: "A",
      age: -1.5,
      emails: ["ok@example.com", "nope"],
      extra: true,
    });
    const summary = errors.map((e) => `${e.instancePath} ${e.keyword}`).sort();
    assert.deepEqual(summary, [
      " required",
      "/age minimum",
      "/age type",
      "/emails/1 format",
      "/extra additionalProperties",
      "/name minLength",
    ]);
    const age = errors.find((e) => e.instancePath === "/age");
    assert.equal(age?.message, "must be integer (got number)");
    assert.equal(
      errors.find((e) => e.keyword === "required")?.message,
      "must have required property 'address'",
    );
  });

  test("each failing keyword is reported once, whatever its place among its siblings", () => {
    // Three string keywords where only the middle one fails, then the middle and allOf forms.
    const cases: [unknown, unknown, string[]][] = [
      [{ type: "string", minLength: 1, maxLength: 2, pattern: "^a" }, "abc", ["#/maxLength"]],
      [{ allOf: [{ minimum: 0 }, { maximum: 2 }, { multipleOf: 1 }] }, 3, ["#/allOf/1/maximum"]],
    ];
    for (const [schema, value, paths] of cases) {
      const errors = errorsOf(schema as JsonSchema, value);
      assert.deepEqual(errors.map((e) => e.schemaPath), paths);
    }
  });

  test("errors inside $ref report the referenced location", () => {
    const schema = {
      $defs: { positive: { type: "number", exclusiveMinimum: 0 } },
      type: "array",
      items: { $ref: "#/$defs/positive" },
    };
    assert.deepEqual(errorsOf(schema, [1, 0]), [{
      instancePath: "/1",
      schemaPath: "#/$defs/positive/exclusiveMinimum",
      keyword: "exclusiveMinimum",
      message: "must be > 0",
    }]);
  });

  test("anyOf failure keeps the branch errors and adds its own", () => {
    const errors = errorsOf({ anyOf: [{ type: "string" }, { type: "number" }] }, null);
    assert.deepEqual(errors.map((e) => e.keyword), ["type", "type", "anyOf"]);
  });

  test("a passing anyOf branch discards the errors of failed branches", () => {
    const errors = errorsOf({
      properties: { a: { anyOf: [{ type: "string" }, { type: "number" }] }, b: { type: "string" } },
    }, { a: 1, b: 2 });
    assert.deepEqual(errors.map((e) => `${e.instancePath} ${e.keyword}`), ["/b type"]);
  });

  test("oneOf with several matches says so", () => {
    const [error] = errorsOf({ oneOf: [{ type: "number" }, { minimum: 0 }] }, 3);
    assert.equal(error.keyword, "oneOf");
    assert.match(error.message, /more than one/);
  });

  test("const and enum use deep equality where 1 equals 1.0", () => {
    const validator = compileSchema({ const: { a: [1, { b: 2 }] } });
    assert.equal(validator.is({ a: [1.0, { b: 2.0 }] }), true);
    assert.equal(validator.is({ a: [1, { b: 3 }] }), false);
    assert.equal(compileSchema({ enum: [[1], { x: null }] }).is({ x: null }), true);
  });

  test("multipleOf tolerates binary floating point", () => {
    const validator = compileSchema({ multipleOf: 0.01 });
    assert.equal(validator.is(0.07), true);
    assert.equal(validator.is(19.99), true);
    assert.equal(validator.is(0.075), false);
    assert.equal(compileSchema({ multipleOf: 0.0001 }).is(0.0075), true);
  });

  test("string length counts code points, not UTF-16 units", () => {
    assert.equal(compileSchema({ maxLength: 2 }).is("💩💩"), true);
    assert.equal(compileSchema({ minLength: 3 }).is("💩💩"), false);
  });

  test("patterns are Unicode-aware", () => {
    assert.equal(compileSchema({ pattern: "^\\p{L}+$" }).is("héllo"), true);
    assert.equal(compileSchema({ pattern: "^.$" }).is("💩"), true);
  });

  test("format assertion can be turned off", () => {
    const schema = { format: "email" };
    assert.equal(compileSchema(schema).is("nope"), false);
    assert.equal(compileSchema(schema, { formatAssertion: false }).is("nope"), true);
  });

  test("custom formats", () => {
    const validator = compileSchema({ format: "even-length" }, {
      formats: { "even-length": (v) => v.length % 2 === 0 },
    });
    assert.equal(validator.is("ab"), true);
    assert.equal(validator.is("abc"), false);
  });

  test("draft-07 via $schema ignores $ref siblings", () => {
    const schema = {
      $schema: "http://json-schema.org/draft-07/schema#",
      definitions: { s: { type: "string" } },
      properties: { a: { $ref: "#/definitions/s", maxLength: 1 } },
    };
    assert.equal(compileSchema(schema).is({ a: "long string" }), true);
    assert.equal(compileSchema({ ...schema, $schema: undefined }).is({ a: "long string" }), false);
  });

  test("undefined-valued properties count as absent (as in JSON)", () => {
    const validator = compileSchema({ required: ["a"], properties: { a: { type: "string" } } });
    assert.equal(validator.is({ a: undefined }), false);
  });
});

describe("first-error mode (allErrors: false)", () => {
  const invalidPerson = { name: "A", age: -1.5, emails: ["nope"], extra: true };

  test("reports only the first error, the same one the default mode reports first", () => {
    const validator = compileSchema(person);
    const all = validator.validate(invalidPerson);
    const first = validator.validate(invalidPerson, { allErrors: false });
    assert.equal(all.valid, false);
    assert.equal(first.valid, false);
    if (all.valid || first.valid) return;
    assert.ok(all.errors.length > 1);
    assert.deepEqual(first.errors, [all.errors[0]]);
  });

  test("valid values share the same result as in the default mode", () => {
    const validator = compileSchema(person);
    const value = { name: "Ada", address: {} };
    assert.equal(validator.validate(value, { allErrors: false }), validator.validate(value));
  });

  test("allErrors: true is the default", () => {
    const validator = compileSchema(person);
    assert.deepEqual(
      validator.validate(invalidPerson, { allErrors: true }),
      validator.validate(invalidPerson),
    );
  });

  test("a failing anyOf keeps the first error of each branch, then its own", () => {
    const schema = {
      anyOf: [{ type: "string", minLength: 5 }, { type: "integer", minimum: 10 }],
    };
    const result = compileSchema(schema).validate(2.5, { allErrors: false });
    assert.equal(result.valid, false);
    if (result.valid) return;
    assert.deepEqual(result.errors.map((e) => `${e.schemaPath} ${e.keyword}`), [
      "#/anyOf/0/type type",
      "#/anyOf/1/type type",
      "#/anyOf anyOf",
    ]);
  });

  test("the instance path is restored after a failing branch stops early", () => {
    const schema = {
      anyOf: [
        { patternProperties: { "^a": { type: "string" } } },
        { required: ["zzz"] },
      ],
    };
    const result = compileSchema(schema).validate({ a: 1 }, { allErrors: false });
    assert.equal(result.valid, false);
    if (result.valid) return;
    assert.deepEqual(result.errors.map((e) => `${e.instancePath} ${e.keyword}`), [
      "/a type",
      " required",
      " anyOf",
    ]);
  });

  test("required stops at the first missing property", () => {
    const validator = compileSchema({ required: ["a", "b"] });
    const result = validator.validate({}, { allErrors: false });
    assert.equal(result.valid, false);
    if (!result.valid) {
      assert.deepEqual(result.errors.map((e) => e.message), ["must have required property 'a'"]);
    }
  });
});

describe("compilation", () => {
  test("compiled validators are cached per schema object", () => {
    const schema = { type: "string" };
    assert.equal(compileSchema(schema), compileSchema(schema));
    const options = { formatAssertion: false };
    assert.equal(compileSchema(schema, options), compileSchema(schema, options));
    assert.notEqual(compileSchema(schema, options), compileSchema(schema));
  });

  test("unresolvable external $ref is a clear error; nothing is fetched", () => {
    assert.throws(
      () => compileSchema({ $ref: "https://example.com/schemas/thing.json" }),
      (error: unknown) =>
        error instanceof SchemaError &&
        /cannot resolve \$ref "https:\/\/example.com\/schemas\/thing.json"/.test(error.message) &&
        /never fetches/.test(error.message) && error.schemaPath === "#/$ref",
    );
  });

  test("missing local target is a clear error", () => {
    assert.throws(() => compileSchema({ $ref: "#/$defs/nope" }), /no such location or anchor/);
  });

  test("caller-supplied documents resolve remote references", () => {
    const documents = {
      "https://example.com/money.json": {
        $defs: { amount: { type: "number", minimum: 0 } },
      },
    };
    const validator = compileSchema({ $ref: "https://example.com/money.json#/$defs/amount" }, {
      documents,
    });
    assert.equal(validator.is(3), true);
    assert.equal(validator.is(-3), false);
  });

  test("relative references resolve against $id", () => {
    const schema = {
      $id: "https://example.com/root.json",
      $ref: "item.json",
    };
    const documents = { "https://example.com/item.json": { type: "integer" } };
    assert.equal(compileSchema(schema, { documents }).is(2), true);
  });

  test("meta-schemas are embedded: a schema may $ref them", () => {
    const validator = compileSchema({ $ref: "https://json-schema.org/draft/2020-12/schema" });
    assert.equal(validator.is({ type: "string" }), true);
    assert.equal(validator.is({ type: 12 }), false);
    const draft7 = compileSchema({ $ref: "http://json-schema.org/draft-07/schema#" });
    assert.equal(draft7.is({ minLength: -1 }), false);
  });

  test("invalid regex and malformed keywords are schema errors", () => {
    assert.throws(() => compileSchema({ pattern: "(" }), /not a valid regular expression/);
    assert.throws(() => compileSchema({ minimum: "3" }), /minimum must be a number/);
    assert.throws(() => compileSchema({ type: "strnig" }), /unknown type "strnig"/);
  });

  test("names inherited from Object.prototype are neither types nor formats", () => {
    for (const name of ["toString", "constructor", "hasOwnProperty"]) {
      assert.throws(
        () => compileSchema({ type: name }),
        (e: unknown) => e instanceof SchemaError && e.message.includes(`unknown type "${name}"`),
      );
      assert.throws(() => compileSchema({ type: ["string", name] }), SchemaError);
      // An unknown format is an annotation: every string passes, with the shared result.
      const format = compileSchema({ type: "string", format: name });
      assert.deepEqual(format.validate("x"), { valid: true });
      assert.equal(format.is("x"), true);
      const custom = compileSchema({ format: name }, { formats: {} });
      assert.deepEqual(custom.validate("x"), { valid: true });
    }
  });

  test("unknown $schema is refused", () => {
    assert.throws(
      () => compileSchema({ $schema: "http://json-schema.org/draft-04/schema#" }),
      /unsupported or unknown \$schema/,
    );
  });
});

describe("validateSchema", () => {
  test("a good schema has no problems", () => {
    assert.deepEqual(validateSchema({ type: "object", properties: { a: { type: "string" } } }), []);
  });

  test("meta-schema violations point into the schema", () => {
    const problems = validateSchema({ type: "object", properties: { a: { minLength: -1 } } });
    assert.ok(problems.length > 0);
    assert.ok(
      problems.some((p) => p.instancePath === "/properties/a/minLength"),
      JSON.stringify(problems),
    );
  });

  test("draft-07 schemas are checked against the draft-07 meta-schema", () => {
    assert.deepEqual(
      validateSchema({ $schema: "http://json-schema.org/draft-07/schema#", items: [{}, {}] }),
      [],
    );
    const problems = validateSchema({
      $schema: "http://json-schema.org/draft-07/schema#",
      required: "a",
    });
    assert.ok(problems.some((p) => p.instancePath === "/required"));
  });

  test("compile problems are reported too", () => {
    const problems = validateSchema({ properties: { a: { $ref: "#/$defs/missing" } } });
    assert.equal(problems.length, 1);
    assert.equal(problems[0].keyword, "schema");
    assert.match(problems[0].message, /cannot resolve \$ref "#\/\$defs\/missing"/);
    assert.equal(problems[0].schemaPath, "#/properties/a/$ref");
  });

  test("a $schema named like an Object.prototype member is an unknown meta-schema", () => {
    for (const name of ["toString", "constructor", "hasOwnProperty"]) {
      const problems = validateSchema({ $schema: name });
      assert.equal(problems.length, 1);
      assert.equal(problems[0].keyword, "$schema");
      assert.match(problems[0].message, new RegExp(`unknown meta-schema "${name}"`));
    }
  });

  test("non-schemas are refused", () => {
    assert.equal(validateSchema("string")[0].keyword, "type");
    assert.deepEqual(validateSchema(true), []);
  });
});
