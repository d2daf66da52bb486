// isPlainlyValidSchema may only answer true for schemas both meta-schemas accept: checked on the
// JSON-Schema-Test-Suite's schemas and on mutants of them (every keyword it knows given values
// of every kind), against the meta-schemas compiled as validateSchema compiles them.
import { readdirSync, readFileSync } from "node:fs";
import { test } from "node:test";
import assert from "node:assert/strict";
import { isPlainlyValidSchema } from "../../schema/plain_schema.ts";
import { compileSchema, validateSchema } from "../../schema/validator.ts";
import { META_SCHEMAS } from "../../schema/metaschemas.ts";

const suiteRoot = new URL("../../../shared/json-schema-test-suite/tests/", import.meta.url);
const metas = [
  compileSchema(META_SCHEMAS["https://json-schema.org/draft/2020-12/schema"], {
    formatAssertion: true,
  }),
  compileSchema(META_SCHEMAS["http://json-schema.org/draft-07/schema"], { formatAssertion: true }),
];

function metaValid(schema: unknown): boolean {
  return metas.every((meta) => meta.validate(schema).valid);
}

interface SuiteGroup {
  schema: unknown;
  tests: { data: unknown }[];
}

function suite(dialect: string): SuiteGroup[] {
  const dir = new URL(`${dialect}/`, suiteRoot);
  return readdirSync(dir).filter((name) => name.endsWith(".json")).flatMap((name) =>
    JSON.parse(readFileSync(new URL(name, dir), "utf8")) as SuiteGroup[]
  );
}

const groups = [...suite("draft2020-12"), ...suite("draft7")];

test("plain schemas are recognised; anything else is left to the meta-schema", () => {
  const add = {
    type: "object",
    properties: { a: { type: "number", description: "A." }, b: { type: ["number", "null"] } },
    required: ["a", "b"],
    additionalProperties: false,
  };
  assert.equal(isPlainlyValidSchema(add), true);
  assert.equal(isPlainlyValidSchema(true), true);
  for (
    const unsure of [
      { type: "strnig" },
      { type: [] },
      { type: ["string", "string"] },
      { required: ["a", "a"] },
      { required: [, "a"] }, // a hole
      { enum: ["a", "a"] },
      { enum: [{}] },
      { minLength: -1 },
      { minLength: 1.5 },
      { multipleOf: 0 },
      { minimum: Number.NaN },
      { allOf: [] },
      { pattern: "^a" },
      { $ref: "#" },
      { $schema: "http://json-schema.org/draft-07/schema" },
      { properties: { a: { type: "nope" } } },
      { "x-custom": 1 },
      Object.create(null),
      null,
      [],
      "string",
    ]
  ) {
    assert.equal(isPlainlyValidSchema(unsure), false, JSON.stringify(unsure));
  }
});

test("large or deep schemas are left to the meta-schema", () => {
  let deep: unknown = { type: "string" };
  for (let i = 0; i < 30; i++) deep = { properties: { a: deep } };
  assert.equal(isPlainlyValidSchema(deep), false);
  const wide: { [key: string]: unknown } = {};
  for (let i = 0; i < 600; i++) wide[`p${i}`] = { type: "string" };
  assert.equal(isPlainlyValidSchema({ properties: wide }), false);
  const names = Array.from({ length: 600 }, (_, i) => `v${i}`);
  assert.equal(isPlainlyValidSchema({ enum: names }), false);
  assert.equal(isPlainlyValidSchema({ required: names }), false);
  // The largest it takes is well within what the meta-schema validates under the default limits.
  const largest: { [key: string]: unknown } = {};
  for (let i = 0; i < 240; i++) largest[`p${i}`] = { type: "string" };
  assert.equal(isPlainlyValidSchema({ type: "object", properties: largest }), true);
  assert.deepEqual(validateSchema({ type: "object", properties: largest, pattern: "a" }), []);
});

test("every suite schema it accepts, the meta-schemas accept", () => {
  let accepted = 0;
  for (const group of groups) {
    if (!isPlainlyValidSchema(group.schema)) continue;
    accepted++;
    assert.ok(metaValid(group.schema), JSON.stringify(group.schema));
  }
  assert.ok(accepted > 100, `only ${accepted} suite schemas were plain`);
});

test("every mutant it accepts, the meta-schemas accept", () => {
  const keywords = [
    "type",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "not",
    "propertyNames",
    "contains",
    "if",
    "then",
    "else",
    "allOf",
    "anyOf",
    "oneOf",
    "maxLength",
    "minLength",
    "maxItems",
    "minItems",
    "maxProperties",
    "minProperties",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "uniqueItems",
    "readOnly",
    "writeOnly",
    "title",
    "description",
    "format",
    "const",
    "default",
    "enum",
    "examples",
    "multipleOf",
  ]; // prettier-ignore
  const values: unknown[] = [
    -1,
    0,
    1,
    1.5,
    1e21,
    -0,
    "",
    "string",
    "object",
    ["string"],
    ["string", "string"],
    [],
    [""],
    ["a", "a"],
    [{}],
    [true, {}],
    [[]],
    {},
    { a: {} },
    { a: 1 },
    { type: "x" },
    null,
    true,
    false,
    [null],
    { a: { type: "string" } },
    [1, "a"],
  ]; // prettier-ignore
  // Instances of the suite are values of every shape (a sample keeps the test quick).
  for (const group of groups.slice(0, 120)) {
    for (const item of group.tests.slice(0, 1)) values.push(item.data);
  }
  const bases: unknown[] = [{}, { type: "object" }];
  for (const group of groups) {
    if (bases.length >= 5) break;
    if (typeof group.schema === "object" && isPlainlyValidSchema(group.schema)) {
      bases.push(group.schema);
    }
  }
  let checked = 0;
  for (const base of bases) {
    for (const keyword of keywords) {
      for (const value of values) {
        const mutant = { ...(base as object), [keyword]: value };
        for (const schema of [mutant, { properties: { x: mutant } }, { allOf: [mutant] }]) {
          if (!isPlainlyValidSchema(schema)) continue;
          checked++;
          assert.ok(metaValid(schema), JSON.stringify(schema));
        }
      }
    }
  }
  assert.ok(checked > 1000, `only ${checked} mutants were plain`);
});
