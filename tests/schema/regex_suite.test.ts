// The JSON-Schema-Test-Suite's regex cases (optional/ecmascript-regex.json, non-bmp-regex.json,
// pattern.json, patternProperties.json) against the validator, and every pattern in them
// forced through the bounded matcher, which must agree with native RegExp on the suite's data.

import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { compileSchema, type JsonSchema } from "../../schema/mod.ts";
import { compilePatternMatcher } from "../../schema/regex/mod.ts";

const suiteRoot = new URL("../../../shared/json-schema-test-suite/tests/", import.meta.url);
const FILES = [
  "optional/ecmascript-regex.json",
  "optional/non-bmp-regex.json",
  "pattern.json",
  "patternProperties.json",
];

interface SuiteGroup {
  description: string;
  schema: JsonSchema;
  tests: { description: string; data: unknown; valid: boolean }[];
}

function load(dialect: string, file: string): SuiteGroup[] {
  return JSON.parse(readFileSync(new URL(`${dialect}/${file}`, suiteRoot), "utf8"));
}

function patternsOf(schema: JsonSchema): string[] {
  if (typeof schema !== "object" || schema === null) return [];
  const s = schema as Record<string, unknown>;
  const out = typeof s.pattern === "string" ? [s.pattern] : [];
  const props = s.patternProperties;
  if (typeof props === "object" && props !== null) out.push(...Object.keys(props));
  return out;
}

function native(source: string): RegExp {
  try {
    return new RegExp(source, "u");
  } catch {
    return new RegExp(source);
  }
}

for (const dialect of ["draft2020-12", "draft7"]) {
  describe(`suite regex cases, ${dialect}`, () => {
    let cases = 0;
    let compared = 0;
    for (const file of FILES) {
      test(file, () => {
        const groups = load(dialect, file);
        const failures: string[] = [];
        for (const group of groups) {
          const validator = compileSchema(group.schema, {
            defaultDialect: dialect === "draft7" ? "draft-07" : "2020-12",
          });
          for (const c of group.tests) {
            cases++;
            if (validator.is(c.data) !== c.valid || validator.validate(c.data).valid !== c.valid) {
              failures.push(`${group.description} > ${c.description}`);
            }
          }
          for (const source of patternsOf(group.schema)) {
            const bounded = compilePatternMatcher(source, { forceBounded: true });
            const reference = native(source);
            for (const c of group.tests) {
              const inputs = typeof c.data === "string"
                ? [c.data]
                : typeof c.data === "object" && c.data !== null && !Array.isArray(c.data)
                ? Object.keys(c.data)
                : [];
              for (const input of inputs) {
                compared++;
                if (bounded.test(input) !== reference.test(input)) {
                  failures.push(`bounded /${source}/ on ${JSON.stringify(input)}`);
                }
              }
            }
          }
        }
        assert.deepEqual(failures, []);
      });
    }
    test("counts", () => {
      console.log(`${dialect}: ${cases} regex cases passed, ${compared} bounded comparisons`);
      assert.ok(cases > 100 && compared > 80, `${cases} cases, ${compared} comparisons`);
    });
  });
}
