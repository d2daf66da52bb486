import { test } from "node:test";
import assert from "node:assert/strict";
import { ToolArgumentError, toolArguments } from "../../cli/tool_arguments.ts";

const schema = {
  type: "object",
  properties: {
    n: { type: "number" },
    i: { type: "integer" },
    b: { type: "boolean" },
    o: { type: "object" },
    l: { type: "array" },
    s: { type: "string" },
    maybe: { type: ["integer", "null"] },
    any: {},
  },
};

function argumentError(run: () => unknown, key: string, pattern: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof ToolArgumentError);
    assert.equal(error.key, key);
    assert.match(error.message, pattern);
    return true;
  });
}

test("values are typed by the schema's property types", () => {
  assert.deepEqual(
    toolArguments(
      ["n=1.5", "i=-3", "b=true", 'o={"x":1}', "l=[1,2]", "s=42", "maybe=7"],
      schema,
    ),
    { n: 1.5, i: -3, b: true, o: { x: 1 }, l: [1, 2], s: "42", maybe: 7 },
  );
  assert.deepEqual(toolArguments(["b=false", "s="], schema), { b: false, s: "" });
});

test("a value keeps everything after the first =", () => {
  assert.deepEqual(toolArguments(["s=a=b"], schema), { s: "a=b" });
});

test("untyped or unknown keys read JSON scalars and structures, else text", () => {
  assert.deepEqual(
    toolArguments(
      ["any=3", "x=true", "y=null", 'z={"a":[1]}', "w=[]", "t=hello", 'q="quoted"'],
      schema,
    ),
    { any: 3, x: true, y: null, z: { a: [1] }, w: [], t: "hello", q: '"quoted"' },
  );
  assert.deepEqual(toolArguments(["a=1", "b=x"], undefined), { a: 1, b: "x" });
});

test("wrong types name the key and the expected type", () => {
  argumentError(() => toolArguments(["n=abc"], schema), "n", /^n must be a number, got "abc"$/);
  argumentError(() => toolArguments(["n="], schema), "n", /n must be a number/);
  argumentError(() => toolArguments(["i=1.5"], schema), "i", /i must be an integer/);
  argumentError(() => toolArguments(["b=yes"], schema), "b", /b must be true or false/);
  argumentError(() => toolArguments(["o=[1]"], schema), "o", /o must be a JSON object/);
  argumentError(() => toolArguments(["l={"], schema), "l", /l must be a JSON array/);
});

test("a word that is not key=value is refused", () => {
  argumentError(() => toolArguments(["oops"], schema), "oops", /not key=value/);
  argumentError(() => toolArguments(["=1"], schema), "=1", /not key=value/);
});

test("--args JSON is merged under the pairs", () => {
  assert.deepEqual(toolArguments(["n=2"], schema, '{"n": 1, "s": "kept", "extra": [true]}'), {
    n: 2,
    s: "kept",
    extra: [true],
  });
  assert.deepEqual(toolArguments([], undefined, "{}"), {});
});

test("--args that is not a JSON object is refused", () => {
  argumentError(() => toolArguments([], schema, "{nope"), "", /--args is not valid JSON/);
  argumentError(() => toolArguments([], schema, "[1]"), "", /--args must be a JSON object/);
});

test("a bad --args keeps the JSON error as its cause", () => {
  try {
    toolArguments([], schema, "{");
    assert.fail("expected an error");
  } catch (error) {
    assert.ok(error instanceof ToolArgumentError);
    assert.ok(error.cause instanceof SyntaxError);
  }
});
