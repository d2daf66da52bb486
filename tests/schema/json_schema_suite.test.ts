// Runs the official JSON-Schema-Test-Suite (../shared/json-schema-test-suite relative to the repo
// root) against our validator: every required test of draft2020-12 and draft7, plus the optional
// format tests of the formats we assert. Remotes and meta-schemas are supplied as documents.

import { readdirSync, readFileSync } from "node:fs";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type CompileOptions, compileSchema, type JsonSchema } from "../../schema/mod.ts";

const repoRoot = new URL("../../", import.meta.url);
const suiteRoot = new URL("../shared/json-schema-test-suite/", repoRoot);
const metaRoot = new URL("../shared/json-schema-metaschemas/", repoRoot);

/** Formats we assert; their optional/format/<name>.json files are run too (when present). */
const ASSERTED_FORMATS = [
  "email",
  "uri",
  "uri-reference",
  "date",
  "date-time",
  "time",
  "uuid",
  "ipv4",
  "ipv6",
  "hostname",
  "duration",
  "json-pointer",
  "relative-json-pointer",
  "regex",
];

/**
 * Cases we knowingly skip, as "file > group description > test description" with the reason.
 * Keep this tiny; it is printed with the counts.
 */
const SKIPPED: Readonly<Record<string, string>> = {};

/**
 * emcee asserts `format` by default (tool arguments should be rejected when malformed), while
 * 2020-12 makes `format` an annotation by default. The required draft2020-12/format.json tests
 * exactly that spec default, so that file runs with `formatAssertion: false`, the option that
 * reproduces it. Every other file runs with emcee's defaults.
 */
const SPEC_DEFAULT_FORMAT_FILES: ReadonlySet<string> = new Set(["draft2020-12/format.json"]);

interface SuiteCase {
  description: string;
  data: unknown;
  valid: boolean;
}
interface SuiteGroup {
  description: string;
  schema: JsonSchema;
  tests: SuiteCase[];
}

function readJson(url: URL): unknown {
  return JSON.parse(readFileSync(url, "utf8"));
}

function listJsonFiles(dir: URL, prefix = ""): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      out.push(...listJsonFiles(new URL(entry.name + "/", dir), prefix + entry.name + "/"));
    } else if (entry.name.endsWith(".json")) {
      out.push(prefix + entry.name);
    }
  }
  return out;
}

function loadDocuments(): Record<string, JsonSchema> {
  const documents: Record<string, JsonSchema> = {};
  const remotes = new URL("remotes/", suiteRoot);
  for (const file of listJsonFiles(remotes)) {
    documents[`http://localhost:1234/${file}`] = readJson(new URL(file, remotes)) as JsonSchema;
  }
  for (const file of listJsonFiles(metaRoot)) {
    const doc = readJson(new URL(file, metaRoot)) as Record<string, unknown>;
    if (typeof doc.$id === "string") documents[doc.$id.replace(/#$/, "")] = doc;
  }
  return documents;
}

const documents = loadDocuments();

interface Tally {
  passed: number;
  total: number;
  skipped: number;
}
const tallies: Record<string, Tally> = {};

function runFile(dialect: string, file: string, options: CompileOptions): void {
  const groups = readJson(new URL(`tests/${dialect}/${file}`, suiteRoot)) as SuiteGroup[];
  if (SPEC_DEFAULT_FORMAT_FILES.has(`${dialect}/${file}`)) {
    options = { ...options, formatAssertion: false };
  }
  const kind = file.startsWith("optional/") ? "optional formats" : "required";
  const tally = tallies[`${dialect} ${kind}`] ??= { passed: 0, total: 0, skipped: 0 };
  const failures: string[] = [];
  for (const group of groups) {
    let validator;
    try {
      validator = compileSchema(group.schema, options);
    } catch (error) {
      for (const c of group.tests) {
        tally.total++;
        failures.push(`${group.description} > ${c.description}: compile error ${error}`);
      }
      continue;
    }
    for (const c of group.tests) {
      tally.total++;
      const name = `${file} > ${group.description} > ${c.description}`;
      if (SKIPPED[name] !== undefined) {
        tally.skipped++;
        continue;
      }
      const result = validator.validate(c.data);
      if (result.valid === c.valid && validator.is(c.data) === c.valid) {
        tally.passed++;
      } else {
        const detail = result.valid ? "" : ` errors=${JSON.stringify(result.errors)}`;
        failures.push(
          `${group.description} > ${c.description}: expected ${c.valid ? "valid" : "invalid"}, ` +
            `data=${JSON.stringify(c.data)}${detail}`,
        );
      }
      if (!result.valid) {
        assert.ok(result.errors.length > 0, `${name}: invalid result must carry errors`);
      }
    }
  }
  assert.deepEqual(failures, [], `${dialect}/${file}: ${failures.length} failing case(s)`);
}

for (
  const [dialect, defaultDialect] of [["draft2020-12", "2020-12"], ["draft7", "draft-07"]] as const
) {
  const options: CompileOptions = { documents, defaultDialect };
  const dir = new URL(`tests/${dialect}/`, suiteRoot);
  const required = readdirSync(dir).filter((f) => f.endsWith(".json")).sort();
  const formatFiles = ASSERTED_FORMATS.map((f) => `optional/format/${f}.json`).filter((f) => {
    try {
      readFileSync(new URL(f, dir));
      return true;
    } catch {
      return false;
    }
  });
  describe(`JSON-Schema-Test-Suite ${dialect}`, () => {
    for (const file of [...required, ...formatFiles]) {
      test(file, () => runFile(dialect, file, options));
    }
  });
}

test("suite summary", () => {
  for (const [name, t] of Object.entries(tallies)) {
    console.log(
      `JSON-Schema-Test-Suite ${name}: ${t.passed}/${t.total} cases passed, ${t.skipped} skipped`,
    );
  }
  for (const [name, reason] of Object.entries(SKIPPED)) {
    console.log(`  skipped: ${name}: ${reason}`);
  }
  const counted = Object.values(tallies).reduce((sum, t) => sum + t.total, 0);
  assert.ok(counted > 3000, `expected the whole suite to run, counted ${counted} cases`);
});
