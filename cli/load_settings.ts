/**
 * Reads every configuration layer the CLI knows, from the process and the
 * working directory, and resolves them: code, flags, environment, `.env`,
 * `emcee.jsonc`, defaults.
 *
 * @module
 */
import {
  currentDirectory,
  environment,
  joinPath,
  readTextFile,
  resolvePath,
} from "../runtime/mod.ts";
import { CLIENT_SETTINGS } from "./client_specs.ts";
import { FileNotFoundError } from "../runtime/mod.ts";
import { parseDotenv } from "./dotenv.ts";
import { parseJsonc } from "./jsonc.ts";
import {
  type FlagValues,
  type ResolvedSettings,
  resolveSettings,
  type Settings,
} from "./settings.ts";

/** Where {@link loadSettings} looks, and what it was given. */
export interface LoadSettingsOptions {
  /** Settings passed in code: the strongest layer. */
  code?: Partial<Settings>;
  /** Parsed command-line flags. */
  flags?: FlagValues;
  /** The directory holding `.env` and `emcee.jsonc`. Default: the working directory. */
  directory?: string;
  /** The settings file. Default `$EMCEE_CONFIG`, else `emcee.jsonc` in `directory`. */
  configFile?: string;
  /** The environment. Default: the process's. */
  env?: Record<string, string | undefined>;
}

/** The resolved settings, and every variable of the `.env` file (settings or not). */
export interface LoadedSettings extends ResolvedSettings {
  /** The `.env` file's variables; empty when there is none. */
  dotenv: Record<string, string>;
}

/** The names of the environment variables the CLI reads besides settings. */
export const OTHER_ENV: readonly string[] = [
  "EMCEE_CONFIG",
  ...CLIENT_SETTINGS.map((spec) => spec.env),
];

async function readIfPresent(path: string): Promise<string | undefined> {
  try {
    return await readTextFile(path);
  } catch (error) {
    if (error instanceof FileNotFoundError) return undefined;
    throw error;
  }
}

/**
 * Resolves the CLI's settings from every layer. A `.env` or settings file
 * that does not exist is skipped; one that cannot be parsed, or holds a bad
 * value, throws (a `DotenvError`, `JsoncError` or `SettingsError` naming the
 * file, the line and column or the setting).
 *
 * @example
 * ```ts
 * import { loadSettings } from "./load_settings.ts";
 * const { settings, sources } = await loadSettings({ flags: { port: "9000" } });
 * console.log(settings.port, sources.port); // 9000 "flags"
 * ```
 */
export async function loadSettings(options: LoadSettingsOptions = {}): Promise<LoadedSettings> {
  const directory = resolvePath(options.directory ?? currentDirectory());
  const env = options.env ?? environment();
  const dotenvPath = joinPath(directory, ".env");
  const dotenvText = await readIfPresent(dotenvPath);
  // An empty variable counts as unset, as for the settings themselves.
  const configPath = options.configFile ?? (env.EMCEE_CONFIG || undefined) ??
    joinPath(directory, "emcee.jsonc");
  const configText = await readIfPresent(resolvePath(configPath));
  const dotenv = dotenvText === undefined ? undefined : parseDotenv(dotenvText, dotenvPath);
  const resolved = resolveSettings({
    code: options.code,
    flags: options.flags,
    env,
    dotenv,
    dotenvSource: dotenvPath,
    file: configText === undefined ? undefined : parseJsonc(configText, configPath),
    fileSource: configPath,
    otherEnv: OTHER_ENV,
  });
  return { ...resolved, dotenv: dotenv ?? {} };
}
