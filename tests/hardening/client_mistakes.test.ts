/**
 * A client's mistakes are the client's: a seeded corpus of malformed requests
 * (wrong types for every param of every method, `{"toString":1}`, 10 000
 * levels of nesting, huge numbers, odd unicode) against the HTTP handler in
 * both eras is answered without a 5xx or an internal error, and every error
 * carries its request id. Plus the demo's note template against prototype keys.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createDemoServer } from "../../examples/demo/server.ts";
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { createHttpHandler, type HttpHandler } from "../../transports/http/server.ts";

const ENDPOINT = "http://127.0.0.1/mcp";
const MODERN = "2026-07-28";
const LEGACY = "2025-11-25";
const BAD = "@@BAD@@";
const INVALID_PARAMS = -32602;

const META = {
  "io.modelcontextprotocol/protocolVersion": MODERN,
  "io.modelcontextprotocol/clientCapabilities": {},
  "io.modelcontextprotocol/clientInfo": { name: "corpus", version: "1" },
};

/** mulberry32: a small seeded generator, so a failure is reproducible. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const deepObject = '{"a":'.repeat(10_000) + "1" + "}".repeat(10_000);
const deepArray = "[".repeat(10_000) + "]".repeat(10_000);

/** Malformed values, as JSON text (so `1e400` and lone surrogates survive). */
const VALUES: string[] = [
  '{"toString":1}',
  '{"toString":1,"valueOf":1}',
  '{"__proto__":{"toString":1}}',
  deepObject,
  deepArray,
  "1e400",
  "-1e400",
  "123456789012345678901234567890",
  "1.7976931348623157e308",
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
  '"constructor"',
  JSON.stringify("x".repeat(5000)),
  '[{"toString":1}]',
];

/** A method, its well-formed params (with `BAD` marking nothing) and the paths a bad value goes to. */
interface Shape {
  method: string;
  params: JsonObject;
  paths: string[][];
  legacyOnly?: boolean;
  modernOnly?: boolean;
}

const SHAPES: Shape[] = [
  { method: "ping", params: {}, paths: [["junk"]] },
  { method: "tools/list", params: {}, paths: [["cursor"]] },
  { method: "prompts/list", params: {}, paths: [["cursor"]] },
  { method: "resources/list", params: {}, paths: [["cursor"]] },
  { method: "resources/templates/list", params: {}, paths: [["cursor"]] },
  {
    method: "tools/call",
    params: { name: "add", arguments: { numbers: [1, 2] } },
    paths: [["name"], ["arguments"], ["arguments", "numbers"], ["arguments", "numbers", "0"]],
  },
  {
    method: "tools/call",
    params: { name: "sized", arguments: { size: 3 } },
    paths: [["arguments", "size"]],
  },
  {
    method: "prompts/get",
    params: { name: "code_review", arguments: { language: "ts", code: "1" } },
    paths: [["name"], ["arguments"], ["arguments", "language"], ["arguments", "extra"]],
  },
  {
    method: "prompts/get",
    params: { name: "echo", arguments: { a: "1" } },
    paths: [["arguments", "a"], ["arguments", "b"]],
  },
  {
    method: "resources/read",
    params: { uri: "demo://notes/1" },
    paths: [["uri"]],
  },
  {
    method: "completion/complete",
    params: {
      ref: { type: "ref/prompt", name: "code_review" },
      argument: { name: "language", value: "t" },
      context: { arguments: { code: "1" } },
    },
    paths: [
      ["ref"],
      ["ref", "type"],
      ["ref", "name"],
      ["argument"],
      ["argument", "name"],
      ["argument", "value"],
      ["context"],
      ["context", "arguments"],
      ["context", "arguments", "code"],
    ],
  },
  {
    method: "completion/complete",
    params: {
      ref: { type: "ref/resource", uri: "demo://notes/{id}" },
      argument: { name: "id", value: "1" },
    },
    paths: [["ref", "uri"], ["argument", "value"]],
  },
  { method: "logging/setLevel", params: { level: "info" }, paths: [["level"]], legacyOnly: true },
  {
    method: "resources/subscribe",
    params: { uri: "demo://about" },
    paths: [["uri"]],
    legacyOnly: true,
  },
  {
    method: "resources/unsubscribe",
    params: { uri: "demo://about" },
    paths: [["uri"]],
    legacyOnly: true,
  },
  { method: "server/discover", params: {}, paths: [["junk"]], modernOnly: true },
];

/** The modern `_meta` fields, each also given bad values. */
const META_PATHS: string[][] = Object.keys(META).map((key) => ["_meta", key]);

