/**
 * The file-system primitives over the `Deno` global: `Deno.open`, `Deno.stat`, `Deno.readDir`,
 * `Deno.watchFs` and friends.
 *
 * @module
 */
import {
  type DirectoryEntry,
  type FileStat,
  type FileSystemPort,
  isWindows,
  type NativeWatcher,
  type NativeWatchEvent,
} from "./file_system.ts";

/** What `Deno.stat` reports. */
export interface DenoFileInfo {
  /** A regular file. */
  isFile: boolean;
  /** A directory. */
  isDirectory: boolean;
  /** A symbolic link. */
  isSymlink: boolean;
  /** Size in bytes. */
  size: number;
  /** Last modification, if known. */
  mtime: Date | null;
  /** Permission bits and file type, `null` on Windows. */
  mode: number | null;
}

/** An open file from `Deno.open`. */
export interface DenoFsFile {
  /** Writes some of `bytes`, resolving with how many. */
  write(bytes: Uint8Array): Promise<number>;
  /** Closes the file. */
  close(): void;
}

/** The `Deno.open` options used here. */
export interface DenoOpenOptions {
  /** Open for writing. */
  write: true;
  /** Create if missing. */
  create: true;
  /** Empty an existing file. */
  truncate: true;
  /** Fail if the file exists. */
  createNew: boolean;
  /** Permission bits for a new file. */
  mode?: number;
}

/** An event from `Deno.watchFs`. */
export interface DenoFsEvent {
  /** `"create"`, `"modify"`, `"remove"`, `"rename"`, `"access"`, `"any"` or `"other"`. */
  kind: string;
  /** The paths concerned. */
  paths: string[];
}

/** What `Deno.watchFs` returns: an iterable of events that ends when closed. */
export interface DenoFsWatcher extends AsyncIterable<DenoFsEvent> {
  /** Stops watching. */
  close(): void;
}

/** The file-system subset of the `Deno` global. Declared locally: no Deno types needed. */
export interface DenoFileSystemLike {
  /** Reads a UTF-8 file. */
  readTextFile(path: string): Promise<string>;
  /** Reads a file's bytes. */
  readFile(path: string): Promise<Uint8Array>;
  /** Opens a file. */
  open(path: string, options: DenoOpenOptions): Promise<DenoFsFile>;
  /** Changes permission bits. */
  chmod(path: string, mode: number): Promise<void>;
  /** Renames a path. */
  rename(from: string, to: string): Promise<void>;
  /** Removes a path. */
  remove(path: string, options: { recursive: boolean }): Promise<void>;
  /** Creates a directory. */
  mkdir(path: string, options: { recursive: boolean }): Promise<void>;
  /** Describes a path, following links. */
  stat(path: string): Promise<DenoFileInfo>;
  /** Lists a directory. */
  readDir(path: string): AsyncIterable<DirectoryEntry>;
  /** Resolves links. */
  realPath(path: string): Promise<string>;
  /** The working directory. */
  cwd(): string;
  /** Starts watching paths. */
  watchFs(paths: string[], options: { recursive: boolean }): DenoFsWatcher;
}

const encoder = new TextEncoder();

function watchEvent(kind: string, path: string): NativeWatchEvent | undefined {
  switch (kind) {
    case "create":
    case "modify":
    case "remove":
    case "rename":
      return { path, kind };
    case "access":
      return undefined; // Reading is no change.
    default:
      return { path, kind: "any" };
  }
}

async function pump(
  watcher: DenoFsWatcher,
  onEvent: (event: NativeWatchEvent) => void,
  onError: (error: unknown) => void,
): Promise<void> {
  try {
    for await (const event of watcher) {
      for (const path of event.paths) {
        const mapped = watchEvent(event.kind, path);
        if (mapped !== undefined) onEvent(mapped);
      }
    }
  } catch (error) {
    onError(error);
  }
}

/** The `FileSystemPort` over the `Deno` global. */
export function createDenoFileSystem(deno: DenoFileSystemLike): FileSystemPort {
  return {
    readText: (path: string): Promise<string> => deno.readTextFile(path),
    readBytes: (path: string): Promise<Uint8Array> => deno.readFile(path),
    async write(path, data, options): Promise<void> {
      const file = await deno.open(path, {
        write: true,
        create: true,
        truncate: true,
        createNew: options.exclusive === true,
        mode: options.mode,
      });
      try {
        // The mode given at creation only applies to new files (and is masked by the umask);
        // set it before writing so an existing file never holds the new content too openly.
        if (options.mode !== undefined && !isWindows) await deno.chmod(path, options.mode);
        const bytes = typeof data === "string" ? encoder.encode(data) : data;
        let offset = 0;
        while (offset < bytes.length) offset += await file.write(bytes.subarray(offset));
      } finally {
        file.close();
      }
    },
    rename: (from: string, to: string): Promise<void> => deno.rename(from, to),
    remove: (path: string, recursive: boolean): Promise<void> => deno.remove(path, { recursive }),
    makeDirectory: (path: string, recursive: boolean): Promise<void> =>
      deno.mkdir(path, { recursive }),
    async stat(path: string): Promise<FileStat> {
      const info = await deno.stat(path);
      return {
        isFile: info.isFile,
        isDirectory: info.isDirectory,
        isSymlink: info.isSymlink,
        size: info.size,
        modifiedMs: info.mtime?.getTime(),
        mode: info.mode === null || isWindows ? undefined : info.mode & 0o7777,
      };
    },
    async readDirectory(path: string): Promise<DirectoryEntry[]> {
      const entries: DirectoryEntry[] = [];
      for await (const entry of deno.readDir(path)) {
        const { name, isFile, isDirectory, isSymlink } = entry;
        entries.push({ name, isFile, isDirectory, isSymlink });
      }
      return entries;
    },
    realPath: (path: string): Promise<string> => deno.realPath(path),
    currentDirectory: (): string => deno.cwd(),
    // deno-lint-ignore require-await -- async so that a failing watchFs rejects, not throws.
    async watch(
      paths: string[],
      onEvent: (event: NativeWatchEvent) => void,
      onError: (error: unknown) => void,
    ): Promise<NativeWatcher> {
      // watchFs registers with the operating system before returning: events from here on are
      // queued, so the watcher is active as soon as this resolves.
      const watcher = deno.watchFs(paths, { recursive: true });
      let closed = false;
      void pump(watcher, onEvent, (error) => {
        if (!closed) onError(error);
      });
      return {
        close(): void {
          if (closed) return;
          closed = true;
          try {
            watcher.close();
          } catch {
            // Closed already.
          }
        },
      };
    },
  };
}
