/**
 * The CLI's settings: one schema ({@link SETTINGS}) from which every layer is
 * read — code, command-line flags, the environment, `.env` and `emcee.jsonc` —
 * and {@link resolveSettings}, which merges the layers by precedence. Pure: the
 * caller reads files and the environment and passes their contents in.
 *
 * @module
 */

import { closest } from "./suggest.ts";
import {
  readJson,
  type ReadResult,
  readText,
  type SettingSpec,
  type SettingType,
  type SettingValue,
} from "./setting_types.ts";

export type { SettingSpec, SettingType, SettingValue } from "./setting_types.ts";

/** The levels a log message can have, least severe first. */
export type LogLevel = "debug" | "info" | "notice" | "warning" | "error";

/** Every setting of the CLI, resolved. */
export interface Settings {
  /** Interface the HTTP server listens on. */
  host: string;
  /** Port the HTTP server listens on; 0 picks a free one. */
  port: number;
  /** Directories tools are loaded from. */
  toolDirs: string[];
  /** Serve over stdin/stdout instead of HTTP. */
  stdio: boolean;
  /** The least severe log level written. */
  logLevel: LogLevel;
  /** Browser origins allowed besides loopback ones. */
  allowedOrigins: string[];
  /** `Host` header values allowed besides loopback ones. */
  allowedHosts: string[];
  /** The HTTP path of the MCP endpoint. */
  path: string;
  /** Reload tools when their files change. */
  watch: boolean;
  /** The server name announced to clients. */
  name: string;
}

/** Where a value came from, strongest first; `default` when no layer set it. */
export type SettingsLayer = "code" | "flags" | "env" | "dotenv" | "file" | "default";

/** Flag values as `parseFlags` returns them, keyed by setting name. */
export type FlagValues = Record<string, string | boolean | string[]>;

/** The inputs to {@link resolveSettings}, each optional. */
export interface SettingsLayers {
  /** Values set in code (strongest), by setting name. */
  code?: Partial<Settings>;
  /** Parsed command-line flags, by setting name (see `parseFlags`). */
  flags?: FlagValues;
  /** The process environment, by variable name. */
  env?: Record<string, string | undefined>;
  /** A parsed `.env` file, by variable name. */
  dotenv?: Record<string, string>;
  /** The parsed `emcee.jsonc` (weakest before the defaults). */
  file?: unknown;
  /** The `.env` file's name for messages; default `.env`. */
  dotenvSource?: string;
  /** The settings file's name for messages; default `emcee.jsonc`. */
  fileSource?: string;
  /**
   * Environment variables with the settings' prefix that are not settings but
   * are known to the program (say `EMCEE_CONFIG`), so they raise no warning.
   */
  otherEnv?: readonly string[];
}

/** The resolved settings, where each came from, and notes worth printing. */
export interface ResolvedSettings {
  /** Every setting's value. */
  settings: Settings;
  /** The layer each value came from. */
  sources: Record<keyof Settings, SettingsLayer>;
  /**
   * Hints that do not stop the program, e.g. an `EMCEE_` variable that is no
   * setting (`EMCEE_PROT (environment) is not a setting; did you mean EMCEE_PORT?`).
   */
  warnings: string[];
}

/** What was wrong: a bad value, a key that is no setting, or a file that is not an object. */
export type SettingsProblem = "invalid" | "unknown" | "not-an-object";

/**
 * A value a layer cannot supply. The message names where it was written, the
 * value, the layer and what it must be:
 * `EMCEE_PORT="abc" (environment): port must be an integer from 0 to 65535`.
 *
 * @example
 * ```ts
 * import { resolveSettings, SettingsError } from "./settings.ts";
 * try {
 *   resolveSettings({ file: { prot: 1 } });
 * } catch (error) {
 *   if (error instanceof SettingsError) console.log(error.message);
 *   // emcee.jsonc: unknown setting "prot" (did you mean "port"?)
 * }
 * ```
 */
export class SettingsError extends Error {
  /** The setting's name, or for an unknown key the key as written. */
  readonly setting: string | undefined;
  /** The value as given. */
  readonly value: unknown;
  /** The layer that gave it. */
  readonly layer: SettingsLayer;
  /** What was wrong. */
  readonly problem: SettingsProblem;

  /** Builds the error with a finished message. */
  constructor(
    message: string,
    init: { setting?: string; value: unknown; layer: SettingsLayer; problem: SettingsProblem },
  ) {
    super(message);
    this.name = "SettingsError";
    this.setting = init.setting;
    this.value = init.value;
    this.layer = init.layer;
    this.problem = init.problem;
  }
}

/** Derives flag, environment variable and file key from a camelCase name. */
function setting<Name extends keyof Settings>(
  name: Name,
  type: SettingType,
  defaultValue: Settings[Name],
  description: string,
  extra: Partial<SettingSpec<Name>> = {},
): SettingSpec<Name> {
  const words = name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  return {
    name,
    flag: `--${words}`,
    env: `EMCEE_${words.replace(/-/g, "_").toUpperCase()}`,
    key: name,
    type,
    default: defaultValue,
    description,
    ...extra,
  };
}