/** `params` with `BAD` put at `path` (a copy). */
function withBad(params: JsonObject, path: string[]): JsonObject {
  const copy = structuredClone(params);
  let at: JsonObject = copy;
  for (const key of path.slice(0, -1)) {
    if (typeof at[key] !== "object" || at[key] === null) at[key] = {};
    at = at[key] as JsonObject;
  }
  at[path[path.length - 1]] = BAD;
  return copy;
}

interface Case {
  label: string;
  method: string;
  id: number | string;
  body: string;
  name?: string;
}

const NAME_FIELD: { [method: string]: string } = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
};

/** The corpus of one era: every path of every method with every value, plus seeded mixes. */
function corpus(era: "modern" | "legacy", seed: number): Case[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const cases: Case[] = [];
  let nextId = era === "modern" ? 1 : 100_000;
  const make = (shape: Shape, path: string[], value: string): void => {
    const params = withBad(shape.params, path);
    if (era === "modern" && path[0] !== "_meta") params._meta = { ...META };
    if (era === "modern" && path[0] === "_meta") {
      params._meta = { ...META, [path[1]]: BAD };
    }
    // Ids are numbers or (unicode) strings; both must come back.
    const id = random() < 0.5 ? nextId++ : `id-${nextId++}-\u00e9\u{1F600}`;
    const text = JSON.stringify({ jsonrpc: "2.0", id, method: shape.method, params });
    const nameField = NAME_FIELD[shape.method];
    const name = nameField && typeof shape.params[nameField] === "string"
      ? shape.params[nameField] as string
      : undefined;
    cases.push({
      label: `${era} ${shape.method} ${path.join(".")}=${value.slice(0, 40)}`,
      method: shape.method,
      id,
      body: text.replace(JSON.stringify(BAD), value),
      name,
    });
  };
  for (const shape of SHAPES) {
    if (era === "modern" ? shape.legacyOnly : shape.modernOnly) continue;
    const paths = era === "modern" ? [...shape.paths, ...META_PATHS] : shape.paths;
    for (const path of shape.paths) for (const value of VALUES) make(shape, path, value);
    // The _meta paths get a seeded sample of values rather than all of them.
    for (const path of paths.slice(shape.paths.length)) make(shape, path, pick(VALUES));
  }
  // Seeded mixes: a random shape and path with a random value.
  for (let i = 0; i < 100; i++) {
    const shape = pick(SHAPES.filter((s) => !(era === "modern" ? s.legacyOnly : s.modernOnly)));
    make(shape, pick(shape.paths), pick(VALUES));
  }
  return cases;
}

function createServer(): HttpHandler {
  const server = createDemoServer();
  server.tool({
    name: "sized",
    description: "Echoes a size mirrored into a header",
    input: {
      type: "object",
      properties: { size: { type: "integer", "x-mcp-header": "Size" } },
    },
    handler: ({ size }: { size?: number }) => `size ${size}`,
  });
  // A prompt that uses every argument as the string the spec says it is.
  server.prompt({
    name: "echo",
    description: "Echoes its arguments",
    get: (args) => Object.entries(args).map(([key, value]) => `${key}=${value}`).join(", "),
  });
  return createHttpHandler(server);
}

function post(body: string, headers: Record<string, string>): Request {
  return new Request(ENDPOINT, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body,
  });
}

/** The JSON-RPC messages of a JSON or SSE response. */
async function messagesOf(response: Response): Promise<JsonObject[]> {
  const text = await response.text();
  if (text === "") return [];
  if ((response.headers.get("content-type") ?? "").includes("text/event-stream")) {
    return text.split("\n").filter((line) => line.startsWith("data:") && line.length > 5)
      .map((line) => JSON.parse(line.slice(5)) as JsonObject);
  }
  return [JSON.parse(text) as JsonObject];
}

/** Asserts a case is answered as the client's mistake (or served), with its id. */
async function assertClientAnswer(handler: HttpHandler, request: Request, c: Case): Promise<void> {
  const response = await handler(request);
  assert.ok(response.status < 500, `${c.label}: HTTP ${response.status}`);
  const messages = await messagesOf(response);
  const answer = messages.find((m) => "result" in m || "error" in m);
  assert.ok(answer, `${c.label}: no answer (HTTP ${response.status})`);
  assert.equal(answer.id, c.id, `${c.label}: ${JSON.stringify(answer).slice(0, 300)}`);
  const error = answer.error as JsonObject | undefined;
  if (error) {
    assert.notEqual(error.code, -32603, `${c.label}: ${JSON.stringify(error).slice(0, 300)}`);
  }
}

async function openLegacySession(handler: HttpHandler): Promise<string> {
  const response = await handler(post(
    JSON.stringify({
      jsonrpc: "2.0",
      id: "init",
      method: "initialize",
      params: {
        protocolVersion: LEGACY,
        capabilities: {},
        clientInfo: { name: "corpus", version: "1" },
      },
    }),
    {},
  ));
  assert.equal(response.status, 200);
  const session = response.headers.get("mcp-session-id");
  assert.ok(session);
  await response.body?.cancel();
  const initialized = await handler(post(
    JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    { "mcp-session-id": session, "mcp-protocol-version": LEGACY },
  ));
  assert.equal(initialized.status, 202);
  return session;
}

