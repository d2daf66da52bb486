import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  resolveLayers,
  resolveSettings,
  SETTINGS,
  SettingsError,
  type SettingsLayer,
  type SettingsLayers,
  type SettingSpec,
} from "../../cli/settings.ts";
import { readJson, readText } from "../../cli/setting_types.ts";
import { parseJsonc } from "../../cli/jsonc.ts";
import { parseDotenv } from "../../cli/dotenv.ts";

/** Asserts that resolving fails with exactly this message, setting, layer and problem. */
function refuses(
  layers: SettingsLayers,
  message: string,
  expected: { setting?: string; layer: SettingsLayer; problem: string; value?: unknown },
) {
  assert.throws(() => resolveSettings(layers), (error: unknown) => {
    assert.ok(error instanceof SettingsError, `not a SettingsError: ${error}`);
    assert.equal(error.message, message);
    assert.equal(error.name, "SettingsError");
    assert.equal(error.setting, expected.setting);
    assert.equal(error.layer, expected.layer);
    assert.equal(error.problem, expected.problem);
    if ("value" in expected) assert.deepEqual(error.value, expected.value);
    return true;
  });
}

/** Every layer setting port (and logLevel), each to a value of its own. */
const ALL: Required<Pick<SettingsLayers, "code" | "flags" | "env" | "dotenv" | "file">> = {
  code: { port: 1, logLevel: "error" },
  flags: { port: "2", logLevel: "warning" },
  env: { EMCEE_PORT: "3", EMCEE_LOG_LEVEL: "notice" },
  dotenv: { EMCEE_PORT: "4", EMCEE_LOG_LEVEL: "info" },
  file: { port: 5, logLevel: "debug" },
};

describe("resolveSettings: precedence", () => {
  test("with no layers every setting is its default", () => {
    const { settings, sources, warnings } = resolveSettings({});
    assert.deepEqual(settings, {
      host: "127.0.0.1",
      port: 8765,
      path: "/mcp",
      stdio: false,
      toolDirs: ["tools"],
      watch: true,
      allowedOrigins: [],
      allowedHosts: [],
      logLevel: "info",
      name: "emcee",
    });
    assert.ok(Object.values(sources).every((source) => source === "default"));
    assert.deepEqual(warnings, []);
  });

  test("code beats flags", () => {
    const { settings, sources } = resolveSettings(ALL);
    assert.equal(settings.port, 1);
    assert.equal(settings.logLevel, "error");
    assert.equal(sources.port, "code");
    assert.equal(sources.host, "default");
  });

  test("flags beat the environment", () => {
    const { settings, sources } = resolveSettings({ ...ALL, code: {} });
    assert.deepEqual([settings.port, settings.logLevel, sources.port], [2, "warning", "flags"]);
  });

  test("the environment beats .env", () => {
    const { settings, sources } = resolveSettings({ ...ALL, code: undefined, flags: {} });
    assert.deepEqual([settings.port, settings.logLevel, sources.port], [3, "notice", "env"]);
  });

  test(".env beats the file", () => {
    const { settings, sources } = resolveSettings({ dotenv: ALL.dotenv, file: ALL.file, env: {} });
    assert.deepEqual([settings.port, settings.logLevel, sources.port], [4, "info", "dotenv"]);
  });

  test("the file beats the defaults", () => {
    const { settings, sources } = resolveSettings({ file: ALL.file });
    assert.deepEqual([settings.port, settings.logLevel, sources.port], [5, "debug", "file"]);
    assert.equal(sources.logLevel, "file");
  });

  test("layers combine setting by setting", () => {
    const { settings, sources } = resolveSettings({
      code: { name: "from-code" },
      flags: { stdio: true },
      env: { EMCEE_HOST: "0.0.0.0", PATH: "/usr/bin" },
      dotenv: { EMCEE_PATH: "/rpc" },
      file: { toolDirs: ["a", "b"], $schema: "./emcee.schema.json" },
    });
    assert.deepEqual(settings, {
      host: "0.0.0.0",
      port: 8765,
      path: "/rpc",
      stdio: true,
      toolDirs: ["a", "b"],
      watch: true,
      allowedOrigins: [],
      allowedHosts: [],
      logLevel: "info",
      name: "from-code",
    });
    assert.deepEqual(sources, {
      host: "env",
      port: "default",
      path: "dotenv",
      stdio: "flags",
      toolDirs: "file",
      watch: "default",
      allowedOrigins: "default",
      allowedHosts: "default",
      logLevel: "default",
      name: "code",
    });
  });

  test("an empty environment or .env variable counts as not set", () => {
    const { settings, sources } = resolveSettings({
      env: { EMCEE_PORT: "", EMCEE_NAME: undefined },
      dotenv: { EMCEE_PORT: "" },
      file: { port: 5 },
    });
    assert.equal(settings.port, 5);
    assert.equal(sources.port, "file");
    assert.equal(sources.name, "default");
  });

  test("defaults are copied, so changing the result changes no later one", () => {
    resolveSettings({}).settings.toolDirs.push("mutated");
    assert.deepEqual(resolveSettings({}).settings.toolDirs, ["tools"]);
    const file = { allowedOrigins: ["https://a.example"] };
    resolveSettings({ file }).settings.allowedOrigins.push("x");
    assert.deepEqual(file.allowedOrigins, ["https://a.example"]);
  });
});

