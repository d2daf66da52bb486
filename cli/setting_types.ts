/**
 * The shape of one setting in the CLI's settings schema, and how its value is
 * read from text (flags, environment, `.env`) and from JSON (`emcee.jsonc`,
 * code). Nothing here knows which settings exist; see `settings.ts`.
 *
 * @module
 */

/**
 * The type of a setting's value.
 *
 * - `string`: any text.
 * - `integer`: a whole number from `min` to `max` inclusive.
 * - `boolean`: `true`/`false` in JSON; in text also `1`/`0`, `yes`/`no`, `on`/`off`.
 * - `enum`: one of `values` (case-insensitive in text).
 * - `list`: strings; comma-separated in text, an array of strings in JSON.
 */
export type SettingType =
  | { readonly kind: "string" }
  | { readonly kind: "integer"; readonly min: number; readonly max: number }
  | { readonly kind: "boolean" }
  | { readonly kind: "enum"; readonly values: readonly string[] }
  | { readonly kind: "list" };

/** A setting's value: what a {@link SettingType} reads into. */
export type SettingValue = string | number | boolean | string[];

/**
 * One setting: every name it goes by in every layer, its type, default and
 * description. Help text, the README table and every layer's parsing come from
 * this one declaration.
 *
 * @example
 * ```ts
 * import type { SettingSpec } from "./setting_types.ts";
 * const port: SettingSpec = {
 *   name: "port",
 *   flag: "--port",
 *   short: "-p",
 *   env: "EMCEE_PORT",
 *   key: "port",
 *   type: { kind: "integer", min: 0, max: 65535 },
 *   default: 8765,
 *   description: "Port to listen on for HTTP; 0 picks a free one.",
 * };
 * ```
 */
export interface SettingSpec<Name extends string = string> {
  /** The setting's name in code, camelCase: `port`. */
  readonly name: Name;
  /** The long command-line flag: `--port`. */
  readonly flag: string;
  /** An optional one-letter alias: `-p`. */
  readonly short?: string;
  /** The environment variable (also read from `.env`): `EMCEE_PORT`. */
  readonly env: string;
  /** The key in `emcee.jsonc`: `port`. */
  readonly key: string;
  /** The value's type. */
  readonly type: SettingType;
  /** The value when no layer sets it. */
  readonly default: SettingValue;
  /** One sentence for `--help` and the README. */
  readonly description: string;
  /** The placeholder in `--help` (`<host>`); derived from the type when absent. */
  readonly placeholder?: string;
  /**
   * A further check on a well-typed value: returns what the value must be
   * (completing "path must …", e.g. `"start with /"`) when it is not acceptable.
   */
  readonly check?: (value: SettingValue) => string | undefined;
}

/**
 * A value read successfully, or what the value must do instead, completing
 * "port must …" (`"be an integer from 0 to 65535"`).
 */
export type ReadResult = { readonly ok: true; readonly value: SettingValue } | {
  readonly ok: false;
  readonly must: string;
};

const TRUE = new Set(["true", "1", "yes", "on"]);
const FALSE = new Set(["false", "0", "no", "off"]);

/**
 * Reads a setting from text, as given in a flag, an environment variable or
 * `.env`. Integers allow surrounding spaces and no fraction or exponent; lists
 * are split on commas with each item trimmed and empty items dropped.
 *
 * @example
 * ```ts
 * import { readText } from "./setting_types.ts";
 * readText({ kind: "integer", min: 0, max: 65535 }, "9000"); // { ok: true, value: 9000 }
 * readText({ kind: "list" }, "a, b,,c"); // { ok: true, value: ["a", "b", "c"] }
 * readText({ kind: "boolean" }, "maybe"); // { ok: false, must: "be true or false (also 1/0, yes/no, on/off)" }
 * ```
 */
export function readText(type: SettingType, text: string): ReadResult {
  switch (type.kind) {
    case "string":
      return { ok: true, value: text };
    case "integer": {
      const trimmed = text.trim();
      if (!/^[+-]?\d+$/.test(trimmed)) return { ok: false, must: `be ${expectation(type)}` };
      return inRange(type, Number(trimmed));
    }
    case "boolean": {
      const word = text.trim().toLowerCase();
      if (TRUE.has(word)) return { ok: true, value: true };
      if (FALSE.has(word)) return { ok: true, value: false };
      return { ok: false, must: "be true or false (also 1/0, yes/no, on/off)" };
    }
    case "enum": {
      const word = text.trim().toLowerCase();
      const found = type.values.find((value) => value.toLowerCase() === word);
      return found === undefined
        ? { ok: false, must: `be ${expectation(type)}` }
        : { ok: true, value: found };
    }
    case "list":
      return {
        ok: true,
        value: text.split(",").map((item) => item.trim()).filter((item) => item !== ""),
      };
  }
}

/**
 * Reads a setting from a JSON value, as found in `emcee.jsonc` or passed in
 * code. Types are strict: `"9000"` is not an integer and `"true"` not a boolean.
 *
 * @example
 * ```ts
 * import { readJson } from "./setting_types.ts";
 * readJson({ kind: "list" }, ["tools", "more"]); // { ok: true, value: ["tools", "more"] }
 * readJson({ kind: "integer", min: 0, max: 65535 }, "9000"); // { ok: false, must: "be an integer from 0 to 65535" }
 * ```
 */
export function readJson(type: SettingType, value: unknown): ReadResult {
  const bad: ReadResult = { ok: false, must: `be ${expectation(type)}` };
  switch (type.kind) {
    case "string":
      return typeof value === "string" ? { ok: true, value } : bad;
    case "integer":
      return typeof value === "number" && Number.isInteger(value) ? inRange(type, value) : bad;
    case "boolean":
      return typeof value === "boolean" ? { ok: true, value } : bad;
    case "enum":
      return typeof value === "string" && type.values.includes(value) ? { ok: true, value } : bad;
    case "list":
      return Array.isArray(value) && value.every((item) => typeof item === "string")
        ? { ok: true, value: [...value] }
        : bad;
  }
}

/**
 * What a value of this type must be, completing "port must be …".
 *
 * @example
 * ```ts
 * import { expectation } from "./setting_types.ts";
 * expectation({ kind: "enum", values: ["a", "b"] }); // "one of a, b"
 * ```
 */
export function expectation(type: SettingType): string {
  switch (type.kind) {
    case "string":
      return "a string";
    case "integer":
      return `an integer from ${type.min} to ${type.max}`;
    case "boolean":
      return "true or false";
    case "enum":
      return `one of ${type.values.join(", ")}`;
    case "list":
      return "a list of strings";
  }
}

function inRange(type: { min: number; max: number; kind: "integer" }, value: number): ReadResult {
  return value >= type.min && value <= type.max
    ? { ok: true, value }
    : { ok: false, must: `be ${expectation(type)}` };
}
