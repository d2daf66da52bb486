// Tool-argument validation throughput: emcee's interpreter vs Ajv (code generation) vs
// @cfworker/json-schema (interpreter), on one realistic tool schema, valid and invalid input.
// Runs unchanged on Node (`node bench/validation/bench.ts`), Deno (`deno run -A ...`) and Bun.

import * as AjvModule from "ajv/dist/2020.js";
import * as ajvFormatsModule from "ajv-formats";
import { Validator as CfValidator } from "@cfworker/json-schema";
import { getEnv, runtimeName } from "../../runtime/mod.ts";
import { compileSchema } from "../../schema/mod.ts";

import { invalidArgs, toolSchema, validArgs } from "./fixtures.ts";

type Check = (value: unknown) => boolean;

function interop<T>(module: unknown): T {
  const m = module as { default?: unknown };
  const first = m.default ?? m;
  return ((first as { default?: unknown }).default ?? first) as T;
}

type AjvInstance = { compile(schema: unknown): (data: unknown) => boolean };
const Ajv2020 = interop<new (options: Record<string, unknown>) => AjvInstance>(AjvModule);
const addFormats = interop<(ajv: AjvInstance) => void>(ajvFormatsModule);

function makeAjv(allErrors: boolean): Check {
  const ajv = new Ajv2020({ allErrors, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(toolSchema);
  return (value) => validate(value);
}

function makeCfworker(): Check {
  const validator = new CfValidator(
    toolSchema as unknown as ConstructorParameters<typeof CfValidator>[0],
    "2020-12",
    true,
  );
  return (value) => validator.validate(value).valid;
}

function makeEmcee(): Check {
  const validator = compileSchema(toolSchema);
  return (value) => validator.validate(value).valid;
}

function makeEmceeFirstError(): Check {
  const validator = compileSchema(toolSchema);
  return (value) => validator.validate(value, { allErrors: false }).valid;
}

function makeEmceeIs(): Check {
  const validator = compileSchema(toolSchema);
  return (value) => validator.is(value);
}

/** Runs `fn` for about `ms` milliseconds after a warm-up and returns operations per second. */
function opsPerSecond(fn: () => unknown, ms: number): number {
  const warmUntil = performance.now() + ms / 4;
  while (performance.now() < warmUntil) for (let i = 0; i < 100; i++) fn();
  let iterations = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    for (let i = 0; i < 1000; i++) fn();
    iterations += 1000;
    elapsed = performance.now() - start;
  } while (elapsed < ms);
  return (iterations / elapsed) * 1000;
}

const runtime = runtimeName();
const durationMs = Number(getEnv("BENCH_MS") ?? "2000");

const contenders: [string, Check][] = [
  ["emcee validate()", makeEmcee()],
  ["emcee first error", makeEmceeFirstError()],
  ["emcee is()", makeEmceeIs()],
  ["ajv", makeAjv(false)],
  ["ajv (allErrors)", makeAjv(true)],
  ["@cfworker/json-schema", makeCfworker()],
];

for (const [name, check] of contenders) {
  if (check(validArgs) !== true || check(invalidArgs) !== false) {
    throw new Error(`${name} disagrees on the benchmark instances`);
  }
}

// Interleaved rounds, best of each: other processes on the machine add noise, never speed.
const rounds = 10;
const results: Record<string, { valid: number; invalid: number }> = {};
for (let round = 0; round < rounds; round++) {
  for (const [name, check] of contenders) {
    const valid = opsPerSecond(() => check(validArgs), durationMs / rounds);
    const invalid = opsPerSecond(() => check(invalidArgs), durationMs / rounds);
    const best = results[name] ??= { valid: 0, invalid: 0 };
    best.valid = Math.max(best.valid, valid);
    best.invalid = Math.max(best.invalid, invalid);
  }
}

const format = (n: number) => Math.round(n).toLocaleString("en-US").padStart(12);
console.log(
  `\nTool-argument validation on ${runtime} (ops/s, higher is better; best of ${rounds} ` +
    `interleaved rounds, ${durationMs} ms per contender and instance in total)`,
);
console.log(`${"validator".padEnd(24)}${"valid".padStart(12)}${"invalid".padStart(12)}`);
for (const [name, r] of Object.entries(results)) {
  console.log(`${name.padEnd(24)}${format(r.valid)}${format(r.invalid)}`);
}

// Each emcee mode against the contender that reports the same amount of detail.
const pairs: [string, string][] = [
  ["emcee validate()", "ajv (allErrors)"],
  ["emcee first error", "ajv"],
  ["emcee first error", "@cfworker/json-schema"],
  ["emcee is()", "ajv"],
];
console.log("\nratios (emcee ops/s divided by the other's; above 1.00x emcee is faster)");
for (const [ours, theirs] of pairs) {
  const a = results[ours];
  const b = results[theirs];
  console.log(
    `${(ours + " vs " + theirs).padEnd(44)}valid ${(a.valid / b.valid).toFixed(2)}x` +
      `   invalid ${(a.invalid / b.invalid).toFixed(2)}x`,
  );
}
console.log(
  "(emcee validate() and ajv (allErrors) report every error; emcee first error" +
    " (validate(v, { allErrors: false })), ajv and cfworker stop at the first;" +
    " emcee is() reports no details.)",
);
