import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  type CommandSpec,
  FlagError,
  type FlagProblem,
  helpText,
  parseFlags,
  settingsMarkdownTable,
} from "../../cli/flags.ts";
import { resolveSettings, SETTINGS, SettingsError, type SettingSpec } from "../../cli/settings.ts";

const serve: CommandSpec = {
  name: "serve",
  summary: "Serve the tools in the given directories.",
  positionals: {
    name: "dir",
    description: "A tool directory.",
    variadic: true,
    setting: "toolDirs",
  },
};
const run: CommandSpec = {
  name: "run",
  summary: "Spawn a command with the server's settings.",
  rest: { name: "command", description: "The command to spawn." },
};
const bare: CommandSpec = { name: "check", summary: "Check the settings." };

function parse(argv: string[], command: CommandSpec = serve) {
  return parseFlags(argv, command, SETTINGS);
}

/** Asserts that parsing `argv` fails with exactly this message, argument and problem. */
function refuses(
  argv: string[],
  message: string,
  flag: string,
  problem: FlagProblem,
  command = serve,
) {
  assert.throws(() => parse(argv, command), (error: unknown) => {
    assert.ok(error instanceof FlagError, `not a FlagError: ${error}`);
    assert.deepEqual({ message: error.message, flag: error.flag, problem: error.problem }, {
      message,
      flag,
      problem,
    });
    assert.equal(error.name, "FlagError");
    return true;
  });
}

describe("parseFlags", () => {
  test("nothing given is nothing set", () => {
    assert.deepEqual(parse([]), { flags: {}, positionals: [], rest: undefined, help: false });
  });

  test("--flag value and --flag=value", () => {
    assert.deepEqual(parse(["--port", "9000", "--host=0.0.0.0", "--name=a=b"]).flags, {
      port: "9000",
      host: "0.0.0.0",
      name: "a=b",
    });
    assert.deepEqual(parse(["--name="]).flags, { name: "" });
    assert.deepEqual(parse(["--name=-dashed"]).flags, { name: "-dashed" });
    assert.deepEqual(parse(["--path", "-"]).flags, { path: "-" });
  });

  test("short aliases: -p 9000 and -p=9000", () => {
    for (const argv of [["-p", "9000"], ["-p=9000"]]) {
      assert.deepEqual(parse(argv).flags, { port: "9000" }, argv.join(" "));
    }
  });

  test("booleans: --flag is true, --no-flag false, --flag=value kept for checking", () => {
    assert.deepEqual(parse(["--stdio", "--no-watch"]).flags, { stdio: true, watch: false });
    assert.deepEqual(parse(["--stdio=false"]).flags, { stdio: "false" });
    // A boolean flag never takes the next argument as its value.
    assert.deepEqual(parse(["--stdio", "tools"]), {
      flags: { stdio: true, toolDirs: ["tools"] },
      positionals: ["tools"],
      rest: undefined,
      help: false,
    });
    assert.deepEqual(parse(["--stdio", "--no-stdio"]).flags, { stdio: false }, "the last one wins");
  });

  test("list flags collect every occurrence; other flags keep the last", () => {
    assert.deepEqual(
      parse(["--tool-dirs", "a,b", "--tool-dirs=c", "--allowed-origins", "https://x.example"])
        .flags,
      {
        toolDirs: ["a,b", "c"],
        allowedOrigins: ["https://x.example"],
      },
    );
    assert.deepEqual(parse(["--port", "1", "-p", "2"]).flags, { port: "2" });
    const { settings } = resolveSettings({
      flags: parse(["--tool-dirs", "a,b", "--tool-dirs=c"]).flags,
    });
    assert.deepEqual(settings.toolDirs, ["a", "b", "c"]);
  });

  test("positionals feed the command's list setting, after its flags", () => {
    const parsed = parse(["dir1", "--port", "1", "dir2", "--tool-dirs", "x"]);
    assert.deepEqual(parsed.positionals, ["dir1", "dir2"]);
    assert.deepEqual(parsed.flags, { port: "1", toolDirs: ["x", "dir1", "dir2"] });
    assert.deepEqual(
      resolveSettings({ flags: parsed.flags, env: { EMCEE_TOOL_DIRS: "env" } }).settings.toolDirs,
      [
        "x",
        "dir1",
        "dir2",
      ],
    );
    assert.deepEqual(parse(["-"]).positionals, ["-"]);
  });

  test("-- ends the options; the rest is kept as given", () => {
    assert.deepEqual(parse(["--port", "1", "--", "node", "--port", "2", "-h", "--"], run), {
      flags: { port: "1" },
      positionals: [],
      rest: ["node", "--port", "2", "-h", "--"],
      help: false,
    });
    assert.deepEqual(parse(["--"], run).rest, []);
    assert.deepEqual(parse(["--"], serve).rest, [], "an empty rest is fine for any command");
  });

  test("--help and -h", () => {
    assert.equal(parse(["--help"]).help, true);
    assert.equal(parse(["-p", "1", "-h"]).help, true);
    assert.equal(parse(["--", "-h"], run).help, false);
  });

  test("values are kept as text; resolveSettings reports bad ones as the command line's", () => {
    const { flags } = parse(["-p", "http"]);
    assert.throws(() => resolveSettings({ flags }), (error: unknown) => {
      assert.ok(error instanceof SettingsError);
      assert.equal(
        error.message,
        '--port="http" (command line): port must be an integer from 0 to 65535',
      );
      assert.equal(error.layer, "flags");
      return true;
    });
  });
});

