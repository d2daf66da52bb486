// Tool-argument validation throughput: emcee's interpreter vs Ajv (code generation) vs
// @cfworker/json-schema (interpreter), on one realistic tool schema, valid and invalid input.
// Runs unchanged on Node (`node bench/validation/bench.ts`), Deno (`deno run -A ...`) and Bun.
// A second table, reported apart, holds a pattern-heavy schema. BENCH_MS (total time per
// contender and instance, default 2000), BENCH_ROUNDS (default 30), BENCH_CLOCK (cpu or wall).

import * as AjvModule from "ajv/dist/2020.js";
import * as ajvFormatsModule from "ajv-formats";
import { Validator as CfValidator } from "@cfworker/json-schema";
import { cpuUsage, getEnv, runtimeName } from "../../runtime/mod.ts";
import { compileSchema, type JsonSchema, type JsonSchemaObject } from "../../schema/mod.ts";

import {
  invalidArgs,
  patternInvalid,
  patternSchema,
  patternValid,
  toolSchema,
  validArgs,
} from "./fixtures.ts";

type Check = (value: unknown) => boolean;

function interop<T>(module: unknown): T {
  const m = module as { default?: unknown };
  const first = m.default ?? m;
  return ((first as { default?: unknown }).default ?? first) as T;
}

type AjvInstance = { compile(schema: unknown): (data: unknown) => boolean };
const Ajv2020 = interop<new (options: Record<string, unknown>) => AjvInstance>(AjvModule);
const addFormats = interop<(ajv: AjvInstance) => void>(ajvFormatsModule);

function makeAjv(schema: object, allErrors: boolean): Check {
  const ajv = new Ajv2020({ allErrors, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  return (value) => validate(value);
}

function makeCfworker(schema: object): Check {
  const validator = new CfValidator(
    schema as unknown as ConstructorParameters<typeof CfValidator>[0],
    "2020-12",
    true,
  );
  return (value) => validator.validate(value).valid;
}

function makeEmcee(schema: JsonSchema): Check {
  const validator = compileSchema(schema);
  return (value) => validator.validate(value).valid;
}

function makeEmceeFirstError(schema: JsonSchema): Check {
  const validator = compileSchema(schema);
  return (value) => validator.validate(value, { allErrors: false }).valid;
}

function makeEmceeIs(schema: JsonSchema): Check {
  const validator = compileSchema(schema);
  return (value) => validator.is(value);
}

function cpuMicros(): number {
  const usage = cpuUsage();
  return usage.user + usage.system;
}

// Per CPU second where the runtime reports CPU time: on a machine shared with other work, wall
// time counts the moments this process waits for a core, CPU time only those it runs.
// BENCH_CLOCK=wall measures wall time instead.
const clock: "cpu" | "wall" = getEnv("BENCH_CLOCK") !== "wall" && cpuMicros() > 0 ? "cpu" : "wall";

/** Runs `fn` for about `ms` milliseconds after a warm-up and returns operations per second. */
function opsPerSecond(fn: () => unknown, ms: number): number {
  const warmUntil = performance.now() + ms / 4;
  while (performance.now() < warmUntil) for (let i = 0; i < 100; i++) fn();
  let iterations = 0;
  const start = performance.now();
  const cpuStart = cpuMicros();
  let elapsed = 0;
  do {
    for (let i = 0; i < 1000; i++) fn();
    iterations += 1000;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  if (clock === "wall") return (iterations / elapsed) * 1000;
  return (iterations / Math.max(1, cpuMicros() - cpuStart)) * 1e6;
}

const runtime = runtimeName();
const durationMs = Number(getEnv("BENCH_MS") ?? "2000");

type Contenders = [string, Check][];

function contendersFor(schema: JsonSchemaObject, withCfworker: boolean): Contenders {
  const list: Contenders = [
    ["emcee validate()", makeEmcee(schema)],
    ["emcee first error", makeEmceeFirstError(schema)],
    ["emcee is()", makeEmceeIs(schema)],
    ["ajv", makeAjv(schema, false)],
    ["ajv (allErrors)", makeAjv(schema, true)],
  ];
  if (withCfworker) list.push(["@cfworker/json-schema", makeCfworker(schema)]);
  return list;
}

interface Table {
  readonly title: string;
  readonly contenders: Contenders;
  readonly valid: unknown;
  readonly invalid: unknown;
  readonly results: Record<string, { valid: number; invalid: number }>;
}

const tables: Table[] = [
  {
    title: "Tool-argument validation",
    contenders: contendersFor(toolSchema, true),
    valid: validArgs,
    invalid: invalidArgs,
    results: {},
  },
  {
    title: "Pattern-heavy arguments (reported apart: emcee runs unsafe patterns on its bounded" +
      " matcher, Ajv on backtracking RegExp)",
    contenders: contendersFor(patternSchema, false),
    valid: patternValid,
    invalid: patternInvalid,
    results: {},
  },
];

for (const table of tables) {
  for (const [name, check] of table.contenders) {
    if (check(table.valid) !== true || check(table.invalid) !== false) {
      throw new Error(`${name} disagrees on the benchmark instances of "${table.title}"`);
    }
  }
}

// Interleaved rounds, best of each: other processes on the machine add noise, never speed.
// Many short rounds rather than a few long ones: on a busy machine each contender then gets
// its share of the quiet moments.
const rounds = Number(getEnv("BENCH_ROUNDS") ?? "30");
for (let round = 0; round < rounds; round++) {
  for (const table of tables) {
    for (const [name, check] of table.contenders) {
      const { valid: v, invalid: x } = table;
      const valid = opsPerSecond(() => check(v), durationMs / rounds);
      const invalid = opsPerSecond(() => check(x), durationMs / rounds);
      const best = table.results[name] ??= { valid: 0, invalid: 0 };
      best.valid = Math.max(best.valid, valid);
      best.invalid = Math.max(best.invalid, invalid);
    }
  }
}

const format = (n: number) => Math.round(n).toLocaleString("en-US").padStart(12);
// Each emcee mode against the contender that reports the same amount of detail.
const pairs: [string, string][] = [
  ["emcee validate()", "ajv (allErrors)"],
  ["emcee first error", "ajv"],
  ["emcee first error", "@cfworker/json-schema"],
  ["emcee is()", "ajv"],
];
for (const { title, results } of tables) {
  console.log(
    `\n${title} on ${runtime} (ops per ${clock} second, higher is better; best of ${rounds} ` +
      `interleaved rounds, ${durationMs} ms per contender and instance in total)`,
  );
  console.log(`${"validator".padEnd(24)}${"valid".padStart(12)}${"invalid".padStart(12)}`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(24)}${format(r.valid)}${format(r.invalid)}`);
  }
  console.log("\nratios (emcee ops/s divided by the other's; above 1.00x emcee is faster)");
  for (const [ours, theirs] of pairs) {
    const a = results[ours];
    const b = results[theirs];
    if (a === undefined || b === undefined) continue;
    console.log(
      `${(ours + " vs " + theirs).padEnd(44)}valid ${(a.valid / b.valid).toFixed(2)}x` +
        `   invalid ${(a.invalid / b.invalid).toFixed(2)}x`,
    );
  }
}
console.log(
  "(emcee validate() and ajv (allErrors) report every error; emcee first error" +
    " (validate(v, { allErrors: false })), ajv and cfworker stop at the first;" +
    " emcee is() reports no details.)",
);
