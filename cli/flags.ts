/**
 * Command-line parsing for one command, driven by the settings schema: every
 * setting's flag (and short alias) is accepted, its values are kept as text for
 * `resolveSettings` to check, so a bad value is reported like any other layer's.
 *
 * @module
 */

import type { FlagValues } from "./settings.ts";
import type { SettingSpec } from "./setting_types.ts";
import { closest } from "./suggest.ts";

export { helpText, settingsMarkdownTable } from "./help.ts";

/**
 * What a command accepts besides its settings' flags.
 *
 * @example
 * ```ts
 * import type { CommandSpec } from "./flags.ts";
 * const serve: CommandSpec = {
 *   program: "emcee",
 *   name: "serve",
 *   summary: "Serve the tools in the given directories over HTTP or stdio.",
 *   positionals: { name: "dir", description: "A tool directory.", variadic: true, setting: "toolDirs" },
 * };
 * ```
 */
export interface CommandSpec {
  /** The program's name in usage lines; default `emcee`. */
  readonly program?: string;
  /** The command's name: `serve`. */
  readonly name: string;
  /** One or two sentences for `--help`. */
  readonly summary: string;
  /** The arguments that are not flags, if the command takes any. */
  readonly positionals?: {
    /** Their name in usage lines: `dir`. */
    readonly name: string;
    /** What they are, for `--help`. */
    readonly description: string;
    /** Whether more than one may be given. */
    readonly variadic?: boolean;
    /** A list setting the arguments are added to (`toolDirs`), as if given by its flag. */
    readonly setting?: string;
  };
  /** The arguments after `--`, kept as they are, if the command takes them (e.g. a command to spawn). */
  readonly rest?: {
    /** Their name in usage lines: `command`. */
    readonly name: string;
    /** What they are, for `--help`. */
    readonly description: string;
  };
}

/** The result of {@link parseFlags}. */
export interface ParsedFlags {
  /**
   * The settings given on the command line, by setting name, as text for
   * `resolveSettings`: a string, `true`/`false` for `--flag`/`--no-flag`, and
   * for list settings every occurrence (and the positionals, if they feed one).
   */
  flags: FlagValues;
  /** The arguments that are not flags, in order. */
  positionals: string[];
  /** The arguments after `--`, or `undefined` when there was no `--`. */
  rest: string[] | undefined;
  /** Whether `--help` or `-h` was given. */
  help: boolean;
}

/** What was wrong with the command line. */
export type FlagProblem = "unknown" | "missing-value" | "not-boolean" | "unexpected-argument";

/**
 * A command line that cannot be parsed. `flag` is the argument as given.
 *
 * @example
 * ```ts
 * import { FlagError, parseFlags } from "./flags.ts";
 * import { SETTINGS } from "./settings.ts";
 * try {
 *   parseFlags(["--prot", "9000"], { name: "serve", summary: "" }, SETTINGS);
 * } catch (error) {
 *   if (error instanceof FlagError) console.log(error.message); // unknown flag --prot (did you mean --port?)
 * }
 * ```
 */
export class FlagError extends Error {
  /** The argument that was wrong, as given. */
  readonly flag: string;
  /** What was wrong with it. */
  readonly problem: FlagProblem;

  /** Builds the error with a finished message. */
  constructor(message: string, flag: string, problem: FlagProblem) {
    super(message);
    this.name = "FlagError";
    this.flag = flag;
    this.problem = problem;
  }
}

/**
 * Parses the arguments after the command name.
 *
 * - `--port 9000` and `--port=9000`; `-p 9000` and `-p=9000` for a short
 *   alias declared in the schema. (`-p9000` is refused as an unknown flag:
 *   joined short values would read `-port` as `-p ort`.)
 * - Boolean settings: `--stdio` is true, `--no-stdio` false; `--stdio=false`
 *   is checked like any value.
 * - List settings collect every occurrence (`--tool-dirs a --tool-dirs b,c`);
 *   other flags given twice keep the last.
 * - `--help` and `-h` set `help`.
 * - A value cannot start with `-` unless joined with `=` (`--name=-x`), so a
 *   forgotten value does not swallow the next flag.
 * - `--` ends the options; everything after it is `rest`, untouched.
 *
 * @throws {FlagError} for an unknown flag (with the closest known one), a
 * missing value, `--no-` on a setting that is not boolean, or an argument the
 * command does not take.
 *
 * @example
 * ```ts
 * import { parseFlags } from "./flags.ts";
 * import { SETTINGS } from "./settings.ts";
 * const serve = {
 *   name: "serve",
 *   summary: "Serve tools.",
 *   positionals: { name: "dir", description: "A tool directory.", variadic: true, setting: "toolDirs" },
 * };
 * parseFlags(["-p", "9000", "--no-watch", "tools", "more"], serve, SETTINGS);
 * // { flags: { port: "9000", watch: false, toolDirs: ["tools", "more"] },
 * //   positionals: ["tools", "more"], rest: undefined, help: false }
 * ```
 */