/**
 * The CLI's settings schema. Flags are the kebab-case name (`--tool-dirs`),
 * environment variables `EMCEE_` and the upper snake-case name
 * (`EMCEE_TOOL_DIRS`), `emcee.jsonc` keys the camelCase name (`toolDirs`).
 */
export const SETTINGS: readonly SettingSpec<keyof Settings>[] = [
  setting("host", { kind: "string" }, "127.0.0.1", "Interface to listen on for HTTP.", {
    placeholder: "<host>",
  }),
  setting(
    "port",
    { kind: "integer", min: 0, max: 65535 },
    8765,
    "Port to listen on for HTTP; 0 picks a free one.",
    { short: "-p", placeholder: "<port>" },
  ),
  setting(
    "path",
    { kind: "string" },
    "/mcp",
    "HTTP path of the MCP endpoint.",
    {
      placeholder: "<path>",
      check: (value) => String(value).startsWith("/") ? undefined : "start with /",
    },
  ),
  setting("stdio", { kind: "boolean" }, false, "Serve over stdin/stdout instead of HTTP."),
  setting(
    "toolDirs",
    { kind: "list" },
    ["tools"],
    "Directories to load tools from.",
    { placeholder: "<dir,...>" },
  ),
  setting(
    "watch",
    { kind: "boolean" },
    true,
    "Reload tools when files in their directories change (--no-watch to turn off).",
  ),
  setting(
    "allowedOrigins",
    { kind: "list" },
    [],
    "Browser origins allowed besides loopback ones.",
    { placeholder: "<origin,...>" },
  ),
  setting(
    "allowedHosts",
    { kind: "list" },
    [],
    "Host header values allowed besides loopback ones; with a non-loopback --host and none " +
      "given, any Host is accepted.",
    { placeholder: "<host,...>" },
  ),
  setting(
    "logLevel",
    { kind: "enum", values: ["debug", "info", "notice", "warning", "error"] },
    "info",
    "Least severe log level written.",
    { placeholder: "<level>" },
  ),
  setting("name", { kind: "string" }, "emcee", "Server name announced to clients.", {
    placeholder: "<name>",
  }),
];

/** Keys `emcee.jsonc` may hold besides settings: editors read `$schema`. */
const FILE_META_KEYS = new Set(["$schema"]);

/**
 * Merges the layers into complete settings. Precedence, strongest first:
 * `code`, `flags`, `env`, `dotenv`, `file`, then the schema's defaults. Only
 * layers are read that are given; every value a layer gives is checked, even
 * when a stronger layer overrides it, so a broken file is reported at once.
 *
 * An empty environment or `.env` variable counts as not set. `EMCEE_`
 * variables that are no setting only produce a warning, since the environment
 * is shared with other programs; unknown keys in the file or in code are errors.
 *
 * @throws {SettingsError} for an invalid value in any layer, an unknown key in
 * `file` or `code`, or a `file` that is not an object.
 *
 * @example
 * ```ts
 * import { resolveSettings } from "./settings.ts";
 * const { settings, sources } = resolveSettings({
 *   flags: { port: "9000" },
 *   env: { EMCEE_PORT: "8000", EMCEE_HOST: "0.0.0.0" },
 *   file: { port: 7000, logLevel: "debug" },
 * });
 * settings.port; // 9000, sources.port === "flags"
 * settings.host; // "0.0.0.0", sources.host === "env"
 * settings.logLevel; // "debug", sources.logLevel === "file"
 * settings.path; // "/mcp", sources.path === "default"
 * ```
 */
export function resolveSettings(layers: SettingsLayers): ResolvedSettings {
  const resolved = resolveLayers(SETTINGS, layers);
  return {
    settings: resolved.values as unknown as Settings,
    sources: resolved.sources as Record<keyof Settings, SettingsLayer>,
    warnings: resolved.warnings,
  };
}

/**
 * {@link resolveSettings} for any schema: the values and sources are keyed by
 * setting name.
 *
 * @example
 * ```ts
 * import { resolveLayers, type SettingSpec } from "./settings.ts";
 * const schema: SettingSpec[] = [{
 *   name: "retries", flag: "--retries", env: "APP_RETRIES", key: "retries",
 *   type: { kind: "integer", min: 0, max: 9 }, default: 3, description: "Retries.",
 * }];
 * resolveLayers(schema, { env: { APP_RETRIES: "5" } }).values.retries; // 5
 * ```
 */