test("2026-07-28: a seeded corpus of malformed requests is answered as client errors, with ids", async () => {
  const handler = createServer();
  const cases = corpus("modern", 0x5eed);
  assert.ok(cases.length >= 300, `${cases.length} cases`);
  for (const c of cases) {
    const headers: Record<string, string> = {
      "mcp-protocol-version": MODERN,
      "mcp-method": c.method,
    };
    if (c.name !== undefined) headers["mcp-name"] = c.name;
    if (c.method === "tools/call" && c.name === "sized") headers["mcp-param-size"] = "3";
    await assertClientAnswer(handler, post(c.body, headers), c);
  }
});

test("legacy sessions: the same corpus is answered as client errors, with ids", async () => {
  const handler = createServer();
  const session = await openLegacySession(handler);
  const cases = corpus("legacy", 0xbad5eed);
  assert.ok(cases.length >= 300, `${cases.length} cases`);
  for (const c of cases) {
    const headers = { "mcp-session-id": session, "mcp-protocol-version": LEGACY };
    await assertClientAnswer(handler, post(c.body, headers), c);
  }
});

test("a name or uri that is not a string is invalid params with the id, not HTTP 500", async () => {
  const handler = createServer();
  for (const [method, field] of Object.entries(NAME_FIELD)) {
    const body = JSON.stringify({
      jsonrpc: "2.0",
      id: 41,
      method,
      params: { [field]: { toString: 1 }, _meta: META },
    });
    const response = await handler(post(body, {
      "mcp-protocol-version": MODERN,
      "mcp-method": method,
      "mcp-name": "x",
    }));
    const answer = await response.json() as JsonObject;
    assert.equal(response.status, 400, JSON.stringify(answer));
    assert.equal(answer.id, 41);
    assert.equal((answer.error as JsonObject).code, INVALID_PARAMS, JSON.stringify(answer));
  }
});

test("10 000 levels of nesting in tool arguments are invalid params, in both eras", async () => {
  const handler = createServer();
  const params = (meta: boolean) =>
    `{"name":"add","arguments":{"numbers":${deepArray}}${
      meta ? `,"_meta":${JSON.stringify(META)}` : ""
    }}`;
  const modern = await handler(
    post(`{"jsonrpc":"2.0","id":1,"method":"tools/call","params":${params(true)}}`, {
      "mcp-protocol-version": MODERN,
      "mcp-method": "tools/call",
      "mcp-name": "add",
    }),
  );
  const modernAnswer = await modern.json() as JsonObject;
  assert.equal(modernAnswer.id, 1);
  assert.equal(
    (modernAnswer.error as JsonObject)?.code,
    INVALID_PARAMS,
    JSON.stringify(modernAnswer),
  );
  const session = await openLegacySession(handler);
  const legacy = await handler(
    post(`{"jsonrpc":"2.0","id":2,"method":"tools/call","params":${params(false)}}`, {
      "mcp-session-id": session,
      "mcp-protocol-version": LEGACY,
    }),
  );
  const [legacyAnswer] = await messagesOf(legacy);
  assert.equal(legacyAnswer.id, 2);
  assert.equal(
    (legacyAnswer.error as JsonObject)?.code,
    INVALID_PARAMS,
    JSON.stringify(legacyAnswer),
  );
});

test("the demo's notes resolve own ids only; unknown ids are resource-not-found", async () => {
  const handler = createServer();
  const session = await openLegacySession(handler);
  for (const id of ["__proto__", "constructor", "toString", "nope"]) {
    const uri = `demo://notes/${id}`;
    const modern = await handler(post(
      JSON.stringify({
        jsonrpc: "2.0",
        id: 7,
        method: "resources/read",
        params: { uri, _meta: META },
      }),
      { "mcp-protocol-version": MODERN, "mcp-method": "resources/read", "mcp-name": uri },
    ));
    const modernAnswer = await modern.json() as JsonObject;
    assert.equal(
      (modernAnswer.error as JsonObject)?.code,
      INVALID_PARAMS,
      JSON.stringify(modernAnswer),
    );
    const legacy = await handler(post(
      JSON.stringify({ jsonrpc: "2.0", id: 8, method: "resources/read", params: { uri } }),
      { "mcp-session-id": session, "mcp-protocol-version": LEGACY },
    ));
    const [legacyAnswer] = await messagesOf(legacy);
    assert.equal((legacyAnswer.error as JsonObject)?.code, -32002, JSON.stringify(legacyAnswer));
  }
});
