import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  decodeHeaderValue,
  encodeHeaderValue,
  headerParameters,
  parameterHeaderText,
  valueAtPath,
} from "../../protocol/headers.ts";

describe("header value encoding (the spec's table)", () => {
  const cases: [string, string][] = [
    ["us-west1", "us-west1"],
    ["Hello, 世界", "=?base64?SGVsbG8sIOS4lueVjA==?="],
    [" padded ", "=?base64?IHBhZGRlZCA=?="],
    ["line1\nline2", "=?base64?bGluZTEKbGluZTI=?="],
    ["=?base64?literal?=", "=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?="],
  ];
  for (const [value, encoded] of cases) {
    test(JSON.stringify(value), () => {
      assert.equal(encodeHeaderValue(value), encoded);
      assert.equal(decodeHeaderValue(encoded), value);
    });
  }

  test("malformed encodings do not decode", () => {
    assert.equal(decodeHeaderValue("=?base64?dXMtd2VzdDE?="), undefined); // missing padding
    assert.equal(decodeHeaderValue("=?base64?***?="), undefined);
    assert.equal(decodeHeaderValue("=?base64?/w==?="), undefined); // not UTF-8
    assert.equal(decodeHeaderValue("caf\u00e9"), undefined);
  });

  test("surrounding whitespace of a plain value is trimmed", () => {
    assert.equal(decodeHeaderValue("  get_weather  "), "get_weather");
  });
});

describe("x-mcp-header annotations", () => {
  test("statically reachable primitive properties are collected, nested included", () => {
    const found = headerParameters({
      type: "object",
      properties: {
        region: { type: "string", "x-mcp-header": "Region" },
        limits: {
          type: "object",
          properties: { max: { type: "integer", "x-mcp-header": "Max" } },
        },
      },
    });
    assert.deepEqual(found, [
      { path: ["region"], name: "Region", type: "string" },
      { path: ["limits", "max"], name: "Max", type: "integer" },
    ]);
  });

  test("invalid markings make the tool invalid", () => {
    const invalid = (schema: { [key: string]: unknown }) =>
      "invalid" in (headerParameters(schema) as object);
    assert.ok(invalid({ properties: { a: { type: "number", "x-mcp-header": "A" } } }));
    assert.ok(invalid({ properties: { a: { type: "string", "x-mcp-header": "" } } }));
    assert.ok(invalid({ properties: { a: { type: "string", "x-mcp-header": "A B" } } }));
    assert.ok(invalid({
      properties: {
        a: { type: "string", "x-mcp-header": "Dup" },
        b: { type: "string", "x-mcp-header": "dup" },
      },
    }));
    assert.ok(invalid({
      properties: { list: { type: "array", items: { type: "string", "x-mcp-header": "I" } } },
    }));
    assert.ok(invalid({ anyOf: [{ properties: { a: { type: "string", "x-mcp-header": "A" } } }] }));
  });

  test("values are read by path and rendered per type", () => {
    assert.equal(valueAtPath({ a: { b: 3 } }, ["a", "b"]), 3);
    assert.equal(valueAtPath({ a: 1 }, ["a", "b"]), undefined);
    assert.equal(parameterHeaderText(true), "true");
    assert.equal(parameterHeaderText(-7), "-7");
    assert.equal(parameterHeaderText(null), undefined);
    assert.equal(parameterHeaderText(undefined), undefined);
  });
});
