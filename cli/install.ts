/**
 * `emcee install`: writes a server entry into an MCP client's config file, merging with
 * what is there and keeping a backup of the old file.
 *
 * @module
 */

import { isObject } from "../protocol/jsonrpc.ts";
import {
  baseName,
  currentDirectory,
  executablePath,
  fileInfo,
  getEnv,
  homeDirectory,
  joinPath,
  makeDirectory,
  parentDirectory,
  pathSeparator,
  readTextFile,
  resolvePath,
  runtimeName,
  writeFileAtomic,
} from "../runtime/mod.ts";
import {
  CLIENT_NAMES,
  clientEntry,
  type ClientName,
  defaultConfigPath,
  isClientName,
  type PlatformFamily,
  type ServerLaunch,
  serversKey,
} from "./client_configs.ts";
import { JsoncError, parseJsonc } from "./jsonc.ts";

/** Why an install could not proceed: `usage` (exit 2) or `refused` (exit 1). */
export class InstallError extends Error {
  /** `usage` for a bad command line, `refused` for a config file we will not change. */
  readonly kind: "usage" | "refused";
  /** Builds the error. */
  constructor(kind: "usage" | "refused", message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InstallError";
    this.kind = kind;
  }
}

/** The parsed `emcee install` command line. */
export interface InstallOptions {
  /** The tool file or directory to serve. */
  target: string;
  /** Which client to configure. */
  client: ClientName;
  /** The server's name in the config; default the target's base name. */
  name?: string;
  /** Extra environment for the server. */
  env?: Record<string, string>;
  /** The config file to write, overriding the client's default location. */
  config?: string;
  /** An `emcee` executable to launch instead of this runtime plus `cli/main.ts`. */
  emceeCommand?: string;
}

/** Where `install` prints. */
export interface InstallIo {
  /** Prints one line of normal output. */
  print(line: string): void;
  /** Prints one line of error output. */
  error(line: string): void;
}

/** The result of {@linkcode installEntry}. */
export interface InstalledText {
  /** The new file text. */
  text: string;
  /** Whether a server of that name was already there. */
  replaced: boolean;
  /** Whether the old text had comments or trailing commas, which the rewrite drops. */
  lostComments: boolean;
}

/**
 * Adds or replaces server `name` in a client config's text, keeping every other key and server.
 * Throws {@linkcode InstallError} (`refused`) when the text is not JSONC or has the wrong shape.
 *
 * @example
 * ```ts
 * import { installEntry } from "./install.ts";
 * installEntry(undefined, "cursor", "tools", { command: "emcee", args: ["serve"], env: {} }).text;
 * ```
 */
export function installEntry(
  existingText: string | undefined,
  client: ClientName,
  name: string,
  entry: Record<string, unknown>,
  source?: string,
): InstalledText {
  const key = serversKey(client);
  let root: Record<string, unknown> = {};
  let lostComments = false;
  if (existingText !== undefined && existingText.trim() !== "") {
    let parsed: unknown;
    try {
      parsed = parseJsonc(existingText, source);
    } catch (error) {
      if (error instanceof JsoncError) {
        throw new InstallError("refused", `not valid JSON: ${error.message}`, { cause: error });
      }
      throw error;
    }
    if (!isObject(parsed)) {
      throw new InstallError("refused", `${source ?? "config"}: the top level is not an object`);
    }
    root = parsed;
    try {
      JSON.parse(existingText);
    } catch {
      lostComments = true;
    }
  }
  const servers = root[key] ?? {};
  if (!isObject(servers)) {
    throw new InstallError("refused", `${source ?? "config"}: "${key}" is not an object`);
  }
  const replaced = Object.hasOwn(servers, name);
  const merged = { ...root, [key]: { ...servers, [name]: entry } };
  return { text: JSON.stringify(merged, null, 2) + "\n", replaced, lostComments };
}

/**
 * The launch command for serving `target`: `serve --stdio` for a directory, `run --stdio` for a
 * file, through `emceeCommand` if given, else this runtime running `mainScript`.
 */
export function launchFor(
  target: string,
  isDirectory: boolean,
  env: Record<string, string>,
  how: { emceeCommand?: string; runtime: string; executable: string; mainScript: string },
): ServerLaunch {
  const tail = [isDirectory ? "serve" : "run", "--stdio", target];
  if (how.emceeCommand !== undefined) return { command: how.emceeCommand, args: tail, env };
  const prefix = how.runtime === "deno" ? ["run", "-A"] : how.runtime === "bun" ? ["run"] : [];
  return { command: how.executable, args: [...prefix, how.mainScript, ...tail], env };
}

/**
 * Parses `<file|dir> --client C [--name N] [-e KEY=VALUE]... [--config PATH]`.
 * Throws {@linkcode InstallError} (`usage`) on a bad command line.
 */
