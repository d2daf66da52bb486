/**
 * The file-system primitives each runtime adapter provides (`deno_fs.ts` over `Deno.*`,
 * `node_fs.ts` over `node:fs` for Node and Bun), and the errors `files.ts` reports them with.
 * The primitives throw the runtime's own errors; `files.ts` wraps them.
 *
 * @module
 */

interface PlatformGlobals {
  Deno?: { build?: { os?: string } };
  process?: { platform?: string };
}

const platformGlobals = globalThis as PlatformGlobals;

/** Whether the process runs on Windows: no permission bits, `\` separators, drive letters. */
export const isWindows: boolean = platformGlobals.Deno?.build?.os === "windows" ||
  (platformGlobals.Deno === undefined && platformGlobals.process?.platform === "win32");

/** What `stat` reports, in the same shape on every runtime. */
export interface FileStat {
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** A symbolic link (only from `lstat`-like calls; `stat` follows links). */
  isSymlink: boolean;
  /** Size in bytes. */
  size: number;
  /** Last modification, in milliseconds since the epoch, when the platform reports it. */
  modifiedMs: number | undefined;
  /** Permission bits (`0o600`), when the platform has them (not on Windows). */
  mode: number | undefined;
}

/** One entry of a directory listing; symbolic links are reported as links, not followed. */
export interface DirectoryEntry {
  /** The entry's name within the directory. */
  name: string;
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** A symbolic link. */
  isSymlink: boolean;
}

/** A raw change event from the runtime's watcher, before batching. */
export interface NativeWatchEvent {
  /** The absolute path that changed. */
  path: string;
  /**
   * What happened; `"rename"` means the path appeared or disappeared and must be looked at to
   * tell which.
   */
  kind: "create" | "modify" | "remove" | "rename" | "any";
}

/** A running native watcher. */
export interface NativeWatcher {
  /** Stops watching and releases everything that could keep the process alive. */
  close(): void;
}

/** Options for {@linkcode FileSystemPort.write}. */
export interface NativeWriteOptions {
  /** Permission bits to create the file with and to set on it before writing. */
  mode?: number;
  /** Fail with `EEXIST` instead of replacing an existing file. */
  exclusive?: boolean;
}

/** The file-system operations a runtime adapter implements. */
export interface FileSystemPort {
  /** Reads a UTF-8 file. */
  readText(path: string): Promise<string>;
  /** Reads a file's bytes. */
  readBytes(path: string): Promise<Uint8Array>;
  /** Creates or truncates `path`, sets `mode` if given, then writes `data` (text as UTF-8). */
  write(path: string, data: string | Uint8Array, options: NativeWriteOptions): Promise<void>;
  /** Renames `from` to `to`, replacing `to` if it is a file. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a file, or a directory (with its contents when `recursive`). */
  remove(path: string, recursive: boolean): Promise<void>;
  /** Creates a directory (and its parents when `recursive`, where existing is no error). */
  makeDirectory(path: string, recursive: boolean): Promise<void>;
  /** Describes `path`, following symbolic links. */
  stat(path: string): Promise<FileStat>;
  /** The entries of a directory, in no particular order. */
  readDirectory(path: string): Promise<DirectoryEntry[]>;
  /** The canonical absolute path, with every symbolic link resolved. */
  realPath(path: string): Promise<string>;
  /** The process's working directory. */
  currentDirectory(): string;
  /**
   * Watches the absolute `paths` (directories recursively). Resolves once events are being
   * delivered; rejects if a path cannot be watched (for instance, it does not exist).
   */
  watch(
    paths: string[],
    onEvent: (event: NativeWatchEvent) => void,
    onError: (error: unknown) => void,
  ): Promise<NativeWatcher>;
}

/** What a file-system operation was doing when it failed. */
export type FileOperation =
  | "read"
  | "write"
  | "rename"
  | "remove"
  | "makeDirectory"
  | "stat"
  | "list"
  | "watch";

/**
 * A failed file-system operation. `code` is the system's error code (`"EACCES"`, `"EEXIST"`, …)
 * when the runtime reports one; the runtime's own error is the `cause`.
 *
 * @example
 * ```ts
 * import { FileSystemError, readTextFile } from "./files.ts";
 * try {
 *   await readTextFile("/root/secret");
 * } catch (error) {
 *   if (error instanceof FileSystemError && error.code === "EACCES") console.error("no access");
 * }
 * ```
 */
export class FileSystemError extends Error {
  /** The system error code, such as `"EACCES"`, if known. */
  readonly code: string | undefined;
  /** The path the operation was on. */
  readonly path: string;
  /** The operation that failed. */
  readonly operation: FileOperation;

  /** Wraps `cause`, the runtime's error for `operation` on `path`. */
  constructor(operation: FileOperation, path: string, cause: unknown) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    super(`${operation} ${path}: ${detail}`, { cause });
    this.name = "FileSystemError";
    this.code = errorCode(cause);
    this.path = path;
    this.operation = operation;
  }
}

/**
 * A path, or one of its parent directories, does not exist (`ENOENT`, or `ENOTDIR` when a
 * parent is a file).
 *
 * @example
 * ```ts
 * import { FileNotFoundError, readTextFile } from "./files.ts";
 * const config = await readTextFile("emcee.json").catch((error) => {
 *   if (error instanceof FileNotFoundError) return "{}";
 *   throw error;
 * });
 * ```
 */
export class FileNotFoundError extends FileSystemError {
  /** Wraps `cause`, the runtime's not-found error for `operation` on `path`. */
  constructor(operation: FileOperation, path: string, cause: unknown) {
    super(operation, path, cause);
    this.name = "FileNotFoundError";
  }
}

/** The system error code of a runtime error: Node, Bun and Deno 2 all set `code`. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === "string") return code;
  // Deno names its errors after the kind even where `code` is missing.
  return (error as { name?: unknown } | null)?.name === "NotFound" ? "ENOENT" : undefined;
}

/** Whether `error` means the path (or a parent) does not exist. */
export function isNotFound(error: unknown): boolean {
  if (error instanceof FileSystemError) return error instanceof FileNotFoundError;
  const code = errorCode(error);
  return code === "ENOENT" || code === "ENOTDIR";
}

/** `error` wrapped as a {@linkcode FileSystemError}, or a `FileNotFoundError` when it is one. */
export function fileSystemError(
  operation: FileOperation,
  path: string,
  error: unknown,
): FileSystemError {
  if (error instanceof FileSystemError) return error;
  return isNotFound(error)
    ? new FileNotFoundError(operation, path, error)
    : new FileSystemError(operation, path, error);
}