describe("resolveSettings: reading each type", () => {
  test("lists: comma-separated in env and flags, arrays in the file", () => {
    const env = resolveSettings({
      env: { EMCEE_TOOL_DIRS: " a , b,,c ", EMCEE_ALLOWED_ORIGINS: "https://x.example" },
    });
    assert.deepEqual(env.settings.toolDirs, ["a", "b", "c"]);
    assert.deepEqual(env.settings.allowedOrigins, ["https://x.example"]);
    const flags = resolveSettings({ flags: { toolDirs: ["a,b", "c"] } });
    assert.deepEqual(flags.settings.toolDirs, ["a", "b", "c"]);
    assert.deepEqual(resolveSettings({ file: { toolDirs: [] } }).settings.toolDirs, []);
  });

  test("booleans: true/false in flags and the file, also 1/0, yes/no, on/off in text", () => {
    for (
      const [text, value] of [["true", true], ["0", false], ["YES", true], ["off", false], [
        " On ",
        true,
      ]] as const
    ) {
      assert.equal(resolveSettings({ env: { EMCEE_WATCH: text } }).settings.watch, value, text);
    }
    assert.equal(
      resolveSettings({ flags: { stdio: false }, env: { EMCEE_STDIO: "1" } }).settings.stdio,
      false,
    );
    assert.equal(resolveSettings({ flags: { stdio: "yes" } }).settings.stdio, true);
    assert.equal(resolveSettings({ file: { stdio: true } }).settings.stdio, true);
  });

  test("enums are case-insensitive in text and canonical in the result", () => {
    assert.equal(
      resolveSettings({ env: { EMCEE_LOG_LEVEL: "WARNING" } }).settings.logLevel,
      "warning",
    );
  });

  test("integers allow surrounding spaces and the range ends", () => {
    assert.equal(resolveSettings({ env: { EMCEE_PORT: " 0 " } }).settings.port, 0);
    assert.equal(resolveSettings({ flags: { port: "65535" } }).settings.port, 65535);
    assert.equal(resolveSettings({ file: { port: 1e3 } }).settings.port, 1000);
  });

  test("the readers on their own", () => {
    assert.deepEqual(readText({ kind: "integer", min: 0, max: 9 }, "+7"), { ok: true, value: 7 });
    assert.deepEqual(readText({ kind: "integer", min: 0, max: 9 }, "7.0"), {
      ok: false,
      must: "be an integer from 0 to 9",
    });
    assert.deepEqual(readText({ kind: "string" }, "  kept  "), { ok: true, value: "  kept  " });
    assert.deepEqual(readJson({ kind: "list" }, ["a", 1]), {
      ok: false,
      must: "be a list of strings",
    });
    assert.deepEqual(readJson({ kind: "enum", values: ["a"] }, "A"), {
      ok: false,
      must: "be one of a",
    });
  });
});