export function parseInstallArgs(argv: readonly string[]): InstallOptions {
  const env: Record<string, string> = {};
  const positionals: string[] = [];
  let client: string | undefined;
  let name: string | undefined;
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const next = argv[++i];
      if (next === undefined) throw new InstallError("usage", `${flag} needs a value`);
      return next;
    };
    if (flag === "--client") client = value();
    else if (flag === "--name") name = value();
    else if (flag === "--config") config = value();
    else if (flag === "-e" || flag === "--env") {
      const pair = value();
      const at = pair.indexOf("=");
      if (at <= 0) throw new InstallError("usage", `-e expects KEY=VALUE, got "${pair}"`);
      env[pair.slice(0, at)] = pair.slice(at + 1);
    } else if (arg.startsWith("-") && arg !== "-") {
      throw new InstallError("usage", `unknown flag ${flag}`);
    } else positionals.push(arg);
  }
  if (positionals.length !== 1) {
    throw new InstallError("usage", "expected exactly one <file|dir> to install");
  }
  if (client === undefined || !isClientName(client)) {
    throw new InstallError("usage", `--client must be one of ${CLIENT_NAMES.join(", ")}`);
  }
  if (name !== undefined && name.trim() === "") throw new InstallError("usage", "--name is empty");
  return { target: positionals[0], client, name, env, config };
}

async function detectPlatform(home: string | undefined): Promise<PlatformFamily> {
  if (pathSeparator === "\\") return "windows";
  // No platform API is exported; macOS is recognised by its per-user Application Support folder.
  if (home !== undefined && (await fileInfo(joinPath(home, "Library", "Application Support")))) {
    return "darwin";
  }
  return "linux";
}

/** This module's own file path, from its `file:` URL (drive letters kept on Windows). */
function modulePath(): string {
  const path = decodeURIComponent(new URL(import.meta.url).pathname);
  return /^\/[A-Za-z]:/.test(path) ? path.slice(1) : path;
}

async function backupPath(path: string): Promise<string> {
  const plain = `${path}.bak`;
  if ((await fileInfo(plain)) === undefined) return plain;
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  return `${path}.${stamp}.bak`;
}

/**
 * Installs the server into the client's config file and prints what it did.
 * Returns the exit code: 0 done, 1 refused (nothing changed).
 */
export async function install(options: InstallOptions, io: InstallIo): Promise<number> {
  try {
    const target = resolvePath(options.target);
    const info = await fileInfo(target);
    if (info === undefined) throw new InstallError("refused", `${target} does not exist`);
    const home = homeDirectory();
    const path = options.config !== undefined ? resolvePath(options.config) : defaultConfigPath(
      options.client,
      {
        platform: await detectPlatform(home),
        home,
        appData: getEnv("APPDATA"),
        cwd: currentDirectory(),
      },
    );
    if (path === undefined) {
      throw new InstallError("refused", `cannot locate the ${options.client} config; use --config`);
    }
    const name = options.name ?? baseName(target).replace(/\.[^.]+$/, "");
    const launch = launchFor(target, info.isDirectory, options.env ?? {}, {
      emceeCommand: options.emceeCommand,
      runtime: runtimeName(),
      executable: executablePath(),
      mainScript: joinPath(parentDirectory(modulePath()), "main.ts"),
    });
    const existing = (await fileInfo(path)) === undefined ? undefined : await readTextFile(path);
    const result = installEntry(
      existing,
      options.client,
      name,
      clientEntry(options.client, launch),
      path,
    );
    if (existing === undefined) {
      await makeDirectory(parentDirectory(path), { recursive: true });
    } else {
      const backup = await backupPath(path);
      await writeFileAtomic(backup, existing);
      io.print(`Backed up ${path} to ${backup}`);
    }
    await writeFileAtomic(path, result.text);
    if (result.lostComments) {
      io.print(`Note: comments and trailing commas in ${path} were not kept`);
    }
    io.print(`${result.replaced ? "Replaced" : "Added"} server "${name}" in ${path}`);
    return 0;
  } catch (error) {
    if (error instanceof InstallError && error.kind === "refused") {
      io.error(`emcee install: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** Runs `emcee install` from its command-line arguments; returns the exit code (0, 1 or 2). */
export async function runInstall(
  argv: readonly string[],
  io: InstallIo,
  extra: { emceeCommand?: string } = {},
): Promise<number> {
  let options: InstallOptions;
  try {
    options = parseInstallArgs(argv);
  } catch (error) {
    if (error instanceof InstallError) {
      io.error(`emcee install: ${error.message}`);
      return 2;
    }
    throw error;
  }
  return await install({ ...options, ...extra }, io);
}
