/**
 * The return-value table: what a tool handler returns, what the server sends
 * (in either era, without the era's own fields), and what `client.invoke`
 * gives back. Server and client tests share it.
 */
import type { JsonObject } from "../../protocol/jsonrpc.ts";
import { s } from "../../schema/mod.ts";
import { McpServer } from "../../server/server.ts";

/** One row of the table. */
export interface ReturnRow {
  /** The tool's name. */
  name: string;
  /** What the handler returns, in words. */
  returns: string;
  /** Returns the value (a fresh one per call). */
  value: () => unknown;
  /** The declared output schema, if any. */
  output?: unknown;
  /** The result the server sends, for a value that goes out. */
  sent?: JsonObject;
  /** What `invoke` returns, for a value that goes out. */
  invoked?: unknown;
  /** The tool error's text, for a value that is refused. */
  error?: RegExp;
}

function cycle(): unknown {
  const node: { name: string; self?: unknown } = { name: "loop" };
  node.self = node;
  return node;
}

const text = (value: string) => [{ type: "text", text: value }];

/** Every row: each kind of value, without and with a declared output. */
export const RETURN_TABLE: readonly ReturnRow[] = [
  {
    name: "string",
    returns: "a string",
    value: () => "hi",
    sent: { content: text("hi") },
    invoked: "hi",
  },
  {
    name: "string_typed",
    returns: "a string, output s.string()",
    value: () => "hi",
    output: s.string(),
    sent: { content: text("hi"), structuredContent: { result: "hi" } },
    invoked: "hi",
  },
  {
    name: "number",
    returns: "a number",
    value: () => 3,
    sent: { content: text("3"), structuredContent: { result: 3 } },
    // Without an output schema the client cannot tell the wrapper from an object.
    invoked: { result: 3 },
  },
  {
    name: "number_typed",
    returns: "a number, output { type: number }",
    value: () => 3,
    output: { type: "number" },
    sent: { content: text("3"), structuredContent: { result: 3 } },
    invoked: 3,
  },
  {
    name: "boolean",
    returns: "a boolean",
    value: () => false,
    sent: { content: text("false"), structuredContent: { result: false } },
    invoked: { result: false },
  },
  {
    name: "boolean_typed",
    returns: "a boolean, output s.boolean()",
    value: () => false,
    output: s.boolean(),
    sent: { content: text("false"), structuredContent: { result: false } },
    invoked: false,
  },
  {
    name: "null",
    returns: "null",
    value: () => null,
    sent: { content: text("null"), structuredContent: { result: null } },
    invoked: { result: null },
  },
  {
    name: "null_typed",
    returns: "null, output { type: null }",
    value: () => null,
    output: { type: "null" },
    sent: { content: text("null"), structuredContent: { result: null } },
    invoked: null,
  },
  {
    name: "array",
    returns: "an array",
    value: () => [1, "two", { three: 3 }],
    sent: {
      content: text('[1,"two",{"three":3}]'),
      structuredContent: { result: [1, "two", { three: 3 }] },
    },
    invoked: { result: [1, "two", { three: 3 }] },
  },
  {
    name: "array_typed",
    returns: "an array, output s.array(s.integer())",
    value: () => [1, 2],
    output: s.array(s.integer()),
    sent: { content: text("[1,2]"), structuredContent: { result: [1, 2] } },
    invoked: [1, 2],
  },
  {
    name: "object",
    returns: "an object",
    value: () => ({ sum: 3, terms: ["1", "2"] }),
    sent: {
      content: text('{"sum":3,"terms":["1","2"]}'),
      structuredContent: { sum: 3, terms: ["1", "2"] },
    },
    invoked: { sum: 3, terms: ["1", "2"] },
  },
  {
    name: "object_typed",
    returns: "an object, output s.object({ sum })",
    value: () => ({ sum: 3 }),
    output: s.object({ sum: s.number() }),
    sent: { content: text('{"sum":3}'), structuredContent: { sum: 3 } },
    invoked: { sum: 3 },
  },
  {
    name: "result",
    returns: "a CallToolResult",
    value: () => ({ content: text("done"), isError: false, _meta: { "example/trace": "t1" } }),
    sent: { content: text("done"), isError: false, _meta: { "example/trace": "t1" } },
    invoked: "done",
  },
  {
    name: "result_typed",
    returns: "a CallToolResult with structuredContent, output s.object({ ok })",
    value: () => ({ content: [], structuredContent: { ok: true } }),
    output: s.object({ ok: s.boolean() }),
    sent: { content: text('{"ok":true}'), structuredContent: { ok: true } },
    invoked: { ok: true },
  },
  {
    name: "undefined",
    returns: "undefined",
    value: () => undefined,
    sent: { content: [] },
    invoked: undefined,
  },
  {
    name: "undefined_typed",
    returns: "undefined, output s.number()",
    value: () => undefined,
    output: s.number(),
    error: /^Tool undefined_typed returned undefined, but it declares an output schema/,
  },
  {
    name: "function",
    returns: "a function",
    value: () => function later() {},
    error: /^Tool function returned a value that is not JSON: a function \(later\)\./,
  },
  {
    name: "cycle",
    returns: "a cycle",
    value: cycle,
    error:
      /^Tool cycle returned a value that is not JSON: a cycle at \/self \(it refers back to the value itself\)\./,
  },
];

/** A server with one tool per row of {@link RETURN_TABLE}. */
export function returnTableServer(): McpServer {
  const server = new McpServer({ name: "return-table", version: "1.0.0" });
  for (const row of RETURN_TABLE) {
    server.tool({ name: row.name, output: row.output, handler: () => row.value() as never });
  }
  return server;
}
