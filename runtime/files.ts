/**
 * Reading and writing files the same way on Deno, Bun and Node: UTF-8 text, owner-only modes
 * for secrets, atomic replacement for configuration, recursive listing for tool folders. Every
 * failure is a {@linkcode FileSystemError} carrying the runtime's error as its `cause`; a
 * missing path is a {@linkcode FileNotFoundError}.
 *
 * @example
 * ```ts
 * import { homeDirectory, joinPath, readTextFile, writeTextFile } from "./mod.ts";
 * const tokenFile = joinPath(homeDirectory() ?? ".", ".emcee-token");
 * await writeTextFile(tokenFile, "secret", { mode: 0o600 });
 * console.log(await readTextFile(tokenFile));
 * ```
 *
 * @module
 */
import { currentAdapter } from "./adapter.ts";
import { errorCode, type FileOperation, fileSystemError, isNotFound } from "./file_system.ts";
import { baseName, joinPath, parentDirectory } from "./path.ts";

export { FileNotFoundError, FileSystemError } from "./file_system.ts";

const fs = currentAdapter.files;

async function wrapped<T>(
  operation: FileOperation,
  path: string,
  run: () => Promise<T>,
): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw fileSystemError(operation, path, error);
  }
}

/**
 * Reads a UTF-8 text file.
 *
 * @example
 * ```ts
 * import { readTextFile } from "./files.ts";
 * const config = JSON.parse(await readTextFile("emcee.json"));
 * ```
 */
export function readTextFile(path: string): Promise<string> {
  return wrapped("read", path, () => fs.readText(path));
}

/** Options for {@linkcode writeTextFile} and {@linkcode writeFileAtomic}. */
export interface WriteFileOptions {
  /**
   * Permission bits, e.g. `0o600` for owner-only. Applied when the file is created and set on
   * an existing file before the new text is written. Ignored on Windows, which has no such bits.
   */
  mode?: number;
}

/**
 * Writes `text` as UTF-8, creating the file or replacing its contents. With `mode`, the file
 * has exactly that mode afterwards even if it existed with a wider one (the umask does not
 * widen or narrow it).
 *
 * @example
 * ```ts
 * import { writeTextFile } from "./files.ts";
 * await writeTextFile("token.txt", "secret", { mode: 0o600 }); // owner-only
 * ```
 */
export function writeTextFile(
  path: string,
  text: string,
  options: WriteFileOptions = {},
): Promise<void> {
  return wrapped("write", path, () => fs.write(path, text, { mode: options.mode }));
}

/**
 * Writes `bytes`, creating the file or replacing its contents; `mode` as for
 * {@linkcode writeTextFile}.
 *
 * @example
 * ```ts
 * import { writeBinaryFile } from "./files.ts";
 * await writeBinaryFile("pixel.png", new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
 * ```
 */
export function writeBinaryFile(
  path: string,
  bytes: Uint8Array,
  options: WriteFileOptions = {},
): Promise<void> {
  return wrapped("write", path, () => fs.write(path, bytes, { mode: options.mode }));
}

/**
 * Reads the whole file at `path` as bytes.
 *
 * @example
 * ```ts
 * import { readBinaryFile } from "./files.ts";
 * const png = await readBinaryFile("pixel.png");
 * ```
 */
export function readBinaryFile(path: string): Promise<Uint8Array> {
  return wrapped("read", path, () => fs.readBytes(path));
}

function temporaryName(path: string): string {
  const random = crypto.getRandomValues(new Uint32Array(2)).join("");
  return joinPath(parentDirectory(path), `.${baseName(path)}.${random}.tmp`);
}

/**
 * Replaces the file at `path` all at once: the text is written to a new file beside it, then
 * renamed over it, so a reader (or a crash) sees the old contents or the new, never half. Without
 * `mode`, an existing file keeps its mode.
 *
 * @example
 * ```ts
 * import { writeFileAtomic } from "./files.ts";
 * await writeFileAtomic("emcee.json", JSON.stringify({ tools: "./tools" }, null, 2));
 * ```
 */
export async function writeFileAtomic(
  path: string,
  text: string,
  options: WriteFileOptions = {},
): Promise<void> {
  const mode = options.mode ?? (await fileInfo(path))?.mode;
  const temporary = temporaryName(path);
  await wrapped("write", path, () => fs.write(temporary, text, { mode, exclusive: true }));
  try {
    await wrapped("rename", path, () => fs.rename(temporary, path));
  } catch (error) {
    await fs.remove(temporary, false).catch(() => {});
    throw error;
  }
}

/**
 * Creates the file at `path` holding `text`, only if nothing is there yet (`O_EXCL`, atomic on
 * local file systems): true when this call created it, false when the path already existed.
 * The building block of lock files shared between processes. `mode` as for
 * {@linkcode writeTextFile}.
 *
 * @example
 * ```ts
 * import { createFileExclusive, removeFile } from "./files.ts";
 * if (await createFileExclusive("tokens.json.lock", String(Date.now()))) {
 *   try {
 *     // … only this process changes tokens.json now …
 *   } finally {
 *     await removeFile("tokens.json.lock", { ignoreMissing: true });
 *   }
 * }
 * ```
 */
