import { test } from "node:test";
import assert from "node:assert/strict";
import { joinPath, writeTextFile } from "../../runtime/mod.ts";
import { loadSettings } from "../../cli/load_settings.ts";
import { main } from "../../cli/main.ts";
import { SettingsError } from "../../cli/settings.ts";
import { JsoncError } from "../../cli/jsonc.ts";
import { DotenvError } from "../../cli/dotenv.ts";
import { withTempDir } from "../temp.ts";

/** A directory with every file layer setting `port` (and one other setting each). */
async function layeredDirectory(dir: string): Promise<void> {
  await writeTextFile(
    joinPath(dir, "emcee.jsonc"),
    '{\n  // the weakest file layer\n  "port": 1001,\n  "path": "/from-file",\n}\n',
  );
  await writeTextFile(joinPath(dir, ".env"), "export EMCEE_PORT=1002\nEMCEE_NAME='from dotenv'\n");
}

test("each layer overrides the ones below it: code > flags > env > .env > emcee.jsonc > default", async () => {
  await withTempDir("emcee-layers", async (directory) => {
    await layeredDirectory(directory);
    const env = { EMCEE_PORT: "1003", EMCEE_HOST: "0.0.0.0" };
    const flags = { port: "1004", logLevel: "debug" };

    const file = await loadSettings({ directory, env: {} });
    assert.equal(file.settings.port, 1002); // .env beats the file
    assert.equal(file.sources.port, "dotenv");
    assert.equal(file.settings.path, "/from-file");
    assert.equal(file.sources.path, "file");
    assert.equal(file.settings.name, "from dotenv");
    assert.equal(file.sources.stdio, "default");

    const fromEnv = await loadSettings({ directory, env });
    assert.equal(fromEnv.settings.port, 1003);
    assert.equal(fromEnv.sources.port, "env");
    assert.equal(fromEnv.settings.host, "0.0.0.0");

    const fromFlags = await loadSettings({ directory, env, flags });
    assert.equal(fromFlags.settings.port, 1004);
    assert.equal(fromFlags.sources.port, "flags");
    assert.equal(fromFlags.sources.logLevel, "flags");

    const fromCode = await loadSettings({ directory, env, flags, code: { port: 1005 } });
    assert.equal(fromCode.settings.port, 1005);
    assert.equal(fromCode.sources.port, "code");
    // The weaker layers still supply what the stronger ones leave unset.
    assert.deepEqual(
      [fromCode.sources.path, fromCode.sources.name, fromCode.sources.host],
      ["file", "dotenv", "env"],
    );
  });
});

test("no files and no environment: the defaults", async () => {
  await withTempDir("emcee-defaults", async (directory) => {
    const { settings, sources } = await loadSettings({ directory, env: {} });
    assert.equal(settings.port, 8765);
    assert.equal(settings.host, "127.0.0.1");
    assert.equal(settings.path, "/mcp");
    assert.equal(settings.watch, true);
    assert.ok(Object.values(sources).every((source) => source === "default"));
  });
});

test("EMCEE_CONFIG names the settings file", async () => {
  await withTempDir("emcee-config-env", async (directory) => {
    const other = joinPath(directory, "other.jsonc");
    await writeTextFile(other, '{ "port": 4321 }');
    const { settings } = await loadSettings({ directory, env: { EMCEE_CONFIG: other } });
    assert.equal(settings.port, 4321);
  });
});

test("a misspelt EMCEE_ variable is a warning with a suggestion; the client's own are not", async () => {
  await withTempDir("emcee-warn", async (directory) => {
    const { warnings } = await loadSettings({
      directory,
      env: { EMCEE_PROT: "1", EMCEE_JSON: "true", EMCEE_CONFIG: "" },
    });
    assert.deepEqual(warnings, [
      "EMCEE_PROT (environment) is not a setting; did you mean EMCEE_PORT?",
    ]);
  });
});

test("a bad value names the setting, the value and the layer it came from", async () => {
  await withTempDir("emcee-bad", async (directory) => {
    await writeTextFile(joinPath(directory, ".env"), "EMCEE_PORT=80000\n");
    await assert.rejects(loadSettings({ directory, env: {} }), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.equal(error.layer, "dotenv");
      assert.equal(error.setting, "port");
      assert.match(error.message, /^EMCEE_PORT="80000" \(.*\.env\): port must be an integer/);
      return true;
    });
  });
  await withTempDir("emcee-bad-env", async (directory) => {
    await assert.rejects(
      loadSettings({ directory, env: { EMCEE_PORT: "abc" } }),
      /EMCEE_PORT="abc" \(environment\): port must be an integer/,
    );
  });
});

test("a broken emcee.jsonc or .env is refused with its line and column", async () => {
  await withTempDir("emcee-broken", async (directory) => {
    await writeTextFile(joinPath(directory, "emcee.jsonc"), '{\n  "port": 1,\n  "host" "x"\n}\n');
    await assert.rejects(loadSettings({ directory, env: {} }), (error: unknown) => {
      assert.ok(error instanceof JsoncError);
      assert.equal(error.line, 3);
      assert.equal(error.column, 10);
      return true;
    });
  });
  await withTempDir("emcee-broken-env", async (directory) => {
    await writeTextFile(joinPath(directory, ".env"), 'EMCEE_PORT="9000\n');
    await assert.rejects(loadSettings({ directory, env: {} }), (error: unknown) => {
      assert.ok(error instanceof DotenvError);
      assert.equal(error.line, 1);
      return true;
    });
  });
});

test("emcee serve refuses a bad flag value at start: exit 2 and the message", async () => {
  const errors: string[] = [];
  const code = await main(["serve", "--port", "none"], {
    print: () => {},
    error: (line) => errors.push(line),
  });
  assert.equal(code, 2);
  assert.match(errors[0], /^emcee serve: --port="none" \(command line\): port must be an integer/);
  assert.match(errors[1], /emcee serve --help/);
});

test("an unknown command suggests the closest one", async () => {
  const errors: string[] = [];
  const code = await main(["serv"], { print: () => {}, error: (line) => errors.push(line) });
  assert.equal(code, 2);
  assert.match(errors[0], /unknown command "serv" \(did you mean "serve"\?\)/);
});

test("origin policy: loopback binding checks Host; another interface accepts any Host unless listed", async () => {
  const { originPolicy } = await import("../../cli/serve.ts");
  const { originProblem } = await import("../../transports/http/origin_guard.ts");
  const request = (host: string, origin?: string) =>
    new Request(`http://${host}/mcp`, { headers: origin ? { host, origin } : { host } });
  const local = originPolicy({ host: "127.0.0.1", allowedOrigins: [], allowedHosts: [] });
  assert.equal(originProblem(request("127.0.0.1:8765"), local), undefined);
  assert.equal(
    originProblem(request("evil.example:8765"), local),
    "Host evil.example:8765 is not allowed",
  );
  const open = originPolicy({ host: "0.0.0.0", allowedOrigins: [], allowedHosts: [] });
  assert.equal(originProblem(request("10.0.0.5:8765"), open), undefined);
  assert.equal(
    originProblem(request("10.0.0.5:8765", "https://page.example"), open),
    "Origin https://page.example is not allowed",
  );
  const listed = originPolicy({
    host: "0.0.0.0",
    allowedOrigins: ["https://page.example"],
    allowedHosts: ["mcp.example"],
  });
  assert.equal(
    originProblem(request("mcp.example:8765", "https://page.example"), listed),
    undefined,
  );
  assert.equal(
    originProblem(request("10.0.0.5:8765"), listed),
    "Host 10.0.0.5:8765 is not allowed",
  );
});