export function resolveLayers(
  schema: readonly SettingSpec[],
  layers: SettingsLayers,
): {
  values: Record<string, SettingValue>;
  sources: Record<string, SettingsLayer>;
  warnings: string[];
} {
  const fileLabel = layers.fileSource ?? "emcee.jsonc";
  const dotenvLabel = layers.dotenvSource ?? ".env";
  const otherEnv = layers.otherEnv ?? [];
  const byName = new Map(schema.map((spec) => [spec.name, spec]));
  const byKey = new Map(schema.map((spec) => [spec.key, spec]));
  const warnings: string[] = [];
  // Each layer's values, weakest first, so later assignments win.
  const found: [SettingsLayer, Map<string, SettingValue>][] = [];

  if (layers.file !== undefined) {
    found.push(["file", readObject(layers.file, byKey, "file", fileLabel, true)]);
  }
  if (layers.dotenv !== undefined) {
    found.push([
      "dotenv",
      readEnv(schema, layers.dotenv, "dotenv", dotenvLabel, warnings, otherEnv),
    ]);
  }
  if (layers.env !== undefined) {
    found.push(["env", readEnv(schema, layers.env, "env", "environment", warnings, otherEnv)]);
  }
  if (layers.flags !== undefined) found.push(["flags", readFlags(byName, layers.flags)]);
  if (layers.code !== undefined) {
    found.push(["code", readObject(layers.code, byName, "code", "code", false)]);
  }

  const values: Record<string, SettingValue> = {};
  const sources: Record<string, SettingsLayer> = {};
  for (const spec of schema) {
    values[spec.name] = copy(spec.default);
    sources[spec.name] = "default";
  }
  for (const [layer, layerValues] of found) {
    for (const [name, value] of layerValues) {
      values[name] = value;
      sources[name] = layer;
    }
  }
  return { values, sources, warnings };
}

function readObject(
  input: unknown,
  specs: Map<string, SettingSpec>,
  layer: SettingsLayer,
  label: string,
  isFile: boolean,
): Map<string, SettingValue> {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new SettingsError(
      `${label}: settings must be an object of setting names and values, found ${describe(input)}`,
      { value: input, layer, problem: "not-an-object" },
    );
  }
  const out = new Map<string, SettingValue>();
  for (const [key, value] of Object.entries(input)) {
    if (value === undefined || (isFile && FILE_META_KEYS.has(key))) continue;
    const spec = specs.get(key);
    if (spec === undefined) {
      const suggestion = closest(key, [...specs.keys()]);
      const hint = suggestion === undefined ? "" : ` (did you mean ${JSON.stringify(suggestion)}?)`;
      throw new SettingsError(`${label}: unknown setting ${JSON.stringify(key)}${hint}`, {
        setting: key,
        value,
        layer,
        problem: "unknown",
      });
    }
    out.set(
      spec.name,
      checked(spec, readJson(spec.type, value), `${JSON.stringify(key)}: `, value, layer, label),
    );
  }
  return out;
}

function readEnv(
  schema: readonly SettingSpec[],
  env: Record<string, string | undefined>,
  layer: SettingsLayer,
  label: string,
  warnings: string[],
  other: readonly string[],
): Map<string, SettingValue> {
  const out = new Map<string, SettingValue>();
  const names = new Set(schema.map((spec) => spec.env));
  const ignored = new Set(other);
  for (const spec of schema) {
    if (!Object.hasOwn(env, spec.env)) continue;
    const text = env[spec.env];
    if (text === undefined || text === "") continue;
    out.set(
      spec.name,
      checked(spec, readText(spec.type, text), `${spec.env}=`, text, layer, label),
    );
  }
  const prefixes = new Set(schema.map((spec) => spec.env.slice(0, spec.env.indexOf("_") + 1)));
  for (const variable of Object.keys(env)) {
    const prefix = variable.slice(0, variable.indexOf("_") + 1);
    if (prefix === "" || !prefixes.has(prefix) || names.has(variable) || ignored.has(variable)) {
      continue;
    }
    const suggestion = closest(variable, [...names]);
    const hint = suggestion === undefined ? "" : `; did you mean ${suggestion}?`;
    warnings.push(`${variable} (${label}) is not a setting${hint}`);
  }
  return out;
}

function readFlags(specs: Map<string, SettingSpec>, flags: FlagValues): Map<string, SettingValue> {
  const out = new Map<string, SettingValue>();
  for (const [name, given] of Object.entries(flags)) {
    const spec = specs.get(name);
    if (spec === undefined) {
      throw new SettingsError(`command line: unknown setting ${JSON.stringify(name)}`, {
        setting: name,
        value: given,
        layer: "flags",
        problem: "unknown",
      });
    }
    const read = (text: string) =>
      checked(spec, readText(spec.type, text), `${spec.flag}=`, text, "flags", "command line");
    if (typeof given === "boolean") {
      out.set(name, read(String(given)));
    } else if (typeof given === "string") {
      out.set(name, read(given));
    } else if (spec.type.kind === "list") {
      out.set(name, given.flatMap((text) => read(text) as string[]));
    } else if (given.length > 0) {
      out.set(name, read(given[given.length - 1]));
    }
  }
  return out;
}

/** The value of a successful read, after the spec's own check; otherwise the error. */
function checked(
  spec: SettingSpec,
  result: ReadResult,
  where: string,
  raw: unknown,
  layer: SettingsLayer,
  label: string,
): SettingValue {
  const must = result.ok ? spec.check?.(result.value) : result.must;
  if (result.ok && must === undefined) return result.value;
  throw new SettingsError(`${where}${describe(raw)} (${label}): ${spec.name} must ${must}`, {
    setting: spec.name,
    value: raw,
    layer,
    problem: "invalid",
  });
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function copy(value: SettingValue): SettingValue {
  return Array.isArray(value) ? [...value] : value;
}