describe("resolveSettings: bad values name the setting, the value and the layer", () => {
  const port = "port must be an integer from 0 to 65535";

  test("environment", () => {
    refuses({ env: { EMCEE_PORT: "abc" } }, `EMCEE_PORT="abc" (environment): ${port}`, {
      setting: "port",
      layer: "env",
      problem: "invalid",
      value: "abc",
    });
    refuses({ env: { EMCEE_PORT: "70000" } }, `EMCEE_PORT="70000" (environment): ${port}`, {
      setting: "port",
      layer: "env",
      problem: "invalid",
    });
    refuses(
      { env: { EMCEE_LOG_LEVEL: "verbose" } },
      'EMCEE_LOG_LEVEL="verbose" (environment): logLevel must be one of debug, info, notice, warning, error',
      { setting: "logLevel", layer: "env", problem: "invalid" },
    );
    refuses(
      { env: { EMCEE_STDIO: "maybe" } },
      'EMCEE_STDIO="maybe" (environment): stdio must be true or false (also 1/0, yes/no, on/off)',
      { setting: "stdio", layer: "env", problem: "invalid" },
    );
  });

  test(".env, under its file name", () => {
    refuses({ dotenv: { EMCEE_PORT: "-1" } }, `EMCEE_PORT="-1" (.env): ${port}`, {
      setting: "port",
      layer: "dotenv",
      problem: "invalid",
    });
    refuses(
      { dotenv: { EMCEE_PATH: "mcp" }, dotenvSource: "config/.env.local" },
      'EMCEE_PATH="mcp" (config/.env.local): path must start with /',
      { setting: "path", layer: "dotenv", problem: "invalid" },
    );
  });

  test("command line", () => {
    refuses({ flags: { port: "9000x" } }, `--port="9000x" (command line): ${port}`, {
      setting: "port",
      layer: "flags",
      problem: "invalid",
    });
    refuses({ flags: { port: "" } }, `--port="" (command line): ${port}`, {
      setting: "port",
      layer: "flags",
      problem: "invalid",
    });
    refuses(
      { flags: { watch: "perhaps" } },
      '--watch="perhaps" (command line): watch must be true or false (also 1/0, yes/no, on/off)',
      {
        setting: "watch",
        layer: "flags",
        problem: "invalid",
      },
    );
  });

  test("the file, under its name; types are strict there", () => {
    refuses({ file: { port: "9000" } }, `"port": "9000" (emcee.jsonc): ${port}`, {
      setting: "port",
      layer: "file",
      problem: "invalid",
      value: "9000",
    });
    refuses({ file: { port: 80.5 } }, `"port": 80.5 (emcee.jsonc): ${port}`, {
      setting: "port",
      layer: "file",
      problem: "invalid",
    });
    refuses(
      { file: { toolDirs: "tools" }, fileSource: "app/emcee.jsonc" },
      '"toolDirs": "tools" (app/emcee.jsonc): toolDirs must be a list of strings',
      { setting: "toolDirs", layer: "file", problem: "invalid" },
    );
    refuses(
      { file: { stdio: "true" } },
      '"stdio": "true" (emcee.jsonc): stdio must be true or false',
      {
        setting: "stdio",
        layer: "file",
        problem: "invalid",
      },
    );
    refuses({ file: { name: null } }, '"name": null (emcee.jsonc): name must be a string', {
      setting: "name",
      layer: "file",
      problem: "invalid",
    });
  });

  test("code", () => {
    refuses({ code: { port: "80" as unknown as number } }, `"port": "80" (code): ${port}`, {
      setting: "port",
      layer: "code",
      problem: "invalid",
    });
  });

  test("a bad value is reported even when a stronger layer overrides it", () => {
    refuses({ flags: { port: "9000" }, file: { port: -5 } }, `"port": -5 (emcee.jsonc): ${port}`, {
      setting: "port",
      layer: "file",
      problem: "invalid",
    });
  });

  test("long values are shortened in the message", () => {
    const long = "x".repeat(100);
    assert.throws(
      () => resolveSettings({ env: { EMCEE_PORT: long } }),
      { message: `EMCEE_PORT="${"x".repeat(56)}... (environment): ${port}` },
    );
  });
});