export async function createFileExclusive(
  path: string,
  text: string,
  options: WriteFileOptions = {},
): Promise<boolean> {
  try {
    await fs.write(path, text, { mode: options.mode, exclusive: true });
    return true;
  } catch (error) {
    const exists = errorCode(error) === "EEXIST" ||
      (error as { name?: unknown } | null)?.name === "AlreadyExists";
    if (exists) return false;
    throw fileSystemError("write", path, error);
  }
}

/**
 * Removes a file, or a directory with `recursive`. Missing paths are an error
 * ({@linkcode FileNotFoundError}) unless `ignoreMissing` is set.
 *
 * @example
 * ```ts
 * import { removeFile } from "./files.ts";
 * await removeFile("token.txt", { ignoreMissing: true });
 * ```
 */
export async function removeFile(
  path: string,
  options: { recursive?: boolean; ignoreMissing?: boolean } = {},
): Promise<void> {
  try {
    await wrapped("remove", path, () => fs.remove(path, options.recursive ?? false));
  } catch (error) {
    if (!(options.ignoreMissing && isNotFound(error))) throw error;
  }
}

/**
 * Creates a directory; with `recursive`, its missing parents too, and an existing directory
 * is no error.
 *
 * @example
 * ```ts
 * import { makeDirectory } from "./files.ts";
 * await makeDirectory("tools/weather", { recursive: true });
 * ```
 */
export function makeDirectory(
  path: string,
  options: { recursive?: boolean } = {},
): Promise<void> {
  return wrapped("makeDirectory", path, () => fs.makeDirectory(path, options.recursive ?? false));
}

/** What {@linkcode fileInfo} reports about a path. */
export interface FileInfo {
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** Size in bytes. */
  size: number;
  /** Last modification, in milliseconds since the epoch, when the platform reports it. */
  modifiedMs: number | undefined;
  /** Permission bits such as `0o600`; `undefined` on Windows. */
  mode: number | undefined;
}

/**
 * Describes `path` (following symbolic links), or `undefined` if it does not exist.
 *
 * @example
 * ```ts
 * import { fileInfo } from "./files.ts";
 * const info = await fileInfo("token.txt");
 * if (info?.mode !== undefined && (info.mode & 0o077) !== 0) console.error("token is readable by others");
 * ```
 */
export async function fileInfo(path: string): Promise<FileInfo | undefined> {
  try {
    const { isFile, isDirectory, size, modifiedMs, mode } = await fs.stat(path);
    return { isFile, isDirectory, size, modifiedMs, mode };
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw fileSystemError("stat", path, error);
  }
}

/** Options for {@linkcode listFilesRecursive}. */
export interface ListFilesOptions {
  /** Only files whose names end with one of these, e.g. `[".ts", ".js"]` (dot optional). */
  extensions?: string[];
}

/** Directories a listing never enters: dependencies and hidden (`.git`, `.cache`) ones. */
function skipsDirectory(name: string): boolean {
  return name === "node_modules" || name.startsWith(".");
}

/**
 * Every file below `directory`, as paths starting with `directory`, sorted. `node_modules` and
 * directories whose names start with `.` are skipped. Symbolic links are followed, but a
 * directory reached twice (a link loop, or two links to one place) is listed once.
 *
 * @example
 * ```ts
 * import { listFilesRecursive } from "./files.ts";
 * const tools = await listFilesRecursive("tools", { extensions: [".ts", ".js"] });
 * ```
 */
export async function listFilesRecursive(
  directory: string,
  options: ListFilesOptions = {},
): Promise<string[]> {
  const suffixes = options.extensions?.map((ext) => (ext.startsWith(".") ? ext : `.${ext}`));
  const wanted = (name: string): boolean =>
    suffixes === undefined || suffixes.some((suffix) => name.endsWith(suffix));
  const visited = new Set<string>();
  const files: string[] = [];

  const walk = async (current: string): Promise<void> => {
    const real = await wrapped("list", current, () => fs.realPath(current));
    if (visited.has(real)) return;
    visited.add(real);
    const entries = await wrapped("list", current, () => fs.readDirectory(current));
    for (const entry of entries) {
      const path = joinPath(current, entry.name);
      let { isFile, isDirectory } = entry;
      if (entry.isSymlink) {
        const target = await fileInfo(path);
        if (target === undefined) continue; // A dangling link names nothing.
        ({ isFile, isDirectory } = target);
      }
      if (isDirectory && !skipsDirectory(entry.name)) await walk(path);
      else if (isFile && wanted(entry.name)) files.push(path);
    }
  };

  await walk(directory);
  return files.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The process's working directory.
 *
 * @example
 * ```ts
 * import { currentDirectory } from "./files.ts";
 * console.log(`serving tools from ${currentDirectory()}`);
 * ```
 */
export function currentDirectory(): string {
  return fs.currentDirectory();
}

/**
 * The user's home directory, from `HOME` (or `USERPROFILE` on Windows), or `undefined` when
 * neither is set or the environment cannot be read.
 *
 * @example
 * ```ts
 * import { homeDirectory, joinPath } from "./mod.ts";
 * const configDirectory = joinPath(homeDirectory() ?? ".", ".config", "emcee");
 * ```
 */
export function homeDirectory(): string | undefined {
  const home = currentAdapter.env("HOME") || currentAdapter.env("USERPROFILE");
  if (home) return home;
  const drive = currentAdapter.env("HOMEDRIVE");
  const path = currentAdapter.env("HOMEPATH");
  return drive && path ? drive + path : undefined;
}
