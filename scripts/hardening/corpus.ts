/**
 * The malformed-request corpus of scripts/hardening_figures.ts, built with the seeded
 * generators of tests/fuzz/generate.ts: JSON-RPC mistakes (wrong types in every param of the
 * common methods, broken envelopes, huge ids, deep nesting, damaged JSON), header mistakes
 * (Mcp-Method/Mcp-Name/Mcp-Param, media types, versions, sessions) and raw HTTP/1.1 mistakes
 * (in raw_corpus.ts).
 *
 * (The corpus of tests/hardening/client_mistakes.test.ts is not exported — importing that test
 * file would run its tests — so the shapes here are this script's own.)
 *
 * @module
 */
import { int, jsonValue, mutate, pick, type Random, seeded } from "../../tests/fuzz/generate.ts";
import { type Case, jsonCase } from "./case.ts";
import { META } from "./client.ts";
import { headerMistakes } from "./header_corpus.ts";

export type { Case, CaseContext } from "./case.ts";

const BAD = '"@@BAD@@"';
const deep = (n: number) => "[".repeat(n) + "]".repeat(n);
const deepObject = (n: number) => '{"a":'.repeat(n) + "1" + "}".repeat(n);

/** Bad values as JSON text (so `1e400` and lone surrogates survive). */
const VALUES: string[] = [
  '{"toString":1}',
  '{"__proto__":{"toString":1}}',
  '{"constructor":{"prototype":1}}',
  deep(10_000),
  deepObject(10_000),
  deep(100),
  "1e400",
  "-1e400",
  "123456789012345678901234567890",
  "-0",
  "3.5",
  "null",
  "true",
  "[]",
  "{}",
  '""',
  '"\\u0000"',
  '"\\ud800"',
  '"\\udfff\\ud800"',
  '"\u{1F600}\u202e\u0301"',
  '"__proto__"',
  JSON.stringify("x".repeat(5000)),
  '[{"toString":1}]',
  "[1,2,3]",
];

interface Shape {
  method: string;
  params: Record<string, unknown>;
  paths: string[][];
  name?: string;
  era?: "modern" | "legacy";
}

const SHAPES: Shape[] = [
  { method: "ping", params: {}, paths: [["junk"]], era: "legacy" },
  { method: "tools/list", params: {}, paths: [["cursor"]] },
  { method: "prompts/list", params: {}, paths: [["cursor"]] },
  { method: "resources/list", params: {}, paths: [["cursor"]] },
  { method: "resources/templates/list", params: {}, paths: [["cursor"]] },
  {
    method: "tools/call",
    name: "add",
    params: { name: "add", arguments: { numbers: [1, 2] } },
    paths: [["name"], ["arguments"], ["arguments", "numbers"], ["arguments", "numbers", "0"]],
  },
  {
    method: "tools/call",
    name: "echo",
    params: { name: "echo", arguments: { text: "hi" } },
    paths: [["arguments", "text"], ["_meta", "progressToken"]],
  },
  {
    method: "tools/call",
    name: "sized",
    params: { name: "sized", arguments: { size: 3 } },
    paths: [["arguments", "size"]],
  },
  {
    method: "prompts/get",
    name: "code_review",
    params: { name: "code_review", arguments: { language: "ts", code: "1" } },
    paths: [["name"], ["arguments"], ["arguments", "language"]],
  },
  {
    method: "resources/read",
    name: "demo://about",
    params: { uri: "demo://about" },
    paths: [["uri"]],
  },
  {
    method: "completion/complete",
    params: {
      ref: { type: "ref/prompt", name: "code_review" },
      argument: { name: "language", value: "t" },
    },
    paths: [["ref"], ["ref", "type"], ["ref", "name"], ["argument"], ["argument", "value"]],
  },
  { method: "logging/setLevel", params: { level: "info" }, paths: [["level"]], era: "legacy" },
  {
    method: "resources/subscribe",
    params: { uri: "demo://about" },
    paths: [["uri"]],
    era: "legacy",
  },
  { method: "server/discover", params: {}, paths: [["junk"]], era: "modern" },
];

const META_KEYS = Object.keys(META);

function withBad(params: Record<string, unknown>, path: string[]): Record<string, unknown> {
  const copy = structuredClone(params);
  let at: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== "object" || at[key] === null) at[key] = {};
    at = at[key] as Record<string, unknown>;
  }
  at[path[path.length - 1]] = "@@BAD@@";
  return copy;
}