describe("parseFlags: errors", () => {
  test("unknown flags, with the closest known one", () => {
    refuses(["--prot", "1"], "unknown flag --prot (did you mean --port?)", "--prot", "unknown");
    refuses(["--prot=1"], "unknown flag --prot (did you mean --port?)", "--prot=1", "unknown");
    refuses(["-port"], "unknown flag -port (did you mean --port?)", "-port", "unknown");
    refuses(["-p9000"], "unknown flag -p9000", "-p9000", "unknown");
    refuses(
      ["--tooldirs", "x"],
      "unknown flag --tooldirs (did you mean --tool-dirs?)",
      "--tooldirs",
      "unknown",
    );
    refuses(
      ["--no-stdoi"],
      "unknown flag --no-stdoi (did you mean --no-stdio?)",
      "--no-stdoi",
      "unknown",
    );
    refuses(["--hlep"], "unknown flag --hlep (did you mean --help?)", "--hlep", "unknown");
    refuses(["--verbose"], "unknown flag --verbose", "--verbose", "unknown");
    refuses(["-x"], "unknown flag -x", "-x", "unknown");
    refuses(["-xyz"], "unknown flag -xyz", "-xyz", "unknown");
  });

  test("a missing value, also when the next argument is a flag", () => {
    refuses(["--port"], "--port needs a value", "--port", "missing-value");
    refuses(["-p"], "-p needs a value", "-p", "missing-value");
    refuses(["--host", "--stdio"], "--host needs a value", "--host", "missing-value");
    refuses(["--host", "-p", "1"], "--host needs a value", "--host", "missing-value");
  });

  test("--no- on a setting that takes a value, or with a value", () => {
    refuses(
      ["--no-port"],
      "--no-port: --port is not a yes/no flag; give it a value instead",
      "--no-port",
      "not-boolean",
    );
    refuses(["--no-stdio=1"], "--no-stdio takes no value", "--no-stdio=1", "not-boolean");
  });

  test("arguments the command does not take", () => {
    refuses(
      ["x"],
      'unexpected argument "x": emcee check takes no arguments',
      "x",
      "unexpected-argument",
      bare,
    );
    refuses(
      ["--", "node"],
      "emcee serve takes no arguments after --",
      "node",
      "unexpected-argument",
      serve,
    );
    const one: CommandSpec = {
      name: "init",
      summary: "",
      positionals: { name: "dir", description: "" },
    };
    assert.deepEqual(parse(["a"], one).positionals, ["a"]);
    refuses(
      ["a", "b"],
      'unexpected argument "b": emcee init takes one dir',
      "b",
      "unexpected-argument",
      one,
    );
  });
});