export function parseFlags(
  argv: readonly string[],
  command: CommandSpec,
  schema: readonly SettingSpec[],
): ParsedFlags {
  const byFlag = new Map<string, SettingSpec>();
  for (const spec of schema) {
    byFlag.set(spec.flag, spec);
    if (spec.short !== undefined) byFlag.set(spec.short, spec);
  }
  const flags: FlagValues = {};
  const positionals: string[] = [];
  let rest: string[] | undefined;
  let help = false;

  const set = (spec: SettingSpec, value: string | boolean) => {
    if (spec.type.kind !== "list" || typeof value === "boolean") {
      flags[spec.name] = value;
      return;
    }
    const list = flags[spec.name];
    flags[spec.name] = Array.isArray(list) ? [...list, value] : [value];
  };

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      rest = argv.slice(i + 1);
      break;
    }
    if (arg === "--help" || arg === "-h") {
      help = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const { name, inline } = split(arg);
    const spec = byFlag.get(name);
    if (spec === undefined && name.startsWith("--no-")) {
      const negated = byFlag.get(`--${name.slice(5)}`);
      if (negated !== undefined) {
        if (negated.type.kind !== "boolean") {
          throw new FlagError(
            `${name}: ${negated.flag} is not a yes/no flag; give it a value instead`,
            arg,
            "not-boolean",
          );
        }
        if (inline !== undefined) {
          throw new FlagError(`${name} takes no value`, arg, "not-boolean");
        }
        set(negated, false);
        continue;
      }
    }
    if (spec === undefined) throw unknownFlag(arg, name, schema);
    if (inline !== undefined) {
      set(spec, inline);
    } else if (spec.type.kind === "boolean") {
      set(spec, true);
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith("-") && next !== "-")) {
        throw new FlagError(`${name} needs a value`, arg, "missing-value");
      }
      set(spec, next);
      i++;
    }
  }

  checkArguments(command, positionals, rest);
  const target = command.positionals?.setting;
  if (target !== undefined && positionals.length > 0) {
    const list = flags[target];
    flags[target] = [...(Array.isArray(list) ? list : []), ...positionals];
  }
  return { flags, positionals, rest, help };
}

/** Splits `--name=value` and `-p=value` into flag and inline value. */
function split(arg: string): { name: string; inline: string | undefined } {
  const equals = arg.indexOf("=");
  return equals < 0
    ? { name: arg, inline: undefined }
    : { name: arg.slice(0, equals), inline: arg.slice(equals + 1) };
}

function unknownFlag(arg: string, name: string, schema: readonly SettingSpec[]): FlagError {
  const known = ["--help", "-h"];
  for (const spec of schema) {
    known.push(spec.flag);
    if (spec.short !== undefined) known.push(spec.short);
    if (spec.type.kind === "boolean") known.push(`--no-${spec.flag.slice(2)}`);
  }
  // Compare without dashes, so "-port" suggests "--port".
  const bare = known.map((flag) => flag.replace(/^-+/, ""));
  const match = closest(name.replace(/^-+/, ""), bare);
  const hint = match === undefined ? "" : ` (did you mean ${known[bare.indexOf(match)]}?)`;
  return new FlagError(`unknown flag ${name}${hint}`, arg, "unknown");
}

function checkArguments(
  command: CommandSpec,
  positionals: readonly string[],
  rest: readonly string[] | undefined,
): void {
  const full = `${command.program ?? "emcee"} ${command.name}`;
  const accepted = command.positionals;
  const extra = accepted === undefined ? 0 : accepted.variadic ? Infinity : 1;
  if (positionals.length > extra) {
    const what = accepted === undefined ? "no arguments" : `one ${accepted.name}`;
    throw new FlagError(
      `unexpected argument ${JSON.stringify(positionals[extra])}: ${full} takes ${what}`,
      positionals[extra],
      "unexpected-argument",
    );
  }
  if (rest !== undefined && rest.length > 0 && command.rest === undefined) {
    throw new FlagError(`${full} takes no arguments after --`, rest[0], "unexpected-argument");
  }
}