/** Wrong types at every path of every shape, with every bad value and random JSON. */
function wrongTypes(era: "modern" | "legacy", random: Random, nextId: () => number): Case[] {
  const cases: Case[] = [];
  const randomJson = jsonValue(3);
  const idOf = (): string | number => random.next() < 0.5 ? nextId() : `id-${nextId()}-é😀`;
  for (const shape of SHAPES) {
    if (shape.era !== undefined && shape.era !== era) continue;
    const paths = era === "modern"
      ? [...shape.paths, ...META_KEYS.map((key) => ["_meta", key])]
      : shape.paths;
    for (const path of paths) {
      const values = [
        ...VALUES,
        ...Array.from(
          { length: era === "modern" ? 4 : 24 },
          () => JSON.stringify(randomJson(random)),
        ),
      ];
      for (const value of values) {
        const params = withBad(shape.params, path);
        if (era === "modern" && path[0] !== "_meta") {
          params._meta = { ...META, ...(params._meta as object | undefined) };
        }
        if (era === "modern" && path[0] === "_meta") {
          params._meta = { ...META, [path[1]]: "@@BAD@@" };
        }
        const text = JSON.stringify({ jsonrpc: "2.0", id: idOf(), method: shape.method, params });
        cases.push(
          jsonCase("wrong param types", era, text.replace(BAD, value), shape.method, shape.name),
        );
      }
    }
  }
  return cases;
}

/** Broken envelopes: ids, jsonrpc, method and params of the wrong kind; batches. */
function envelopes(era: "modern" | "legacy", random: Random, nextId: () => number): Case[] {
  const ids = [
    "1e400",
    "-1e400",
    "18446744073709551617",
    "123456789012345678901234567890",
    "9007199254740993",
    "-0",
    "1.5",
    "null",
    "true",
    "{}",
    "[]",
    '{"toString":1}',
    JSON.stringify("i".repeat(20_000)),
    '"\\ud800"',
    '""',
    "0",
    "-1",
  ];
  const jsonrpcs = ['"2.0"', '"1.0"', "2", "null", '"2.0 "', undefined];
  const methods = [
    '"ping"',
    '"tools/list"',
    '""',
    "1",
    "null",
    '"nope/nope"',
    JSON.stringify("m".repeat(10_000)),
    undefined,
  ];
  const paramsList = ["{}", "[]", '"x"', "null", "1", deep(10_000), deepObject(10_000), undefined];
  const cases: Case[] = [];
  const meta = JSON.stringify(META);
  // 2026-07-28 has no ping.
  const usual = era === "modern" ? '"tools/list"' : '"ping"';
  for (let i = 0; i < 400; i++) {
    const id = i < ids.length ? ids[i] : pick(ids)(random);
    const jsonrpc = random.next() < 0.7 ? '"2.0"' : pick(jsonrpcs)(random);
    const method = random.next() < 0.6 ? usual : pick(methods)(random);
    let params = random.next() < 0.5 ? "{}" : pick(paramsList)(random);
    if (era === "modern" && params === "{}") params = `{"_meta":${meta}}`;
    const fields = [
      jsonrpc === undefined ? "" : `"jsonrpc":${jsonrpc}`,
      `"id":${id}`,
      method === undefined ? "" : `"method":${method}`,
      params === undefined ? "" : `"params":${params}`,
    ].filter((f) => f !== "");
    const body = `{${fields.join(",")}}`;
    const headerMethod = method && method.startsWith('"') && method.length < 50
      ? JSON.parse(method)
      : JSON.parse(usual);
    cases.push(jsonCase("envelopes, huge ids, nesting", era, body, headerMethod, undefined));
  }
  // Batches (refused outside 2025-03-26) and bodies that are not one object.
  const single = `{"jsonrpc":"2.0","id":${nextId()},"method":${usual}${
    era === "modern" ? `,"params":{"_meta":${meta}}` : ""
  }}`;
  for (
    const body of [
      "[]",
      `[${single}]`,
      `[${single},${single}]`,
      "1",
      '"x"',
      "null",
      "true",
      deep(10_000),
      deepObject(10_000),
      " ",
      "\ufeff" + single,
    ]
  ) {
    cases.push(jsonCase("envelopes, huge ids, nesting", era, body, JSON.parse(usual), undefined));
  }
  return cases;
}

/** Valid requests damaged by `mutate`: mostly broken JSON. */
function damagedJson(era: "modern" | "legacy", random: Random, nextId: () => number): Case[] {
  const cases: Case[] = [];
  for (let i = 0; i < 600; i++) {
    const params = {
      name: "add",
      arguments: { numbers: [1, 2] },
      ...(era === "modern" ? { _meta: META } : {}),
    };
    const valid = JSON.stringify({ jsonrpc: "2.0", id: nextId(), method: "tools/call", params });
    const body = i % 10 === 0
      ? valid.slice(0, int(0, valid.length - 1)(random))
      : mutate(valid)(random);
    cases.push(jsonCase("bad JSON", era, body, "tools/call", "add"));
  }
  return cases;
}

/** The JSON-level corpus of one era. */
export function jsonCorpus(era: "modern" | "legacy", seed: number): Case[] {
  const random = seeded(seed);
  let id = era === "modern" ? 1 : 1_000_000;
  const nextId = () => id++;
  return [
    ...wrongTypes(era, random, nextId),
    ...envelopes(era, random, nextId),
    ...damagedJson(era, random, nextId),
    ...headerMistakes(era, random, nextId),
  ];
}