describe("helpText", () => {
  test("usage, summary, arguments, and every setting with flag, env var, default and description", () => {
    const text = helpText({ ...serve, rest: run.rest }, SETTINGS);
    const lines = text.split("\n");
    assert.deepEqual(lines.slice(0, 8), [
      "Usage: emcee serve [options] [dir...] [-- command...]",
      "",
      "Serve the tools in the given directories.",
      "",
      "Arguments:",
      "  dir...                      A tool directory.",
      "  -- command...               The command to spawn.",
      "",
    ]);
    assert.ok(text.includes([
      "  -p, --port <port>           Port to listen on for HTTP; 0 picks a free one.",
      "                              env EMCEE_PORT, default 8765",
    ].join("\n")));
    assert.ok(
      text.includes("      --stdio, --no-stdio     Serve over stdin/stdout instead of HTTP.\n"),
    );
    assert.ok(
      text.includes(
        "one of debug, info, notice, warning, error; env EMCEE_LOG_LEVEL, default info",
      ),
    );
    // A flag too long for the column puts its description on the next line.
    assert.ok(text.includes([
      "      --allowed-origins <origin,...>",
      "                              Browser origins allowed besides loopback ones.",
      "                              comma-separated or repeated; env EMCEE_ALLOWED_ORIGINS, default none",
    ].join("\n")));
    assert.ok(text.endsWith("  -h, --help                  Show this help.\n"));
    for (const spec of SETTINGS) {
      for (const part of [spec.flag, spec.env, spec.description]) {
        assert.ok(text.includes(part), part);
      }
    }
  });

  test("a command without arguments, and a schema without placeholders", () => {
    const schema: SettingSpec[] = [
      {
        name: "level",
        flag: "--level",
        env: "APP_LEVEL",
        key: "level",
        type: { kind: "integer", min: 1, max: 3 },
        default: 2,
        description: "Level.",
      },
      {
        name: "label",
        flag: "--label",
        env: "APP_LABEL",
        key: "label",
        type: { kind: "string" },
        default: "",
        description: "Label.",
      },
    ];
    assert.equal(
      helpText({ program: "app", name: "go", summary: "Go." }, schema),
      [
        "Usage: app go [options]",
        "",
        "Go.",
        "",
        "Options:",
        "      --level <1-3>     Level.",
        "                        env APP_LEVEL, default 2",
        "      --label <value>   Label.",
        '                        env APP_LABEL, default ""',
        "  -h, --help            Show this help.",
        "",
      ].join("\n"),
    );
  });
});

describe("settingsMarkdownTable", () => {
  test("one row per setting, with every name it goes by", () => {
    const rows = settingsMarkdownTable(SETTINGS).trimEnd().split("\n");
    assert.equal(rows.length, SETTINGS.length + 2);
    assert.equal(rows[0], "| Flag | Environment | emcee.jsonc | Type | Default | Description |");
    assert.equal(rows[1], "| --- | --- | --- | --- | --- | --- |");
    assert.ok(rows.includes(
      "| `-p`, `--port` | `EMCEE_PORT` | `port` | integer 0–65535 | `8765` | Port to listen on for HTTP; 0 picks a free one. |",
    ));
    assert.ok(rows.includes(
      "| `--allowed-origins` | `EMCEE_ALLOWED_ORIGINS` | `allowedOrigins` | list of strings | none | Browser origins allowed besides loopback ones. |",
    ));
    assert.ok(
      rows.some((row) => row.includes("one of `debug`, `info`, `notice`, `warning`, `error`")),
    );
  });

  test("pipes in cells are escaped", () => {
    const schema: SettingSpec[] = [{
      name: "sep",
      flag: "--sep",
      env: "APP_SEP",
      key: "sep",
      type: { kind: "string" },
      default: "|",
      description: "Separator, e.g. | or ,.",
    }];
    assert.equal(
      settingsMarkdownTable(schema).split("\n")[2],
      "| `--sep` | `APP_SEP` | `sep` | string | `\\|` | Separator, e.g. \\| or ,. |",
    );
  });
});
