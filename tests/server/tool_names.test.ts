/**
 * Tool names outside the spec's rule (1–128 characters of A–Z a–z 0–9 _ - .)
 * are warned about once, at registration, through `onWarning`; with
 * `strictToolNames` they are refused with a RegistrationError.
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { RegistrationError } from "../../server/registration_error.ts";
import { McpServer } from "../../server/server.ts";

const BAD = ["has space", "comma,name", "slash/name", "ünïcode", "x".repeat(129), "tab\tname"];
const GOOD = ["getUser", "DATA_EXPORT_v2", "admin.tools.list", "a-b", "x".repeat(128), "A"];

function warned(): { server: McpServer; warnings: string[] } {
  const warnings: string[] = [];
  const server = new McpServer({ name: "t", version: "1" }, {
    onWarning: (message) => warnings.push(message),
  });
  return { server, warnings };
}

describe("tool names", () => {
  test("a name outside the allowed characters or length is warned about, once, and registered", () => {
    for (const name of BAD) {
      const { server, warnings } = warned();
      server.tool({ name, handler: () => "" });
      assert.equal(warnings.length, 1, `one warning for ${JSON.stringify(name)}`);
      assert.ok(warnings[0].includes(JSON.stringify(name)), warnings[0]);
      assert.match(warnings[0], /A-Z a-z 0-9 _ - \./);
      assert.match(warnings[0], /1.128/);
    }
  });

  test("valid names are not warned about", () => {
    const { server, warnings } = warned();
    for (const name of GOOD) server.tool({ name, handler: () => "" });
    assert.deepEqual(warnings, []);
  });

  test("a duplicate bad name is refused as a duplicate, without a second warning", () => {
    const { server, warnings } = warned();
    server.tool({ name: "bad name", handler: () => "" });
    assert.throws(() => server.tool({ name: "bad name", handler: () => "" }), RegistrationError);
    assert.equal(warnings.length, 1);
  });

  test("without onWarning the warning goes to console.warn", () => {
    const original = console.warn;
    const seen: unknown[][] = [];
    console.warn = (...args: unknown[]) => {
      seen.push(args);
    };
    try {
      new McpServer({ name: "t", version: "1" }).tool({ name: "bad name", handler: () => "" });
    } finally {
      console.warn = original;
    }
    assert.equal(seen.length, 1);
    assert.match(String(seen[0][0]), /"bad name"/);
  });

  test("strictToolNames refuses a bad name with a RegistrationError of problem name", () => {
    for (const name of BAD) {
      const warnings: string[] = [];
      const server = new McpServer({ name: "t", version: "1" }, {
        strictToolNames: true,
        onWarning: (message) => warnings.push(message),
      });
      let thrown: unknown;
      try {
        server.tool({ name, handler: () => "" });
      } catch (error) {
        thrown = error;
      }
      assert.ok(thrown instanceof RegistrationError, `refused ${JSON.stringify(name)}`);
      assert.equal(thrown.kind, "tool");
      assert.equal(thrown.key, name);
      assert.equal(thrown.problem, "name");
      assert.match(thrown.message, /A-Z a-z 0-9 _ - \./);
      assert.deepEqual(warnings, []);
    }
  });

  test("strictToolNames still registers valid names", () => {
    const server = new McpServer({ name: "t", version: "1" }, { strictToolNames: true });
    for (const name of GOOD) server.tool({ name, handler: () => "" });
  });
});
