/**
 * Turns `key=value` words from the command line into a tool's arguments,
 * typed by the tool's input schema, so `emcee call add a=1 b=2` sends numbers.
 *
 * @module
 */

import { isObject, type JsonObject } from "../protocol/jsonrpc.ts";

/**
 * An argument that cannot be read: not `key=value`, not of the type the
 * schema asks for, or `--args` that is not a JSON object. `key` names the
 * argument (empty for `--args` itself).
 */
export class ToolArgumentError extends Error {
  /** The argument's key, or `""` when the problem is not one key's. */
  readonly key: string;

  /** Builds the error with a finished message. */
  constructor(key: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ToolArgumentError";
    this.key = key;
  }
}

type Kind = "string" | "number" | "integer" | "boolean" | "object" | "array" | "null";

const KINDS = new Set<string>([
  "string",
  "number",
  "integer",
  "boolean",
  "object",
  "array",
  "null",
]);

/**
 * Builds a tool's arguments from `key=value` pairs and an optional JSON object.
 *
 * Each value is read by the schema property's `type`: `number`/`integer` as a
 * number, `boolean` as `true`/`false`, `object`/`array` as JSON, `string` as
 * given. A property without a type (or not in the schema) is read as JSON when
 * it is a JSON number, boolean, null, object or array, else kept as text.
 * `json` (the `--args` flag) is merged under the pairs: a pair wins.
 *
 * @throws {ToolArgumentError} naming the key and the expected type.
 *
 * @example
 * ```ts
 * import { toolArguments } from "./tool_arguments.ts";
 * const schema = { type: "object", properties: { a: { type: "number" }, tags: { type: "array" } } };
 * toolArguments(["a=1", 'tags=["x"]', "note=hi"], schema, '{"a": 0, "b": true}');
 * // { a: 1, b: true, tags: ["x"], note: "hi" }
 * ```
 */
export function toolArguments(
  pairs: readonly string[],
  inputSchema: JsonObject | undefined,
  json?: string,
): JsonObject {
  const args: JsonObject = json === undefined ? {} : parseJsonObject(json);
  const properties = isObject(inputSchema?.properties) ? inputSchema.properties : {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) {
      throw new ToolArgumentError(
        pair,
        `argument ${JSON.stringify(pair)} is not key=value (for example text=hello)`,
      );
    }
    const key = pair.slice(0, at);
    const property = properties[key];
    args[key] = readValue(
      key,
      pair.slice(at + 1),
      isObject(property) ? kindOf(property) : undefined,
    );
  }
  return args;
}

function parseJsonObject(json: string): JsonObject {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (error) {
    throw new ToolArgumentError("", `--args is not valid JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!isObject(parsed)) throw new ToolArgumentError("", "--args must be a JSON object");
  return parsed;
}

/** The one type a property declares, ignoring `null` in a type list; `undefined` when unclear. */
function kindOf(property: JsonObject): Kind | undefined {
  const type = property.type;
  if (typeof type === "string") return KINDS.has(type) ? type as Kind : undefined;
  if (Array.isArray(type)) {
    const named = type.filter((t): t is string => typeof t === "string" && t !== "null");
    return named.length === 1 && KINDS.has(named[0]) ? named[0] as Kind : undefined;
  }
  return undefined;
}

function readValue(key: string, text: string, kind: Kind | undefined): unknown {
  const bad = (expected: string, cause?: unknown) =>
    new ToolArgumentError(
      key,
      `${key} must be ${expected}, got ${JSON.stringify(text)}`,
      cause === undefined ? undefined : { cause },
    );
  switch (kind) {
    case "string":
      return text;
    case "number":
    case "integer": {
      const trimmed = text.trim();
      const value = trimmed === "" ? NaN : Number(trimmed);
      if (!Number.isFinite(value)) throw bad(kind === "integer" ? "an integer" : "a number");
      if (kind === "integer" && !Number.isInteger(value)) throw bad("an integer");
      return value;
    }
    case "boolean":
      if (text === "true") return true;
      if (text === "false") return false;
      throw bad("true or false");
    case "null":
      if (text === "null") return null;
      throw bad("null");
    case "object":
    case "array": {
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (error) {
        throw bad(`a JSON ${kind}`, error);
      }
      if (kind === "object" ? !isObject(value) : !Array.isArray(value)) {
        throw bad(`a JSON ${kind}`);
      }
      return value;
    }
    case undefined: {
      try {
        const value: unknown = JSON.parse(text);
        // A JSON string stays text as typed, quotes included, so "x" is not silently unquoted.
        return typeof value === "string" ? text : value;
      } catch {
        return text;
      }
    }
  }
}
