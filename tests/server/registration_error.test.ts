import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { SchemaError, type StandardSchemaV1 } from "../../schema/mod.ts";
import { RegistrationError } from "../../server/registration_error.ts";
import { McpServer } from "../../server/server.ts";
import { modern, sampleServer } from "./helpers.ts";

/** Runs `register` and returns the RegistrationError it throws. */
function refusal(register: () => unknown): RegistrationError {
  let thrown: unknown;
  try {
    register();
  } catch (error) {
    thrown = error;
  }
  assert.ok(thrown instanceof RegistrationError, `expected a RegistrationError, got ${thrown}`);
  assert.ok(thrown instanceof Error);
  assert.equal(thrown.name, "RegistrationError");
  return thrown;
}

/** A Standard Schema (as Zod or Valibot would make) that exports `jsonSchema`. */
function standardSchema(jsonSchema: Record<string, unknown> | undefined): StandardSchemaV1 {
  return {
    "~standard": {
      version: 1,
      vendor: "fake",
      validate: (value) => ({ value }),
      jsonSchema: jsonSchema && { input: () => jsonSchema, output: () => jsonSchema },
    },
  };
}

const server = (): McpServer => new McpServer({ name: "t", version: "1" });

describe("RegistrationError", () => {
  test("a taken name or URI is a duplicate of its kind, with its key", () => {
    const s = sampleServer();
    const cases = [
      [() => s.tool({ name: "echo", handler: () => "" }), "tool", "echo", /^Tool "echo"/],
      [
        () => s.resource({ uri: "test://a", name: "a", read: () => "" }),
        "resource",
        "test://a",
        /^Resource "test:\/\/a"/,
      ],
      [
        () => s.resourceTemplate({ uriTemplate: "test://items/{id}", name: "i", read: () => "" }),
        "resourceTemplate",
        "test://items/{id}",
        /^Resource template "test:\/\/items\/\{id\}"/,
      ],
      [
        () => s.prompt({ name: "greet", get: () => ({ messages: [] }) }),
        "prompt",
        "greet",
        /^Prompt "greet"/,
      ],
    ] as const;
    for (const [register, kind, key, subject] of cases) {
      const error = refusal(register);
      assert.equal(error.kind, kind);
      assert.equal(error.key, key);
      assert.equal(error.problem, "duplicate");
      assert.match(error.message, subject);
      assert.match(error.message, /is already registered$/);
      assert.equal(error.cause, undefined);
    }
  });

  test("an unresolvable $ref keeps the SchemaError that locates it", () => {
    const error = refusal(() =>
      server().tool({
        name: "refs",
        input: { type: "object", properties: { a: { $ref: "#/$defs/missing" } } },
        handler: () => "",
      })
    );
    assert.equal(error.kind, "tool");
    assert.equal(error.key, "refs");
    assert.equal(error.problem, "inputSchema");
    assert.ok(error.cause instanceof SchemaError);
    assert.equal(error.cause.schemaPath, "#/properties/a/$ref");
    assert.match(error.message, /^Tool "refs" has an invalid input schema: .*\$defs\/missing/);
  });

  test("a meta-schema violation keeps its SchemaError and names the failing value", () => {
    const error = refusal(() =>
      server().tool({
        name: "broken",
        input: { type: "object", properties: { a: { type: "nonsense" } } },
        handler: () => "",
      })
    );
    assert.equal(error.problem, "inputSchema");
    assert.ok(error.cause instanceof SchemaError);
    assert.equal(typeof error.cause.schemaPath, "string");
    assert.notEqual(error.cause.schemaPath, "");
    assert.match(error.message, /\/properties\/a\/type/);
  });

  test("an input schema whose root is not an object is located at its type", () => {
    const typed = refusal(() =>
      server().tool({ name: "text", input: { type: "string" }, handler: () => "" })
    );
    assert.equal(typed.problem, "inputSchema");
    assert.ok(typed.cause instanceof SchemaError);
    assert.equal(typed.cause.schemaPath, "#/type");
    assert.match(typed.message, /the root must have "type": "object"/);

    const untyped = refusal(() => server().tool({ name: "any", input: {}, handler: () => "" }));
    assert.ok(untyped.cause instanceof SchemaError);
    assert.equal(untyped.cause.schemaPath, "#");
  });

  test("an output schema is refused as the output schema, and may have any root", () => {
    const error = refusal(() =>
      server().tool({
        name: "out",
        output: { type: "object", properties: { n: { $ref: "#/nowhere" } } },
        handler: () => "",
      })
    );
    assert.equal(error.problem, "outputSchema");
    assert.ok(error.cause instanceof SchemaError);
    assert.equal(error.cause.schemaPath, "#/properties/n/$ref");
    assert.match(error.message, /has an invalid output schema/);
    server().tool({ name: "count", output: { type: "integer" }, handler: () => "" });
  });

  test("the JSON Schema a Standard Schema exports is checked and located", () => {
    const error = refusal(() =>
      server().tool({
        name: "zodlike",
        input: standardSchema({ type: "object", properties: { a: { type: "nonsense" } } }),
        handler: () => "",
      })
    );
    assert.equal(error.problem, "inputSchema");
    assert.ok(error.cause instanceof SchemaError);
    assert.equal(error.cause.schemaPath, "#/properties/a/type");
    assert.match(error.message, /the exported JSON Schema is invalid: \/properties\/a\/type/);
  });

  test("what is no schema keeps the TypeError saying why", () => {
    const noExport = refusal(() =>
      server().tool({ name: "opaque", input: standardSchema(undefined), handler: () => "" })
    );
    assert.equal(noExport.problem, "inputSchema");
    assert.ok(noExport.cause instanceof TypeError);
    assert.match(noExport.message, /cannot export JSON Schema/);

    const notASchema = refusal(() =>
      server().tool({ name: "number", input: 42 as never, handler: () => "" })
    );
    assert.equal(notASchema.problem, "inputSchema");
    assert.ok(notASchema.cause instanceof TypeError);
  });

  test("a malformed URI template keeps the SyntaxError", () => {
    const error = refusal(() =>
      server().resourceTemplate({ uriTemplate: "files://{name", name: "f", read: () => "" })
    );
    assert.equal(error.kind, "resourceTemplate");
    assert.equal(error.key, "files://{name");
    assert.equal(error.problem, "uriTemplate");
    assert.ok(error.cause instanceof SyntaxError);
    assert.match(
      error.message,
      /^Resource template "files:\/\/\{name" is not a valid URI template/,
    );
  });

  test("a definition without a key or a handler is refused as a definition", () => {
    const s = server();
    const cases = [
      [() => s.tool({ name: "", handler: () => "" }), "tool", "", /non-empty string name/],
      [() => s.tool({ name: "x" } as never), "tool", "x", /needs a handler function/],
      [() => s.resource({ uri: "r://x", name: "x" } as never), "resource", "r://x", /read/],
      [
        () => s.resourceTemplate({ name: "t", read: () => "" } as never),
        "resourceTemplate",
        "undefined",
        /non-empty string uriTemplate/,
      ],
      [() => s.prompt({ name: "p" } as never), "prompt", "p", /needs a get function/],
    ] as const;
    for (const [register, kind, key, detail] of cases) {
      const error = refusal(register);
      assert.equal(error.kind, kind);
      assert.equal(error.key, key);
      assert.equal(error.problem, "definition");
      assert.match(error.message, detail);
    }
  });

  test("a refused registration leaves the server as it was and announces nothing", async () => {
    const s = server();
    const events: string[] = [];
    s.onEvent((event) => events.push(event.type));
    refusal(() => s.tool({ name: "bad", input: { type: "string" }, handler: () => "" }));
    refusal(() => s.resourceTemplate({ uriTemplate: "x://{", name: "x", read: () => "" }));
    assert.deepEqual(events, []);
    const response = await s.handleRequest(modern("tools/list"));
    assert.ok("result" in response);
    assert.deepEqual(response.result.tools, []);
    s.tool({ name: "bad", handler: () => "" });
    assert.deepEqual(events, ["tools"]);
  });
});