describe("resolveSettings: unknown names", () => {
  test("unknown keys in the file are refused, with the closest known key", () => {
    refuses({ file: { prot: 1 } }, 'emcee.jsonc: unknown setting "prot" (did you mean "port"?)', {
      setting: "prot",
      layer: "file",
      problem: "unknown",
    });
    refuses(
      { file: { tooldirs: ["a"] } },
      'emcee.jsonc: unknown setting "tooldirs" (did you mean "toolDirs"?)',
      {
        setting: "tooldirs",
        layer: "file",
        problem: "unknown",
      },
    );
    refuses({ file: { banana: 1 } }, 'emcee.jsonc: unknown setting "banana"', {
      setting: "banana",
      layer: "file",
      problem: "unknown",
    });
    // A parsed file may hold "__proto__" as an own key; it is refused like any other.
    refuses(
      { file: parseJsonc('{"port": 1, "__proto__": {"port": 2}}') },
      'emcee.jsonc: unknown setting "__proto__"',
      {
        setting: "__proto__",
        layer: "file",
        problem: "unknown",
      },
    );
  });

  test("a file that is not an object is refused", () => {
    for (
      const [file, shown] of [[[], "[]"], [null, "null"], [3, "3"], ["port", '"port"']] as const
    ) {
      refuses(
        { file },
        `emcee.jsonc: settings must be an object of setting names and values, found ${shown}`,
        {
          layer: "file",
          problem: "not-an-object",
        },
      );
    }
  });

  test("unknown keys in code and flags are refused", () => {
    refuses({ code: { prot: 1 } as never }, 'code: unknown setting "prot" (did you mean "port"?)', {
      setting: "prot",
      layer: "code",
      problem: "unknown",
    });
    refuses({ flags: { prot: "1" } }, 'command line: unknown setting "prot"', {
      setting: "prot",
      layer: "flags",
      problem: "unknown",
    });
  });

  test("EMCEE_ variables that are no setting are warnings, other variables are ignored", () => {
    const { warnings } = resolveSettings({
      env: { EMCEE_PROT: "1", HOME: "/home/x", EMCEE_PORT: "1" },
      dotenv: { EMCEE_SOMETHING_ELSE: "x" },
    });
    assert.deepEqual(warnings, [
      "EMCEE_SOMETHING_ELSE (.env) is not a setting",
      "EMCEE_PROT (environment) is not a setting; did you mean EMCEE_PORT?",
    ]);
    const quiet = resolveSettings({ env: { EMCEE_CONFIG: "x.jsonc" }, otherEnv: ["EMCEE_CONFIG"] });
    assert.deepEqual(quiet.warnings, []);
  });
});

describe("resolveSettings with parsed files", () => {
  test("emcee.jsonc and .env texts feed their layers", () => {
    const file = parseJsonc('{\n  // dev\n  "port": 9000,\n  "toolDirs": ["tools", "more",],\n}');
    const dotenv = parseDotenv(
      "EMCEE_LOG_LEVEL=debug # chatty\nexport EMCEE_ALLOWED_ORIGINS='https://a.example,https://b.example'\n",
    );
    const { settings, sources } = resolveSettings({ file, dotenv, env: { EMCEE_PORT: "9100" } });
    assert.deepEqual(
      [settings.port, settings.toolDirs, settings.logLevel, settings.allowedOrigins],
      [9100, ["tools", "more"], "debug", ["https://a.example", "https://b.example"]],
    );
    assert.deepEqual([sources.port, sources.toolDirs, sources.logLevel], ["env", "file", "dotenv"]);
  });
});

describe("the schema", () => {
  test("names follow one pattern across layers", () => {
    const names = SETTINGS.map((spec) => spec.name);
    assert.deepEqual(names.toSorted(), [
      "allowedHosts",
      "allowedOrigins",
      "host",
      "logLevel",
      "name",
      "path",
      "port",
      "stdio",
      "toolDirs",
      "watch",
    ]);
    const toolDirs = SETTINGS.find((spec) => spec.name === "toolDirs");
    assert.deepEqual(
      [toolDirs?.flag, toolDirs?.env, toolDirs?.key],
      ["--tool-dirs", "EMCEE_TOOL_DIRS", "toolDirs"],
    );
    for (const spec of SETTINGS) {
      assert.equal(spec.key, spec.name);
      assert.match(spec.flag, /^--[a-z]+(-[a-z]+)*$/);
      assert.match(spec.env, /^EMCEE_[A-Z]+(_[A-Z]+)*$/);
      assert.ok(spec.description.endsWith("."), spec.name);
    }
    const flags = SETTINGS.flatMap((spec) => [
      spec.flag,
      ...(spec.short === undefined ? [] : [spec.short]),
      ...(spec.type.kind === "boolean" ? [`--no-${spec.flag.slice(2)}`] : []),
    ]);
    for (
      const names of [
        flags,
        SETTINGS.map((spec) => spec.env),
        SETTINGS.map((spec) => spec.key),
      ]
    ) {
      assert.equal(new Set(names).size, names.length, `a name is used twice: ${names}`);
    }
    assert.ok(!flags.includes("--help") && !flags.includes("-h"), "--help and -h stay free");
  });

  test("resolveLayers works for any schema", () => {
    const schema: SettingSpec[] = [{
      name: "retries",
      flag: "--retries",
      env: "APP_RETRIES",
      key: "retries",
      type: { kind: "integer", min: 0, max: 9 },
      default: 3,
      description: "Retries.",
    }];
    assert.deepEqual(resolveLayers(schema, { env: { APP_RETRIES: "5", APP_OTHER: "1" } }), {
      values: { retries: 5 },
      sources: { retries: "env" },
      warnings: ["APP_OTHER (environment) is not a setting"],
    });
  });
});
